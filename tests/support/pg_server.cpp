#include "tests/support/pg_server.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include "events/pg_connection.h"
#include "tests/support/child.h"

namespace qmd::testing {

namespace {

struct PostgresUser {
  uid_t uid;
  gid_t gid;
};

std::optional<PostgresUser> postgres_user() {
  const passwd* pw = ::getpwnam("postgres");
  if (!pw) return std::nullopt;
  return PostgresUser{pw->pw_uid, pw->pw_gid};
}

// Becomes the postgres user (in a child, before exec).
void become_postgres(const PostgresUser& u) {
  if (::setgroups(0, nullptr) != 0 || ::setgid(u.gid) != 0 || ::setuid(u.uid) != 0) ::_exit(126);
}

std::unique_ptr<PgServer> g_server;

}  // namespace

PgServer* PgServer::shared(std::string* why) {
  if (g_server) return g_server.get();
  const std::string postgres = std::string(kPgBin) + "/postgres";
  if (!std::filesystem::exists(postgres) || !std::filesystem::exists(std::string(kPgBin) + "/initdb")) {
    if (why) *why = std::string("PostgreSQL 15 is not installed (no ") + postgres + "): PostgreSQL tests skipped";
    return nullptr;
  }
  if (!postgres_user()) {
    if (why) *why = "there is no 'postgres' user to run PostgreSQL as: PostgreSQL tests skipped";
    return nullptr;
  }
  g_server.reset(new PgServer());
  return g_server.get();
}

PgServer::PgServer() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/qmd-pg-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  const PostgresUser u = *postgres_user();
  if (::chown(dir_.c_str(), u.uid, u.gid) != 0) throw std::runtime_error("cannot chown " + dir_ + " to postgres");
  // initdb as postgres: trust on the unix socket only (the directory is 0700,
  // so only root and postgres reach it).
  RunResult r = run({"/usr/sbin/runuser", "-u", "postgres", "--", std::string(kPgBin) + "/initdb", "-D",
                     dir_ + "/data", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"});
  if (r.exit_code != 0) throw std::runtime_error("initdb failed: " + r.err + r.out);
  start();
}

PgServer::~PgServer() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void PgServer::start() {
  const PostgresUser u = *postgres_user();
  const std::string postgres = std::string(kPgBin) + "/postgres";
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    become_postgres(u);
    // After the uid change (which clears it): the server goes when the test binary does.
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (::getppid() != parent) ::_exit(0);
    int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    // fsync off: the tests' server holds throw-away data and shares two cores
    // with the whole suite; what durability means is PostgreSQL's own
    // business, and the benchmark (bench/pg_append.cpp) runs with fsync on.
    ::execl(postgres.c_str(), postgres.c_str(), "-D", (dir_ + "/data").c_str(), "-k", dir_.c_str(), "-c",
            "listen_addresses=", "-c", "fsync=off", "-c", "max_connections=100", "-c", "shared_buffers=32MB",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = pid;
  const std::string info = conninfo("postgres");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (PQping(info.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the PostgreSQL test server exited at start (data in " + dir_ + ")");
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the PostgreSQL test server did not accept connections within 60 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void PgServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: cut connections, checkpoint
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void PgServer::restart() {
  stop();
  start();
}

std::string PgServer::conninfo(const std::string& dbname, const std::string& user) const {
  return "host=" + dir_ + " port=5432 dbname=" + dbname + " user=" + user;
}

std::string PgServer::new_database() {
  const std::string name = "qmd_test_" + std::to_string(++databases_);
  psql("postgres", "CREATE DATABASE " + name);
  return conninfo(name);
}

void PgServer::psql(const std::string& dbname, const std::string& sql) const {
  try {
    events::PgConnection c(conninfo(dbname));
    c.exec_script(sql, "test SQL");
  } catch (const events::PgError& e) {
    throw std::runtime_error(e.primary());
  }
}

}  // namespace qmd::testing
