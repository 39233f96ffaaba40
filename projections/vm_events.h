// The catalog of VM event types (stream "vm/<vmid>") and their payload shapes.
//
// Every payload may carry "delta": the config change the event causes (see
// config/delta.h), so that folding is mechanical. Type-specific members:
//
//   vm.created            {vmid, node, delta}                       a VM appears
//   vm.imported           {vmid, node, source, delta}               brought in from a .conf file
//   vm.config.updated     {delta, warnings?}                        qm set
//   vm.operation.started  {op, op_id, detail?, delta}               a long operation begins; lock set
//                         op create|clone also {vmid, node}: the VM appears (clone: also
//                         {source: {vmid, snapname?}, full})
//   vm.operation.step     {op_id, step, detail?, delta?}            one step done (disk allocated, ...)
//   vm.operation.completed{op_id, delta?}                           lock released by the operation
//   vm.operation.failed   {op_id, error, delta?}                    operation gave up (lock may remain)
//   vm.unlocked           {lock, delta}                             qm unlock
//   vm.destroyed          {purge, volumes}                          the VM is gone
//   vm.status.changed     {status, pid?, cause, detail?}            runtime transitions (qmd)
//   vm.moved              {from, to}                                ownership moved to another node
//   vm.balloon.target     {from, target, cycles, goal, set, host}   autoballoon moved the balloon target
//                         (bytes; a series of cycles coalesced, see service/autoballoon/target_audit.h)
//
// Schema versions: all types are at schema 1. When a payload shape changes, add
// a new schema number and an upcaster in upcast() so old events stay readable.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/delta.h"

namespace qmd::projections {

namespace event_type {
inline constexpr const char* kCreated = "vm.created";
inline constexpr const char* kImported = "vm.imported";
inline constexpr const char* kConfigUpdated = "vm.config.updated";
inline constexpr const char* kOperationStarted = "vm.operation.started";
inline constexpr const char* kOperationStep = "vm.operation.step";
inline constexpr const char* kOperationCompleted = "vm.operation.completed";
inline constexpr const char* kOperationFailed = "vm.operation.failed";
inline constexpr const char* kUnlocked = "vm.unlocked";
inline constexpr const char* kDestroyed = "vm.destroyed";
inline constexpr const char* kStatusChanged = "vm.status.changed";
inline constexpr const char* kMoved = "vm.moved";
inline constexpr const char* kBalloonTarget = "vm.balloon.target";
}  // namespace event_type

// "vm/<vmid>"
std::string vm_stream(int64_t vmid);
// The vmid of a "vm/<vmid>" stream, or -1 for any other stream.
int64_t vmid_of_stream(std::string_view stream);

// Compact JSON form of a delta: {"add":[...],"remove":[...],"keys":[[section,key,old,new],...]}
// with null for an absent old/new value.
nlohmann::json delta_to_json(const config::ConfigDelta& d);
// The delta that turns `from` into `to`, in that form (what an event carries).
nlohmann::json delta_json(const config::ConfigFile& from, const config::ConfigFile& to);
// Throws std::runtime_error naming the problem when j is not a delta.
config::ConfigDelta delta_from_json(const nlohmann::json& j);

// Brings a payload of an older schema up to the current one. Returns nullopt
// when the payload is already current (the common case: no copy is made).
std::optional<nlohmann::json> upcast(const std::string& type, int schema, const nlohmann::json& payload);

}  // namespace qmd::projections
