#include "service/daemon/socket_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "service/daemon/peer.h"
#include "service/protocol/lines.h"

namespace qmd::service::daemon {

struct SocketServer::Conn {
  SocketServer* server = nullptr;
  uint64_t id = 0;
  uv_pipe_t* pipe = nullptr;
  std::string buf;
  bool busy = false;      // a request is being handled
  uint64_t handled = 0;   // requests handed to the handler so far: names the one in flight
  bool closing = false;   // an error reply is on its way, then the connection closes
  bool reading = false;   // uv_read_start is in effect
  std::optional<Request::Actor> actor;
};

namespace {

struct WriteReq {
  uv_write_t req;
  std::string data;
  SocketServer* server;
  uint64_t id;
  bool close_after;
  std::weak_ptr<bool> alive;
};

// Output written to c's pipe that the client has not taken yet.
std::size_t queued_output(const uv_pipe_t* pipe) {
  return uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(pipe));
}

void close_and_free(uv_handle_t* h) {
  if (uv_is_closing(h) == 0) uv_close(h, [](uv_handle_t* p) { delete reinterpret_cast<uv_pipe_t*>(p); });
}

// True when a process answers on the unix socket at path.
bool answers(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

SocketServer::SocketServer(uv_loop_t* loop, std::string path, Handler handler)
    : loop_(loop), path_(std::move(path)), handler_(std::move(handler)) {}

SocketServer::~SocketServer() { close(); }

void SocketServer::listen() {
  sockaddr_un probe{};
  if (path_.size() >= sizeof probe.sun_path) throw std::runtime_error("socket path too long: " + path_);
  if (::access(path_.c_str(), F_OK) == 0) {
    if (answers(path_)) throw std::runtime_error("qmd is already running (" + path_ + " answers)");
    ::unlink(path_.c_str());
  }
  server_ = new uv_pipe_t;
  uv_pipe_init(loop_, server_, 0);
  server_->data = this;
  // The umask makes the socket 0600 from its creation on (no window where others could connect).
  const mode_t old = ::umask(0177);
  int rc = uv_pipe_bind(server_, path_.c_str());
  ::umask(old);
  if (rc == 0) rc = ::chmod(path_.c_str(), 0600) == 0 ? 0 : -errno;
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(server_), 128, [](uv_stream_t* s, int status) {
      if (status == 0) static_cast<SocketServer*>(s->data)->on_connection();
    });
  }
  if (rc != 0) {
    close_and_free(reinterpret_cast<uv_handle_t*>(server_));
    server_ = nullptr;
    throw std::runtime_error("cannot listen on " + path_ + ": " + uv_strerror(rc));
  }
}

void SocketServer::close() {
  if (server_ != nullptr) {
    close_and_free(reinterpret_cast<uv_handle_t*>(server_));
    server_ = nullptr;
    ::unlink(path_.c_str());
  }
  while (!conns_.empty()) drop(conns_.begin()->first);
  *alive_ = false;
}

void SocketServer::on_connection() {
  auto c = std::make_unique<Conn>();
  c->server = this;
  c->id = next_id_++;
  c->pipe = new uv_pipe_t;
  uv_pipe_init(loop_, c->pipe, 0);
  if (uv_accept(reinterpret_cast<uv_stream_t*>(server_), reinterpret_cast<uv_stream_t*>(c->pipe)) != 0) {
    close_and_free(reinterpret_cast<uv_handle_t*>(c->pipe));
    return;
  }
  uv_os_fd_t fd = -1;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(c->pipe), &fd) == 0) c->actor = peer_actor(fd);
  c->pipe->data = c.get();
  start_reading(*c);
  conns_.emplace(c->id, std::move(c));
}

void SocketServer::start_reading(Conn& c) {
  c.reading = true;
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(c.pipe),
      [](uv_handle_t*, size_t suggested, uv_buf_t* b) {
        b->base = new char[suggested];
        b->len = suggested;
      },
      [](uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
        auto* conn = static_cast<Conn*>(s->data);
        conn->server->on_read(*conn, n, b);
        delete[] b->base;
      });
}

void SocketServer::update_reading(Conn& c) {
  const bool want = !c.closing && c.buf.size() <= protocol::kMaxRequestLine && queued_output(c.pipe) <= protocol::kMaxQueuedOutput;
  if (want == c.reading) return;
  if (want) {
    start_reading(c);
  } else {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(c.pipe));
    c.reading = false;
  }
}

