#include <string>

#include "projections/vm_events.h"
#include "projections/vm_state.h"

namespace qmd::projections {

std::string VmState::lock() const {
  auto it = conf.main.find("lock");
  return it == conf.main.end() ? std::string() : it->second;
}

namespace {

std::string str_or(const nlohmann::json& j, const char* key, const std::string& dflt = {}) {
  auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : dflt;
}

void fold_operation(VmState& s, const events::Event& e, const nlohmann::json& p) {
  namespace t = event_type;
  if (e.type == t::kOperationStarted) {
    Operation op;
    op.id = str_or(p, "op_id");
    op.kind = str_or(p, "op");
    op.state = "running";
    op.user = e.meta.value("user", "");
    op.started_at = e.recorded_at;
    op.started_seq = e.seq;
    op.updated_at = e.recorded_at;
    s.op = op;
    return;
  }
  if (!s.op) return;  // a step of an operation we never saw started: keep config changes only
  s.op->updated_at = e.recorded_at;
  if (e.type == t::kOperationStep) {
    s.op->last_step = str_or(p, "step");
  } else if (e.type == t::kOperationCompleted) {
    s.op->state = "completed";
  } else if (e.type == t::kOperationFailed) {
    s.op->state = "failed";
    s.op->error = str_or(p, "error");
  } else if (e.type == t::kUnlocked) {
    if (s.op->state == "running") s.op->state = "released";
  }
}

}  // namespace

void fold(VmState& s, const events::Event& e) {
  namespace t = event_type;
  if (e.version != s.version + 1) {
    throw ProjectionError("event seq " + std::to_string(e.seq) + " has stream version " +
                          std::to_string(e.version) + ", expected " + std::to_string(s.version + 1));
  }
  const std::optional<nlohmann::json> upcasted = upcast(e.type, e.schema, e.payload);
  const nlohmann::json& p = upcasted ? *upcasted : e.payload;
  try {
    if (auto it = p.find("delta"); it != p.end()) apply_delta_json(s.conf, *it);

    if (e.type == t::kCreated || e.type == t::kImported) {
      s.exists = true;
      s.vmid = p.at("vmid").get<int64_t>();
      s.node = p.at("node").get<std::string>();
      s.created_at = e.recorded_at;
      s.status = "stopped";
      s.pid = 0;
    } else if (e.type == t::kOperationStarted && !s.exists &&
               (str_or(p, "op") == "create" || str_or(p, "op") == "clone")) {
      // create and clone make the VM appear with their started event (lock: create/clone)
      s.exists = true;
      s.vmid = p.at("vmid").get<int64_t>();
      s.node = p.at("node").get<std::string>();
      s.created_at = e.recorded_at;
    } else if (e.type == t::kDestroyed) {
      VmState gone;
      gone.vmid = s.vmid;
      s = gone;
    } else if (e.type == t::kStatusChanged) {
      s.status = p.at("status").get<std::string>();
      s.pid = p.value("pid", int64_t{0});
    } else if (e.type == t::kMoved) {
      s.node = p.at("to").get<std::string>();
    }
    if (e.type.starts_with("vm.operation.") || e.type == t::kUnlocked) fold_operation(s, e, p);
  } catch (const nlohmann::json::exception& ex) {
    throw ProjectionError("event seq " + std::to_string(e.seq) + " (" + e.type +
                          "): malformed payload: " + ex.what());
  } catch (const std::runtime_error& ex) {
    throw ProjectionError("event seq " + std::to_string(e.seq) + " (" + e.type + "): " + ex.what());
  }
  s.version = e.version;
  s.last_seq = e.seq;
  s.updated_at = e.recorded_at;
}

}  // namespace qmd::projections
