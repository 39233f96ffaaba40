// A real PostgreSQL 15 server for tests: initdb in a temporary directory as
// the `postgres` user (PostgreSQL refuses to run as root), listening only on a
// unix socket in that directory. One server per test binary, started on first
// use and stopped at exit (and by the kernel if the binary dies: the server is
// the binary's child with a parent-death signal).
#pragma once

#include <string>

namespace qmd::testing {

class PgServer {
 public:
  // The server of this test binary, or nullptr when it cannot run here (no
  // /usr/lib/postgresql/15/bin, no `postgres` user): `why` says what is missing,
  // for a SKIP message. Throws std::runtime_error when it is there but fails to start.
  static PgServer* shared(std::string* why);

  // A new, empty database on the server; returns its conninfo (as the
  // superuser `postgres`). Each test takes its own, so tests never share rows.
  std::string new_database();
  // The conninfo of database `dbname` as `user`.
  std::string conninfo(const std::string& dbname, const std::string& user = "postgres") const;
  // Runs `sql` (psql -c, ON_ERROR_STOP) as the superuser on `dbname`; throws
  // std::runtime_error with psql's message when it fails.
  void psql(const std::string& dbname, const std::string& sql) const;

  // Stops the server (fast shutdown) and starts it again on the same data
  // directory: connections are cut, committed data stays.
  void restart();

  const std::string& socket_dir() const { return dir_; }
  ~PgServer();

 private:
  PgServer();
  void start();
  void stop();
  std::string dir_;   // data in dir_/data, socket in dir_
  int pid_ = -1;
  int databases_ = 0;
};

// The directory of PostgreSQL 15's programs.
inline constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";

}  // namespace qmd::testing
