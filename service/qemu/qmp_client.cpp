#include "service/qemu/qmp_client.h"

#include "service/qemu/qmp_framing.h"

#include <spdlog/spdlog.h>
#include <sys/un.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <map>
#include <vector>

namespace qmd::qemu {

using nlohmann::json;

// Named, not anonymous: Impl (external linkage) holds these, and in a unity
// build this file is an included one, where GCC warns of such a member
// (-Wsubobject-linkage).
namespace qmp_boxes {

// libuv handles and requests are allocated together with a back pointer, so that close and
// write callbacks can find (and finally free) the Impl after the client itself is gone.
struct TimerBox {
  uv_timer_t timer;
  QmpClient::Impl* impl;
  std::uint64_t id;  // the command a per-command timer belongs to; 0 for the client's own timers
};
struct PipeBox {
  uv_pipe_t pipe;
  QmpClient::Impl* impl;
};
struct ConnectBox {
  uv_connect_t req;
  QmpClient::Impl* impl;
};
struct WriteBox {
  uv_write_t req;
  QmpClient::Impl* impl;
  std::string bytes;
};

}  // namespace qmp_boxes

namespace {

std::string clip(const std::string& s, std::size_t n = 200) {
  return s.size() <= n ? s : s.substr(0, n) + "...";
}

}  // namespace

struct QmpClient::Impl {
  enum class State { Idle, Connecting, Greeting, Negotiating, Ready, Closed };

  struct Pending {
    std::string command;
    std::string line;
    CommandCallback cb;
    qmp_boxes::TimerBox* timer = nullptr;
    int timeout_ms = 0;
  };

  uv_loop_t* loop;
  std::string path;
  QmpClientOptions opt;
  State state = State::Idle;
  bool orphaned = false;  // the QmpClient was destroyed; free once live reaches 0
  int live = 0;           // open handles + requests in flight that point back here
  qmp_boxes::PipeBox* pipe = nullptr;
  qmp_boxes::TimerBox* connect_timer = nullptr;
  qmp_boxes::TimerBox* retry_timer = nullptr;
  qmp_boxes::TimerBox* defer_timer = nullptr;
  QmpLineSplitter splitter;
  std::vector<char> read_buf = std::vector<char>(64 * 1024);
  json greeting;
  QmpError final_error;
  std::string last_connect_error = "not attempted";
  ConnectCallback connect_cb;
  EventCallback event_cb;
  DisconnectCallback disconnect_cb;
  std::uint64_t next_id = 1;
  std::uint64_t caps_id = 0;
  std::map<std::uint64_t, Pending> pending;
  std::vector<std::uint64_t> unsent;  // ids queued before the connection was ready, in order
  std::vector<std::function<void()>> deferred;

  Impl(uv_loop_t* l, std::string p, QmpClientOptions o)
      : loop(l), path(std::move(p)), opt(o), splitter(o.max_line_bytes) {
    connect_timer = new_timer(0);
    retry_timer = new_timer(0);
    defer_timer = new_timer(0);
  }

  // ---- handle bookkeeping -------------------------------------------------------------------

  qmp_boxes::TimerBox* new_timer(std::uint64_t id) {
    auto* t = new qmp_boxes::TimerBox{{}, this, id};
    uv_timer_init(loop, &t->timer);
    ++live;
    return t;
  }

  static void on_closed(uv_handle_t* h) {
    Impl* impl = nullptr;
    if (h->type == UV_TIMER) {
      auto* b = reinterpret_cast<qmp_boxes::TimerBox*>(h);
      impl = b->impl;
      delete b;
    } else {
      auto* b = reinterpret_cast<qmp_boxes::PipeBox*>(h);
      impl = b->impl;
      delete b;
    }
    --impl->live;
    impl->maybe_free();
  }

  static void close_handle(uv_handle_t* h) {
    if (!uv_is_closing(h)) uv_close(h, on_closed);
  }