void SocketServer::on_read(Conn& c, ssize_t n, const uv_buf_t* b) {
  if (n < 0) {
    drop(c.id);  // EOF or error; a request in flight finishes, its reply is dropped
    return;
  }
  if (c.closing) return;
  c.buf.append(b->base, static_cast<size_t>(n));
  const uint64_t id = c.id;
  pump(c);
  if (auto it = conns_.find(id); it != conns_.end()) update_reading(*it->second);
}

// Handles the next complete line when no request is in flight and the
// client has taken its earlier output.
void SocketServer::pump(Conn& c) {
  while (!c.busy && !c.closing && queued_output(c.pipe) <= protocol::kMaxQueuedOutput) {
    const auto nl = c.buf.find('\n');
    if (nl == std::string::npos) {
      if (c.buf.size() > protocol::kMaxRequestLine) {
        spdlog::warn("connection {}: request line over {} bytes, closing", c.id, protocol::kMaxRequestLine);
        c.buf.clear();
        write(c, protocol::reply_line(protocol::oversized_request_reply()), true);
      }
      return;
    }
    std::string line = c.buf.substr(0, nl);
    c.buf.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.size() > protocol::kMaxRequestLine) {
      write(c, protocol::reply_line(protocol::oversized_request_reply()), true);
      return;
    }
    auto parsed = protocol::parse_request_line(line);
    if (auto* bad = std::get_if<Reply>(&parsed)) {
      spdlog::info("connection {}: {}", c.id, bad->err.substr(0, bad->err.size() - 1));
      if (!write(c, protocol::reply_line(*bad), false)) return;
      continue;
    }
    Request req = std::move(std::get<Request>(parsed));
    req.hide_secrets();
    if (!c.actor) {
      write(c, protocol::reply_line(Reply::fail("qmd: cannot determine the peer's credentials")), true);
      return;
    }
    accept_on_behalf_of(req, *c.actor, static_cast<int64_t>(::geteuid()));
    c.busy = true;
    const uint64_t id = c.id;
    const uint64_t nth = ++c.handled;
    std::weak_ptr<bool> alive = alive_;
    // The connection of request `nth` while that request is in flight, else null.
    auto in_flight = [this, id, nth, alive]() -> Conn* {
      auto a = alive.lock();
      if (!a || !*a) return nullptr;
      auto it = conns_.find(id);
      if (it == conns_.end() || !it->second->busy || it->second->handled != nth) return nullptr;
      return it->second.get();
    };
    auto respond = [this, in_flight, id](const Reply& r) {
      Conn* conn = in_flight();
      if (conn == nullptr) return;
      conn->busy = false;
      if (!write(*conn, protocol::reply_line(r), false)) return;
      pump(*conn);
      if (auto it = conns_.find(id); it != conns_.end()) update_reading(*it->second);  // pump may have dropped it
    };
    auto progress = [this, in_flight](OutStream stream, const std::string& text) {
      Conn* conn = in_flight();
      if (conn != nullptr && !conn->closing && queued_output(conn->pipe) <= protocol::kMaxQueuedOutput)
        write(*conn, protocol::progress_line(stream, text), false);
    };
    handler_(std::move(req), std::move(respond), std::move(progress));
  }
}

bool SocketServer::write(Conn& c, const std::string& line, bool close_after) {
  if (close_after) c.closing = true;
  auto* w = new WriteReq{{}, line, this, c.id, close_after, alive_};
  uv_buf_t b = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  w->req.data = w;
  const int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(c.pipe), &b, 1, [](uv_write_t* r, int status) {
    auto* wr = static_cast<WriteReq*>(r->data);
    auto a = wr->alive.lock();
    if (a && *a) {
      // A failed write means the client is gone: drop it now. Held back, it
      // is not read, so its hang-up is not seen, and the output the failure
      // frees would otherwise let its next waiting request start.
      if (wr->close_after || status < 0) wr->server->drop(wr->id);
      else wr->server->output_taken(wr->id);
    }
    delete wr;
  });
  if (rc != 0) {
    delete w;
    drop(c.id);
    return false;
  }
  return true;
}

// The client took some output: a connection held back by protocol::kMaxQueuedOutput
// goes on with its next request and reads again.
void SocketServer::output_taken(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  pump(*it->second);
  if (auto again = conns_.find(id); again != conns_.end()) update_reading(*again->second);
}

void SocketServer::drop(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  close_and_free(reinterpret_cast<uv_handle_t*>(it->second->pipe));
  conns_.erase(it);
}

}  // namespace qmd::service::daemon
