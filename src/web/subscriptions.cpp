#include "web/subscriptions.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/signed_link.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"

namespace newsdesk::web {
namespace {

// Sign-ups per network in an hour, and confirmation mails per address in a
// day ([subscribers] in the configuration).
constexpr std::string_view kPerIp = "signup-ip";
constexpr std::string_view kPerAddress = "signup-email";

std::string param(const Request& r, const std::string& name) {
  auto it = r.params.find(name);
  return it == r.params.end() ? "" : it->second;
}

// Values of a field given more than once (checkboxes), joined by '\n' in params.
std::vector<std::string> params(const Request& r, const std::string& name) {
  std::vector<std::string> out;
  for (auto& v : core::split(param(r, name), '\n')) {
    if (!v.empty()) out.push_back(v);
  }
  return out;
}


std::int64_t epoch(core::TimePoint t) { return t.time_since_epoch().count(); }

}  // namespace


Subscriptions::Subscriptions(const core::Config& config, const SiteInfo& site, store::Store& store, std::mutex& store_mutex,
                             ConfirmationMailer mailer, const core::Clock& clock)
    : config_(config), site_(site), store_(store), store_mutex_(store_mutex), mailer_(std::move(mailer)), clock_(clock) {
  if (config.subscribers.check_mx) {
    mail_domain_ = std::make_unique<MailDomainCheck>(DnsOptions{config.subscribers.dns_server, std::chrono::seconds(2)});
  }
}

Subscriptions::~Subscriptions() = default;

std::string Subscriptions::secret() {
  auto s = store_.secret("links");
  return s ? *s : std::string();
}

bool Subscriptions::allowed(const RateLimit& limit, const std::string& subject, core::TimePoint now) {
  auto within = count_attempt(store_, limit, subject, now);
  if (within) return *within;
  // A store that cannot count must not turn readers away; what it can still
  // do (keep the sign-up, send the mail) decides the rest.
  spdlog::error("sign-up limit {} not counted, letting the sign-up in: {}", limit.kind, within.error().message);
  return true;
}

Response Subscriptions::page(int status, const SubscriptionPage& p) {
  Response r;
  r.status = status;
  r.body = subscription_page(site_, p);
  return r;
}

std::vector<EditionChoice> Subscriptions::every_edition() const {
  std::vector<EditionChoice> choices;
  for (const auto& name : edition_names()) choices.push_back({name, true});
  return choices;
}

std::vector<std::string> Subscriptions::edition_names() const {
  std::vector<std::string> names = {config_.edition.name};
  for (const auto& [key, e] : config_.editions) names.push_back(e.name);
  return names;
}

Response Subscriptions::signup_form(const Request& r) {
  std::lock_guard lock(store_mutex_);
  // The form's token is bound to a fresh cookie: a page elsewhere cannot post it for someone.
  const std::string nonce = r.cookie.size() == 32 ? r.cookie : core::random_hex(16);
  const std::int64_t expires = epoch(clock_.now()) + 6 * 3600;
  const std::string token = fmt::format("{}.{}", expires, core::hmac_tag(secret(), fmt::format("form:{}:{}", nonce, expires)));
  Response out;
  out.body = signup_page(site_, token, every_edition(), param(r, "error"));
  const bool https = config_.edition.site_url.rfind("https://", 0) == 0;
  out.set_cookie = fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=21600{}", kCookie, nonce, https ? "; Secure" : "");
  return out;
}

Response Subscriptions::signup(const Request& r) {
  const auto now = clock_.now();
  const std::string token = param(r, "form");
  const size_t dot = token.find('.');
  std::unique_lock lock(store_mutex_);
  const std::string key = secret();
  const std::int64_t expires = dot == std::string::npos ? 0 : std::atoll(token.substr(0, dot).c_str());
  if (r.cookie.empty() || dot == std::string::npos || expires < epoch(now) ||
      token.substr(dot + 1) != core::hmac_tag(key, fmt::format("form:{}:{}", r.cookie, expires))) {
    return page(403, {"Please try again", "The form had expired or was sent from another page. Please sign up from the form again.",
                      "", ""});
  }
  const SubscriptionPage check_inbox{"Check your inbox",
                                     "If the address can receive mail, a message with a link to confirm it is on its way. "
                                     "Nothing is sent before you confirm.",
                                     "", ""};
  // People leave the hidden field empty; a robot fills it. It is told nothing different.
  if (!param(r, "website").empty()) return page(200, check_inbox);
  std::string email(core::trim(param(r, "email")));
  email = core::to_lower_ascii(email);
  if (!core::plausible_email(email)) {
    Response out;
    out.status = 400;
    out.body = signup_page(site_, token, every_edition(), "That does not look like an email address (like name@example.com).");
    return out;
  }
  // The network's sign-ups are counted before any DNS is asked: a flood of
  // made-up domains costs lookups only up to the limit.
  if (!allowed({kPerIp, config_.subscribers.signups_per_ip_per_hour, std::chrono::hours(1)}, r.ip, now)) {
    return page(429, {"Too many sign-ups", "Too many sign-ups came from your network in the last hour. Please try again later.", "",
                      ""});
  }
  if (mail_domain_) {  // DNS may take a moment: the rest of the site goes on meanwhile
    lock.unlock();
    const MailDomain verdict = (*mail_domain_)(core::address_domain(email));
    lock.lock();
    if (verdict == MailDomain::kNoMail) {
      Response out;
      out.status = 400;
      out.body = signup_page(site_, token, every_edition(),
                             "The part after the @ is not a domain that receives email. Please check the address.");
      return out;
    }
  }
  if (!mailer_) {
    return page(503, {"Sign-up is closed", "This desk cannot send email at the moment, so it cannot confirm new addresses.", "", ""});
  }
  std::vector<std::string> chosen;
  const auto names = edition_names();
  for (const auto& e : params(r, "edition")) {
    if (std::find(names.begin(), names.end(), e) != names.end()) chosen.push_back(e);
  }
  if (chosen.size() == names.size()) chosen.clear();  // all of them: every edition, those added later too
  std::string zone(core::trim(param(r, "time_zone")));
  if (!zone.empty() && !core::local_date(now, zone)) zone.clear();  // not an IANA zone: the edition's
  auto existing = store_.subscribers().find_by_email(email);
  if (!existing) return page(500, {"Something went wrong", "Please try again in a moment.", "", ""});
  core::Id id = 0;
  if (*existing) {
    id = (*existing)->id;
    // Confirmed already: nothing changes, nothing is sent, and the answer is the same.
    if ((*existing)->state == core::SubscriberState::kConfirmed) return page(200, check_inbox);
  } else {
    auto added = store_.subscribers().add(email, zone, now);
    if (!added) return page(500, {"Something went wrong", "Please try again in a moment.", "", ""});
    id = *added;
    (void)store_.subscribers().set_preferences(id, chosen, zone, false, now);
  }
  (void)store_.subscribers().add_consent({id, "signup", now, r.ip, kFormVersion,
                                          chosen.empty() ? "every edition" : core::join(chosen, ", ")});
  if (!allowed({kPerAddress, config_.subscribers.signups_per_address_per_day, std::chrono::hours(24)}, email, now)) {
    return page(200, check_inbox);  // that inbox has had enough confirmation mail today
  }
  const std::int64_t until = epoch(now) + config_.subscribers.confirm_hours * 3600LL;
  const std::string url = config_.edition.site_url + "/confirm?t=" + core::sign_link(key, {"confirm", id, 0, until});
  if (auto sent = mailer_(email, url); !sent) {
    return page(503, {"We could not send the confirmation", "Please try again later.", "", ""});
  }
  return page(200, check_inbox);
}

Response Subscriptions::confirm(const Request& r, bool post) {
  const auto now = clock_.now();
  const std::string token = param(r, "t");
  std::lock_guard lock(store_mutex_);
  const std::string key = secret();
  auto claims = core::verify_link(key, "confirm", token, now);
  if (!claims) {
    if (core::expired_link(key, "confirm", token, now)) {
      return page(410, {"This link has expired", "Confirmation links work for a while only. Please sign up again: it takes a moment.",
                        "", ""});
    }
    return page(400, {"This link does not work", "The confirmation link is not valid; it may have been cut short.", "", ""});
  }
  auto who = store_.subscribers().find(claims->subscriber);
  if (!who || !*who) return page(404, {"Not found", "This sign-up is no longer kept. Please sign up again.", "", ""});
  const core::Subscriber& reader = **who;
  if (reader.state == core::SubscriberState::kConfirmed) {
    return page(200, {"You are subscribed", reader.email + " gets " + site_.name + ".", "", ""});
  }
  // A GET only asks: link scanners in mail systems open links, and must not confirm for the reader.
  if (!post) {
    return page(200, {"Confirm your subscription", "Send " + site_.name + " to " + reader.email + "?", "Confirm",
                      "/confirm?t=" + token});
  }
  if (auto done = store_.subscribers().set_state(reader.id, core::SubscriberState::kConfirmed, now); !done) {
    return page(500, {"Something went wrong", "Please try again in a moment.", "", ""});
  }
  (void)store_.subscribers().add_consent({reader.id, "confirm", now, r.ip, kFormVersion, ""});
  return page(200, {"You are subscribed", reader.email + " gets " + site_.name + " from the next edition on.", "", "",
                    "Choose editions, time zone or a pause", "/preferences?t=" + core::sign_link(key, {"preferences", reader.id, 0, 0})});
}

Response Subscriptions::unsubscribe(const Request& r, bool post) {
  const auto now = clock_.now();
  const std::string token = param(r, "t");
  std::lock_guard lock(store_mutex_);
  auto claims = core::verify_link(secret(), "unsubscribe", token, now);
  if (!claims) {
    return page(400, {"This link does not work", "The unsubscribe link is not valid; it may have been cut short. Please use the "
                                                 "whole link from the email.", "", ""});
  }
  auto who = store_.subscribers().find(claims->subscriber);
  if (!who) return page(500, {"Something went wrong", "Please try again in a moment.", "", ""});
  if (!*who) return page(200, {"Unsubscribed", "This address is no longer on the list.", "", ""});
  const core::Subscriber& reader = **who;
  const std::string done_text = reader.email + " gets no more editions of " + site_.name + ".";
  if (!post) {
    if (reader.state == core::SubscriberState::kUnsubscribed) return page(200, {"Unsubscribed", done_text, "", ""});
    return page(200, {"Unsubscribe from " + site_.name, "Stop sending editions to " + reader.email + "?", "Unsubscribe",
                      "/unsubscribe?t=" + token});
  }
  if (reader.state != core::SubscriberState::kUnsubscribed) {
    if (auto done = store_.subscribers().set_state(reader.id, core::SubscriberState::kUnsubscribed, now); !done) {
      return page(500, {"Something went wrong", "Please try again in a moment.", "", ""});
    }
    const bool one_click = param(r, "List-Unsubscribe") == "One-Click";
    (void)store_.subscribers().add_consent({reader.id, "unsubscribe", now, r.ip, "", one_click ? "one-click (RFC 8058)" : "page"});
  }
  if (param(r, "List-Unsubscribe") == "One-Click") {
    // A mailbox provider's one-click POST: a plain answer, nothing to render.
    Response out;
    out.body = "unsubscribed\n";
    out.content_type = "text/plain; charset=utf-8";
    return out;
  }
  return page(200, {"Unsubscribed", done_text, "", ""});
}

Response Subscriptions::preferences(const Request& r, bool post) {
  const auto now = clock_.now();
  const std::string token = param(r, "t");
  std::lock_guard lock(store_mutex_);
  const std::string key = secret();
  auto claims = core::verify_link(key, "preferences", token, now);
  if (!claims) {
    return page(400, {"This link does not work", "The preferences link is not valid; it may have been cut short. Please use the "
                                                 "whole link from the email.", "", ""});
  }
  auto who = store_.subscribers().find(claims->subscriber);
  if (!who || !*who) return page(404, {"Not found", "This address is no longer on the list.", "", ""});
  core::Subscriber reader = **who;
  std::string saved;
  const auto names = edition_names();
  if (post) {
    std::vector<std::string> chosen;
    for (const auto& e : params(r, "edition")) {
      if (std::find(names.begin(), names.end(), e) != names.end()) chosen.push_back(e);
    }
    if (names.size() == 1 || chosen.size() == names.size()) chosen.clear();
    std::string zone(core::trim(param(r, "time_zone")));
    if (!zone.empty() && !core::local_date(now, zone)) {
      saved = "\"" + zone + "\" is not a time zone we know (use a name like Europe/Paris); it was left as it was.";
      zone = reader.time_zone;
    }
    const bool paused = param(r, "paused") == "1";
    if (auto done = store_.subscribers().set_preferences(reader.id, chosen, zone, paused, now); !done) {
      return page(500, {"Something went wrong", "Please try again in a moment.", "", ""});
    }
    (void)store_.subscribers().add_consent({reader.id, "preferences", now, r.ip, "",
                                            fmt::format("editions: {}; time zone: {}; paused: {}",
                                                        chosen.empty() ? "every edition" : core::join(chosen, ", "),
                                                        zone.empty() ? "the edition's" : zone, paused ? "yes" : "no")});
    reader.editions = chosen;
    reader.time_zone = zone;
    reader.paused = paused;
    if (saved.empty()) saved = "Saved.";
  }
  PreferencesView view;
  view.email = reader.email;
  const bool subscribed = reader.state == core::SubscriberState::kConfirmed;
  view.state = subscribed ? (reader.paused ? "subscribed (paused)" : "subscribed")
                          : reader.state == core::SubscriberState::kPending ? "waiting for confirmation to be subscribed"
                                                                             : "not subscribed";
  for (const auto& name : names) {
    bool chosen = reader.editions.empty() || std::find(reader.editions.begin(), reader.editions.end(), name) != reader.editions.end();
    view.editions.push_back({name, chosen});
  }
  view.time_zone = reader.time_zone;
  view.paused = reader.paused;
  view.token = token;
  view.unsubscribe_token = core::sign_link(key, {"unsubscribe", reader.id, 0, 0});
  view.saved = saved;
  Response out;
  out.body = preferences_page(site_, view);
  return out;
}

Response Subscriptions::export_data(const Request& r) {
  const auto now = clock_.now();
  std::lock_guard lock(store_mutex_);
  auto claims = core::verify_link(secret(), "preferences", param(r, "t"), now);
  if (!claims) return page(400, {"This link does not work", "The link is not valid; it may have been cut short.", "", ""});
  auto who = store_.subscribers().find(claims->subscriber);
  if (!who || !*who) return page(404, {"Not found", "This address is no longer on the list.", "", ""});
  const core::Subscriber& s = **who;
  nlohmann::json j;
  j["email"] = s.email;
  j["state"] = core::to_string(s.state);
  j["time_zone"] = s.time_zone;
  j["editions"] = s.editions;
  j["paused"] = s.paused;
  j["signed_up_at"] = core::format_rfc3339(s.created_at);
  j["confirmed_at"] = s.confirmed_at ? nlohmann::json(core::format_rfc3339(*s.confirmed_at)) : nlohmann::json(nullptr);
  nlohmann::json consents = nlohmann::json::array();
  if (auto list = store_.subscribers().consents(s.id)) {
    for (const auto& c : *list) {
      consents.push_back({{"action", c.action}, {"at", core::format_rfc3339(c.at)}, {"ip", c.ip}, {"form_version", c.form_version},
                          {"detail", c.detail}});
    }
  }
  j["consents"] = consents;
  nlohmann::json bounces = nlohmann::json::array();
  if (auto list = store_.bounces().for_subscriber(s.id)) {
    for (const auto& b : *list) {
      bounces.push_back({{"received_at", core::format_rfc3339(b.received_at)}, {"kind", b.kind}, {"status", b.status}});
    }
  }
  j["bounces"] = bounces;
  Response out;
  out.body = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  out.content_type = "application/json; charset=utf-8";
  out.disposition = "attachment; filename=\"my-subscription.json\"";
  return out;
}

Response Subscriptions::erase(const Request& r) {
  const auto now = clock_.now();
  std::lock_guard lock(store_mutex_);
  auto claims = core::verify_link(secret(), "preferences", param(r, "t"), now);
  if (!claims) return page(400, {"This link does not work", "The link is not valid; it may have been cut short.", "", ""});
  if (auto done = store_.subscribers().erase(claims->subscriber); !done) {
    return page(500, {"Something went wrong", "Please try again in a moment.", "", ""});
  }
  return page(200, {"Erased", "Your address and everything kept about it are gone. You will get no more email from us.", "", ""});
}

}  // namespace newsdesk::web
