#include <catch2/catch.hpp>

#include "events/ids.h"
#include "tests/events/backends.h"

using namespace qmd::events;
using namespace qmd::events::testing;

namespace {

template <typename B>
using AppendFixture = LogFixture<B>;

std::string conflict_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConflictError& e) {
    return e.what();
  }
  return "(no conflict)";
}

}  // namespace

TEMPLATE_TEST_CASE("append assigns gapless seq across streams and versions per stream", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  auto a = f.store.append("vm/100", kNoStream, {ev("vm.created"), ev("vm.updated")}, test_meta());
  CHECK(a.first_seq == 1);
  CHECK(a.last_seq == 2);
  CHECK(a.stream_version == 2);
  CHECK_FALSE(a.duplicate);
  auto b = f.store.append("vm/101", kNoStream, {ev("vm.created")}, test_meta());
  CHECK(b.first_seq == 3);
  CHECK(b.last_seq == 3);
  CHECK(b.stream_version == 1);
  auto c = f.store.append("vm/100", 2, {ev("vm.started")}, test_meta());
  CHECK(c.first_seq == 4);
  CHECK(c.stream_version == 3);

  CHECK(f.store.head_seq() == 4);
  CHECK(f.store.stream_version("vm/100") == 3);
  CHECK(f.store.stream_version("vm/101") == 1);
  CHECK(f.store.stream_version("vm/999") == 0);

  auto events = f.store.read_stream("vm/100");
  REQUIRE(events.size() == 3);
  CHECK(events[0].seq == 1);
  CHECK(events[1].seq == 2);
  CHECK(events[2].seq == 4);
  CHECK(events[2].version == 3);
  CHECK(events[2].type == "vm.started");
}

TEMPLATE_TEST_CASE("the stored event carries payload, meta, schema, time and a generated time-ordered UUID", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  NewEvent e = ev("vm.created", {{"memory", 2048}, {"name", "web"}});
  e.schema = 3;
  f.store.append("vm/100", kNoStream, {e}, test_meta("qm create 100 -memory 2048"));
  auto events = f.store.read_stream("vm/100");
  REQUIRE(events.size() == 1);
  const Event& s = events[0];
  CHECK(s.schema == 3);
  CHECK(s.payload == nlohmann::json{{"memory", 2048}, {"name", "web"}});
  CHECK(s.meta == test_meta("qm create 100 -memory 2048").to_json());
  CHECK(Meta::from_json(s.meta) == test_meta("qm create 100 -memory 2048"));
  CHECK(s.recorded_at == 1700000000000);
  CHECK(is_uuid(s.event_id));
  CHECK(s.event_id[14] == '7');  // time-ordered, see events/ids.h
  CHECK(s.hash.size() == 64);

  // The stored text is json::dump() with sorted keys: exactly what the hash covers.
  CHECK(f.text("SELECT payload FROM events WHERE seq = 1") == R"({"memory":2048,"name":"web"})");
  CHECK(f.text("SELECT meta FROM events WHERE seq = 1") ==
        R"({"command":"qm create 100 -memory 2048","correlation_id":"c0ffee00-0000-4000-8000-000000000001",)"
        R"("node":"node1","pid":4242,"uid":0,"user":"root@pam"})");
}

TEMPLATE_TEST_CASE("a wrong expected version is a ConflictError and appends nothing", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  f.store.append("vm/100", kNoStream, {ev("a"), ev("b"), ev("c"), ev("d")}, test_meta());
  CHECK(conflict_message([&] { f.store.append("vm/100", 3, {ev("x")}, test_meta()); }) ==
        "conflict on stream 'vm/100': expected version 3, found 4");
  try {
    f.store.append("vm/100", 5, {ev("x")}, test_meta());
    FAIL("no conflict");
  } catch (const ConflictError& e) {
    CHECK(e.stream() == "vm/100");
    CHECK(e.expected() == 5);
    CHECK(e.actual() == 4);
  }
  CHECK(f.rows() == 4);
  CHECK(f.store.stream_version("vm/100") == 4);
}

TEMPLATE_TEST_CASE("kNoStream on an existing stream conflicts but kAnyVersion does not check", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  f.store.append("vm/100", kNoStream, {ev("vm.created")}, test_meta());
  CHECK(conflict_message([&] { f.store.append("vm/100", kNoStream, {ev("vm.created")}, test_meta()); }) ==
        "conflict on stream 'vm/100': expected version 0, found 1");
  auto r = f.store.append("vm/100", kAnyVersion, {ev("vm.updated")}, test_meta());
  CHECK(r.stream_version == 2);
  CHECK(f.rows() == 2);
}

