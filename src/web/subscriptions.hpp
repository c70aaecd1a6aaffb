// The subscriber's side of the site, without HTTP types: signing up (double
// opt-in), confirming, preferences, unsubscribing, exporting and erasing
// one's data. server.cpp turns requests into `Request` and `Response` back.
//
// Rules kept here (where other tools went wrong):
// - Signing up again never changes a confirmed subscriber, and nobody can
//   change someone else's state: only the confirmation link, which reaches
//   the inbox, does. The answer is the same whether the address is known.
// - Links carry signed tokens (core/signed_link); confirmation links expire.
// - Forms carry a token bound to a cookie (SameSite=Strict), a honeypot field
//   that people leave empty, and sign-ups are limited per IP and per address,
//   counted in the store so that every web node of the desk counts together.
// - Unsubscribing by one-click POST (RFC 8058) needs nothing more.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"
#include "web/mail_domain.hpp"
#include "web/pages.hpp"
#include "web/rate_limit.hpp"

namespace newsdesk::web {

struct Request {
  std::map<std::string, std::string> params;  // query and form fields
  std::string cookie;                         // the form cookie's value, "" when absent
  std::string ip;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "text/html; charset=utf-8";
  std::string set_cookie = {};   // a Set-Cookie value, or ""
  std::string disposition = {};  // a Content-Disposition value, or ""
  std::vector<std::pair<std::string, std::string>> headers = {};  // any other
};

// Sends the confirmation email with its link; an error when it could not go.
using ConfirmationMailer = std::function<core::Result<void>(const std::string& to, const std::string& confirm_url)>;

class Subscriptions {
 public:
  // `store` is shared with the rest of the site: every call takes `store_mutex`.
  Subscriptions(const core::Config& config, const SiteInfo& site, store::Store& store, std::mutex& store_mutex,
                ConfirmationMailer mailer, const core::Clock& clock);
  ~Subscriptions();

  Response signup_form(const Request& r);  // GET /subscribe
  Response signup(const Request& r);       // POST /subscribe
  Response confirm(const Request& r, bool post);
  Response unsubscribe(const Request& r, bool post);
  Response preferences(const Request& r, bool post);
  Response export_data(const Request& r);  // GET /export: the subscriber's data as JSON
  Response erase(const Request& r);        // POST /erase

  static constexpr const char* kCookie = "nd_form";
  static constexpr const char* kFormVersion = "signup-2026-11";

 private:
  std::string secret();
  // Counts a sign-up against `limit` in the store (shared by every web node,
  // web/rate_limit); true while within it. Fails open: when the store cannot
  // count, the reader is let in and the failure logged. Needs `store_mutex_`.
  bool allowed(const RateLimit& limit, const std::string& subject, core::TimePoint now);
  Response page(int status, const SubscriptionPage& p);
  std::vector<std::string> edition_names() const;
  std::vector<EditionChoice> every_edition() const;  // each edition, chosen

  const core::Config& config_;
  SiteInfo site_;
  store::Store& store_;
  std::mutex& store_mutex_;
  ConfirmationMailer mailer_;
  const core::Clock& clock_;
  std::unique_ptr<MailDomainCheck> mail_domain_;  // with [subscribers] check_mx
};


}  // namespace newsdesk::web
