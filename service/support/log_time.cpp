#include "service/support/log_time.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

#include "service/support/request_options.h"

namespace qmd::service {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_time_ms(int64_t ms) {
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

std::string format_time_s(int64_t secs) {
  const std::time_t s = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

events::Upto parse_point(const std::string& option, const std::string& text, bool start_of_period) {
  events::Upto u;
  static const std::regex seq_re("^[0-9]{1,18}$");
  static const std::regex epoch_re("^@([0-9]{1,12})$");
  static const std::regex time_re(
      "^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]{1,3}))?)?)?Z?$");
  std::smatch m;
  if (std::regex_match(text, seq_re)) {
    u.seq = std::stoll(text);
    return u;
  }
  if (std::regex_match(text, m, epoch_re)) {
    u.time_ms = std::stoll(m[1]) * 1000 + (start_of_period ? 0 : 999);
    return u;
  }
  if (std::regex_match(text, m, time_re)) {
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    const int last = start_of_period ? 0 : 1;
    tm.tm_hour = m[4].matched ? std::stoi(m[4]) : 23 * last;
    tm.tm_min = m[5].matched ? std::stoi(m[5]) : 59 * last;
    tm.tm_sec = m[6].matched ? std::stoi(m[6]) : 59 * last;
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
      throw param_error(option, "invalid time '" + text + "'");
    }
    int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
    if (m[7].matched) {
      std::string frac = m[7].str();
      frac.resize(3, '0');
      ms += std::stoi(frac);
    } else if (!start_of_period) {
      ms += 999;  // a time given to the second includes that whole second
    }
    u.time_ms = ms;
    return u;
  }
  throw param_error(option, "expected a seq number, a UTC time (YYYY-MM-DD[THH:MM[:SS]]) or @<epoch>, got '" +
                                text + "'");
}

}  // namespace qmd::service
