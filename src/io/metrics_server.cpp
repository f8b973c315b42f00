// The metrics endpoint on cpp-httplib (Debian's libcpp-httplib-dev). httplib
// runs its accept loop and a small worker pool on threads of its own; the
// handler copies the published body under the mutex and sends it.
#include "io/metrics_server.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

namespace gcsight {

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* error) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    *error = "'" + std::string(text) + "' is not HOST:PORT (such as 127.0.0.1:9464)";
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int p = 0;
  bool ok = !port.empty() && port.size() <= 5;
  for (char c : port) {
    if (c < '0' || c > '9') ok = false;
    else p = p * 10 + (c - '0');
  }
  if (!ok || p > 65535) {
    *error = "'" + std::string(text) + "': the port must be a number from 0 to 65535";
    return std::nullopt;
  }
  ListenAddress a;
  a.host = host.empty() ? "0.0.0.0" : std::string(host);
  a.port = p;
  return a;
}

std::string metrics_url(const ListenAddress& addr, int port) {
  const bool v6 = addr.host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + addr.host + "]" : addr.host) + ":" + std::to_string(port) + "/metrics";
}

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::mutex mu;
  std::string body;
  std::string content_type;
  int port = 0;
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<MetricsServer> MetricsServer::start(const ListenAddress& addr, std::string content_type,
                                                    std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->content_type = std::move(content_type);
  Impl* self = impl.get();
  impl->server.Get("/metrics", [self](const httplib::Request&, httplib::Response& res) {
    std::string body;
    {
      std::lock_guard<std::mutex> lock(self->mu);
      body = self->body;
    }
    res.set_content(std::move(body), self->content_type.c_str());
  });
  impl->server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("gcsight: the metrics are at /metrics\n", "text/plain; charset=utf-8");
  });
  // SO_REUSEADDR only: cpp-httplib's default SO_REUSEPORT lets a second gcsight
  // bind a port one already serves, and the kernel then shares the scrapes
  // between the two (one target, two processes' figures).
  impl->server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // cpp-httplib resolves the host itself but only says that binding failed:
  // resolve it first, so that a name that does not resolve says why.
  {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(addr.host.c_str(), std::to_string(addr.port).c_str(), &hints, &found);
    if (rc != 0) {
      *error = "cannot listen on " + addr.host + ":" + std::to_string(addr.port) + ": " +
               (rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc));
      return nullptr;
    }
    ::freeaddrinfo(found);
  }
  errno = 0;
  if (addr.port == 0) {
    const int p = impl->server.bind_to_any_port(addr.host);
    if (p < 0) {
      *error = "cannot listen on " + addr.host + ":0" + (errno != 0 ? std::string(": ") + std::strerror(errno) : "");
      return nullptr;
    }
    impl->port = p;
  } else {
    if (!impl->server.bind_to_port(addr.host, addr.port)) {
      *error = "cannot listen on " + addr.host + ":" + std::to_string(addr.port) +
               (errno != 0 ? std::string(": ") + std::strerror(errno) : "");
      return nullptr;
    }
    impl->port = addr.port;
  }
  impl->thread = std::thread([self] { self->server.listen_after_bind(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void MetricsServer::publish(std::string body) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->body = std::move(body);
}

int MetricsServer::port() const { return impl_->port; }

}  // namespace gcsight
