// Progress lines over qmd's real socket (docs/qmd-protocol.md): opt-in per
// request, before the reply, in order, each piece of output once; a client
// that does not ask gets exactly one reply line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

#include "tests/daemon/line_client.h"
#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;

namespace {

nlohmann::json clone_request(const std::string& newid) {
  return {{"verb", "clone"}, {"args", {"100", newid}}, {"command_line", "qm clone 100 " + newid}};
}

const char* const kCreateLine = "create full clone of drive scsi0 (local:100/vm-100-disk-0.qcow2)\n";

nlohmann::json progress(const std::string& stream, const std::string& text) {
  return {{"progress", {{"stream", stream}, {"text", text}}}};
}

// A node whose VM 100 has a 1 GiB qcow2 disk holding 32 MiB of data.
void make_vm(QmdNode& node) {
  node.start_qmd();
  auto c = node.qm({"create", "100", "--memory", "64", "--scsi0", "local:1"});
  REQUIRE(c.exit_code == 0);
  auto w = run({"/usr/bin/qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 32M",
                node.dir() + "/images/100/vm-100-disk-0.qcow2"});
  REQUIRE(w.exit_code == 0);
}

}  // namespace

TEST_CASE("progress: a client that does not ask gets exactly one reply line with all the output") {
  QmdNode node;
  make_vm(node);
  LineClient client(node.sock());
  client.send(clone_request("101"));
  client.send({{"verb", "list"}});  // the next line after the clone's must be this one's reply
  auto first = client.next();
  REQUIRE(first);
  CHECK(first->json == nlohmann::json{{"exit_code", 0}, {"out", kCreateLine}, {"err", ""}});
  auto second = client.next();
  REQUIRE(second);
  CHECK(second->json["exit_code"] == 0);
  CHECK(second->json["out"].get<std::string>().find("       101 Copy-of-VM-100") != std::string::npos);
  CHECK_FALSE(client.next(300));
}

TEST_CASE("progress: asked for, output comes as progress lines before the reply, copy percentages only for a tty") {
  QmdNode node;
  make_vm(node);
  LineClient client(node.sock());

  // No terminal: the drive line streamed, no percentages, the reply without it.
  nlohmann::json req = clone_request("101");
  req["progress"] = true;
  client.send(req);
  auto l = client.next();
  REQUIRE(l);
  CHECK(l->json == progress("out", kCreateLine));
  l = client.next();
  REQUIRE(l);
  CHECK(l->json == nlohmann::json{{"exit_code", 0}, {"out", ""}, {"err", ""}});

  // A terminal: then qemu-img's percentages on stderr, 0 % to 100 %, rising.
  req = clone_request("102");
  req["progress"] = true;
  req["tty"] = true;
  client.send(req);
  l = client.next();
  REQUIRE(l);
  CHECK(l->json == progress("out", "create full clone of drive scsi0 (local:100/vm-100-disk-0.qcow2)\n"));
  const std::regex line(R"(transferred [0-9.]+ [KMG]?i?B of 1\.0 GiB \(([0-9]+\.[0-9]{2})%\)\n)");
  std::vector<double> percents;
  for (;;) {
    l = client.next();
    REQUIRE(l);
    if (!l->json.contains("progress")) break;
    REQUIRE(l->json["progress"]["stream"] == "err");
    const std::string text = l->json["progress"]["text"];
    std::smatch m;
    INFO(text);
    REQUIRE(std::regex_match(text, m, line));
    percents.push_back(std::stod(m[1].str()));
  }
  CHECK(l->json == nlohmann::json{{"exit_code", 0}, {"out", ""}, {"err", ""}});
  REQUIRE(percents.size() >= 2);
  CHECK(percents.front() == 0.0);
  CHECK(percents.back() == 100.0);
  CHECK(std::is_sorted(percents.begin(), percents.end()));

  // The connection goes on as before; the clones are complete.
  client.send({{"verb", "config"}, {"args", {"102"}}});
  l = client.next();
  REQUIRE(l);
  CHECK(l->json["exit_code"] == 0);
  CHECK(l->json["out"].get<std::string>().find("scsi0: local:102/vm-102-disk-0.qcow2,size=1G\n") != std::string::npos);
  CHECK(l->json["out"].get<std::string>().find("lock") == std::string::npos);
}

TEST_CASE("progress: bad progress members are refused, nothing runs") {
  QmdNode node;
  node.start_qmd();
  LineClient client(node.sock());
  client.send({{"verb", "create"}, {"args", {"100"}}, {"progress", "yes"}});
  auto l = client.next();
  REQUIRE(l);
  CHECK(l->json == nlohmann::json{{"exit_code", 255},
                                  {"out", ""},
                                  {"err", "qmd: invalid request: request member 'progress' must be true or false\n"}});
  client.send({{"verb", "create"}, {"args", {"100"}}, {"tty", 1}});
  l = client.next();
  REQUIRE(l);
  CHECK(l->json["err"] == "qmd: invalid request: request member 'tty' must be true or false\n");
  CHECK(node.qm({"config", "100"}).err == "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist\n");
}

TEST_CASE("progress: qm through qmd prints the copy percentages only on a terminal, each line once") {
  QmdNode node;
  make_vm(node);
  // Not a terminal: exactly what the reply said before progress lines existed.
  auto r = node.qm({"clone", "100", "101"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == kCreateLine);
  CHECK(r.err.empty());
  // script(1) gives qm a pseudo-terminal; what qm writes comes back on its stdout.
  r = run_on_terminal(binary("qm") + " clone 100 102", node.env());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(appear_in_order(r.out, {"create full clone of drive scsi0 (local:100/vm-100-disk-0.qcow2)\r\n",
                                 "transferred 0.0 B of 1.0 GiB (0.00%)\r\n",
                                 "transferred 1.0 GiB of 1.0 GiB (100.00%)\r\n"}));
  CHECK(r.out.find("create full clone") == r.out.rfind("create full clone"));  // once
  CHECK(node.log().find("clone by ") != std::string::npos);  // it ran in qmd, not in-process
}
