#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "events/event.h"
#include "events/ids.h"
#include "events/store.h"

using namespace qmd::events;

TEST_CASE("Meta round-trips through JSON with the documented member names") {
  Meta m{"alice@pve", 1000, 77, "pve1", "qm start 100", "1b4e28ba-2fa1-41d2-883f-0016d3cca427", ""};
  nlohmann::json j = m.to_json();
  CHECK(j.dump() ==
        R"({"command":"qm start 100","correlation_id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","node":"pve1",)"
        R"("pid":77,"uid":1000,"user":"alice@pve"})");
  CHECK(Meta::from_json(j) == m);
}

TEST_CASE("Meta: the route of a forwarded command is a 'via' member, absent when empty") {
  Meta m{"alice@pve", 1000, 77, "pve1", "qm start 100", "c1", "pve2"};
  nlohmann::json j = m.to_json();
  CHECK(j.dump() ==
        R"({"command":"qm start 100","correlation_id":"c1","node":"pve1","pid":77,"uid":1000,"user":"alice@pve","via":"pve2"})");
  CHECK(Meta::from_json(j) == m);
  m.via.clear();
  CHECK_FALSE(m.to_json().contains("via"));
  CHECK_THROWS_WITH(Meta::from_json(nlohmann::json{{"via", 1}}), "event meta: member 'via' must be a string, got 1");
}

TEST_CASE("Meta::from_json: missing members default, wrong types are named") {
  Meta m = Meta::from_json(nlohmann::json::object());
  CHECK(m.uid == -1);
  CHECK(m.pid == 0);
  CHECK(m.user.empty());
  CHECK_THROWS_WITH(Meta::from_json(nlohmann::json{{"uid", "root"}}),
                    "event meta: member 'uid' must be an integer, got \"root\"");
  CHECK_THROWS_WITH(Meta::from_json(nlohmann::json{{"node", 3}}), "event meta: member 'node' must be a string, got 3");
  CHECK_THROWS_WITH(Meta::from_json(nlohmann::json::array()), "event meta: expected a JSON object, got []");
}

TEST_CASE("ConflictError carries the stream and both versions") {
  ConflictError e("vm/100", 3, 4);
  CHECK(std::string(e.what()) == "conflict on stream 'vm/100': expected version 3, found 4");
  CHECK(e.stream() == "vm/100");
  CHECK(e.expected() == 3);
  CHECK(e.actual() == 4);
}

TEST_CASE("new_uuid gives distinct version-4 UUIDs") {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = new_uuid();
    REQUIRE(is_uuid(id));
    REQUIRE(id[14] == '4');
    REQUIRE(std::string("89ab").find(id[19]) != std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 10000);
  CHECK_FALSE(is_uuid("1B4E28BA-2FA1-41D2-883F-0016D3CCA427"));
  CHECK_FALSE(is_uuid("1b4e28ba2fa141d2883f0016d3cca427"));
}

TEST_CASE("new_event_id gives distinct version-7 UUIDs that start with the time in ms") {
  using namespace std::chrono;
  const auto before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  std::vector<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.push_back(new_event_id());
  const auto after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  std::set<std::string> distinct(ids.begin(), ids.end());
  CHECK(distinct.size() == ids.size());
  for (const auto& id : {ids.front(), ids.back()}) {
    REQUIRE(is_uuid(id));
    CHECK(id[14] == '7');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    const long long ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
    CHECK(ms >= before);
    CHECK(ms <= after);
  }
  // Later ids sort after earlier ones once the millisecond has changed.
  std::this_thread::sleep_for(milliseconds(2));
  CHECK(new_event_id() > ids.back());
}
