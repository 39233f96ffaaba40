// What qm does to secret and file-valued options before a request leaves the
// command line (Proxmox's qm param_mapping): the cleartext of a password never
// reaches qmd's socket, a forwarded request, the audit trail or any log.
#pragma once

#include <string>
#include <vector>

#include "service/request.h"

namespace qmd::service {

// `--sshkeys FILE`: a readable file's contents, URL-encoded as Proxmox's
// uri_escape (all but [A-Za-z0-9._~-] as %XX). A value that names no file and
// has no '/' is kept (it is already URL-encoded; qmd checks it). Throws
// CommandError "unable to open file 'FILE' - <reason>" for a path that cannot
// be read.
void read_sshkeys_files(Request& req);

// `--cipassword`: replaced by its SHA-512 crypt hash (a hash is kept).
void hash_passwords(Request& req);

// argv with the value of every secret option (`--cipassword X`,
// `-cipassword=X`) replaced by config::kHiddenValue, for the recorded command line.
std::vector<std::string> argv_without_secrets(const std::vector<std::string>& argv);

// Perl URI::Escape::uri_escape: every byte but [A-Za-z0-9._~-] as upper-case %XX.
std::string uri_escape(const std::string& bytes);

}  // namespace qmd::service
