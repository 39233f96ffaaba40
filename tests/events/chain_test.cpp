#include <catch2/catch.hpp>

#include "events/hash_chain.h"
#include "tests/events/backends.h"

using namespace qmd::events;
using namespace qmd::events::testing;

namespace {

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

template <typename B>
struct ChainFixture : LogFixture<B> {
  using LogFixture<B>::store;

  void fill() {
    store.append("vm/100", kNoStream, {ev("vm.created", {{"memory", 2048}}), ev("vm.updated")}, test_meta());
    store.append("vm/101", kNoStream, {ev("vm.created", {{"memory", 512}})}, test_meta());
    store.append("vm/100", 2, {ev("vm.updated", {{"memory", 4096}})}, test_meta());
    store.append("vm/101", 1, {ev("vm.destroyed")}, test_meta());
  }
};

}  // namespace

// Expected values computed independently (Python hashlib/struct) from the
// definition in events/hash_chain.h.
TEST_CASE("canonical bytes and chain hashes follow the documented definition") {
  ChainFields f{1, "e-1", "vm/100", 1, "vm.created", 1, R"({"memory":2048})", R"({"user":"root"})", 1700000000000};
  std::string bytes;
  append_canonical_bytes(f, &bytes);
  CHECK(hex(bytes) ==
        "0000000000000001310000000000000003652d310000000000000006766d2f313030000000000000000131000000000000000a766d"
        "2e63726561746564000000000000000131000000000000000f7b226d656d6f7279223a323034387d000000000000000f7b227573"
        "6572223a22726f6f74227d000000000000000d31373030303030303030303030");
  const std::string h1 = chain_hash(kGenesisHash, f);
  CHECK(h1 == "280b3cb76d5453605a4370064120b52d7f43f7fb8371fa4a173bfc0bf8cf3ee2");

  ChainFields g{2, "e-2", "vm/100", 2, "vm.updated", 2, R"({"memory":4096})", "{}", -5};
  CHECK(chain_hash(h1, g) == "5d18ecc26d3eeae06ef0f985c31a1a9f68a808e95641b07575840cc2fbd1ecb8");
  ChainHasher reused;
  CHECK(reused.next(kGenesisHash, f) == h1);
  CHECK(reused.next(h1, g) == "5d18ecc26d3eeae06ef0f985c31a1a9f68a808e95641b07575840cc2fbd1ecb8");
}

TEMPLATE_TEST_CASE("the stored chain starts from 64 zeros and links every event to the previous one", "[store][chain]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ChainFixture);
  f.fill();
  std::vector<Event> all;
  f.store.read_all(1, [&](const Event& e) {
    all.push_back(e);
    return true;
  });
  REQUIRE(all.size() == 5);
  std::string previous(kGenesisHash);
  for (const Event& e : all) {
    std::string payload = e.payload.dump(), meta = e.meta.dump();
    CHECK(e.hash == chain_hash(previous, {e.seq, e.event_id, e.stream, e.version, e.type, e.schema, payload, meta,
                                          e.recorded_at}));
    previous = e.hash;
  }
  std::string why;
  CHECK(f.store.verify_chain(&why) == std::nullopt);
  CHECK(why == "chain intact over 5 events");
}

TEMPLATE_TEST_CASE("an empty log verifies", "[store][chain]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ChainFixture);
  std::string why;
  CHECK(f.store.verify_chain(&why) == std::nullopt);
  CHECK(why == "chain intact over 0 events");
  CHECK(f.store.verify_chain(nullptr) == std::nullopt);
}

TEMPLATE_TEST_CASE("UPDATE and DELETE on events are rejected by the triggers", "[store][chain]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ChainFixture);
  f.fill();
  CHECK(f.backend.refused("UPDATE events SET payload = '{}' WHERE seq = 3") == "events are append-only");
  CHECK(f.backend.refused("DELETE FROM events WHERE seq = 5") == "events are append-only");
  CHECK(f.store.head_seq() == 5);
  CHECK(f.store.verify_chain(nullptr) == std::nullopt);
}

TEMPLATE_TEST_CASE("a payload changed behind the store's back is reported at its seq", "[store][chain]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ChainFixture);
  f.fill();
  // Behind the store's back: what an attacker with the database owner's rights could do.
  f.backend.tamper(R"(UPDATE events SET payload = '{"memory":65536}' WHERE seq = 3)");
  std::string why;
  REQUIRE(f.store.verify_chain(&why) == std::optional<int64_t>(3));
  CHECK_THAT(why, Catch::StartsWith("seq 3: stored hash "));
  CHECK_THAT(why, Catch::Contains(" differs from the computed "));
  // The tampered value is what a reader sees; only the chain tells.
  CHECK(f.store.read_stream("vm/101").at(0).payload == nlohmann::json{{"memory", 65536}});
}

TEMPLATE_TEST_CASE("a deleted event is reported as a gap at the next seq", "[store][chain]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ChainFixture);
  f.fill();
  f.backend.tamper("DELETE FROM events WHERE seq = 2");
  std::string why;
  CHECK(f.store.verify_chain(&why) == std::optional<int64_t>(3));
  CHECK(why == "seq 3: expected seq 2 (gap in the log)");
}

TEMPLATE_TEST_CASE("a version moved within a stream is reported", "[store][chain]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(ChainFixture);
  f.fill();
  f.backend.tamper("UPDATE events SET version = 7 WHERE seq = 4");
  std::string why;
  CHECK(f.store.verify_chain(&why) == std::optional<int64_t>(4));
  CHECK(why == "seq 4: stream 'vm/100' version 7 follows version 2");
}
