// Cloud-init through the real qm binary: the password never in clear, the
// cloud-init volume, the documents as Proxmox's generator prints them, and the
// seed ISO made by the real genisoimage.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/cli/qm_fixture.h"

using namespace qmd::testing;
namespace fs = std::filesystem;

namespace {

const std::string kClear = "Tr0ub4dor&3-horse";
const std::string kKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE/abc+xyz alice@laptop";

std::string write_key(const Qm& qm) {
  const std::string path = qm.dir() + "/../" + fs::path(qm.dir()).filename().string() + "-id.pub";
  std::ofstream(path) << kKey << "\n";
  return path;
}

void create_ci_vm(const Qm& qm, const std::string& key_path) {
  auto r = qm({"create", "9000", "--name", "ci", "--net0", "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0", "--ide2",
               "local:cloudinit", "--ciuser", "alice", "--cipassword", kClear, "--sshkeys", key_path, "--ipconfig0",
               "ip=dhcp", "--nameserver", "10.0.0.1", "--searchdomain", "example.com"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// Every file under `dir` that contains `needle`.
std::vector<std::string> files_containing(const std::string& dir, const std::string& needle) {
  std::vector<std::string> hits;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    if (read_file(e.path().string()).find(needle) != std::string::npos) hits.push_back(e.path().string());
  }
  return hits;
}

}  // namespace

TEST_CASE("cipassword is stored as a SHA-512 crypt hash and its cleartext appears nowhere", "[cli][cloudinit]") {
  Qm qm;
  const std::string key = write_key(qm);
  create_ci_vm(qm, key);
  std::string outputs;
  auto keep = [&](const std::vector<std::string>& args) {
    auto r = qm(args);
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_code == 0);
    outputs += r.out + r.err;
    return r;
  };
  keep({"set", "9000", "--cipassword", kClear + "2"});
  keep({"set", "9000", "-cipassword=" + kClear + "3"});
  const auto conf = qm.conf(9000);
  std::smatch m;
  REQUIRE(std::regex_search(conf, m, std::regex(R"(\ncipassword: (\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86})\n)")));
  const std::string hash = m[1];
  CHECK(keep({"config", "9000"}).out.find("\ncipassword: **********\n") != std::string::npos);
  CHECK(keep({"pending", "9000"}).out.find("cur cipassword: **********\n") != std::string::npos);
  const auto hist = keep({"history", "9000"}).out;
  CHECK(hist.find("cipassword changed") != std::string::npos);
  CHECK(hist.find(hash) == std::string::npos);
  const auto hist_json = keep({"history", "9000", "--output-format", "json"}).out;
  CHECK(hist_json.find("qm set 9000 --cipassword '**********'") != std::string::npos);
  CHECK(hist_json.find("'-cipassword=**********'") != std::string::npos);
  CHECK(hist_json.find(hash) == std::string::npos);
  const auto audit = keep({"audit", "--output-format", "json"}).out;
  CHECK(audit.find(hash) == std::string::npos);
  const auto diff = keep({"diff", "9000", "--from", "1"}).out;
  CHECK(diff.find("+cipassword: **********\n") != std::string::npos);
  CHECK(diff.find(hash) == std::string::npos);
  keep({"cloudinit", "pending", "9000"});
  keep({"cloudinit", "dump", "9000", "user"});
  keep({"cloudinit", "update", "9000"});
  // The database, its WAL, the .conf tree, the images and every output: no cleartext.
  CHECK(files_containing(qm.dir(), kClear).empty());
  CHECK(outputs.find(kClear) == std::string::npos);

  SECTION("a value that already is a crypt hash is kept as given") {
    const std::string given = "$6$abcdefgh$" + std::string(86, 'x');
    REQUIRE(qm({"set", "9000", "--cipassword", given}).exit_code == 0);
    CHECK(qm.conf(9000).find("\ncipassword: " + given + "\n") != std::string::npos);
  }
}

TEST_CASE("sshkeys: a file is read and stored URL-encoded, an unreadable path is refused", "[cli][cloudinit]") {
  Qm qm;
  const std::string key = write_key(qm);
  create_ci_vm(qm, key);
  CHECK(qm.conf(9000).find("\nsshkeys: ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIE%2Fabc%2Bxyz%20alice%40laptop%0A\n") !=
        std::string::npos);
  const int events = qm.event_count();
  auto r = qm({"set", "9000", "--sshkeys", "/nonexistent/id.pub"});
  CHECK(r.exit_code == 255);
  CHECK(r.err == "unable to open file '/nonexistent/id.pub' - No such file or directory\n");
  CHECK(qm.event_count() == events);
}

TEST_CASE("qm cloudinit dump prints Proxmox's documents byte for byte", "[cli][cloudinit]") {
  Qm qm;
  const std::string key = write_key(qm);
  create_ci_vm(qm, key);
  const std::string hash = [&] {
    std::smatch m;
    const std::string c = qm.conf(9000);
    REQUIRE(std::regex_search(c, m, std::regex(R"(\ncipassword: (\S+)\n)")));
    return std::string(m[1]);
  }();
  auto user = qm({"cloudinit", "dump", "9000", "user"});
  REQUIRE(user.exit_code == 0);
  CHECK(user.out ==
        "#cloud-config\nhostname: ci\nmanage_etc_hosts: true\nfqdn: ci.example.com\nuser: alice\npassword: " + hash +
            "\nssh_authorized_keys:\n  - " + kKey +
            "\nchpasswd:\n  expire: False\nusers:\n  - default\npackage_upgrade: true\n\n");
  auto net = qm({"cloudinit", "dump", "9000", "network"});
  CHECK(net.out ==
        "version: 1\nconfig:\n    - type: physical\n      name: eth0\n      mac_address: 'bc:24:11:aa:bb:cc'\n"
        "      subnets:\n      - type: dhcp4\n    - type: nameserver\n      address:\n      - '10.0.0.1'\n"
        "      search:\n      - 'example.com'\n\n");
  auto meta = qm({"cloudinit", "dump", "9000", "meta"});
  REQUIRE(std::regex_match(meta.out, std::regex("instance-id: [0-9a-f]{40}\n\n")));

  SECTION("the instance-id changes with the config") {
    REQUIRE(qm({"set", "9000", "--ciuser", "bob"}).exit_code == 0);
    auto again = qm({"cloudinit", "dump", "9000", "meta"});
    CHECK(std::regex_match(again.out, std::regex("instance-id: [0-9a-f]{40}\n\n")));
    CHECK(again.out != meta.out);
    CHECK(qm({"cloudinit", "pending", "9000"}).out.find("cur ciuser: alice\nnew ciuser: bob\n") != std::string::npos);
  }
  SECTION("configdrive2: static addresses as ENI and the OpenStack meta data") {
    REQUIRE(qm({"set", "9000", "--citype", "configdrive2", "--ipconfig0", "ip=192.0.2.10/24,gw=192.0.2.1,ip6=auto"})
                .exit_code == 0);
    CHECK(qm({"cloudinit", "dump", "9000", "network"}).out ==
          "auto lo\niface lo inet loopback\n\n        dns_nameservers 10.0.0.1\n        dns_search example.com\n"
          "auto eth0\niface eth0 inet static\n        address 192.0.2.10\n        netmask 255.255.255.0\n"
          "        gateway 192.0.2.1\niface eth0 inet6 auto\n\n");
    CHECK(std::regex_match(qm({"cloudinit", "dump", "9000", "meta"}).out,
                           std::regex("\\{\n     \"uuid\": \"[0-9a-f]{40}\",\n     \"network_config\": \\{ "
                                      "\"content_path\": \"/content/0000\" \\}\n\\}\n\n")));
  }
  SECTION("a bad type names the enumeration") {
    auto bad = qm({"cloudinit", "dump", "9000", "vendor"});
    CHECK(bad.exit_code == 255);
    CHECK(bad.err.find("type: value 'vendor' does not have a value in the enumeration 'user, network, meta'") !=
          std::string::npos);
  }
}

TEST_CASE("the cloud-init volume: allocated as Proxmox names it, holds the seed ISO, freed with the drive",
          "[cli][cloudinit]") {
  Qm qm;
  const std::string key = write_key(qm);
  create_ci_vm(qm, key);
  const std::string image = qm.dir() + "/images/9000/vm-9000-cloudinit.qcow2";
  CHECK(qm.conf(9000).find("\nide2: local:9000/vm-9000-cloudinit.qcow2,media=cdrom\n") != std::string::npos);
  REQUIRE(fs::exists(image));
  auto up = qm({"cloudinit", "update", "9000"});
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  CHECK(up.out == "generating cloud-init ISO\n");
  const std::string raw = qm.dir() + "/seed.raw";
  REQUIRE(run({"/usr/bin/qemu-img", "convert", "-O", "raw", image, raw}).exit_code == 0);
  auto label = run({"/usr/bin/isoinfo", "-d", "-i", raw});
  CHECK(label.out.find("Volume id: cidata\n") != std::string::npos);
  auto meta = run({"/usr/bin/isoinfo", "-J", "-x", "/meta-data", "-i", raw});
  CHECK(meta.out + "\n" == qm({"cloudinit", "dump", "9000", "meta"}).out);
  auto user = run({"/usr/bin/isoinfo", "-J", "-x", "/user-data", "-i", raw});
  CHECK(user.out.find("user: alice\n") != std::string::npos);
  fs::remove(raw);

  REQUIRE(qm({"set", "9000", "--delete", "ide2"}).exit_code == 0);
  CHECK_FALSE(fs::exists(image));
  CHECK(qm.conf(9000).find("ide2") == std::string::npos);
}

TEST_CASE("a cloud-init drive only on ide, sata or scsi", "[cli][cloudinit]") {
  Qm qm;
  auto r = qm({"create", "9001", "--virtio0", "local:cloudinit"});
  CHECK(r.exit_code == 255);
  CHECK(r.err.find("virtio0: cloud-init drives are only supported on ide, sata and scsi") != std::string::npos);
  CHECK_FALSE(fs::exists(qm.conf_path(9001)));
}

namespace {

// The SHA-1 (hex) of `bytes`, by the real sha1sum: Proxmox's instance-id is sha1_hex(user . network).
std::string sha1_hex(const Qm& qm, const std::string& bytes) {
  const std::string path = qm.dir() + "/sha1.in";
  write_file(path, bytes);
  auto r = run({"/usr/bin/sha1sum", path});
  fs::remove(path);
  return r.out.substr(0, 40);
}

}  // namespace

TEST_CASE("qm cloudinit dump: static v4/v6 with gateways, two NICs, root, no upgrade, as Proxmox's generator",
          "[cli][cloudinit]") {
  Qm qm;
  auto c = qm({"create", "9100", "--name", "db.example.org", "--net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0",
               "--net1", "virtio=BC:24:11:00:00:02,bridge=vmbr0", "--ide2", "local:cloudinit", "--ipconfig0",
               "ip=192.0.2.10/24,gw=192.0.2.1,ip6=2001:db8::10/64,gw6=2001:db8::1", "--ipconfig1", "ip6=dhcp",
               "--ciuser", "root", "--ciupgrade", "0", "--nameserver", "10.0.0.1 10.0.0.2", "--searchdomain",
               "a.example b.example"});
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  const std::string user =
      "#cloud-config\nhostname: db\nmanage_etc_hosts: true\nfqdn: db.example.org\nuser: root\n"
      "disable_root: False\nchpasswd:\n  expire: False\n";
  const std::string network =
      "version: 1\nconfig:\n"
      "    - type: physical\n      name: eth0\n      mac_address: 'bc:24:11:00:00:01'\n      subnets:\n"
      "      - type: static\n        address: '192.0.2.10'\n        netmask: '255.255.255.0'\n"
      "        gateway: '192.0.2.1'\n"
      "      - type: static6\n        address: '2001:db8::10/64'\n        gateway: '2001:db8::1'\n"
      "    - type: physical\n      name: eth1\n      mac_address: 'bc:24:11:00:00:02'\n      subnets:\n"
      "      - type: dhcp6\n"
      "    - type: nameserver\n      address:\n      - '10.0.0.1'\n      - '10.0.0.2'\n"
      "      search:\n      - 'a.example'\n      - 'b.example'\n";
  CHECK(qm({"cloudinit", "dump", "9100", "user"}).out == user + "\n");
  CHECK(qm({"cloudinit", "dump", "9100", "network"}).out == network + "\n");
  const std::string meta = qm({"cloudinit", "dump", "9100", "meta"}).out;
  CHECK(meta == "instance-id: " + sha1_hex(qm, user + network) + "\n\n");

  SECTION("configdrive2: the same as ENI, the uuid over user and ENI") {
    REQUIRE(qm({"set", "9100", "--citype", "configdrive2"}).exit_code == 0);
    const std::string eni =
        "auto lo\niface lo inet loopback\n\n"
        "        dns_nameservers 10.0.0.1 10.0.0.2\n        dns_search a.example b.example\n"
        "auto eth0\niface eth0 inet static\n        address 192.0.2.10\n        netmask 255.255.255.0\n"
        "        gateway 192.0.2.1\n"
        "iface eth0 inet6 static\n        address 2001:db8::10\n        netmask 64\n        gateway 2001:db8::1\n"
        "auto eth1\niface eth1 inet6 dhcp\n";
    CHECK(qm({"cloudinit", "dump", "9100", "network"}).out == eni + "\n");
    CHECK(qm({"cloudinit", "dump", "9100", "meta"}).out ==
          "{\n     \"uuid\": \"" + sha1_hex(qm, user + eni) +
              "\",\n     \"network_config\": { \"content_path\": \"/content/0000\" }\n}\n\n");
  }
  SECTION("the instance-id follows every input: a gateway changed changes it") {
    REQUIRE(qm({"set", "9100", "--ipconfig1", "ip6=auto"}).exit_code == 0);
    const std::string net2 = std::regex_replace(network, std::regex("dhcp6"), "ipv6_slaac");
    CHECK(qm({"cloudinit", "dump", "9100", "network"}).out == net2 + "\n");
    const std::string meta2 = qm({"cloudinit", "dump", "9100", "meta"}).out;
    CHECK(meta2 == "instance-id: " + sha1_hex(qm, user + net2) + "\n\n");
    CHECK(meta2 != meta);
  }
}

TEST_CASE("qm cloudinit dump: no name, a given crypt hash, several keys, dhcp and SLAAC", "[cli][cloudinit]") {
  Qm qm;
  const std::string keys = qm.dir() + "/../" + fs::path(qm.dir()).filename().string() + "-keys.pub";
  std::ofstream(keys) << "ssh-ed25519 AAAA1 one@a\n\n  \nssh-rsa AAAA2 two@b\n";
  const std::string hash = "$6$saltsalt$" + std::string(86, 'Q');
  auto c = qm({"create", "9101", "--net0", "virtio=BC:24:11:00:00:03,bridge=vmbr0", "--ide2", "local:cloudinit",
               "--cipassword", hash, "--sshkeys", keys, "--ipconfig0", "ip=dhcp,ip6=auto", "--nameserver",
               "192.0.2.53", "--searchdomain", "example.com"});
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  fs::remove(keys);
  CHECK(qm.conf(9101).find("\ncipassword: " + hash + "\n") != std::string::npos);
  const std::string user =
      "#cloud-config\nhostname: VM9101\nmanage_etc_hosts: true\nfqdn: VM9101.example.com\npassword: " + hash +
      "\nssh_authorized_keys:\n  - ssh-ed25519 AAAA1 one@a\n  - ssh-rsa AAAA2 two@b\n"
      "chpasswd:\n  expire: False\nusers:\n  - default\npackage_upgrade: true\n";
  const std::string network =
      "version: 1\nconfig:\n"
      "    - type: physical\n      name: eth0\n      mac_address: 'bc:24:11:00:00:03'\n      subnets:\n"
      "      - type: dhcp4\n      - type: ipv6_slaac\n"
      "    - type: nameserver\n      address:\n      - '192.0.2.53'\n      search:\n      - 'example.com'\n";
  CHECK(qm({"cloudinit", "dump", "9101", "user"}).out == user + "\n");
  CHECK(qm({"cloudinit", "dump", "9101", "network"}).out == network + "\n");
  CHECK(qm({"cloudinit", "dump", "9101", "meta"}).out == "instance-id: " + sha1_hex(qm, user + network) + "\n\n");
}

TEST_CASE("cicustom: snippets replace the generated documents in the seed, bad volumes are named",
          "[cli][cloudinit]") {
  Qm qm;
  const std::string key = write_key(qm);
  create_ci_vm(qm, key);
  fs::create_directories(qm.dir() + "/snippets");
  const std::string user = "#cloud-config\nruncmd:\n  - echo hello\n";
  const std::string vendor = "#cloud-config\npackages:\n  - qemu-guest-agent\n";
  write_file(qm.dir() + "/snippets/user.yaml", user);
  write_file(qm.dir() + "/snippets/vendor.yaml", vendor);
  REQUIRE(qm({"set", "9000", "--cicustom", "user=local:snippets/user.yaml,vendor=local:snippets/vendor.yaml"})
              .exit_code == 0);
  auto up = qm({"cloudinit", "update", "9000"});
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  const std::string image = qm.dir() + "/images/9000/vm-9000-cloudinit.qcow2";
  const std::string raw = qm.dir() + "/seed.raw";
  REQUIRE(run({"/usr/bin/qemu-img", "convert", "-O", "raw", image, raw}).exit_code == 0);
  auto iso = [&](const std::string& p) { return run({"/usr/bin/isoinfo", "-J", "-x", p, "-i", raw}).out; };
  CHECK(iso("/user-data") == user);
  CHECK(iso("/vendor-data") == vendor);
  // network and meta still generated; the instance-id over the snippet's user data.
  const std::string network = qm({"cloudinit", "dump", "9000", "network"}).out;
  CHECK(iso("/network-config") + "\n" == network);
  CHECK(iso("/meta-data") == "instance-id: " + sha1_hex(qm, user + network.substr(0, network.size() - 1)) + "\n");
  fs::remove(raw);

  SECTION("a volume outside snippets/") {
    REQUIRE(qm({"set", "9000", "--cicustom", "user=local:iso/user.yaml"}).exit_code == 0);
    auto r = qm({"cloudinit", "update", "9000"});
    CHECK(r.exit_code == 255);
    CHECK(r.err == "local:iso/user.yaml is not in the snippets directory\n");
  }
  SECTION("a snippet that does not exist") {
    REQUIRE(qm({"set", "9000", "--cicustom", "meta=local:snippets/nope.yaml"}).exit_code == 0);
    auto r = qm({"cloudinit", "update", "9000"});
    CHECK(r.exit_code == 255);
    CHECK(r.err == "can't open '" + qm.dir() + "/snippets/nope.yaml' - No such file or directory\n");
  }
  SECTION("a storage that does not exist") {
    REQUIRE(qm({"set", "9000", "--cicustom", "user=nostore:snippets/user.yaml"}).exit_code == 0);
    auto r = qm({"cloudinit", "update", "9000"});
    CHECK(r.exit_code == 255);
    CHECK(r.err == "storage 'nostore' does not exist\n");
  }
}