  // Only called from libuv callbacks (never from inside a user-facing method), so the Impl is
  // never freed while one of its own frames is on the stack.
  void maybe_free() {
    if (orphaned && live == 0) delete this;
  }

  void close_pipe() {
    if (!pipe) return;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&pipe->pipe));
    close_handle(reinterpret_cast<uv_handle_t*>(&pipe->pipe));
    pipe = nullptr;
  }

  // ---- deferred callbacks -------------------------------------------------------------------

  void defer(std::function<void()> fn) {
    deferred.push_back(std::move(fn));
    uv_timer_start(&defer_timer->timer, on_defer, 0, 0);
  }

  static void on_defer(uv_timer_t* t) {
    Impl* impl = reinterpret_cast<qmp_boxes::TimerBox*>(t)->impl;
    std::vector<std::function<void()>> batch;
    batch.swap(impl->deferred);
    for (auto& fn : batch) {
      if (impl->orphaned) return;  // destroyed by an earlier callback: drop the rest
      fn();
    }
  }

  // ---- connecting ---------------------------------------------------------------------------

  void start_connect(ConnectCallback cb) {
    connect_cb = std::move(cb);
    state = State::Connecting;
    caps_id = next_id++;  // fixed before any command is queued: ids are then predictable
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
      // libuv would silently truncate the path and connect somewhere else.
      terminate({qmp_errc::kConnectFailed, "QMP socket path is too long (" + std::to_string(path.size()) +
                                               " bytes, at most " +
                                               std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + "): " + path},
                false);
      return;
    }
    uv_timer_start(&connect_timer->timer, on_connect_timeout,
                   static_cast<std::uint64_t>(std::max(opt.connect_timeout_ms, 1)), 0);
    attempt();
  }

  void attempt() {
    pipe = new qmp_boxes::PipeBox{{}, this};
    uv_pipe_init(loop, &pipe->pipe, 0);
    ++live;
    auto* req = new qmp_boxes::ConnectBox{{}, this};
    ++live;
    uv_pipe_connect(&req->req, &pipe->pipe, path.c_str(), on_connect);
  }

  static void on_connect(uv_connect_t* req, int status) {
    auto* box = reinterpret_cast<qmp_boxes::ConnectBox*>(req);
    Impl* impl = box->impl;
    uv_stream_t* handle = req->handle;
    delete box;
    --impl->live;
    if (!impl->orphaned && impl->state == State::Connecting && impl->pipe &&
        handle == reinterpret_cast<uv_stream_t*>(&impl->pipe->pipe)) {
      impl->connected(status);
    }
    impl->maybe_free();
  }

  void connected(int status) {
    if (status < 0) {
      last_connect_error = std::string(uv_strerror(status));
      close_pipe();
      if (status == UV_ENOENT || status == UV_ECONNREFUSED || status == UV_EAGAIN) {
        uv_timer_start(&retry_timer->timer, on_retry,
                       static_cast<std::uint64_t>(std::max(opt.connect_retry_ms, 1)), 0);
      } else {
        terminate({qmp_errc::kConnectFailed,
                   "cannot connect to QMP socket " + path + ": " + last_connect_error},
                  false);
      }
      return;
    }
    state = State::Greeting;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&pipe->pipe), on_alloc, on_read);
  }

  static void on_retry(uv_timer_t* t) {
    Impl* impl = reinterpret_cast<qmp_boxes::TimerBox*>(t)->impl;
    if (impl->state == State::Connecting && !impl->pipe) impl->attempt();
  }

  static void on_connect_timeout(uv_timer_t* t) {
    Impl* impl = reinterpret_cast<qmp_boxes::TimerBox*>(t)->impl;
    std::string stage = impl->state == State::Connecting ? "last error: " + impl->last_connect_error
                        : impl->state == State::Greeting ? "no greeting received"
                                                         : "no reply to qmp_capabilities";
    impl->terminate({qmp_errc::kConnectFailed, "no QMP connection to " + impl->path + " within " +
                                                   std::to_string(impl->opt.connect_timeout_ms) +
                                                   " ms (" + stage + ")"},
                    false);
  }

  // ---- reading ------------------------------------------------------------------------------

  static void on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    Impl* impl = reinterpret_cast<qmp_boxes::PipeBox*>(h)->impl;
    *buf = uv_buf_init(impl->read_buf.data(), static_cast<unsigned>(impl->read_buf.size()));
  }

  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    Impl* impl = reinterpret_cast<qmp_boxes::PipeBox*>(s)->impl;
    if (impl->orphaned || impl->state == State::Closed) return;
    // A peer that dies with our bytes unread resets the connection instead of closing it.
    if (nread == UV_EOF || nread == UV_ECONNRESET) {
      impl->lose(qmp_errc::kDisconnected, "QMP peer closed the connection");
    } else if (nread < 0) {
      impl->lose(qmp_errc::kDisconnected,
                 std::string("read from QMP socket failed: ") + uv_strerror(static_cast<int>(nread)));
    } else if (nread > 0) {
      std::vector<std::string> lines;
      bool fits = impl->splitter.feed(std::string_view(buf->base, static_cast<size_t>(nread)), lines);
      for (const auto& line : lines) {
        impl->handle_line(line);
        if (impl->orphaned || impl->state == State::Closed) return;
      }
      if (!fits) {
        impl->lose(qmp_errc::kProtocolError, "QMP message longer than " +
                                                 std::to_string(impl->opt.max_line_bytes) + " bytes");
      }
    }
  }

  // A connection that ends during the handshake is a failed connect; afterwards, a loss.
  void lose(const char* error_class, std::string desc) {
    if (state == State::Ready) {
      terminate({error_class, std::move(desc)}, true);
    } else {
      terminate({qmp_errc::kConnectFailed,
                 "QMP handshake on " + path + " failed: " + std::string(error_class) + ": " + desc},
                false);
    }
  }

  void handle_line(const std::string& line) {
    json msg = json::parse(line, nullptr, false);
    if (msg.is_discarded()) {
      lose(qmp_errc::kProtocolError, "invalid JSON from QMP peer: " + clip(line));
      return;
    }
    if (!msg.is_object()) {
      lose(qmp_errc::kProtocolError, "QMP message is not a JSON object: " + clip(line));
      return;
    }
    if (state == State::Greeting) {
      if (!msg.contains("QMP")) {
        lose(qmp_errc::kProtocolError, "expected the QMP greeting, got: " + clip(line));
        return;
      }
      greeting = msg["QMP"];
      state = State::Negotiating;
      send_line(json{{"execute", "qmp_capabilities"}, {"id", caps_id}}.dump());
      return;
    }
    if (msg.contains("event")) {
      deliver_event(msg);
    } else if (msg.contains("return") || msg.contains("error")) {
      deliver_reply(msg, line);
    } else {
      spdlog::warn("qmp {}: ignoring unexpected message {}", path, clip(line));
    }
  }

  void deliver_event(const json& msg) {
    if (!msg["event"].is_string()) {
      lose(qmp_errc::kProtocolError, "QMP event name is not a string: " + clip(msg.dump()));
      return;
    }
    QmpEvent ev;
    ev.name = msg["event"].get<std::string>();
    ev.data = msg.contains("data") ? msg["data"] : json::object();
    ev.timestamp = msg.contains("timestamp") ? msg["timestamp"] : json();
    if (event_cb) {
      auto cb = event_cb;  // the handler may replace itself
      cb(ev);
    }
  }

  static std::optional<QmpError> reply_error(const json& msg) {
    if (!msg.contains("error")) return std::nullopt;
    const json& e = msg["error"];
    QmpError err{"GenericError", e.dump()};
    if (e.is_object()) {
      if (e.contains("class") && e["class"].is_string()) err.error_class = e["class"].get<std::string>();
      if (e.contains("desc") && e["desc"].is_string()) err.desc = e["desc"].get<std::string>();
    }
    return err;
  }

  void deliver_reply(const json& msg, const std::string& line) {
    if (!msg.contains("id") || !msg["id"].is_number_unsigned()) {
      spdlog::warn("qmp {}: dropping reply without a known id: {}", path, clip(line));
      return;
    }
    auto id = msg["id"].get<std::uint64_t>();
    if (state == State::Negotiating && id == caps_id) {
      if (auto err = reply_error(msg)) {
        terminate({qmp_errc::kConnectFailed, "qmp_capabilities failed: " + err->to_string()}, false);
        return;
      }
      became_ready();
      return;
    }
    auto it = pending.find(id);
    if (it == pending.end()) {
      spdlog::debug("qmp {}: dropping late or unknown reply {}", path, clip(line));
      return;
    }
    Pending p = std::move(it->second);
    pending.erase(it);
    if (p.timer) close_handle(reinterpret_cast<uv_handle_t*>(&p.timer->timer));
    QmpResult r;
    r.error = reply_error(msg);
    if (!r.error) r.value = msg["return"];
    p.cb(std::move(r));
  }

  void became_ready() {
    state = State::Ready;
    uv_timer_stop(&connect_timer->timer);
    auto cb = std::move(connect_cb);
    connect_cb = nullptr;
    std::vector<std::uint64_t> queued;
    queued.swap(unsent);
    for (auto id : queued) {
      if (state != State::Ready) break;  // a failed write already failed the rest
      auto it = pending.find(id);
      if (it != pending.end()) send_line(it->second.line);
    }
    // The handshake did succeed; a write failure above is reported as a disconnect.
    if (cb) cb(std::nullopt);
  }

  // ---- writing ------------------------------------------------------------------------------

  void send_line(const std::string& line) {
    auto* w = new qmp_boxes::WriteBox{{}, this, line + "\n"};
    uv_buf_t buf = uv_buf_init(w->bytes.data(), static_cast<unsigned>(w->bytes.size()));
    int r = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&pipe->pipe), &buf, 1, on_write);
    if (r < 0) {
      delete w;
      lose(qmp_errc::kDisconnected, std::string("write to QMP socket failed: ") + uv_strerror(r));
      return;
    }
    ++live;
  }

  static void on_write(uv_write_t* req, int status) {
    auto* w = reinterpret_cast<qmp_boxes::WriteBox*>(req);
    Impl* impl = w->impl;
    delete w;
    --impl->live;
    if (status < 0 && status != UV_ECANCELED && !impl->orphaned && impl->state != State::Closed) {
      impl->lose(qmp_errc::kDisconnected, std::string("write to QMP socket failed: ") + uv_strerror(status));
    }
    impl->maybe_free();
  }

  // ---- commands -----------------------------------------------------------------------------

  void execute(const std::string& command, const json& args, int timeout_ms, CommandCallback cb) {
    if (state == State::Closed) {
      QmpError err = final_error;
      defer([cb = std::move(cb), err] { cb(QmpResult{err, {}}); });
      return;
    }
    std::uint64_t id = next_id++;
    json msg{{"execute", command}};
    if (!args.is_null() && !(args.is_object() && args.empty())) msg["arguments"] = args;
    msg["id"] = id;
    Pending p{command, msg.dump(), std::move(cb), nullptr, timeout_ms};
    if (timeout_ms > 0) {
      p.timer = new_timer(id);
      uv_timer_start(&p.timer->timer, on_command_timeout, static_cast<std::uint64_t>(timeout_ms), 0);
    }
    std::string line = p.line;
    pending.emplace(id, std::move(p));
    if (state == State::Ready) {
      send_line(line);
    } else {
      unsent.push_back(id);
    }
  }

  static void on_command_timeout(uv_timer_t* t) {
    auto* box = reinterpret_cast<qmp_boxes::TimerBox*>(t);
    Impl* impl = box->impl;
    auto it = impl->pending.find(box->id);
    if (it == impl->pending.end()) return;
    Pending p = std::move(it->second);
    impl->pending.erase(it);
    close_handle(reinterpret_cast<uv_handle_t*>(t));
    p.cb(QmpResult{QmpError{qmp_errc::kTimeout, "no reply to '" + p.command + "' within " +
                                                    std::to_string(p.timeout_ms) + " ms"},
                   {}});
  }

  // ---- ending -------------------------------------------------------------------------------

  // Ends the connection for good. User callbacks (pending commands, connect, disconnect) are
  // deferred to the next loop iteration, so this is safe to call from anywhere.
  void terminate(QmpError err, bool notify_disconnect) {
    if (state == State::Closed) return;
    State prev = state;
    state = State::Closed;
    final_error = err;
    close_pipe();
    uv_timer_stop(&connect_timer->timer);
    uv_timer_stop(&retry_timer->timer);
    std::vector<CommandCallback> failed;
    for (auto& [id, p] : pending) {
      if (p.timer) close_handle(reinterpret_cast<uv_handle_t*>(&p.timer->timer));
      failed.push_back(std::move(p.cb));
    }
    pending.clear();
    unsent.clear();
    if (prev != State::Ready && connect_cb) {
      auto cb = std::move(connect_cb);
      connect_cb = nullptr;
      defer([cb = std::move(cb), err] { cb(err); });
    }
    for (auto& cb : failed) {
      defer([cb = std::move(cb), err] { cb(QmpResult{err, {}}); });
    }
    if (prev == State::Ready && notify_disconnect && disconnect_cb) {
      auto cb = disconnect_cb;
      defer([cb = std::move(cb), err] { cb(err); });
    }
  }

  // The owner is gone: drop every callback, close every handle; freed by the last close.
  void orphan() {
    orphaned = true;
    state = State::Closed;
    connect_cb = nullptr;
    event_cb = nullptr;
    disconnect_cb = nullptr;
    deferred.clear();
    close_pipe();
    for (auto& [id, p] : pending) {
      if (p.timer) close_handle(reinterpret_cast<uv_handle_t*>(&p.timer->timer));
    }
    pending.clear();
    unsent.clear();
    close_handle(reinterpret_cast<uv_handle_t*>(&connect_timer->timer));
    close_handle(reinterpret_cast<uv_handle_t*>(&retry_timer->timer));
    close_handle(reinterpret_cast<uv_handle_t*>(&defer_timer->timer));
  }
};

