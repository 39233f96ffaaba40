#include "projections/fold_facts.h"

#include <stdexcept>

#include "projections/json_events.h"
#include "projections/vm_events.h"

namespace qmd::projections {

namespace {

std::optional<std::string>* string_slot(FoldFacts& f, std::string_view key) {
  if (key == "op") return &f.op;
  if (key == "op_id") return &f.op_id;
  if (key == "step") return &f.step;
  if (key == "error") return &f.error;
  if (key == "node") return &f.node;
  if (key == "to") return &f.to;
  if (key == "status") return &f.status;
  return nullptr;
}

std::optional<int64_t>* int_slot(FoldFacts& f, std::string_view key) {
  if (key == "vmid") return &f.vmid;
  if (key == "pid") return &f.pid;
  return nullptr;
}

// An event handler (see json_events.h) that fills FoldFacts. Depth 1 is the payload object; the
// "delta" object (depth 2) holds "add"/"remove" string lists (depth 3) and
// "keys": a list (depth 3) of [section, key, old, new] lists (depth 4).
class Scanner final {
 public:
  using number_integer_t = int64_t;
  using number_unsigned_t = uint64_t;
  using number_float_t = double;
  using string_t = std::string;

  explicit Scanner(FoldFacts& f) : f_(f) {}
  std::string error;

  bool null() { return scalar(nullptr, nullptr, true); }
  bool boolean(bool) { return scalar(nullptr, nullptr, false); }
  bool number_integer(number_integer_t v) {
    const int64_t x = v;
    return scalar(nullptr, &x, false);
  }
  bool number_unsigned(number_unsigned_t v) {
    const int64_t x = static_cast<int64_t>(v);
    return scalar(nullptr, &x, false);
  }
  bool number_float(number_float_t, const string_t&) { return scalar(nullptr, nullptr, false); }
  bool string(string_t& v) { return scalar(&v, nullptr, false); }  // may move from v

  bool key(string_t& k) {
    if (depth_ == 1) top_key_ = k;
    else if (depth_ == 2 && in_delta_) delta_key_ = k;
    return true;
  }
  bool start_object(std::size_t) {
    ++depth_;
    if (depth_ == 2 && top_key_ == "delta") {
      in_delta_ = true;
      f_.has_delta = true;
    } else if (in_delta_ && depth_ > 2) {
      return fail("malformed delta: unexpected object");
    } else if (depth_ == 1 && started_) {
      return fail("payload is not a JSON object");
    }
    started_ = true;
    return true;
  }
  bool end_object() {
    if (depth_ == 2) in_delta_ = false;
    --depth_;
    return true;
  }
  bool start_array(std::size_t) {
    ++depth_;
    if (depth_ == 1) return fail("payload is not a JSON object");
    if (depth_ == 2 && top_key_ == "delta") return fail("delta is not a JSON object");
    if (in_delta_) {
      if (depth_ == 3 && delta_key_ != "add" && delta_key_ != "remove" && delta_key_ != "keys")
        return fail("malformed delta: unknown member '" + delta_key_ + "'");
      if (depth_ == 4) {
        if (delta_key_ != "keys") return fail("malformed delta: nested list in '" + delta_key_ + "'");
        f_.delta.keys.emplace_back();
        field_ = 0;
      }
      if (depth_ > 4) return fail("malformed delta: nested list in a key change");
    }
    return true;
  }
  bool end_array() {
    if (in_delta_ && depth_ == 4 && field_ != 4) return fail("delta key change is not [section,key,old,new]");
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string& why) { return fail("payload is not valid JSON: " + why); }

 private:
  bool fail(std::string why) {
    if (error.empty()) error = std::move(why);
    return false;
  }

  // s may be moved from: the lexer refills its token buffer for every token.
  bool scalar(std::string* s, const int64_t* i, bool is_null) {
    if (depth_ == 0) return fail("payload is not a JSON object");
    if (depth_ == 1) {
      if (s != nullptr) {
        if (auto* slot = string_slot(f_, top_key_)) *slot = std::move(*s);
      } else if (i != nullptr) {
        if (auto* slot = int_slot(f_, top_key_)) *slot = *i;
      }
      return true;
    }
    if (!in_delta_) return true;  // inside a member folding does not read
    if (depth_ == 2) return fail("malformed delta: member '" + delta_key_ + "' is not a list");
    if (depth_ == 3) {
      if (delta_key_ == "keys") return fail("delta key change is not [section,key,old,new]");
      if (s == nullptr) return fail("malformed delta: section names must be strings");
      (delta_key_ == "add" ? f_.delta.sections_added : f_.delta.sections_removed).push_back(std::move(*s));
      return true;
    }
    // depth 4: one field of a key change
    auto& kc = f_.delta.keys.back();
    switch (field_++) {
      case 0:
        if (s == nullptr) return fail("malformed delta: section must be a string");
        kc.section = std::move(*s);
        return true;
      case 1:
        if (s == nullptr) return fail("malformed delta: key must be a string");
        kc.key = std::move(*s);
        return true;
      case 2:
        if (s == nullptr && !is_null) return fail("malformed delta: old value must be a string or null");
        return true;
      case 3:
        if (s != nullptr) kc.new_value = std::move(*s);
        else if (!is_null) return fail("malformed delta: new value must be a string or null");
        return true;
      default:
        return fail("delta key change is not [section,key,old,new]");
    }
  }

  FoldFacts& f_;
  int depth_ = 0;
  bool started_ = false;
  bool in_delta_ = false;
  int field_ = 0;
  std::string top_key_, delta_key_;
};

}  // namespace

FoldFacts facts_from_json(const nlohmann::json& p) {
  FoldFacts f;
  if (!p.is_object()) throw std::runtime_error("payload is not a JSON object");
  for (auto it = p.begin(); it != p.end(); ++it) {
    if (it->is_string()) {
      if (auto* slot = string_slot(f, it.key())) *slot = it->get<std::string>();
    } else if (it->is_number_integer()) {
      if (auto* slot = int_slot(f, it.key())) *slot = it->get<int64_t>();
    }
  }
  if (auto it = p.find("delta"); it != p.end()) {
    f.has_delta = true;
    f.delta = delta_from_json(*it);
    for (auto& k : f.delta.keys) k.old_value.reset();
  }
  return f;
}

FoldFacts facts_from_text(std::string_view text) {
  FoldFacts f;
  Scanner scanner(f);
  const bool ok = read_json_events(text, scanner);
  if (!ok || !scanner.error.empty()) {
    throw std::runtime_error(scanner.error.empty() ? "payload is not valid JSON" : scanner.error);
  }
  return f;
}

}  // namespace qmd::projections