TEMPLATE_TEST_CASE("a retried append (same event ids) returns the original positions and adds nothing", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  f.store.append("vm/1", kNoStream, {ev("other")}, test_meta());
  std::vector<NewEvent> cmd = {ev("vm.updated", {{"memory", 1}}, "11111111-1111-4111-8111-111111111111"),
                               ev("vm.updated", {{"memory", 2}}, "22222222-2222-4222-8222-222222222222")};
  auto first = f.store.append("vm/100", kNoStream, cmd, test_meta());
  f.store.append("vm/100", 2, {ev("later")}, test_meta());  // the stream moved on meanwhile
  const std::string hash_before = f.store.read_stream("vm/100").back().hash;

  auto retry = f.store.append("vm/100", kNoStream, cmd, test_meta());  // stale expected version too
  CHECK(retry.duplicate);
  CHECK(retry.first_seq == first.first_seq);
  CHECK(retry.first_seq == 2);
  CHECK(retry.last_seq == 3);
  CHECK(retry.stream_version == 2);
  CHECK(f.rows() == 4);
  CHECK(f.store.read_stream("vm/100").back().hash == hash_before);
}

TEMPLATE_TEST_CASE("an event id reused for a different append is an error, not a silent duplicate", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  f.store.append("vm/100", kNoStream, {ev("a", {}, "11111111-1111-4111-8111-111111111111")}, test_meta());
  try {
    f.store.append("vm/200", kNoStream, {ev("a", {}, "11111111-1111-4111-8111-111111111111")}, test_meta());
    FAIL("no error");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()) ==
          "append to stream 'vm/200': event_id '11111111-1111-4111-8111-111111111111' is already stored in "
          "stream 'vm/100'");
  }
  try {
    f.store.append("vm/100", kAnyVersion, {ev("b"), ev("c", {}, "11111111-1111-4111-8111-111111111111")},
                   test_meta());
    FAIL("no error");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()) ==
          "append to stream 'vm/100': event_id '11111111-1111-4111-8111-111111111111' is already stored");
  }
  CHECK(f.rows() == 1);
}

TEMPLATE_TEST_CASE("the hook sees the appended events inside the transaction and if it throws nothing is stored", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  f.store.append("vm/100", kNoStream, {ev("vm.created")}, test_meta());
  std::vector<Event> seen;
  auto r = f.store.append("vm/100", 1, {ev("vm.updated", {{"memory", 4096}})}, test_meta(),
                          [&](const std::vector<Event>& appended) {
                            seen = appended;
                            // Inside the transaction: the row is visible on this connection.
                            CHECK(f.rows() == 2);
                          });
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].seq == r.first_seq);
  CHECK(seen[0].version == 2);
  CHECK(seen[0].payload == nlohmann::json{{"memory", 4096}});
  CHECK(seen[0].meta == test_meta().to_json());
  CHECK(seen[0].hash == f.store.read_stream("vm/100").back().hash);

  f.exec("CREATE TABLE side (x INTEGER)");
  CHECK_THROWS_WITH(f.store.append("vm/100", 2, {ev("vm.updated")}, test_meta(),
                                   [&](const std::vector<Event>&) {
                                     f.exec("INSERT INTO side VALUES (1)");
                                     throw std::runtime_error("projection failed");
                                   }),
                    "projection failed");
  CHECK(f.rows() == 2);
  CHECK(f.count("SELECT count(*) FROM side") == 0);
  CHECK(f.store.stream_version("vm/100") == 2);
  // The store is usable afterwards and seq stays gapless.
  CHECK(f.store.append("vm/100", 2, {ev("vm.updated")}, test_meta()).first_seq == 3);
}

TEMPLATE_TEST_CASE("append_batch is all or nothing", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  f.store.append("vm/2", kNoStream, {ev("vm.created")}, test_meta());
  std::vector<EventStore::StreamAppend> batch = {
      {"vm/1", kNoStream, {ev("vm.created"), ev("vm.updated")}, test_meta()},
      {"vm/1", 2, {ev("vm.started")}, test_meta()},  // sees the first element's events
      {"vm/2", kNoStream, {ev("vm.created")}, test_meta()},  // conflict: vm/2 exists
  };
  CHECK(conflict_message([&] { f.store.append_batch(batch); }) ==
        "conflict on stream 'vm/2': expected version 0, found 1");
  CHECK(f.rows() == 1);
  CHECK(f.store.stream_version("vm/1") == 0);

  batch[2].expected_version = 1;
  int hook_events = 0;
  auto results = f.store.append_batch(batch, [&](const std::vector<Event>& e) { hook_events = int(e.size()); });
  REQUIRE(results.size() == 3);
  CHECK(hook_events == 4);
  CHECK(results[0].first_seq == 2);
  CHECK(results[0].last_seq == 3);
  CHECK(results[1].first_seq == 4);
  CHECK(results[1].stream_version == 3);
  CHECK(results[2].first_seq == 5);
  CHECK(results[2].stream_version == 2);
  CHECK(f.store.head_seq() == 5);

  CHECK(f.store.append_batch({}).empty());
}

