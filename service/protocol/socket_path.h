// Where a node's qmd listens: the one place that names the socket, for the
// server that binds it and every client that connects to it.
#pragma once

#include <string>

namespace qmd::service::protocol {

// <data_dir>/run/qmd.sock
inline std::string socket_path(const std::string& data_dir) { return data_dir + "/run/qmd.sock"; }

}  // namespace qmd::service::protocol
