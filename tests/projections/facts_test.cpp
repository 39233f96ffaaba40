#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "projections/fold_facts.h"
#include "projections/vm_state.h"

using namespace qmd::projections;

namespace {
bool same(const FoldFacts& a, const FoldFacts& b) {
  return a.op == b.op && a.op_id == b.op_id && a.step == b.step && a.error == b.error && a.node == b.node &&
         a.to == b.to && a.status == b.status && a.vmid == b.vmid && a.pid == b.pid && a.has_delta == b.has_delta &&
         a.delta == b.delta;
}
}  // namespace

TEST_CASE("the text scan finds what the decoded payload holds", "[projections][facts]") {
  const std::vector<std::string> payloads = {
      R"({"delta":{"keys":[["","memory","1024","2048"],["PENDING","cores",null,"2"],["snap:a","x","y",null]]}})",
      R"({"add":["ignored"],"delta":{"add":["snap:s1","special:cloudinit"],"keys":[],"remove":["snap:old"]},"vmid":100,"node":"pve1"})",
      R"({"op":"create","op_id":"abc","vmid":101,"node":"n","detail":{"delta":{"keys":5},"list":[1,[2,{"a":null}]]},"delta":{"keys":[["","lock",null,"create"]]}})",
      R"({"status":"running","pid":4242,"cause":"start by root","extra":1.5,"flag":true,"nothing":null})",
      R"({"to":"b","from":"a"})",
      R"({"step":"allocated x","op_id":"o","warnings":["w1","w2"]})",
      R"({})",
  };
  for (const auto& p : payloads) {
    INFO(p);
    CHECK(same(facts_from_text(p), facts_from_json(nlohmann::json::parse(p))));
  }
}

TEST_CASE("the text scan refuses what is not a payload", "[projections][facts]") {
  CHECK_THROWS_WITH(facts_from_text("[1,2]"), "payload is not a JSON object");
  CHECK_THROWS_WITH(facts_from_text(R"({"delta":[1]})"), "delta is not a JSON object");
  CHECK_THROWS_WITH(facts_from_text(R"({"delta":{"keys":[["","k","o"]]}})"), "delta key change is not [section,key,old,new]");
  CHECK_THROWS_WITH(facts_from_text(R"({"delta":{"keys":[["","k",null,5]]}})"),
                    "malformed delta: new value must be a string or null");
  CHECK_THROWS_WITH(facts_from_text(R"({"delta":{"what":[]}})"), "malformed delta: unknown member 'what'");
  CHECK_THROWS_WITH(facts_from_text(R"({"vmid":)"), Catch::StartsWith("payload is not valid JSON"));
}

TEST_CASE("folding a raw event gives the same state as folding the decoded one", "[projections][facts]") {
  const std::string meta = R"({"user":"carol","uid":5})";
  const std::vector<std::pair<std::string, std::string>> events = {
      {"vm.operation.started", R"({"op":"create","op_id":"o1","vmid":100,"node":"pve1","delta":{"keys":[["","lock",null,"create"],["","memory",null,"512"]]}})"},
      {"vm.operation.step", R"({"op_id":"o1","step":"allocated a","detail":{"volid":"a"}})"},
      {"vm.operation.completed", R"({"op_id":"o1","delta":{"keys":[["","lock","create",null]]}})"},
      {"vm.status.changed", R"({"status":"running","pid":77,"cause":"start"})"},
      {"vm.config.updated", R"({"delta":{"add":["snap:s"],"keys":[["snap:s","memory",null,"512"]]}})"},
      {"vm.moved", R"({"from":"pve1","to":"pve2"})"},
  };
  VmState a, b;
  int64_t seq = 10;
  for (const auto& [type, payload] : events) {
    ++seq;
    qmd::events::Event e;
    e.seq = seq;
    e.stream = "vm/100";
    e.version = a.version + 1;
    e.type = type;
    e.payload = nlohmann::json::parse(payload);
    e.meta = nlohmann::json::parse(meta);
    e.recorded_at = seq * 1000;
    fold(a, e);
    qmd::events::RawEvent r;
    r.seq = seq;
    r.stream = "vm/100";
    r.version = b.version + 1;
    r.type = type;
    r.payload = payload;
    r.meta = meta;
    r.recorded_at = seq * 1000;
    fold(b, r);
    CHECK(a == b);
  }
  CHECK(a.node == "pve2");
  CHECK(a.op->user == "carol");
  CHECK(a.pid == 77);
}

TEST_CASE("the text scan rejects exactly what a JSON parser rejects", "[projections][facts]") {
  const std::vector<std::string> bad = {"",          "{",           R"({"a":})",       R"({"a":1,})",
                                        "[1 2]",     R"({"a":01})", R"({"a":"\x"})",   R"({"a":tru})",
                                        "{\"a\":1} x", "{\"a\":\"\x01\"}", R"({"a":"\ud800"})", R"({"a":-})",
                                        R"({"a":1.})", R"({a:1})",     R"({"a" 1})"};
  for (const auto& b : bad) {
    INFO(b);
    CHECK_THROWS(facts_from_text(b));
    CHECK_THROWS(nlohmann::json::parse(b));
  }
  // and accepts what it accepts, escapes and all
  const std::string ok = "{\"step\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00/\\/\",\"pid\":-5,\"x\":[1e3,-0.5,true,false,null]}";
  CHECK(same(facts_from_text(ok), facts_from_json(nlohmann::json::parse(ok))));
  CHECK(facts_from_text(ok).step == std::string("a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80//"));
}

TEST_CASE("the text scan agrees with the decoded payload on generated payloads", "[projections][facts]") {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> words = {"", "memory", "é", "a\"q", "line\nbreak", "tab\t", "\x7f", "snap:s1", "PENDING", "ü€😀"};
  auto word = [&] { return words[static_cast<size_t>(pick(static_cast<int>(words.size())))]; };
  std::function<nlohmann::json(int)> any = [&](int depth) -> nlohmann::json {
    switch (depth > 2 ? pick(4) : pick(6)) {
      case 0: return word();
      case 1: return pick(1000) - 500;
      case 2: return pick(2) == 0;
      case 3: return nullptr;
      case 4: {
        nlohmann::json a = nlohmann::json::array();
        for (int i = pick(3); i > 0; --i) a.push_back(any(depth + 1));
        return a;
      }
      default: {
        nlohmann::json o = nlohmann::json::object();
        for (int i = pick(3); i > 0; --i) o[word()] = any(depth + 1);
        return o;
      }
    }
  };
  for (int n = 0; n < 300; ++n) {
    nlohmann::json p = nlohmann::json::object();
    for (const char* k : {"op", "op_id", "step", "error", "node", "to", "status", "vmid", "pid", "other"}) {
      if (pick(2)) p[k] = pick(3) == 0 ? any(1) : (pick(2) ? nlohmann::json(word()) : nlohmann::json(pick(100000)));
    }
    if (pick(2)) {
      nlohmann::json keys = nlohmann::json::array();
      for (int i = pick(4); i > 0; --i) {
        keys.push_back({word(), word(), pick(2) ? nlohmann::json(word()) : nlohmann::json(nullptr),
                        pick(2) ? nlohmann::json(word()) : nlohmann::json(nullptr)});
      }
      p["delta"] = {{"keys", keys}, {"add", {word()}}};
    }
    const std::string text = p.dump(pick(2) ? -1 : 2);
    INFO(text);
    CHECK(same(facts_from_text(text), facts_from_json(p)));
  }
}
