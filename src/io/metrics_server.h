// The `--metrics-listen` endpoint: an HTTP server on its own thread that
// serves the latest published Prometheus text at /metrics. The main loop
// publishes a new body whenever its figures change; the server only copies
// it under a mutex, so a slow or stuck scraper never holds up the analysis.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gcsight {

/// A HOST:PORT to listen on ("127.0.0.1:9464", "[::1]:9464", ":9464" = every address).
struct ListenAddress {
  std::string host;
  int port = 0;
};

/// Parses HOST:PORT; nullopt (with *error set) when it is not one.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* error);

/// "http://HOST:PORT/metrics" for `addr` served on `port` (an IPv6 host in brackets).
std::string metrics_url(const ListenAddress& addr, int port);

class MetricsServer {
 public:
  /// Binds and starts serving; nullptr and *error ("cannot listen on 127.0.0.1:9464:
  /// Address already in use", "cannot listen on nohost:9464: Name or service not
  /// known") when the address cannot be resolved or bound.
  static std::unique_ptr<MetricsServer> start(const ListenAddress& addr, std::string content_type, std::string* error);
  /// Stops the server and joins its thread.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// Replaces what /metrics serves.
  void publish(std::string body);
  /// The port bound (the one asked for, or the kernel's choice for port 0).
  [[nodiscard]] int port() const;

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gcsight
