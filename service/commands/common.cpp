#include "service/commands/common.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <regex>

#include "config/writer.h"
#include "export/materialize.h"

namespace qmd::service {

CommandError param_error(const std::string& param, const std::string& message) {
  return CommandError("400 Parameter verification failed.\n" + param + ": " + message);
}

int64_t parse_vmid(const std::string& text, const std::string& param) {
  static const std::regex re("^[0-9]+$");
  if (!std::regex_match(text, re) || text.size() > 10) {
    throw param_error(param, "type check ('integer') failed - got '" + text + "'");
  }
  const int64_t v = std::stoll(text);
  if (v < 100) throw param_error(param, "value must have a minimum value of 100");
  if (v > 999999999) throw param_error(param, "value must have a maximum value of 999999999");
  return v;
}

bool flag(const Request& req, const std::string& name, bool dflt) {
  auto v = req.opt(name);
  if (!v) return dflt;
  std::string l = *v;
  std::transform(l.begin(), l.end(), l.begin(), ::tolower);
  if (l == "1" || l == "on" || l == "yes" || l == "true") return true;
  if (l == "0" || l == "off" || l == "no" || l == "false") return false;
  throw param_error(name, "type check ('boolean') failed - got '" + *v + "'");
}

int64_t int_option(const Request& req, const std::string& name, int64_t dflt, int64_t min) {
  auto v = req.opt(name);
  if (!v) return dflt;
  static const std::regex re("^[0-9]{1,15}$");
  if (!std::regex_match(*v, re)) throw param_error(name, "type check ('integer') failed - got '" + *v + "'");
  const int64_t n = std::stoll(*v);
  if (n < min) throw param_error(name, "value must have a minimum value of " + std::to_string(min));
  return n;
}

projections::VmState load_existing(App& app, int64_t vmid) {
  auto s = app.model().load(vmid);
  if (!s.exists) {
    throw CommandError("Configuration file 'nodes/" + app.env().node + "/qemu-server/" + std::to_string(vmid) +
                       ".conf' does not exist");
  }
  return s;
}

void check_lock(const projections::VmState& s, bool skiplock) {
  if (skiplock) return;
  const std::string lock = s.lock();
  if (!lock.empty()) throw CommandError("VM is locked (" + lock + ")");
}

std::string digest_of(const projections::VmState& s) { return config::config_digest(exporting::render(s)); }

std::string render_json(const Request& req, const nlohmann::json& j) {
  return (req.output_format == "json-pretty" ? j.dump(4) : j.dump()) + "\n";
}

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

std::string chomped(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
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
