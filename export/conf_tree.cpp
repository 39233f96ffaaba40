#include "export/conf_tree.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace qmd::exporting {

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " '" + path + "': " + std::strerror(errno));
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open directory", dir);
  ::fsync(fd);
  ::close(fd);
}

bool parse_vmid(const std::string& stem, int64_t& vmid) {
  if (stem.empty() || stem.size() > 9 || stem[0] == '0') return false;
  if (!std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  vmid = std::stoll(stem);
  return true;
}
}  // namespace

void write_file_atomic(const std::string& path, const std::string& bytes) {
  const fs::path p(path);
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) throw std::runtime_error("cannot create directory '" + p.parent_path().string() + "': " + ec.message());
  // Unique per process AND thread: qmd renders from several threads (requests,
  // the tree follower), and two renders of one file must not share a temp file.
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", tmp);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = saved;
      fail("cannot write", tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    fail("cannot sync", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    fail("cannot rename into", path);
  }
  fsync_dir(p.parent_path().string());
}

std::string ConfTree::dir_of(const std::string& node) const {
  return root_ + "/nodes/" + node + "/qemu-server";
}

std::string ConfTree::path_of(const std::string& node, int64_t vmid) const {
  return dir_of(node) + "/" + std::to_string(vmid) + ".conf";
}

void ConfTree::write(const std::string& node, int64_t vmid, const std::string& text) const {
  write_file_atomic(path_of(node, vmid), text);
  for (const auto& f : scan()) {
    if (f.vmid == vmid && f.node != node) {
      ::unlink(f.path.c_str());
      fsync_dir(dir_of(f.node));
    }
  }
}

void ConfTree::remove(int64_t vmid) const {
  for (const auto& f : scan()) {
    if (f.vmid == vmid) {
      ::unlink(f.path.c_str());
      fsync_dir(dir_of(f.node));
    }
  }
}

std::optional<std::string> ConfTree::read(const std::string& node, int64_t vmid) const {
  std::ifstream in(path_of(node, vmid), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<ConfFileRef> ConfTree::scan() const {
  std::vector<ConfFileRef> out;
  std::error_code ec;
  const fs::path nodes = fs::path(root_) / "nodes";
  if (!fs::is_directory(nodes, ec)) return out;
  for (const auto& n : fs::directory_iterator(nodes, ec)) {
    const fs::path dir = n.path() / "qemu-server";
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& f : fs::directory_iterator(dir, ec)) {
      if (f.path().extension() != ".conf") continue;
      int64_t vmid = 0;
      if (!parse_vmid(f.path().stem().string(), vmid)) continue;
      out.push_back({n.path().filename().string(), vmid, f.path().string()});
    }
  }
  std::sort(out.begin(), out.end(), [](const ConfFileRef& a, const ConfFileRef& b) {
    return a.node != b.node ? a.node < b.node : a.vmid < b.vmid;
  });
  return out;
}

}  // namespace qmd::exporting
