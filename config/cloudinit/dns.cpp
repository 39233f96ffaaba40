#include "config/cloudinit/dns.h"

namespace qmd::config::cloudinit {

namespace {

bool ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The first whitespace-delimited word of `s` after position `from`, skipping leading blanks.
std::string word_at(std::string_view s, size_t from) {
  while (from < s.size() && ws(s[from])) ++from;
  size_t end = from;
  while (end < s.size() && !ws(s[end])) ++end;
  return std::string(s.substr(from, end - from));
}

bool is_ip_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
}

}  // namespace

std::vector<std::string> split_ws(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_field = !s.empty() && !ws(s[0]);
  if (!s.empty() && ws(s[0])) out.emplace_back();  // leading separator: empty first field
  for (char c : s) {
    if (ws(c)) {
      if (in_field) out.push_back(cur);
      cur.clear();
      in_field = false;
    } else {
      cur += c;
      in_field = true;
    }
  }
  if (in_field) out.push_back(cur);
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

HostDns parse_resolv_conf(std::string_view text) {
  HostDns h;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    // m/^(search|domain)\s+(\S+)\s*/
    for (std::string_view kw : {"search", "domain"}) {
      if (line.starts_with(kw) && line.size() > kw.size() && ws(line[kw.size()])) {
        const std::string w = word_at(line, kw.size());
        if (!w.empty()) h.search = w;
      }
    }
    // m/^\s*nameserver\s+($IPRE)\s*/
    size_t i = 0;
    while (i < line.size() && ws(line[i])) ++i;
    const std::string_view rest = line.substr(i);
    if (rest.starts_with("nameserver") && rest.size() > 10 && ws(rest[10])) {
      std::string w = word_at(rest, 10);
      size_t n = 0;
      while (n < w.size() && is_ip_char(w[n])) ++n;
      w.resize(n);
      if (!w.empty() && h.nameservers.size() < 3) h.nameservers.push_back(w);
    }
  }
  return h;
}

Dns dns_of(const Section& conf, const HostDns& host) {
  Dns d;
  auto sd = conf.find("searchdomain");
  d.search = split_ws(sd != conf.end() ? std::string_view(sd->second) : std::string_view(host.search));
  if (auto ns = conf.find("nameserver"); ns != conf.end()) d.nameservers = split_ws(ns->second);
  else d.nameservers = host.nameservers;
  return d;
}

}  // namespace qmd::config::cloudinit
