#include "service/qemu/qmp_sync.h"

#include "service/qemu/qmp_client.h"

#include <uv.h>

#include <algorithm>
#include <chrono>
#include <memory>

namespace qmd::qemu {

QmpResult qmp_call_sync(const std::string& socket_path, const std::string& command,
                        const nlohmann::json& args, int timeout_ms) {
  uv_loop_t loop;
  if (int r = uv_loop_init(&loop); r < 0) {
    return QmpResult{QmpError{qmp_errc::kConnectFailed, std::string("uv_loop_init: ") + uv_strerror(r)}, {}};
  }
  QmpResult result{QmpError{qmp_errc::kTimeout, "no reply to '" + command + "' within " +
                                                    std::to_string(timeout_ms) + " ms"},
                   {}};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  QmpClientOptions options;
  options.connect_timeout_ms = std::max(timeout_ms, 1);
  auto client = std::make_unique<QmpClient>(&loop, socket_path, options);
  QmpClient* c = client.get();
  client->connect([&](std::optional<QmpError> err) {
    if (err) {
      result = QmpResult{std::move(err), {}};
      return;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now()).count();
    c->execute(command, args, static_cast<int>(std::max<long long>(left, 1)), [&, c](QmpResult r) {
      result = std::move(r);
      c->close();
    });
  });
  uv_run(&loop, UV_RUN_DEFAULT);
  client.reset();
  uv_run(&loop, UV_RUN_DEFAULT);  // lets the client's handles finish closing
  uv_loop_close(&loop);
  return result;
}

}  // namespace qmd::qemu
