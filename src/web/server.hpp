// The web server: today's headlines, a page per story, each edition's page.
// Reads the store on each request (one store, guarded by a mutex).
#pragma once

#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"
#include "web/subscriptions.hpp"

namespace newsdesk::web {

class SiteServer {
 public:
  // Binds config.web.listen:config.web.port and serves on background threads.
  // `mailer` sends sign-ups their confirmation email; without one, sign-up is closed (503).
  static core::Result<std::unique_ptr<SiteServer>> start(const core::Config& config, std::unique_ptr<store::Store> store,
                                                         ConfirmationMailer mailer = nullptr);
  ~SiteServer();
  SiteServer(const SiteServer&) = delete;
  SiteServer& operator=(const SiteServer&) = delete;

  std::string base_url() const;
  void stop();

 private:
  SiteServer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk::web
