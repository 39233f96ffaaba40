// Property strings (spec §2.5 / §4): parse, errors with exact texts, canonical print.
#include <catch2/catch.hpp>

#include <functional>

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/formats/format_defs.h"
#include "config/formats/net.h"
#include "config/formats/options.h"
#include "config/formats/size.h"
#include "config/propstring.h"

using namespace qmd::config;

static std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST_CASE("generic property-string errors") {
  const Format& vga = formats::vga();
  CHECK(error_of([&] { parse_property_string(vga, "std,memory=8,memory=9"); }) ==
        "duplicate key in comma-separated list property: memory");
  CHECK(error_of([&] { parse_property_string(vga, "std,foo=1"); }) ==
        "invalid key in comma-separated list property: foo");
  CHECK(error_of([&] { parse_property_string(vga, "std,qxl"); }) ==
        "duplicate key in comma-separated list property: type");
  CHECK(error_of([&] { parse_property_string(formats::numa(), "1-2"); }) ==
        "value without key, but schema does not define a default key");
  CHECK(error_of([&] { parse_property_string(vga, "memory="); }) == "missing key in comma-separated list property");
  CHECK(error_of([&] { parse_property_string(vga, "foo"); }) ==
        "format error\ntype: value 'foo' does not have a value in the enumeration 'cirrus, qxl, qxl2, qxl3, "
        "qxl4, none, serial0, serial1, serial2, serial3, std, virtio, virtio-gl, vmware'");
  CHECK(error_of([&] { parse_property_string(vga, "std,memory=2"); }) ==
        "format error\nmemory: value must have a minimum value of 4");
  CHECK(error_of([&] { parse_property_string(vga, "std,memory=x"); }) ==
        "format error\nmemory: type check ('integer') failed - got 'x'");
}

TEST_CASE("memory format with path prefix as in API validation") {
  CHECK(error_of([] { parse_property_string(formats::memory(), "8", "memory"); }) ==
        "format error\nmemory.current: value must have a minimum value of 16");
  CHECK(parse_property_string(formats::memory(), "current=1024").at("current") == "1024");
}

TEST_CASE("required keys and requires") {
  CHECK(error_of([] { parse_property_string(formats::numa(), "memory=512"); }) ==
        "format error\ncpus: property is missing and it is not optional");
  CHECK(error_of([] { parse_property_string(formats::ipconfig(), "gw=10.0.0.1"); }) ==
        "format error\nip: missing property - 'gw' requires this property");
  CHECK(error_of([] { parse_property_string(formats::ipconfig(), "ip=10.0.0.1/33"); }) ==
        "format error\nip: invalid format - value does not look like a valid ipv4 network configuration");
  auto ok = parse_property_string(formats::ipconfig(), "ip=10.0.0.2/24,gw=10.0.0.1,ip6=auto");
  CHECK(ok.size() == 3);
}

TEST_CASE("net: model shorthand, canonical print") {
  PropMap n = parse_net("bridge=vmbr0,virtio=BC:24:11:2C:69:EC,firewall=on");
  CHECK(n.at("model") == "virtio");
  CHECK(n.at("macaddr") == "BC:24:11:2C:69:EC");
  CHECK(n.at("firewall") == "1");
  CHECK(print_net(n) == "virtio=BC:24:11:2C:69:EC,bridge=vmbr0,firewall=1");
  CHECK(print_net(parse_net("model=e1000,macaddr=92:38:11:FD:ED:87,tag=5")) == "e1000=92:38:11:FD:ED:87,tag=5");
  CHECK(print_net(parse_net("virtio,bridge=vmbr1")) == "virtio,bridge=vmbr1");
  CHECK(error_of([] { parse_net("virtio=01:00:00:00:00:01"); }) ==
        "format error\nmacaddr: invalid format - value does not look like a valid unicast MAC address");
  CHECK(error_of([] { parse_net("bridge=vmbr0"); }) == "format error\nmodel: property is missing and it is not optional");
  CHECK(error_of([] { parse_net("virtio,tag=4095"); }) == "format error\ntag: value must have a maximum value of 4094");
  CHECK(error_of([] { parse_net("virtio=BC:24:11:2C:69:EC,e1000=BC:24:11:2C:69:ED"); }) ==
        "key alias 'model' is already defined");
}

