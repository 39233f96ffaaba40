// Host memory figures for the autoballoon goal (spec §7.1: /proc/meminfo total
// and used), behind an interface so that tests can feed the figures of a
// simulated host: a file in /proc/meminfo's format is the narrow boundary.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace qmd::autoballoon {

struct HostFigures {
  std::int64_t memtotal = 0;  // bytes
  std::int64_t memused = 0;   // bytes
};

class HostMemorySource {
 public:
  virtual ~HostMemorySource() = default;
  // The figures now. Throws std::runtime_error naming the source and the problem.
  virtual HostFigures read() = 0;
};

// /proc/meminfo text → figures: memtotal = MemTotal, memused = MemTotal −
// MemAvailable (the kernel's estimate of what can be allocated without
// swapping); kernels without MemAvailable: MemTotal − (MemFree + Buffers + Cached),
// as PVE::ProcFSTools::read_meminfo computes it. Values are in kB ("kB" unit, ×1024).
// Throws std::runtime_error("no MemTotal") / ("no MemAvailable or MemFree") when
// lines are missing, or naming a line whose value is not a number.
HostFigures parse_meminfo(std::string_view text);

// Reads a file in /proc/meminfo's format on every read() (default the real one).
class MeminfoFile : public HostMemorySource {
 public:
  explicit MeminfoFile(std::string path = "/proc/meminfo");
  // Throws std::runtime_error("<path>: <reason>").
  HostFigures read() override;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace qmd::autoballoon
