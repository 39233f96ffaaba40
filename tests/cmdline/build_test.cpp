// build_command_line against a fixed HostCaps (the one narrow fake): exact
// command lines, controllers, NIC models, balloon, OVMF, refusals.
#include <algorithm>
#include <filesystem>

#include <catch2/catch.hpp>

#include "config/reader.h"
#include "service/qemu/cmdline.h"
#include "tests/support/child.h"

using namespace qmd::qemu;

namespace {

HostCaps fake_host() {
  HostCaps h;
  h.qemu_binary = "/usr/bin/qemu-system-x86_64";
  h.qemu_version = "7.2.22";
  h.machine_types = {"pc", "q35", "pc-i440fx-7.2", "pc-q35-7.2", "pc-i440fx-6.0", "pc-q35-3.1"};
  h.ovmf_files = {{"OVMF_CODE.fd", "/ovmf/OVMF_CODE.fd"}, {"OVMF_VARS.fd", "/ovmf/OVMF_VARS.fd"}};
  h.spice = true;
  return h;
}

CmdlineContext ctx_for(const HostCaps& host) {
  CmdlineContext c;
  c.vmid = 100;
  c.run_dir = "/run/qmd";
  c.host = host;
  c.volume_path = [](const std::string& volid) {
    if (volid.rfind("rbd:", 0) == 0) throw std::runtime_error("storage type 'rbd' is not supported by qmd");
    return "/img/" + volid.substr(volid.find(':') + 1);
  };
  return c;
}

std::vector<std::string> build(const std::string& text, const HostCaps& host = fake_host()) {
  return build_command_line(qmd::config::parse_config(text, 100, true).conf, ctx_for(host));
}

// The values of every `opt` argument, in order.
std::vector<std::string> values(const std::vector<std::string>& argv, const std::string& opt) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == opt) out.push_back(argv[i + 1]);
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("a minimal VM: the exact command line") {
  const auto argv = build("name: web\nsmbios1: uuid=7b10d7af-b932-4c66-b2c3-3996152ec465\nostype: l26\n");
  CHECK(format_command_line(argv, false) ==
        "/usr/bin/qemu-system-x86_64 -name 'web,debug-threads=on' -no-shutdown"
        " -chardev 'socket,id=qmp,path=/run/qmd/100.qmp,server=on,wait=off' -mon 'chardev=qmp,mode=control'"
        " -pidfile /run/qmd/100.pid -smbios 'type=1,uuid=7b10d7af-b932-4c66-b2c3-3996152ec465'"
        " -smp '1,sockets=1,cores=1,maxcpus=1' -nodefaults -boot 'menu=on,strict=on,reboot-timeout=1000'"
        " -vnc 'unix:/run/qmd/100.vnc,password=on' -cpu qemu64,+lahf_lm,+sep -m 512"
        " -device 'pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0,addr=0x1e'"
        " -device 'pci-bridge,id=pci.2,chassis_nr=2,bus=pci.0,addr=0x1f'"
        " -device 'piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2' -device 'usb-tablet,id=tablet,bus=uhci.0,port=1'"
        " -device 'VGA,id=vga,bus=pci.0,addr=0x2'"
        " -device 'virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3,free-page-reporting=on'"
        " -machine 'accel=tcg,type=pc'");
}

TEST_CASE("KVM usable: kvm64 with Proxmox's flags and accel=kvm") {
  HostCaps h = fake_host();
  h.kvm = true;
  const auto argv = build("ostype: l26\n", h);
  CHECK(values(argv, "-cpu") == std::vector<std::string>{"kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep"});
  CHECK(values(argv, "-machine") == std::vector<std::string>{"accel=kvm,type=pc"});
  CHECK_THROWS_WITH(build("cpu: host\n"), "CPU type 'host' needs KVM, which is not usable on this host");
}

TEST_CASE("disks: lsi controllers hold 7 disks each, the third sits on pci.4") {
  const auto argv = build("scsi0: local:100/vm-100-disk-0.raw\nscsi9: local:100/vm-100-disk-1.qcow2,cache=writeback\n"
                          "scsi16: local:100/vm-100-disk-2.raw,discard=on\n");
  const auto dev = values(argv, "-device");
  CHECK(has(dev, "lsi,id=scsihw0,bus=pci.0,addr=0x5"));
  CHECK(has(dev, "lsi,id=scsihw1,bus=pci.0,addr=0x6"));
  CHECK(has(dev, "lsi,id=scsihw2,bus=pci.4,addr=0x1"));
  CHECK(has(dev, "pci-bridge,id=pci.4,chassis_nr=4,bus=pci.1,addr=0x1c"));
  CHECK(has(dev, "scsi-hd,bus=scsihw1.0,scsi-id=2,drive=drive-scsi9,id=scsi9"));
  CHECK(has(dev, "scsi-hd,bus=scsihw0.0,scsi-id=0,drive=drive-scsi0,id=scsi0"));
  const auto drv = values(argv, "-drive");
  CHECK(has(drv, "file=/img/100/vm-100-disk-1.qcow2,if=none,id=drive-scsi9,format=qcow2,cache=writeback,aio=io_uring,detect-zeroes=on"));
  CHECK(has(drv, "file=/img/100/vm-100-disk-2.raw,if=none,id=drive-scsi16,discard=on,format=raw,cache=none,aio=io_uring,detect-zeroes=unmap"));
}

