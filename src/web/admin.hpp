// The admin pages, without HTTP types: behind a password (kept hashed in
// [admin] password_hash) and a signed session cookie (HttpOnly,
// SameSite=Strict, Secure on https). Sources and their health; editions with
// the delivery ledger's counts (the page refreshes itself while a send runs);
// the editor's last word (pin, drop, move, retitle) before the send time, with
// a preview of an edition not built yet (as it would be built now);
// subscribers (search, state, history); bounces. Forms carry a token tied to
// the session; logins are limited per IP, counted in the store so that every
// web node of the desk counts together (and refused while it cannot count).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "store/store.hpp"
#include "web/pages.hpp"
#include "web/subscriptions.hpp"

namespace newsdesk::web {

// An edition as it would be built now (the app ranks and composes it; the
// store keeps nothing of it): its stories and its HTML email.
struct EditionDraft {
  core::Edition edition;
  std::string html;
};
using EditionPreview = std::function<core::Result<EditionDraft>(store::Store& store, const std::string& date)>;

class Admin {
 public:
  // Without `preview`, an edition not built yet shows the editor's changes only.
  Admin(const core::Config& config, const SiteInfo& site, store::Store& store, std::mutex& store_mutex, const core::Clock& clock,
        EditionPreview preview = nullptr)
      : config_(config), site_(site), store_(store), store_mutex_(store_mutex), clock_(clock), preview_(std::move(preview)) {}

  // Every /admin path: `r.cookie` is the session cookie's value.
  Response handle(const std::string& method, const std::string& path, const Request& r);

  static constexpr const char* kCookie = "nd_admin";

 private:
  Response login_page(const std::string& error, int status);
  Response login(const Request& r);
  Response dashboard();
  Response subscribers(const Request& r);
  Response subscriber(core::Id id, const std::string& notice);
  Response editions(const Request& r, const std::string& notice);
  Response edit(const Request& r);
  Response draft_email(const Request& r);
  Response bounces();
  Response page(const std::string& title, const std::string& content_html, const std::string& session, int status = 200,
                bool refresh = false);
  std::string form_token(const std::string& session);
  bool session_valid(const std::string& session);

  const core::Config& config_;
  SiteInfo site_;
  store::Store& store_;
  std::mutex& store_mutex_;
  const core::Clock& clock_;
  EditionPreview preview_;
};

}  // namespace newsdesk::web
