#include <string>

#include "projections/fold_facts.h"
#include "projections/vm_events.h"
#include "projections/vm_state.h"

namespace qmd::projections {

std::string VmState::lock() const {
  auto it = conf.main.find("lock");
  return it == conf.main.end() ? std::string() : it->second;
}

namespace {

// What every event is, besides its payload.
struct Header {
  int64_t seq = 0;
  int64_t version = 0;
  int64_t recorded_at = 0;
  std::string_view type;
};

template <class T>
const T& required(const std::optional<T>& v, const char* name) {
  if (!v) throw std::runtime_error(std::string("malformed payload: '") + name + "' is missing or of the wrong type");
  return *v;
}

void fold_operation(VmState& s, const Header& h, const FoldFacts& f, const std::string& user) {
  namespace t = event_type;
  if (h.type == t::kOperationStarted) {
    Operation op;
    op.id = f.op_id.value_or("");
    op.kind = f.op.value_or("");
    op.state = "running";
    op.user = user;
    op.started_at = h.recorded_at;
    op.started_seq = h.seq;
    op.updated_at = h.recorded_at;
    s.op = op;
    return;
  }
  if (!s.op) return;  // a step of an operation we never saw started: keep config changes only
  s.op->updated_at = h.recorded_at;
  if (h.type == t::kOperationStep) {
    s.op->last_step = f.step.value_or("");
  } else if (h.type == t::kOperationCompleted) {
    s.op->state = "completed";
  } else if (h.type == t::kOperationFailed) {
    s.op->state = "failed";
    s.op->error = f.error.value_or("");
  } else if (h.type == t::kUnlocked) {
    if (s.op->state == "running") s.op->state = "released";
  }
}

// The one folding rule. `user` is the actor of the event (read from its meta
// only when an operation starts, the one place the state keeps it).
void fold_facts(VmState& s, const Header& h, const FoldFacts& f, const std::string& user) {
  namespace t = event_type;
  if (f.has_delta) config::apply(s.conf, f.delta);
  const bool appears = h.type == t::kCreated || h.type == t::kImported ||
                       (h.type == t::kOperationStarted && !s.exists && (f.op == "create" || f.op == "clone"));
  if (appears) {
    // create and clone make the VM appear with their started event (lock: create/clone)
    s.exists = true;
    s.vmid = required(f.vmid, "vmid");
    s.node = required(f.node, "node");
    s.created_at = h.recorded_at;
    if (h.type != t::kOperationStarted) {
      s.status = "stopped";
      s.pid = 0;
    }
  } else if (h.type == t::kDestroyed) {
    VmState gone;
    gone.vmid = s.vmid;
    s = gone;
  } else if (h.type == t::kStatusChanged) {
    s.status = required(f.status, "status");
    s.pid = f.pid.value_or(0);
  } else if (h.type == t::kMoved) {
    s.node = required(f.to, "to");
  }
  if (h.type.starts_with("vm.operation.") || h.type == t::kUnlocked) fold_operation(s, h, f, user);
}

bool needs_user(std::string_view type) { return type == event_type::kOperationStarted; }

void check_version(const VmState& s, int64_t seq, int64_t version) {
  if (version != s.version + 1) {
    throw ProjectionError("event seq " + std::to_string(seq) + " has stream version " + std::to_string(version) +
                          ", expected " + std::to_string(s.version + 1));
  }
}

template <class F>
void guarded(VmState& s, const Header& h, F&& body) {
  try {
    body();
  } catch (const ProjectionError&) {
    throw;
  } catch (const std::exception& ex) {
    throw ProjectionError("event seq " + std::to_string(h.seq) + " (" + std::string(h.type) + "): " + ex.what());
  }
  s.version = h.version;
  s.last_seq = h.seq;
  s.updated_at = h.recorded_at;
}

}  // namespace

void fold(VmState& s, const events::Event& e) {
  check_version(s, e.seq, e.version);
  const Header h{e.seq, e.version, e.recorded_at, e.type};
  guarded(s, h, [&] {
    const std::optional<nlohmann::json> upcasted = upcast(e.type, e.schema, e.payload);
    const FoldFacts f = facts_from_json(upcasted ? *upcasted : e.payload);
    const std::string user = needs_user(e.type) && e.meta.is_object() ? e.meta.value("user", "") : "";
    fold_facts(s, h, f, user);
  });
}

void fold(VmState& s, const events::RawEvent& e) {
  check_version(s, e.seq, e.version);
  const std::string type(e.type);
  const Header h{e.seq, e.version, e.recorded_at, type};
  guarded(s, h, [&] {
    std::optional<FoldFacts> f;
    // Older schemas go through the decoded path and their upcaster.
    if (e.schema != 1) {
      const auto payload = nlohmann::json::parse(e.payload);
      const auto upcasted = upcast(type, e.schema, payload);
      f = facts_from_json(upcasted ? *upcasted : payload);
    } else {
      f = facts_from_text(e.payload);
    }
    std::string user;
    if (needs_user(type)) {
      const auto meta = nlohmann::json::parse(e.meta, nullptr, false);
      if (meta.is_object()) user = meta.value("user", "");
    }
    fold_facts(s, h, *f, user);
  });
}

}  // namespace qmd::projections
