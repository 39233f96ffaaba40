#include "events/hash_chain.h"

#include <openssl/evp.h>

#include <charconv>
#include <stdexcept>

namespace qmd::events {

namespace {

void append_field(std::string_view bytes, std::string* out) {
  uint64_t n = bytes.size();
  char len[8];
  for (int i = 7; i >= 0; --i) {
    len[i] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  out->append(len, sizeof(len));
  out->append(bytes.data(), bytes.size());
}

void append_int(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  append_field(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), out);
}

}  // namespace

void append_canonical_bytes(const ChainFields& f, std::string* out) {
  append_int(f.seq, out);
  append_field(f.event_id, out);
  append_field(f.stream, out);
  append_int(f.version, out);
  append_field(f.type, out);
  append_int(f.schema, out);
  append_field(f.payload, out);
  append_field(f.meta, out);
  append_int(f.recorded_at, out);
}

struct ChainHasher::Impl {
  EVP_MD* md = nullptr;
  EVP_MD_CTX* ctx = nullptr;
  std::string buf;
};

// The digest is fetched at the first hash, not here: every store owns a
// hasher, and a process that only reads (`qm config`) never needs libcrypto.
ChainHasher::ChainHasher() : impl_(std::make_unique<Impl>()) {}

ChainHasher::~ChainHasher() {
  EVP_MD_CTX_free(impl_->ctx);
  EVP_MD_free(impl_->md);
}

std::string ChainHasher::next(std::string_view previous_hash, const ChainFields& f) {
  std::string out;
  next_into(previous_hash, f, &out);
  return out;
}

void ChainHasher::next_into(std::string_view previous_hash, const ChainFields& f, std::string* out) {
  std::string& buf = impl_->buf;
  buf.clear();
  buf.append(previous_hash.data(), previous_hash.size());
  append_canonical_bytes(f, &buf);

  if (impl_->md == nullptr) {
    // An explicitly fetched digest avoids OpenSSL 3's implicit fetch on every call.
    if (impl_->ctx == nullptr) impl_->ctx = EVP_MD_CTX_new();
    impl_->md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (impl_->md == nullptr || impl_->ctx == nullptr) throw std::runtime_error("hash chain: libcrypto has no SHA-256");
  }
  unsigned char digest[32];
  unsigned int len = 0;
  if (EVP_DigestInit_ex(impl_->ctx, impl_->md, nullptr) != 1 ||
      EVP_DigestUpdate(impl_->ctx, buf.data(), buf.size()) != 1 ||
      EVP_DigestFinal_ex(impl_->ctx, digest, &len) != 1 || len != sizeof(digest))
    throw std::runtime_error("hash chain: SHA-256 failed");

  static constexpr char kHex[] = "0123456789abcdef";
  out->resize(64);
  for (size_t i = 0; i < sizeof(digest); ++i) {
    (*out)[2 * i] = kHex[digest[i] >> 4];
    (*out)[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
}

std::string chain_hash(std::string_view previous_hash, const ChainFields& f) {
  ChainHasher h;
  return h.next(previous_hash, f);
}

}  // namespace qmd::events
