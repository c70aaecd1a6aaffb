#include <httplib.h>

#include <thread>

#include <fmt/format.h>

#include "sampleweb/sample_web.hpp"

namespace newsdesk::sampleweb {

struct FixtureServer::Impl {
  httplib::Server server;
  std::unique_ptr<SampleSite> site;
  std::thread thread;
  std::string host;
  int port = 0;
};

FixtureServer::FixtureServer() : impl_(std::make_unique<Impl>()) {}

FixtureServer::~FixtureServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

core::Result<std::unique_ptr<FixtureServer>> FixtureServer::start(SampleWeb web, const std::string& host, int port,
                                                                 core::TimePoint now) {
  std::unique_ptr<FixtureServer> fs(new FixtureServer());
  Impl& impl = *fs->impl_;
  impl.host = host;
  impl.port = port == 0 ? impl.server.bind_to_any_port(host) : (impl.server.bind_to_port(host, port) ? port : -1);
  if (impl.port <= 0) {
    return core::fail(core::ErrorCode::kNetwork, fmt::format("the sample web cannot listen on {}:{}", host, port));
  }
  impl.site = std::make_unique<SampleSite>(std::move(web), fmt::format("http://{}:{}", host, impl.port), now);
  const SampleSite* site = impl.site.get();
  impl.server.Get(".*", [site](const httplib::Request& req, httplib::Response& res) {
    Page page = site->get(req.target);
    res.status = page.status;
    res.set_content(page.body, page.content_type);
  });
  impl.thread = std::thread([&server = impl.server] { server.listen_after_bind(); });
  for (int i = 0; i < 5000 && !impl.server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return fs;
}

const SampleSite& FixtureServer::site() const { return *impl_->site; }

std::string FixtureServer::base_url() const { return fmt::format("http://{}:{}", impl_->host, impl_->port); }

}  // namespace newsdesk::sampleweb
