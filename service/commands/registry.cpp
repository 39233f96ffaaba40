#include "service/commands/registry.h"

#include "service/commands/clone/clone.h"
#include "service/commands/cloudinit/cloudinit.h"
#include "service/commands/history.h"
#include "service/commands/migrate/migrate.h"
#include "service/commands/showcmd.h"
#include "service/commands/console/monitor.h"
#include "service/commands/console/sendkey.h"
#include "service/commands/console/terminal.h"
#include "service/commands/snapshot/delsnapshot.h"
#include "service/commands/snapshot/listsnapshot.h"
#include "service/commands/snapshot/rollback.h"
#include "service/commands/snapshot/snapshot.h"
#include "service/commands/disk/resize.h"
#include "service/commands/clone/template.h"
#include "service/commands/verbs.h"
#include "service/commands/status/reboot.h"
#include "service/commands/status/reset.h"
#include "service/commands/status/resume.h"
#include "service/commands/status/shutdown.h"
#include "service/commands/status/start.h"
#include "service/commands/status/startall.h"
#include "service/commands/status/status.h"
#include "service/commands/status/stop.h"
#include "service/commands/status/suspend.h"
#include "service/commands/status/wait.h"

namespace qmd::service {

namespace {
constexpr OptKind F = OptKind::kFlag;
constexpr OptKind V = OptKind::kValue;
bool always_here(const Request&) { return true; }
}  // namespace

const std::vector<VerbSpec>& all_verbs() {
  static const std::vector<VerbSpec> verbs = {
      {"create", {}, {"vmid"}, {{"storage", V}, {"unique", F}, {"force", F}, {"pool", V}, {"start", F}}, true,
       "qm create <vmid> [OPTIONS]", run_create},
      {"set", {}, {"vmid"},
       {{"delete", V}, {"revert", V}, {"digest", V}, {"force", F}, {"skiplock", F}}, true,
       "qm set <vmid> [OPTIONS]", run_set},
      {"config", {}, {"vmid"}, {{"current", F}, {"snapshot", V}, {"at", V}}, false,
       "qm config <vmid> [OPTIONS]", run_config},
      {"pending", {}, {"vmid"}, {}, false, "qm pending <vmid>", run_pending},
      {"showcmd", {}, {"vmid"}, {{"pretty", F}, {"snapshot", V}}, false,
       "qm showcmd <vmid> [--pretty] [--snapshot NAME]", run_showcmd},
      {"list", {}, {}, {{"full", F}}, false, "qm list [OPTIONS]", run_list},
      {"destroy", {}, {"vmid"}, {{"purge", F}, {"destroy-unreferenced-disks", F}, {"skiplock", F}}, false,
       "qm destroy <vmid> [OPTIONS]", run_destroy},
      {"unlock", {}, {"vmid"}, {}, false, "qm unlock <vmid>", run_unlock},
      {"locks", {}, {}, {}, false, "qm locks", run_locks},
      {"history", {}, {"vmid"}, {}, false, "qm history <vmid>", run_history},
      {"audit", {},  {},
       {{"vmid", V}, {"actor", V}, {"type", V}, {"since", V}, {"until", V}}, false,
       "qm audit [--vmid N] [--actor USER] [--type TYPE] [--since T] [--until T]", run_audit},
      {"diff", {}, {"vmid"}, {{"from", V}, {"to", V}}, false, "qm diff <vmid> --from SEQ|TIME [--to SEQ|TIME]",
       run_diff},
      {"export", {}, {}, {{"dir", V}, {"at", V}}, false, "qm export --dir DIR [--at SEQ|TIME]", run_export},
      {"rebuild", {}, {}, {}, false, "qm rebuild", run_rebuild},
      {"verify", {}, {}, {}, false, "qm verify", run_verify},
      {"import", {}, {"dir"}, {{"node", V}}, false, "qm import <dir> [--node NAME]", run_import},
      {"start", {}, {"vmid"},
       {{"skiplock", F}, {"timeout", V}, {"machine", V}, {"force-cpu", V}, {"stateuri", V}, {"migratedfrom", V},
        {"migration_type", V}, {"migration_network", V}, {"targetstorage", V}, {"nets-host-mtu", V},
        {"with-conntrack-state", F}},
       false, "qm start <vmid> [OPTIONS]", run_start},
      {"stop", {}, {"vmid"},
       {{"timeout", V}, {"skiplock", F}, {"keepActive", F}, {"overrule-shutdown", F}, {"migratedfrom", V}}, false,
       "qm stop <vmid> [OPTIONS]", run_stop},
      {"shutdown", {}, {"vmid"}, {{"timeout", V}, {"forceStop", F}, {"keepActive", F}, {"skiplock", F}}, false,
       "qm shutdown <vmid> [OPTIONS]", run_shutdown},
      {"reboot", {}, {"vmid"}, {{"timeout", V}}, false, "qm reboot <vmid> [OPTIONS]", run_reboot},
      {"reset", {}, {"vmid"}, {{"skiplock", F}}, false, "qm reset <vmid> [OPTIONS]", run_reset},
      {"suspend", {}, {"vmid"}, {{"todisk", F}, {"statestorage", V}, {"skiplock", F}}, false,
       "qm suspend <vmid> [OPTIONS]", run_suspend},
      {"resume", {}, {"vmid"}, {{"skiplock", F}, {"nocheck", F}}, false, "qm resume <vmid> [OPTIONS]", run_resume},
      {"wait", {}, {"vmid"}, {{"timeout", V}}, false, "qm wait <vmid> [OPTIONS]", run_wait},
      {"startall", {}, {}, {{"force", F}, {"vms", V}}, false, "qm startall [--force] [--vms LIST]", run_startall},
      {"stopall", {}, {}, {{"timeout", V}, {"force-stop", F}, {"vms", V}}, false,
       "qm stopall [--timeout N] [--force-stop 0|1] [--vms LIST]", run_stopall},
      {"status", {}, {"vmid"}, {{"verbose", F}}, false, "qm status <vmid> [OPTIONS]", run_status},
      {"snapshot", {}, {"vmid", "snapname"}, {{"description", V}, {"vmstate", F}}, false,
       "qm snapshot <vmid> <snapname> [--description TEXT] [--vmstate 1]", run_snapshot},
      {"listsnapshot", {}, {"vmid"}, {}, false, "qm listsnapshot <vmid>", run_listsnapshot},
      {"rollback", {}, {"vmid", "snapname"}, {{"start", F}}, false, "qm rollback <vmid> <snapname> [--start]",
       run_rollback},
      {"delsnapshot", {}, {"vmid", "snapname"}, {{"force", F}}, false, "qm delsnapshot <vmid> <snapname> [--force]",
       run_delsnapshot},
      {"check-config", {}, {"file"}, {{"strict", F}, {"vmid", V}}, false,
       "qm check-config <file> [--strict 1] [--vmid N]", nullptr, run_check_config},
      {"clone", {}, {"vmid", "newid"},
       {{"name", V}, {"description", V}, {"full", F}, {"snapname", V}, {"storage", V}, {"format", V}, {"target", V}},
       false, "qm clone <vmid> <newid> [OPTIONS]", run_clone},
      {"template", {}, {"vmid"}, {{"disk", V}}, false, "qm template <vmid> [--disk KEY]", run_template},
      {"cloudinit dump", {}, {"vmid", "type"}, {}, false, "qm cloudinit dump <vmid> <type>", run_cloudinit_dump},
      {"cloudinit pending", {}, {"vmid"}, {}, false, "qm cloudinit pending <vmid>", run_cloudinit_pending},
      {"cloudinit update", {}, {"vmid"}, {}, false, "qm cloudinit update <vmid>", run_cloudinit_update},
      {"disk resize", {"resize"}, {"vmid", "disk", "size"}, {{"digest", V}, {"skiplock", F}}, false,
       "qm disk resize <vmid> <disk> <size> [OPTIONS]", run_resize},
      {"migrate", {}, {"vmid", "target"},
       {{"online", F}, {"force", F}, {"with-local-disks", F}, {"bwlimit", V}, {"targetstorage", V},
        {"migration_type", V}, {"migration_network", V}, {"with-conntrack-state", F}},
       false, "qm migrate <vmid> <target> [OPTIONS]", run_migrate},
      {"terminal", {}, {"vmid"}, {{"iface", V}, {"escape", V}}, false,
       "qm terminal <vmid> [--iface serial0..3] [--escape CHAR]", run_terminal, nullptr, always_here},
      {"monitor", {}, {"vmid"}, {{"command", V}}, false, "qm monitor <vmid> [--command TEXT]", run_monitor, nullptr,
       monitor_is_interactive},
      {"sendkey", {}, {"vmid", "key"}, {{"skiplock", F}, {"hold-time", V}}, false,
       "qm sendkey <vmid> <key> [--skiplock] [--hold-time MS]", run_sendkey},
  };
  return verbs;
}

const VerbSpec* find_verb(std::string_view name) {
  for (const auto& v : all_verbs()) {
    if (v.name == name) return &v;
    for (const auto& a : v.aliases)
      if (a == name) return &v;
  }
  return nullptr;
}

}  // namespace qmd::service
