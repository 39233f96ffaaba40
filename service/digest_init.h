// libcrypto set up for what qmd asks of it: message digests of its own bytes.
#pragma once

#include <openssl/crypto.h>

namespace qmd::service {

// Initialises libcrypto without reading the system's openssl.cnf, without its
// error strings and without its cipher and digest name tables. qmd computes
// SHA-1 (the .conf digest) and SHA-256 (the event chain) with the built-in
// default provider, which no openssl.cnf setting changes the result of; loading
// the configuration and the tables cost about 1.5 ms at every `qm` start.
// qm and qmd call it first thing in main: it must come before any other
// libcrypto call of the process (OpenSSL initialises once; a later call is a
// no-op, and a process that never calls it still hashes the same, only with
// the slower start). Thread-safe, idempotent.
inline void init_digests() {
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
                          OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
                      nullptr);
}

}  // namespace qmd::service
