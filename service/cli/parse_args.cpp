#include "service/cli/parse_args.h"

#include <algorithm>

#include "config/schema.h"
#include "events/ids.h"
#include "service/cli/secret_options.h"

namespace qmd::service {

namespace {

// Is `name` an option of the verb, and of which kind?
bool lookup_option(const VerbSpec& verb, const std::string& name, OptKind& kind) {
  for (const auto* list : {&verb.options, &global_options()}) {
    for (const auto& o : *list) {
      if (o.name == name) {
        kind = o.kind;
        return true;
      }
    }
  }
  if (verb.config_options) {
    const std::string key = name == "cdrom" ? "ide2" : name;
    if (const auto* def = config::find_option(key)) {
      kind = def->type == config::ValueType::Boolean ? OptKind::kFlag : OptKind::kValue;
      return true;
    }
  }
  return false;
}

bool looks_like_option(const std::string& a) {
  if (a.size() < 2 || a[0] != '-') return false;
  // a negative number is a value, not an option
  return !(a[1] >= '0' && a[1] <= '9');
}

}  // namespace

std::string quote_command_line(const std::vector<std::string>& argv) {
  std::string out = "qm";
  for (const auto& a : argv) {
    out += ' ';
    const bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_-./:=,@+%^").find(c) != std::string_view::npos;
    });
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) {
      if (c == '\'') out += "'\\''";
      else out += c;
    }
    out += '\'';
  }
  return out;
}

Request parse_args(const std::vector<std::string>& argv) {
  if (argv.empty()) throw CommandError("400 no command specified");
  const VerbSpec* verb = find_verb(argv[0]);
  size_t first = 1;
  // Verbs with a sub-command (`qm disk resize`) are registered under both words.
  if (verb == nullptr && argv.size() > 1) {
    verb = find_verb(argv[0] + " " + argv[1]);
    first = 2;
  }
  if (verb == nullptr) throw CommandError("unknown command 'qm " + argv[0] + "'");
  Request r;
  r.verb = verb->name;
  r.command_line = quote_command_line(argv_without_secrets(argv));
  r.correlation_id = events::new_uuid();
  for (size_t i = first; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (!looks_like_option(a)) {
      r.args.push_back(a);
      continue;
    }
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    OptKind kind;
    if (!lookup_option(*verb, name, kind)) {
      throw CommandError("Unknown option: " + name + "\n400 unable to parse option");
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (kind == OptKind::kFlag) {
      // As Getopt's optional value (`name:s`): the next argument is the value
      // unless it is an option; a bad spelling is reported by the handler.
      if (i + 1 < argv.size() && !looks_like_option(argv[i + 1])) value = argv[++i];
      else value = "1";
    } else {
      if (i + 1 >= argv.size()) {
        throw CommandError("400 Parameter verification failed.\n" + name + ": missing value");
      }
      value = argv[++i];
    }
    if (name == "output-format") {
      if (value != "text" && value != "json" && value != "json-pretty") {
        throw CommandError("400 Parameter verification failed.\noutput-format: value '" + value +
                           "' does not have a value in the enumeration 'text, json, json-pretty'");
      }
      r.output_format = value;
      continue;
    }
    r.options.emplace_back(name, value);
  }
  if (r.args.size() < verb->positional.size()) throw CommandError("400 not enough arguments");
  if (r.args.size() > verb->positional.size()) throw CommandError("400 too many arguments");
  return r;
}

}  // namespace qmd::service
