// qm: the command line. Global options --data-dir, --node, --db (and their
// QMD_* environment variables) come first or anywhere; the rest is parsed as
// Proxmox's qm parses it, then sent to qmd when its socket answers, else run
// in-process (where the runtime verbs say that qmd is not running).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "service/app.h"
#include "service/cli/parse_args.h"
#include "service/cli/secret_options.h"
#include "service/client/qmd_client.h"
#include "service/protocol/socket_path.h"
#include "service/cli/usage.h"
#include "service/digest_init.h"
#include "service/dispatch.h"

using namespace qmd::service;

namespace {

// Takes --data-dir/--node/--db (with one or two dashes) out of argv.
struct Globals {
  std::optional<std::string> data_dir, node, db;
  std::vector<std::string> rest;
};

Globals take_globals(int argc, char** argv) {
  Globals g;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string name = a.starts_with("--") ? a.substr(2) : a.starts_with("-") ? a.substr(1) : "";
    std::optional<std::string>* slot = name == "data-dir" ? &g.data_dir : name == "node" ? &g.node
                                     : name == "db"       ? &g.db
                                                          : nullptr;
    if (slot != nullptr && i + 1 < argc) {
      *slot = argv[++i];
      continue;
    }
    g.rest.push_back(a);
  }
  return g;
}

// Live output of a long command (migration progress, copy percentages), as it comes.
void print_live(OutStream stream, const std::string& text) {
  std::FILE* f = stream == OutStream::err ? stderr : stdout;
  std::fwrite(text.data(), 1, text.size(), f);
  std::fflush(f);
}

int emit(const Reply& r) {
  std::fwrite(r.out.data(), 1, r.out.size(), stdout);
  std::fflush(stdout);
  std::fwrite(r.err.data(), 1, r.err.size(), stderr);
  return r.exit_code;
}

// qmd runs in another directory: file and directory arguments go there absolute.
void absolutize_paths(Request& req) {
  const VerbSpec* verb = find_verb(req.verb);
  if (verb == nullptr) return;
  auto abs = [](std::string& p) {
    if (!p.empty() && p[0] != '/') p = std::filesystem::absolute(p).lexically_normal().string();
  };
  for (std::size_t i = 0; i < req.args.size() && i < verb->positional.size(); ++i)
    if (verb->positional[i] == "dir" || verb->positional[i] == "file") abs(req.args[i]);
  for (auto& [name, value] : req.options)
    if (name == "dir") abs(value);
}

}  // namespace

int main(int argc, char** argv) {
  init_digests();  // before anything touches libcrypto: see digest_init.h
  auto logger = spdlog::stderr_color_mt("qm");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);
  if (const char* lvl = std::getenv("QMD_LOG_LEVEL")) spdlog::set_level(spdlog::level::from_str(lvl));

  Globals g = take_globals(argc, argv);
  if (g.rest.empty() || g.rest[0] == "help" || g.rest[0] == "--help" || g.rest[0] == "-h") {
    return emit(Reply{g.rest.empty() ? 255 : 0, usage_text(), {}});
  }
  Request req;
  try {
    req = parse_args(g.rest);
  } catch (const CommandError& e) {
    return emit(Reply::fail(std::string(e.what()) + "\n" + usage_of(g.rest[0]), e.exit_code()));
  }
  try {
    if (!needs_app(req)) return emit(dispatch(nullptr, req));
    Environment env = resolve_environment(g.data_dir, g.db, g.node);
    absolutize_paths(req);
    read_sshkeys_files(req);
    hash_passwords(req);
    // Progress is shown live, by qmd's progress lines or in-process; copy
    // percentages only when a person watches (qmd cannot see our terminal).
    req.tty = ::isatty(STDERR_FILENO) == 1;
    req.live = print_live;
    const VerbSpec* verb = find_verb(req.verb);
    if (verb != nullptr && verb->run_here != nullptr && verb->run_here(req)) {
      App app(std::move(env));
      return emit(dispatch(&app, req));
    }
    if (auto reply = client::call(protocol::socket_path(env.data_dir), req, {req.live})) return emit(*reply);
    App app(std::move(env));
    return emit(dispatch(&app, req));
  } catch (const std::exception& e) {
    return emit(Reply::fail(e.what()));
  }
}
