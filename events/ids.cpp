#include "events/ids.h"

#include <pthread.h>
#include <sys/random.h>

#include <array>
#include <chrono>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <system_error>

namespace qmd::events {

namespace {

// Bumped in every forked child; a thread's buffer filled under an older
// generation is stale (its bytes were also buffered in the parent).
std::atomic<uint64_t> fork_generation{0};
std::once_flag atfork_once;

void on_fork_child() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

struct RandomPool {
  std::array<unsigned char, 4096> bytes;
  size_t used = sizeof(bytes);  // empty
  uint64_t generation = 0;

  void fill() {
    size_t got = 0;
    while (got < bytes.size()) {
      ssize_t n = getrandom(bytes.data() + got, bytes.size() - got, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "getrandom");
      }
      got += static_cast<size_t>(n);
    }
    used = 0;
  }

  const unsigned char* take(size_t n) {
    uint64_t gen = fork_generation.load(std::memory_order_relaxed);
    if (gen != generation) {
      generation = gen;
      used = bytes.size();
    }
    if (bytes.size() - used < n) fill();
    const unsigned char* p = bytes.data() + used;
    used += n;
    return p;
  }
};

void format_uuid(const unsigned char (&b)[16], std::string* out_string) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string& out = *out_string;
  out.assign(36, '-');
  size_t pos = 0;
  for (size_t i = 0; i < sizeof(b); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++pos;  // keep the '-'
    out[pos++] = kHex[b[i] >> 4];
    out[pos++] = kHex[b[i] & 0x0f];
  }
}

void random_bytes(unsigned char (&b)[16]) {
  std::call_once(atfork_once, [] { pthread_atfork(nullptr, nullptr, on_fork_child); });
  thread_local RandomPool pool;
  const unsigned char* src = pool.take(sizeof(b));
  for (size_t i = 0; i < sizeof(b); ++i) b[i] = src[i];
}

void set_version_and_variant(unsigned char (&b)[16], unsigned version) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122/9562 variant
}

}  // namespace

std::string new_uuid() {
  std::string out;
  new_uuid_into(&out);
  return out;
}

void new_uuid_into(std::string* out) {
  unsigned char b[16];
  random_bytes(b);
  set_version_and_variant(b, 4);
  format_uuid(b, out);
}

std::string new_event_id() {
  std::string out;
  new_event_id_into(&out);
  return out;
}

void new_event_id_into(std::string* out) {
  unsigned char b[16];
  random_bytes(b);
  const auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  set_version_and_variant(b, 7);
  format_uuid(b, out);
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace qmd::events
