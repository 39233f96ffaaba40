// Storage::receive_copy: an image file arriving from another node's storage.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "service/storage/images.h"
#include "service/storage/new_image_file.h"
#include "service/storage/storage_error.h"

namespace qmd::storage {

namespace {
constexpr uint64_t kMaxChunk = uint64_t{16} << 20;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
StorageError io_error(const std::string& what, const std::string& path) {
  return StorageError(what + " '" + path + "': " + std::strerror(errno));
}
}  // namespace

void Storage::receive_copy(const std::string& volid, const std::string& source_path, const ReceiveOptions& o) {
  const VolumeId v = parse_volume_id(volid);
  if (v.type != VolumeType::Images) throw StorageError("volume '" + volid + "' is not a disk image");
  if (v.is_linked_clone()) {
    throw StorageError("can't migrate '" + volid + "' as it's a clone of '" + v.storage + ":" +
                       std::to_string(v.base_vmid) + "/" + v.base_name + "'");
  }
  const StorageEntry& s = image_storage(v.storage);
  NewImageFile file = NewImageFile::reserve_named(image_dir(s.path, v.vmid), v.name);
  if (o.reserved) o.reserved();
  Fd in, out;
  in.fd = ::open(source_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in.fd < 0) throw io_error("cannot open", source_path);
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) throw io_error("cannot stat", source_path);
  out.fd = ::open(file.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (out.fd < 0) throw io_error("cannot open", file.path());
  const auto total = static_cast<uint64_t>(st.st_size);
  // With a limit: chunks of a tenth of a second's worth, each sent no earlier
  // than the limit allows (bytes so far / rate after the start).
  const uint64_t chunk = o.bytes_per_s > 0 ? std::clamp<uint64_t>(o.bytes_per_s / 10, 4096, kMaxChunk) : kMaxChunk;
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t done = 0;
  int last_percent = -1;
  while (done < total) {
    const ssize_t n = ::copy_file_range(in.fd, nullptr, out.fd, nullptr, std::min<uint64_t>(total - done, chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw io_error("cannot copy to", file.path());
    if (n == 0) throw StorageError("'" + source_path + "' shrank while it was copied");
    done += static_cast<uint64_t>(n);
    const int percent = static_cast<int>(done * 100 / total);
    if (o.progress && percent != last_percent) o.progress(percent);
    last_percent = percent;
    if (o.bytes_per_s > 0 && done < total)
      std::this_thread::sleep_until(t0 + std::chrono::microseconds(done * 1000000 / o.bytes_per_s));
  }
  if (::fsync(out.fd) != 0) throw io_error("cannot fsync", file.path());
  file.commit();
}

}  // namespace qmd::storage