TEST_CASE("disks: virtio-scsi-single gets a controller per disk on pci.3 with its iothread") {
  const auto argv = build("scsihw: virtio-scsi-single\nscsi2: local:100/vm-100-disk-0.raw,iothread=1\n");
  CHECK(has(values(argv, "-object"), "iothread,id=iothread-virtioscsi2"));
  const auto dev = values(argv, "-device");
  CHECK(has(dev, "pci-bridge,id=pci.3,chassis_nr=3,bus=pci.0,addr=0x5"));
  CHECK(has(dev, "virtio-scsi-pci,id=virtioscsi2,bus=pci.3,addr=0x3,iothread=iothread-virtioscsi2"));
  CHECK(has(dev, "scsi-hd,bus=virtioscsi2.0,channel=0,scsi-id=0,lun=2,drive=drive-scsi2,id=scsi2"));
}

TEST_CASE("disks: pvscsi, megasas and virtio-scsi-pci addressing") {
  CHECK(has(values(build("scsihw: pvscsi\nscsi9: local:100/vm-100-disk-0.raw\n"), "-device"),
            "scsi-hd,bus=scsihw0.0,scsi-id=9,drive=drive-scsi9,id=scsi9"));
  const auto mega = values(build("scsihw: megasas\nscsi9: local:100/vm-100-disk-0.raw,ssd=1\n"), "-device");
  CHECK(has(mega, "megasas,id=scsihw0,bus=pci.0,addr=0x5"));
  CHECK(has(mega, "scsi-hd,bus=scsihw0.0,channel=0,scsi-id=0,lun=9,drive=drive-scsi9,id=scsi9,rotation_rate=1"));
  CHECK(has(values(build("scsihw: virtio-scsi-pci\nscsi1: local:iso/x.iso,media=cdrom\n"), "-device"),
            "scsi-cd,bus=scsihw0.0,channel=0,scsi-id=0,lun=1,drive=drive-scsi1,id=scsi1,bootindex=200"));
}

TEST_CASE("disks: ide (i440fx and q35), sata/ahci, virtio-blk with iothread, CD-ROMs") {
  const auto pc = build("ide1: local:100/vm-100-disk-0.raw\nide2: none,media=cdrom\nsata3: local:100/vm-100-disk-1.raw\n"
                        "virtio7: local:100/vm-100-disk-2.raw,iothread=1\n");
  const auto dev = values(pc, "-device");
  CHECK(has(dev, "ide-hd,bus=ide.0,unit=1,drive=drive-ide1,id=ide1"));
  CHECK(has(dev, "ide-cd,bus=ide.1,unit=0,drive=drive-ide2,id=ide2,bootindex=200"));
  CHECK(has(dev, "ahci,id=ahci0,multifunction=on,bus=pci.0,addr=0x7"));
  CHECK(has(dev, "ide-hd,bus=ahci0.3,drive=drive-sata3,id=sata3"));
  CHECK(has(dev, "virtio-blk-pci,drive=drive-virtio7,id=virtio7,bus=pci.2,addr=0x2,iothread=iothread-virtio7"));
  CHECK(has(values(pc, "-object"), "iothread,id=iothread-virtio7"));
  CHECK(has(values(pc, "-drive"), "if=none,id=drive-ide2,media=cdrom,aio=io_uring"));
  const auto q35 = values(build("machine: q35\nide1: local:iso/a.iso,media=cdrom\nide3: none,media=cdrom\n"), "-device");
  CHECK(has(q35, "ide-cd,bus=ide.2,unit=0,drive=drive-ide1,id=ide1,bootindex=200"));
  CHECK(has(q35, "ide-cd,bus=ide.3,unit=0,drive=drive-ide3,id=ide3,bootindex=201"));
  CHECK(has(q35, "i82801b11-bridge,id=pcidmi,bus=pcie.0,addr=0x1e.0x0"));
  CHECK_THROWS_WITH(build("ide3: local:iso/three.iso,size=1M\n"), "ide3: explicit media parameter is required for iso images");
  CHECK_THROWS_WITH(build("scsi0: rbd:vm-100-disk-0\n"), "scsi0: storage type 'rbd' is not supported by qmd");
}

