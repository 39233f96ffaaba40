// Proxmox's per-VM flock (spec §1, §6.10): a short-lived, never persisted
// lock on <data-dir>/lock/lock-<vmid>.conf, distinct from the `lock:` value of
// the config. Every commit to a VM holds it exclusively (App::commit); a clone
// holds it shared on its source for the whole copy, so that the source cannot
// be changed, snapshotted or destroyed meanwhile while other clones of it may
// run. The kernel releases it when the process dies (kill -9 included).
// A thread holding a VM's flock (through a live VmFlock) commits to that VM
// without taking it again: see held_by_this_thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace qmd::service {

class VmFlock {
 public:
  enum class Mode { Shared, Exclusive };

  // Takes the lock on <lock_dir>/lock-<vmid>.conf (both created when
  // missing), waiting up to `timeout` (as Proxmox: a blocking flock cut short
  // by a timer, so a waiter shows in /proc/locks). Throws CommandError
  // "can't lock file '<path>' - got timeout" when it is still held by another
  // process after the timeout, std::runtime_error naming the path when the
  // file cannot be opened or locked.
  static VmFlock acquire(const std::string& lock_dir, int64_t vmid, Mode mode,
                         std::chrono::milliseconds timeout);

  VmFlock(VmFlock&& other) noexcept;
  VmFlock& operator=(VmFlock&&) = delete;
  VmFlock(const VmFlock&) = delete;
  ~VmFlock();

  const std::string& path() const { return path_; }

  // True while a VmFlock of this thread holds <lock_dir>/lock-<vmid>.conf
  // (the lock is per open file: taking it again would wait for oneself).
  static bool held_by_this_thread(const std::string& lock_dir, int64_t vmid);

 private:
  VmFlock(int fd, std::string path);
  int fd_ = -1;
  std::string path_;
};

// The lock file of a VM: <lock_dir>/lock-<vmid>.conf.
std::string vm_lock_path(const std::string& lock_dir, int64_t vmid);

// Where a data directory's flocks live (Proxmox: /var/lock/qemu-server): <data_dir>/lock.
inline std::string vm_lock_dir(const std::string& data_dir) { return data_dir + "/lock"; }

// Proxmox's default flock timeout (lock_config: 10 s); a clone waits 1 s
// for its source's.
inline constexpr std::chrono::milliseconds kConfigLockTimeout{10000};

}  // namespace qmd::service