TEMPLATE_TEST_CASE("append_batch de-duplicates each element as append does", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  auto first = f.store.append("vm/1", kNoStream, {ev("a", {}, "aaaaaaaa-0000-4000-8000-000000000000")}, test_meta());
  auto results = f.store.append_batch({
      {"vm/1", kNoStream, {ev("a", {}, "aaaaaaaa-0000-4000-8000-000000000000")}, test_meta()},
      {"vm/2", kNoStream, {ev("b")}, test_meta()},
  });
  REQUIRE(results.size() == 2);
  CHECK(results[0].duplicate);
  CHECK(results[0].first_seq == first.first_seq);
  CHECK_FALSE(results[1].duplicate);
  CHECK(results[1].first_seq == 2);
}

TEMPLATE_TEST_CASE("bad append arguments are refused with a message naming the problem", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  CHECK_THROWS_WITH(f.store.append("vm/1", kNoStream, {}, test_meta()), "append to stream 'vm/1': no events");
  CHECK_THROWS_WITH(f.store.append("", kNoStream, {ev("a")}, test_meta()), "append: the stream name is empty");
  CHECK_THROWS_WITH(f.store.append("vm/1", kNoStream, {ev("")}, test_meta()),
                    "append to stream 'vm/1': an event has an empty type");
  CHECK_THROWS_WITH(f.store.append("vm/1", -7, {ev("a")}, test_meta()),
                    "append to stream 'vm/1': invalid expected version -7");
  CHECK_THROWS_WITH(
      f.store.append("vm/1", kNoStream, {ev("a", {{"name", std::string("\xff\xfe")}})}, test_meta()),
      Catch::StartsWith("append to stream 'vm/1': the payload of 'a' cannot be stored: "));
  CHECK(f.rows() == 0);
}

TEMPLATE_TEST_CASE("recorded_at never decreases along seq, even when the clock goes back", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  f.now = 5000;
  f.store.append("vm/1", kNoStream, {ev("a")}, test_meta());
  f.now = 3000;
  f.store.append("vm/1", 1, {ev("b")}, test_meta());
  f.now = 7000;
  f.store.append("vm/1", 2, {ev("c")}, test_meta());
  auto events = f.store.read_stream("vm/1");
  REQUIRE(events.size() == 3);
  CHECK(events[0].recorded_at == 5000);
  CHECK(events[1].recorded_at == 5000);
  CHECK(events[2].recorded_at == 7000);
}

TEMPLATE_TEST_CASE("the real clock stamps UTC milliseconds", "[store][append]", SqliteLog, PgLog) {
  std::string why;
  if (!TestType::available(&why)) {
    WARN("SKIPPED: " << why);
    return;
  }
  TestType backend;
  auto log = EventLog::open(backend.db());
  EventStore& store = log->store();
  const int64_t before = system_clock_ms();
  store.append("vm/1", kNoStream, {ev("a")}, test_meta());
  const int64_t after = system_clock_ms();
  auto e = store.read_stream("vm/1").at(0);
  CHECK(e.recorded_at >= before);
  CHECK(e.recorded_at <= after);
  CHECK(before > 1600000000000);  // milliseconds, not seconds
}

TEMPLATE_TEST_CASE("the hook is not called when every element of a batch was a duplicate", "[store][append]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(AppendFixture);
  std::vector<EventStore::StreamAppend> batch = {
      {"vm/1", kNoStream, {ev("a", {}, "aaaaaaaa-0000-4000-8000-000000000000")}, test_meta()}};
  int calls = 0;
  auto hook = [&](const std::vector<Event>&) { ++calls; };
  f.store.append_batch(batch, hook);
  CHECK(calls == 1);
  auto again = f.store.append_batch(batch, hook);
  CHECK(again.at(0).duplicate);
  CHECK(calls == 1);
}
