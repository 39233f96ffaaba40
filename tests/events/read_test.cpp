#include <catch2/catch.hpp>

#include "tests/events/backends.h"

using namespace qmd::events;
using namespace qmd::events::testing;

namespace {

// vm/100: created (t=1000, seq 1), memory 4096 (t=2000, seq 3), memory 8192 (t=3000, seq 4)
// vm/101: created (t=1000, seq 2)
template <typename B>
struct ReadFixture : LogFixture<B> {
  using LogFixture<B>::store;
  using LogFixture<B>::now;

  ReadFixture() : LogFixture<B>(1000) {
    store.append("vm/100", kNoStream, {ev("vm.created", {{"memory", 2048}})}, test_meta());
    store.append("vm/101", kNoStream, {ev("vm.created", {{"memory", 512}})}, test_meta());
    now = 2000;
    store.append("vm/100", 1, {ev("vm.updated", {{"memory", 4096}})}, test_meta());
    now = 3000;
    store.append("vm/100", 2, {ev("vm.updated", {{"memory", 8192}})}, test_meta("qm set 100 -memory 8192"));
  }

  std::vector<int64_t> seqs(int64_t from, const Upto& upto = {}) {
    std::vector<int64_t> out;
    store.read_all(from, [&](const Event& e) {
      out.push_back(e.seq);
      return true;
    }, upto);
    return out;
  }
};

std::vector<int64_t> seqs_of(const std::vector<Event>& events) {
  std::vector<int64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("read_stream as of a seq and as of a time", "[store][read]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ReadFixture);
  CHECK(seqs_of(f.store.read_stream("vm/100")) == std::vector<int64_t>{1, 3, 4});
  CHECK(seqs_of(f.store.read_stream("vm/100", Upto{3, std::nullopt})) == std::vector<int64_t>{1, 3});
  CHECK(seqs_of(f.store.read_stream("vm/100", Upto{2, std::nullopt})) == std::vector<int64_t>{1});
  CHECK(seqs_of(f.store.read_stream("vm/100", Upto{std::nullopt, 2999})) == std::vector<int64_t>{1, 3});
  CHECK(seqs_of(f.store.read_stream("vm/100", Upto{std::nullopt, 999})).empty());
  CHECK(seqs_of(f.store.read_stream("vm/100", Upto{4, 1000})) == std::vector<int64_t>{1});
  CHECK(f.store.read_stream("vm/100", Upto{3, std::nullopt}).back().payload == nlohmann::json{{"memory", 4096}});
  CHECK(f.store.read_stream("vm/nope").empty());
}

TEMPLATE_TEST_CASE("read_all streams events in seq order from a seq, as of a point, and stops when asked", "[store][read]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ReadFixture);
  CHECK(f.seqs(1) == std::vector<int64_t>{1, 2, 3, 4});
  CHECK(f.seqs(3) == std::vector<int64_t>{3, 4});
  CHECK(f.seqs(5).empty());
  CHECK(f.seqs(1, Upto{2, std::nullopt}) == std::vector<int64_t>{1, 2});
  CHECK(f.seqs(1, Upto{std::nullopt, 2000}) == std::vector<int64_t>{1, 2, 3});

  std::vector<int64_t> seen;
  f.store.read_all(1, [&](const Event& e) {
    seen.push_back(e.seq);
    return e.seq < 2;
  });
  CHECK(seen == std::vector<int64_t>{1, 2});
}

TEMPLATE_TEST_CASE("read_all decodes every field, meta included when it changes between events", "[store][read]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ReadFixture);
  std::vector<Event> all;
  f.store.read_all(1, [&](const Event& e) {
    all.push_back(e);
    return true;
  });
  REQUIRE(all.size() == 4);
  CHECK(all[0].meta == test_meta().to_json());
  CHECK(all[3].meta == test_meta("qm set 100 -memory 8192").to_json());
  CHECK(all[3].stream == "vm/100");
  CHECK(all[3].version == 3);
  CHECK(all[3].type == "vm.updated");
  CHECK(all[3].recorded_at == 3000);
  CHECK(all[1].stream == "vm/101");
  CHECK(all[1].payload == nlohmann::json{{"memory", 512}});
}

TEMPLATE_TEST_CASE("the read_all callback may read from the store", "[store][read]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ReadFixture);
  int64_t versions = 0;
  f.store.read_all(1, [&](const Event& e) {
    versions += f.store.stream_version(e.stream) + static_cast<int64_t>(f.store.read_stream(e.stream).size());
    return true;
  });
  CHECK(versions == 3 * 6 + 1 * 2);
}

TEMPLATE_TEST_CASE("a callback exception leaves the store usable", "[store][read]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ReadFixture);
  CHECK_THROWS_WITH(f.store.read_all(1, [](const Event&) -> bool { throw std::runtime_error("stop"); }), "stop");
  f.store.append("vm/102", kNoStream, {ev("vm.created")}, test_meta());
  CHECK(f.store.head_seq() == 5);
}

TEMPLATE_TEST_CASE("streams by prefix, sorted", "[store][read]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ReadFixture);
  f.store.append("node/pve1", kNoStream, {ev("node.joined")}, test_meta());
  f.store.append("vm/20", kNoStream, {ev("vm.created")}, test_meta());
  f.store.append("vm", kNoStream, {ev("odd")}, test_meta());
  CHECK(f.store.streams("vm/") == std::vector<std::string>{"vm/100", "vm/101", "vm/20"});
  CHECK(f.store.streams("vm") == std::vector<std::string>{"vm", "vm/100", "vm/101", "vm/20"});
  CHECK(f.store.streams("node/") == std::vector<std::string>{"node/pve1"});
  CHECK(f.store.streams("") == std::vector<std::string>{"node/pve1", "vm", "vm/100", "vm/101", "vm/20"});
  CHECK(f.store.streams("ct/").empty());
}

TEMPLATE_TEST_CASE("stored JSON that does not parse is a StoreError naming the seq", "[store][read]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ReadFixture);
  f.backend.tamper("UPDATE events SET payload = '{broken' WHERE seq = 3");
  CHECK_THROWS_WITH(f.store.read_stream("vm/100"),
                    Catch::StartsWith("event seq 3: stored payload is not valid JSON: "));
}
