// Copies bytes both ways between the user (in_fd → peer, peer → out_fd) and a
// connected stream socket until one side ends, as `socat UNIX-CONNECT:… STDIO`
// does for Proxmox's `qm terminal` and `qm vncproxy`.
#pragma once

namespace qmd::service::console {

enum class RelayEnd {
  kEscape,     // the escape byte arrived from in_fd (what came before it was sent on)
  kInputEnd,   // in_fd reached EOF; the peer's answer was drained for up to half a second
  kPeerEnd,    // the peer closed (e.g. the VM stopped)
  kError,      // a read or write failed (errno is set)
};

// escape: a byte value 1..255 that ends the relay when read from in_fd, or 0
// for none. idle_timeout_ms: ends with kPeerEnd after so long without traffic
// in either direction (-1: never). Never throws; blocks until it ends.
RelayEnd relay(int in_fd, int out_fd, int peer_fd, int escape, int idle_timeout_ms = -1);

}  // namespace qmd::service::console
