#include "service/autoballoon/autoballoon_service.h"

#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "config/update.h"
#include "service/autoballoon/plan_json.h"
#include "service/autoballoon/vm_inputs.h"
#include "service/support/conflict_retry.h"
#include "service/qemu/qmp_client.h"

namespace qmd::autoballoon {

namespace {

using service::runtime::LoopTimer;

// Commits the due records as vm.balloon.target events (recorder thread).
void commit_records(service::App& app, const std::vector<TargetRecord>& due, const service::Request& actor) {
  for (const auto& r : due) {
    try {
      service::retry_on_conflict([&] {
        const auto s = app.model().load(r.vmid);
        if (!s.exists) return;
        app.commit(r.vmid, s.version, {target_event(r)}, actor);
      });
    } catch (const std::exception& e) {
      spdlog::error("VM {}: could not record the balloon target {}: {}", r.vmid, r.to, e.what());
    }
  }
}

}  // namespace

struct AutoballoonService::Cycle {
  enum class Phase { read, query, send, done };
  std::uint64_t id = 0;
  Phase phase = Phase::read;
  HostMemory host;
  std::map<std::int64_t, config::Section> configs;        // the VMs looked at
  std::map<std::int64_t, nlohmann::json> balloon, stats;  // their QMP answers
  int outstanding = 0;                                    // QMP answers still awaited
  Plan plan;
  std::map<int, std::int64_t> live;   // balloon size reported, VMs with a running driver
  std::map<int, std::int64_t> acked;  // targets QEMU accepted
};

AutoballoonService::AutoballoonService(uv_loop_t* loop, service::runtime::Supervisor& sup,
                                       service::runtime::Recorder& db, Post post,
                                       std::unique_ptr<HostMemorySource> host, AutoballoonSettings settings,
                                       service::Request actor)
    : loop_(loop), sup_(sup), db_(db), post_(std::move(post)), host_(std::move(host)), settings_(std::move(settings)),
      actor_(std::move(actor)), audit_(settings_.audit_max_cycles), alive_(std::make_shared<bool>(true)) {}

AutoballoonService::~AutoballoonService() { stop(); }

void AutoballoonService::start() {
  if (settings_.interval_ms == 0) {
    spdlog::info("autoballoon is off");
    return;
  }
  timer_ = std::make_unique<LoopTimer>(loop_);
  guard_ = std::make_unique<LoopTimer>(loop_);
  timer_->start(settings_.interval_ms, [this] { tick(); });
  spdlog::info("autoballoon every {} ms, ballooning-target {} %, host memory from {}", settings_.interval_ms,
               settings_.target_percent, settings_.meminfo);
}

void AutoballoonService::stop() {
  if (!*alive_) return;
  *alive_ = false;
  timer_.reset();
  guard_.reset();
  current_.reset();
  auto due = audit_.flush();
  if (!due.empty()) {
    db_.run([due, actor = actor_](service::App& app) { commit_records(app, due, actor); });
  }
}

void AutoballoonService::tick() {
  timer_->start(settings_.interval_ms, [this] { tick(); });
  if (current_) {
    spdlog::warn("autoballoon: cycle {} is still running; skipping a cycle", current_->id);
    return;
  }
  auto c = std::make_shared<Cycle>();
  c->id = next_cycle_++;
  current_ = c;
  const std::vector<std::int64_t> vmids = sup_.up_vmids();
  if (vmids.empty()) {
    finish(c);
    return;
  }
  auto alive = alive_;
  auto post = post_;
  auto host = host_;
  const int percent = settings_.target_percent;
  db_.run([this, alive, post, host, percent, c, vmids](service::App& app) {
    std::string error;
    HostMemory figures;
    std::map<std::int64_t, config::Section> configs;
    try {
      const HostFigures f = host->read();
      figures = HostMemory{f.memtotal, f.memused, percent};
      for (std::int64_t vmid : vmids) {
        const auto s = app.model().load(vmid);
        if (s.exists) configs.emplace(vmid, config::effective_config(s.conf, true));
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    post([this, alive, c, figures, configs = std::move(configs), error] {
      if (!*alive || current_ != c) return;
      if (!error.empty()) {
        spdlog::warn("autoballoon: cycle {} skipped: {}", c->id, error);
        current_.reset();
        return;
      }
      c->host = figures;
      c->configs = std::move(configs);
      query(c);
    });
  });
}

void AutoballoonService::query(std::shared_ptr<Cycle> c) {
  c->phase = Cycle::Phase::query;
  const int timeout = settings_.qmp_timeout_ms;
  for (const auto& [vmid_, conf] : c->configs) {
    const std::int64_t vmid = vmid_;
    qemu::QmpClient* q = sup_.qmp_of(vmid);
    if (q == nullptr) continue;
    ++c->outstanding;
    auto alive = alive_;
    q->execute(kQueryBalloon, nullptr, timeout, [this, alive, c, vmid, timeout](qemu::QmpResult r) {
      if (!*alive || c->phase != Cycle::Phase::query) return;
      if (!r.ok()) {  // no balloon device: nothing more to ask
        answered(c);
        return;
      }
      c->balloon[vmid] = r.value;
      qemu::QmpClient* q = sup_.qmp_of(vmid);
      if (q == nullptr) {
        answered(c);
        return;
      }
      q->execute("qom-get", guest_stats_query(), timeout, [this, alive, c, vmid](qemu::QmpResult s) {
        if (!*alive || c->phase != Cycle::Phase::query) return;
        if (s.ok()) c->stats[vmid] = s.value;
        answered(c);
      });
    });
  }
  if (c->outstanding == 0) decide(c);
  else arm_guard(c, &AutoballoonService::decide);
}

void AutoballoonService::answered(const std::shared_ptr<Cycle>& c) {
  if (--c->outstanding > 0) return;
  guard_->stop();
  decide(c);
}

void AutoballoonService::arm_guard(const std::shared_ptr<Cycle>& c,
                                   void (AutoballoonService::*next)(std::shared_ptr<Cycle>)) {
  auto alive = alive_;
  guard_->start(static_cast<std::uint64_t>(2 * settings_.qmp_timeout_ms + 1000), [this, alive, c, next] {
    if (!*alive || current_ != c) return;
    spdlog::warn("autoballoon: cycle {}: {} QMP answer(s) missing; going on without them", c->id, c->outstanding);
    c->outstanding = 0;
    (this->*next)(c);
  });
}

void AutoballoonService::decide(std::shared_ptr<Cycle> c) {
  c->phase = Cycle::Phase::send;
  std::vector<VmBalloonStatus> vms;
  vms.reserve(c->configs.size());
  for (const auto& [vmid, conf] : c->configs) {
    auto b = c->balloon.find(vmid);
    auto st = c->stats.find(vmid);
    vms.push_back(balloon_status_of(static_cast<int>(vmid), conf, b == c->balloon.end() ? nlohmann::json() : b->second,
                                    st == c->stats.end() ? nlohmann::json() : st->second));
    if (vms.back().balloon) c->live[vms.back().vmid] = *vms.back().balloon;
  }
  try {
    c->plan = plan_cycle(c->host, vms);
  } catch (const std::exception& e) {
    spdlog::error("autoballoon: cycle {}: {}", c->id, e.what());
    current_.reset();
    return;
  }
  spdlog::debug("autoballoon cycle {}: {}", c->id, to_json(c->plan).dump());
  const int timeout = settings_.qmp_timeout_ms;
  for (const auto& [vmid, target_] : c->plan.targets) {
    const int id = vmid;
    const std::int64_t target = target_;
    qemu::QmpClient* q = sup_.qmp_of(id);
    if (q == nullptr) continue;
    ++c->outstanding;
    auto alive = alive_;
    q->execute("balloon", {{"value", target}}, timeout, [this, alive, c, id, target](qemu::QmpResult r) {
      if (!*alive || c->phase != Cycle::Phase::send) return;
      if (r.ok()) c->acked[id] = target;
      else spdlog::warn("VM {}: autoballoon: balloon {} failed: {}", id, target, r.error->to_string());
      sent(c);
    });
  }
  if (!c->plan.targets.empty()) {
    spdlog::info("autoballoon: goal {} bytes, set {}: {} target(s) sent", c->plan.goal, to_string(c->plan.set_used),
                 c->outstanding);
  }
  if (c->outstanding == 0) finish(c);
  else arm_guard(c, &AutoballoonService::finish);
}

void AutoballoonService::sent(const std::shared_ptr<Cycle>& c) {
  if (--c->outstanding > 0) return;
  guard_->stop();
  finish(c);
}

void AutoballoonService::finish(std::shared_ptr<Cycle> c) {
  c->phase = Cycle::Phase::done;
  std::set<int> up;
  for (const auto& [vmid, conf] : c->configs) up.insert(static_cast<int>(vmid));
  auto due = audit_.after_cycle(c->plan, c->host, c->acked, c->live, up);
  if (current_ == c) current_.reset();
  if (due.empty()) return;
  db_.run([due = std::move(due), actor = actor_](service::App& app) { commit_records(app, due, actor); });
}

}  // namespace qmd::autoballoon
