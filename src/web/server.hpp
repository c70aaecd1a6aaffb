// The web server: today's headlines, a page per story, each edition's page.
// Reads the store on each request (one store, guarded by a mutex).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"
#include "web/admin.hpp"
#include "web/pages.hpp"
#include "web/subscriptions.hpp"

namespace newsdesk::web {

// A beat's top stories now, best first (the app ranks them; the site shows them).
using LiveStories = std::function<core::Result<std::vector<LiveStory>>(store::Store& store, const std::string& beat, size_t limit)>;

class SiteServer {
 public:
  // Binds config.web.listen:config.web.port and serves on background threads.
  // `mailer` sends sign-ups their confirmation email; without one, sign-up is
  // closed (503). `live` ranks a beat's stories now (with the site's store);
  // without it the front page shows the edition alone and beat feeds are 404.
  // `preview` composes an edition not built yet for the admin pages.
  static core::Result<std::unique_ptr<SiteServer>> start(const core::Config& config, std::unique_ptr<store::Store> store,
                                                         ConfirmationMailer mailer = nullptr, LiveStories live = nullptr,
                                                         EditionPreview preview = nullptr);
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
