#include "service/cli/usage.h"

#include "service/commands/registry.h"

namespace qmd::service {

std::string usage_text() {
  std::string out = "USAGE: qm <COMMAND> [ARGS] [OPTIONS]\n";
  for (const auto& v : all_verbs()) out += "       " + v.synopsis + "\n";
  out += "\nGlobal options: --data-dir DIR (QMD_DATA_DIR), --node NAME (QMD_NODE), --db PATH (QMD_DB),\n"
         "                --output-format text|json|json-pretty\n";
  return out;
}

std::string usage_of(const std::string& verb) {
  const VerbSpec* v = find_verb(verb);
  return v ? "USAGE: " + v->synopsis + "\n" : std::string();
}

}  // namespace qmd::service
