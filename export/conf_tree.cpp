#include "export/conf_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "config/node_name.h"

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

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

// Creates `dir` and its missing parents. Below `root` (when given), no
// component may be a symlink: the tree is written where it is, never where a
// link planted in it points.
void make_dirs_below(const std::string& root, const fs::path& dir) {
  std::error_code ec;
  if (root.empty()) {
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create directory '" + dir.string() + "': " + ec.message());
    return;
  }
  fs::create_directories(root, ec);
  if (ec) throw std::runtime_error("cannot create directory '" + root + "': " + ec.message());
  fs::path at(root);
  for (const auto& part : dir.lexically_relative(root)) {
    if (part == "." || part.empty()) continue;
    if (part == "..") throw std::runtime_error("refusing to write outside '" + root + "': " + dir.string());
    at /= part;
    const auto st = fs::symlink_status(at, ec);
    if (fs::is_symlink(st)) throw std::runtime_error("refusing to write through the symlink '" + at.string() + "'");
    if (!fs::exists(st)) {
      if (::mkdir(at.c_str(), 0700) != 0 && errno != EEXIST) fail("cannot create directory", at.string());
    } else if (!fs::is_directory(st)) {
      throw std::runtime_error("cannot create directory '" + at.string() + "': not a directory");
    }
  }
}

bool parse_vmid(const std::string& stem, int64_t& vmid) {
  if (stem.empty() || stem.size() > 9 || stem[0] == '0') return false;
  if (!std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  vmid = std::stoll(stem);
  return true;
}
}  // namespace

void write_file_atomic(const std::string& path, const std::string& bytes, const std::string& root) {
  const fs::path p(path);
  make_dirs_below(root, p.parent_path());
  // A fresh, unpredictable temp name, created here or not at all: a name (or
  // a symlink) planted in the directory is never opened, let alone followed.
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
    tmp = path + ".tmp." + random_suffix();
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
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
  if (!config::is_valid_node_name(node))
    throw std::runtime_error("node '" + node + "': invalid format - " + std::string(config::kInvalidNodeName));
  write_file_atomic(path_of(node, vmid), text, root_);
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
