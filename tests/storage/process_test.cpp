#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>

#include "service/storage/process.h"
#include "service/storage/qemu_img.h"
#include "service/storage/storage_error.h"

using namespace qmd::storage;

TEST_CASE("run_process: exit codes, stdout, stderr, no shell") {
  ProcessResult r = run_process({"sh", "-c", "printf out; printf err >&2; exit 3"});
  CHECK(r.exit_code == 3);
  CHECK(r.out == "out");
  CHECK(r.err == "err");
  r = run_process({"echo", "$HOME;", "*"});   // no shell: words reach the program verbatim
  CHECK(r.ok());
  CHECK(r.out == "$HOME; *\n");
  r = run_process({"sh", "-c", "kill -9 $$"});
  CHECK(r.exit_code == -1);
  CHECK(r.term_signal == 9);
  std::string streamed;
  r = run_process({"printf", "a\\rb"}, [&](std::string_view c) { streamed += c; });
  CHECK(streamed == "a\rb");
  CHECK(r.out.empty());
  CHECK_THROWS_AS(run_process({"/nonexistent/program"}), std::system_error);
  CHECK(command_text({"qemu-img", "snapshot", "-c", "my snap", "/x"}) ==
        "qemu-img snapshot -c 'my snap' /x");
}

TEST_CASE("run_process: the child dies with its caller (kill -9 leaves no orphan writing on)") {
  const std::string pidfile = std::filesystem::temp_directory_path() / ("qmd-orphan-" + std::to_string(::getpid()));
  std::filesystem::remove(pidfile);
  const pid_t caller = ::fork();
  REQUIRE(caller >= 0);
  if (caller == 0) {  // the caller: a process running a long child, as qm runs qemu-img
    run_process({"sh", "-c", "echo $$ > " + pidfile + ".tmp && mv " + pidfile + ".tmp " + pidfile + " && exec sleep 60"});
    ::_exit(0);
  }
  pid_t child = 0;
  for (int i = 0; i < 1000 && child == 0; ++i) {
    std::ifstream in(pidfile);
    if (!(in >> child)) child = 0;
    if (child == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(child > 0);
  REQUIRE(::kill(child, 0) == 0);
  ::kill(caller, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(caller, &status, 0) == caller);
  // Reparented to init and reaped there once the kernel has killed it.
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    gone = ::kill(child, 0) != 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(gone);
  if (!gone) ::kill(child, SIGKILL);
  std::filesystem::remove(pidfile);
}

TEST_CASE("QemuImg::run turns failure into a message naming the command and stderr") {
  const QemuImg img;
  CHECK(img.run({"--version"}).rfind("qemu-img version ", 0) == 0);
  CHECK_THROWS_WITH(img.run({"info", "/nonexistent/disk.qcow2"}),
                    "command 'qemu-img info /nonexistent/disk.qcow2' failed: exit code 1: "
                    "qemu-img: Could not open '/nonexistent/disk.qcow2': Could not open "
                    "'/nonexistent/disk.qcow2': No such file or directory");
}

TEST_CASE("convert progress records are parsed across chunk boundaries") {
  CHECK(parse_progress_record("    (42.50/100%)") == 42.5);
  CHECK(parse_progress_record("    (100.00/100%)") == 100.0);
  CHECK(parse_progress_record("garbage") == std::nullopt);
  CHECK(parse_progress_record("(x/100%)") == std::nullopt);
  std::vector<double> seen;
  ProgressParser p([&](double v) { seen.push_back(v); });
  p.feed("    (0.00/100%)\r    (1");
  p.feed("2.34/100%)\r    (100.00/100%)\r\n");
  CHECK(seen == std::vector<double>{0.0, 12.34, 100.0});
}