TEST_CASE("drives: parse, canonical print, semantic errors") {
  PropMap d = parse_drive("scsi0", "size=34359738368,local-lvm:vm-100-disk-0,iothread=yes,cache=writeback");
  CHECK(d.at("file") == "local-lvm:vm-100-disk-0");
  CHECK(d.at("size") == "34359738368");
  CHECK(print_drive(d) == "local-lvm:vm-100-disk-0,cache=writeback,iothread=1,size=32G");
  CHECK(print_drive(parse_drive("ide2", "volume=local:iso/x.iso,media=cdrom,size=707456K")) ==
        "local:iso/x.iso,media=cdrom,size=707456K");
  CHECK(print_drive(parse_drive("ide0", "local:100/a.qcow2,cyls=10,heads=2,secs=3,trans=lba")) ==
        "local:100/a.qcow2");
  CHECK(print_drive(parse_drive("scsi1", "/dev/sdg,scsiblock=1,size=1536")) == "/dev/sdg,scsiblock=1,size=1536");
  CHECK(print_drive(parse_drive("virtio0", "ab:y,iops_rd_length=3,iops_rd_max=5")) ==
        "ab:y,iops_rd_max=5,iops_rd_max_length=3");
  CHECK(error_of([] { parse_drive("virtio0", "local:iso/a.iso,media=cdrom"); }) == "unable to parse drive options");
  CHECK(error_of([] { parse_drive("scsi0", "local:1/a.raw,mbps=1,mbps_rd=2"); }) == "unable to parse drive options");
  CHECK(error_of([] { parse_drive("scsi0", "local:1/a.raw,mbps_max=3"); }) == "unable to parse drive options");
  CHECK(error_of([] { parse_drive("ide0", "local:iso/a.iso,media=cdrom,format=raw"); }) ==
        "unable to parse drive options");
  CHECK(error_of([] { parse_drive("scsi0", "foo"); }) ==
        "format error\nfile: invalid format - unable to parse volume ID 'foo'");
  CHECK(error_of([] { parse_drive("scsi0", "ab:c,size=12X"); }) ==
        "format error\nsize: invalid format - value does not look like a valid disk size: 12X");
  CHECK(error_of([] { parse_drive("sata0", "ab:c,iothread=1"); }) ==
        "invalid key in comma-separated list property: iothread");
  CHECK(drive_is_cloudinit(parse_drive("ide2", "lvm:vm-120-cloudinit,media=cdrom")));
  CHECK(drive_is_cloudinit(parse_drive("ide2", "local:120/vm-120-cloudinit.qcow2,media=cdrom")));
  CHECK_FALSE(drive_is_cloudinit(parse_drive("ide2", "local:iso/cloudinit-x.iso,media=cdrom")));
}

TEST_CASE("sizes") {
  CHECK(parse_size("4G") == 4294967296ULL);
  CHECK(parse_size("1.5K") == 1536U);
  CHECK(parse_size("2GiB") == 2147483648ULL);
  CHECK(parse_size("0.1K") == 102U);
  CHECK_FALSE(parse_size("1.K"));
  CHECK_FALSE(parse_size("K"));
  CHECK_FALSE(parse_size("99999999999999999999"));
  CHECK(format_size(34359738368ULL) == "32G");
  CHECK(format_size(107374182) == "107374182");
  CHECK(format_size(724434944) == "707456K");
  CHECK(format_size(1099511627776ULL) == "1T");
  CHECK(format_size(0) == "0T");
}

TEST_CASE("startup, boot order, hotplug, pending delete") {
  auto s = parse_startup("order=3,up=20,down=40");
  CHECK(s.order == 3U);
  CHECK(s.up == 20U);
  CHECK(s.down == 40U);
  CHECK(parse_startup("7").order == 7U);
  CHECK(error_of([] { parse_startup("order=x"); }) == "unable to parse startup options");
  CHECK(error_of([] { parse_startup("foo=1"); }) == "unable to parse startup options");
  CHECK(parse_boot_order("order=scsi0;ide2;net0") == std::vector<std::string>{"scsi0", "ide2", "net0"});
  CHECK(parse_boot_order("cdn").empty());
  CHECK(error_of([] { parse_boot_order("order=scsi0;efidisk0"); }) ==
        "format error\norder: invalid format - invalid boot device 'efidisk0'");
  CHECK(print_boot_order({"scsi0", "net0"}) == "order=scsi0;net0");
  CHECK(parse_hotplug("1") == std::set<std::string>{"disk", "network", "usb"});
  CHECK(parse_hotplug("0").empty());
  CHECK(error_of([] { parse_hotplug("disk,gpu"); }) == "invalid hotplug feature 'gpu'");
  auto del = parse_pending_delete("net1 !scsi0;agent,net1");
  CHECK(print_pending_delete(del) == "agent,net1,!scsi0");
}

TEST_CASE("other formats accept corpus-like values and reject bad ones") {
  CHECK_NOTHROW(parse_property_string(formats::cpu(), "x86-64-v2-AES,flags=+aes;-pcid,hidden=1"));
  CHECK_NOTHROW(parse_property_string(formats::hostpci(), "0000:01:00.0;0000:01:00.1,pcie=1,x-vga=1"));
  CHECK_NOTHROW(parse_property_string(formats::usb(), "host=0x1234:0xabcd,usb3=1"));
  CHECK_NOTHROW(parse_property_string(formats::usb(), "spice"));
  CHECK_NOTHROW(parse_property_string(formats::agent(), "1,freeze-fs-on-backup=0"));
  CHECK_NOTHROW(parse_property_string(formats::smbios1(), "uuid=7b10d7af-b932-4c66-b2c3-3996152ec465"));
  CHECK_NOTHROW(parse_property_string(formats::machine(), "q35,viommu=virtio,aw-bits=48"));
  CHECK(error_of([] { parse_property_string(formats::usb(), "host=12:34"); }) ==
        "format error\nhost: invalid format - unable to parse usb device");
  CHECK(error_of([] { parse_property_string(formats::smbios1(), "uuid=xyz"); }) ==
        "format error\nuuid: value does not match the regex pattern");
  CHECK(error_of([] { parse_property_string(formats::audio(), "driver=none"); }) ==
        "format error\ndevice: property is missing and it is not optional");
}