QmpClient::QmpClient(uv_loop_t* loop, std::string socket_path, QmpClientOptions options) {
  // A peer that vanishes must surface as EPIPE from write(), not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  impl_ = new Impl(loop, std::move(socket_path), options);
}

QmpClient::~QmpClient() { impl_->orphan(); }

void QmpClient::connect(ConnectCallback cb) {
  if (impl_->state != Impl::State::Idle) {
    QmpError err{qmp_errc::kConnectFailed, "connect() called twice on QMP client for " + impl_->path};
    impl_->defer([cb = std::move(cb), err] { cb(err); });
    return;
  }
  impl_->start_connect(std::move(cb));
}

void QmpClient::execute(const std::string& command, const nlohmann::json& args, int timeout_ms,
                        CommandCallback cb) {
  impl_->execute(command, args, timeout_ms, std::move(cb));
}

void QmpClient::set_event_handler(EventCallback cb) { impl_->event_cb = std::move(cb); }
void QmpClient::set_disconnect_handler(DisconnectCallback cb) { impl_->disconnect_cb = std::move(cb); }

void QmpClient::close() { impl_->terminate({qmp_errc::kClosed, "QMP client closed"}, false); }

bool QmpClient::ready() const { return impl_->state == Impl::State::Ready; }
const nlohmann::json& QmpClient::greeting() const { return impl_->greeting; }
const std::string& QmpClient::socket_path() const { return impl_->path; }

}  // namespace qmd::qemu