TEST_CASE("NICs: models, user networking without a bridge, tap with multiqueue on a bridge") {
  const auto argv = build("name: n\nnet0: e1000=BC:24:11:00:00:01\nnet1: rtl8139=BC:24:11:00:00:02,bridge=vmbr9\n"
                          "net2: vmxnet3=BC:24:11:00:00:03\nnet7: virtio=BC:24:11:00:00:04,queues=2\n");
  const auto dev = values(argv, "-device");
  CHECK(has(dev, "e1000,mac=BC:24:11:00:00:01,netdev=net0,bus=pci.0,addr=0x12,id=net0,bootindex=300"));
  CHECK(has(dev, "rtl8139,mac=BC:24:11:00:00:02,netdev=net1,bus=pci.0,addr=0x13,id=net1,bootindex=301"));
  CHECK(has(dev, "vmxnet3,mac=BC:24:11:00:00:03,netdev=net2,bus=pci.0,addr=0x14,id=net2,bootindex=302"));
  CHECK(has(dev, "virtio-net-pci,mac=BC:24:11:00:00:04,netdev=net7,bus=pci.1,addr=0x2,id=net7,"
                 "rx_queue_size=1024,tx_queue_size=256,bootindex=303"));
  CHECK(values(argv, "-netdev") == std::vector<std::string>{"type=user,id=net0,hostname=n", "type=user,id=net1,hostname=n",
                                                             "type=user,id=net2,hostname=n", "type=user,id=net7,hostname=n"});
  HostCaps h = fake_host();
  h.bridges = {"vmbr0"};
  h.bridge_script = "/s/up";
  h.bridgedown_script = "/s/down";
  const auto tap = build("net0: virtio=BC:24:11:00:00:04,bridge=vmbr0,queues=2,mtu=9000\n", h);
  CHECK(values(tap, "-netdev") ==
        std::vector<std::string>{"type=tap,id=net0,ifname=tap100i0,script=/s/up,downscript=/s/down,queues=2"});
  CHECK(has(values(tap, "-device"), "virtio-net-pci,mac=BC:24:11:00:00:04,netdev=net0,bus=pci.0,addr=0x12,id=net0,"
                                    "vectors=6,mq=on,packed=on,rx_queue_size=1024,tx_queue_size=256,bootindex=300,host_mtu=9000"));
}

TEST_CASE("balloon: off with balloon 0, no free page reporting before machine 6.2") {
  auto dev = values(build("balloon: 0\n"), "-device");
  CHECK(std::none_of(dev.begin(), dev.end(), [](const std::string& d) { return d.rfind("virtio-balloon", 0) == 0; }));
  dev = values(build("machine: pc-i440fx-6.0\n"), "-device");
  CHECK(has(dev, "virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3"));
  CHECK(values(build("machine: pc-i440fx-6.0+pve1\n"), "-machine") == std::vector<std::string>{"accel=tcg,type=pc-i440fx-6.0"});
}

TEST_CASE("OVMF: code image, efidisk as pflash1, a vars copy in run_dir without efidisk") {
  auto argv = build("bios: ovmf\nefidisk0: local:100/vm-100-disk-1.qcow2,size=128K\n");
  CHECK(values(argv, "-drive") == std::vector<std::string>{
                                      "if=pflash,unit=0,format=raw,readonly=on,file=/ovmf/OVMF_CODE.fd",
                                      "if=pflash,unit=1,id=drive-efidisk0,format=qcow2,file=/img/100/vm-100-disk-1.qcow2"});
  qmd::testing::TempDir tmp;
  HostCaps h = fake_host();
  const std::string vars = tmp / "OVMF_VARS.fd";
  qmd::testing::write_file(vars, "vars-template");
  h.ovmf_files["OVMF_VARS.fd"] = vars;
  CmdlineContext c = ctx_for(h);
  c.run_dir = tmp / "run";
  c.for_start = true;
  argv = build_command_line(qmd::config::parse_config("bios: ovmf\n", 100, true).conf, c);
  CHECK(values(argv, "-drive")[1] == "if=pflash,unit=1,id=drive-efidisk0,format=raw,file=" + tmp.path() + "/run/100-ovmf.fd");
  CHECK(qmd::testing::read_file(tmp / "run/100-ovmf.fd") == "vars-template");
  CHECK_THROWS_WITH(build("bios: ovmf\nefidisk0: local:100/vm-100-disk-1.raw,efitype=4m\n"),
                    "OVMF image 'OVMF_CODE_4M.fd' is not installed on this host (Debian package ovmf)");
}

TEST_CASE("refusals name what the host lacks, --snapshot reads the snapshot section") {
  CHECK_THROWS_WITH(build("arch: aarch64\n"),
                    "arch 'aarch64' needs qemu-system-aarch64, which qmd does not run on this x86_64 host");
  CHECK_THROWS_WITH(build("hostpci0: mapping=gpu\n"), "PCI mapping 'gpu' (hostpci0) is not defined on this host");
  CHECK_THROWS_WITH(build("usb0: host=dead:beef\n"), "USB device 'dead:beef' (usb0) is not present on this host");
  CHECK_THROWS_WITH(build("scsi0: /dev/does-not-exist\n"), "scsi0: '/dev/does-not-exist' does not exist on this host");
  const auto file = qmd::config::parse_config("memory: 1024\n\n[snap1]\nmemory: 2048\nsnaptime: 1\n", 100, true).conf;
  CmdlineContext c = ctx_for(fake_host());
  c.snapshot = "snap1";
  CHECK(values(build_command_line(file, c), "-m") == std::vector<std::string>{"2048"});
  c.snapshot = "nope";
  CHECK_THROWS_WITH(build_command_line(file, c), "snapshot 'nope' does not exist");
}
