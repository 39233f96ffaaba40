#include "config/secrets.h"

namespace qmd::config {

bool is_secret_key(std::string_view key) { return key == "cipassword"; }

bool is_crypt_hash(std::string_view v) {
  size_t i = 0;
  if (v.size() < 2 || v[0] != '$') return false;
  if (v[1] == '1' || v[1] == '5' || v[1] == '6') i = 2;
  else if (v.size() > 2 && v[1] == '2' && (v[2] == 'a' || v[2] == 'y')) i = 3;
  else return false;
  // (\$.+){2}: a '$', at least one character, a later '$', at least one character.
  if (i >= v.size() || v[i] != '$') return false;
  const size_t second = v.find('$', i + 2);
  return second != std::string_view::npos && second + 1 < v.size();
}

void hide_secrets(Section& section) {
  for (auto& [k, v] : section)
    if (is_secret_key(k)) v = std::string(kHiddenValue);
}

std::string shown_value(std::string_view key, const std::string& value) {
  return is_secret_key(key) ? std::string(kHiddenValue) : value;
}

}  // namespace qmd::config
