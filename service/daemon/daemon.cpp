#include "service/daemon/daemon.h"

#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include <spdlog/spdlog.h>
#include <uv.h>

#include <thread>

#include "service/app.h"
#include "service/autoballoon/autoballoon_service.h"
#include "service/cluster/nodes.h"
#include "service/commands/migrate/migrate_recover.h"
#include "service/daemon/tree_follower.h"
#include "service/protocol/socket_path.h"
#include "service/qemu/cmdline.h"
#include "events/ids.h"
#include "events/pg_connection.h"
#include "service/daemon/boot_once.h"
#include "service/daemon/loop_post.h"
#include "service/daemon/request_runner.h"
#include "service/daemon/runtime_bridge.h"
#include "service/daemon/socket_server.h"
#include "service/runtime/recorder.h"
#include "service/runtime/supervisor.h"

namespace qmd::service::daemon {

namespace {

// Registers this node in the shared log (cluster/nodes.h); returns the VMs of
// this node that the log says are running or paused.
std::map<int64_t, std::string> register_and_read_running(const Environment& env) {
  App app(env);
  Request req;
  req.command_line = "qmd";
  cluster::register_node(app.store(), cluster::node_of(env), app.meta_for(req));
  std::map<int64_t, std::string> out;
  for (const auto& s : app.model().list(env.node))
    if (s.status != "stopped") out[s.vmid] = s.status;
  return out;
}

// qmd --startall: the pass runs as a request (off the loop), like a client's.
void start_guests_at_boot(const Environment& env, RequestRunner& runner) {
  if (!claim_startall_for_this_boot(env.run_dir())) {
    spdlog::info("--startall: the guests were already started since this host booted; not again");
    return;
  }
  Request req;
  req.verb = "startall";
  req.command_line = "qmd --startall";
  req.correlation_id = events::new_uuid();
  req.actor = Request::Actor{env.user, env.uid, env.pid};
  runner.run(std::move(req), [](const Reply&) {});
}

// Migrations of this node whose driving process died (this qmd, killed)
// are ended once the QEMU processes are re-adopted (commands/migrate/migrate_recover.h).
void recover_interrupted_migrations(const Environment& env, RequestRunner& runner) {
  Request req;
  req.verb = "migrate";
  req.command_line = "qmd (recovery of interrupted migrations)";
  req.correlation_id = events::new_uuid();
  req.actor = Request::Actor{env.user, env.uid, env.pid};
  runner.run_job("migration recovery", [req](App& app) {
    for (const auto& line : recover_migrations(app, req)) spdlog::warn("migration recovery: {}", line);
  });
}

}  // namespace

int run_daemon(const Environment& env, std::function<void()> listening,
               const autoballoon::AutoballoonSettings& autoballoon, bool startall) {
  ::signal(SIGPIPE, SIG_IGN);
  std::error_code ec;
  std::filesystem::create_directories(env.run_dir(), ec);
  if (ec || ::chmod(env.run_dir().c_str(), 0700) != 0) {
    spdlog::critical("cannot create run directory {}: {}", env.run_dir(), ec ? ec.message() : std::strerror(errno));
    return 1;
  }
  const std::string sock = protocol::socket_path(env.data_dir);

  uv_loop_t loop;
  uv_loop_init(&loop);
  int rc = 0;
  {
    std::unique_ptr<runtime::Recorder> recorder;
    std::map<int64_t, std::string> recorded;
    try {
      recorder = std::make_unique<runtime::Recorder>(env);
      recorded = register_and_read_running(env);
    } catch (const std::exception& e) {
      spdlog::critical("cannot open the database {}: {}", events::describe_database(env.db_path), e.what());
      uv_loop_close(&loop);
      return 1;
    }
    LoopPost post(&loop);
    Request system_req;
    system_req.command_line = "qmd";
    runtime::Supervisor sup(&loop, env.run_dir(), *recorder, [&post](std::function<void()> f) { post.post(std::move(f)); },
                            system_req);
    RuntimeBridge bridge(post, sup);
    Request balloon_req;
    balloon_req.verb = "autoballoon";
    balloon_req.command_line = "qmd autoballoon";
    autoballoon::AutoballoonService balloons(
        &loop, sup, *recorder, [&post](std::function<void()> f) { post.post(std::move(f)); },
        std::make_unique<autoballoon::MeminfoFile>(autoballoon.meminfo), autoballoon, balloon_req);
    RequestRunner runner(env, post, bridge);
    // A database outside the data directory may be shared with other nodes:
    // follow what they append into this node's .conf tree.
    std::optional<TreeFollower> follower;
    if (env.db_path != env.data_dir + "/qmd.db") follower.emplace(env, 200);
    SocketServer server(&loop, sock, [&runner](Request req, SocketServer::Respond respond, SocketServer::Progress progress) {
      runner.run(std::move(req), std::move(respond), std::move(progress));
    });
    try {
      server.listen();
    } catch (const std::exception& e) {
      spdlog::critical("{}", e.what());
      rc = 1;
    }
    uv_signal_t sigterm, sigint;
    bool stopping = false;
    auto stop_all = [&] {
      if (stopping) return;
      stopping = true;
      spdlog::info("shutting down; {} VM(s) keep running", sup.count());
      server.close();
      bridge.fail_pending();
      balloons.stop();
      sup.detach_all();
      post.close();
      uv_close(reinterpret_cast<uv_handle_t*>(&sigterm), nullptr);
      uv_close(reinterpret_cast<uv_handle_t*>(&sigint), nullptr);
    };
    std::function<void()> on_signal = stop_all;
    uv_signal_init(&loop, &sigterm);
    uv_signal_init(&loop, &sigint);
    sigterm.data = sigint.data = &on_signal;
    auto cb = [](uv_signal_t* h, int signum) {
      spdlog::info("signal {} received", signum);
      (*static_cast<std::function<void()>*>(h->data))();
    };
    uv_signal_start(&sigterm, cb, SIGTERM);
    uv_signal_start(&sigint, cb, SIGINT);

    if (rc == 0) {
      // Probing QEMU (version, machines, CPUs) takes ~100 ms: done now, not in the first start.
      std::thread([] { qemu::detect_host_caps(); }).detach();
      sup.adopt(recorded);
      recover_interrupted_migrations(env, runner);
      balloons.start();
      spdlog::info("qmd listening on {} (node {}, data {}, db {})", sock, env.node, env.data_dir,
                   events::describe_database(env.db_path));
      if (listening) listening();
      if (startall) start_guests_at_boot(env, runner);
    } else {
      stop_all();
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    const int left = runner.drain(5000);
    if (left > 0) {
      spdlog::warn("{} request(s) still running at exit", left);
      spdlog::default_logger()->flush();
      std::_Exit(rc);  // their threads hold Apps and the runtime: do not destroy under them
    }
  }
  uv_loop_close(&loop);
  spdlog::info("qmd stopped");
  return rc;
}

}  // namespace qmd::service::daemon
