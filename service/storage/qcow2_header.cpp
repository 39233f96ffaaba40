#include "service/storage/qcow2_header.h"

#include <cstdint>
#include <fstream>

namespace qmd::storage {
namespace {

std::uint64_t big_endian(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

bool has_qcow2_magic(const unsigned char* h) { return h[0] == 'Q' && h[1] == 'F' && h[2] == 'I' && h[3] == 0xfb; }

}  // namespace

std::optional<std::string> read_qcow2_backing_file(const std::string& path) {
  // Header: magic "QFI\xfb" (0), version (4), backing_file_offset u64 (8), backing_file_size u32 (16).
  std::ifstream in(path, std::ios::binary);
  unsigned char h[20];
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return std::nullopt;
  if (!has_qcow2_magic(h)) return std::nullopt;
  const std::uint64_t offset = big_endian(h + 8, 8);
  const std::uint64_t size = big_endian(h + 16, 4);
  if (offset == 0) return std::string();
  if (size > 1023) return std::nullopt;   // the qcow2 spec's limit
  std::string name(size, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in.read(name.data(), static_cast<std::streamsize>(size))) return std::nullopt;
  return name;
}

std::optional<std::uint64_t> read_qcow2_virtual_size(const std::string& path) {
  // Header: magic "QFI\xfb" (0) ... size u64 (24).
  std::ifstream in(path, std::ios::binary);
  unsigned char h[32];
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return std::nullopt;
  if (!has_qcow2_magic(h)) return std::nullopt;
  return big_endian(h + 24, 8);
}

}  // namespace qmd::storage
