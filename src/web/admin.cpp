#include "web/admin.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/signed_link.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"
#include "edition/edition.hpp"
#include "web/rate_limit.hpp"

namespace newsdesk::web {
namespace {

using core::html_escape;

// Login attempts per network, counted by every web node together.
constexpr RateLimit kLogins{"admin-login", 10, std::chrono::minutes(15)};

std::string param(const Request& r, const std::string& name) {
  auto it = r.params.find(name);
  return it == r.params.end() ? "" : it->second;
}

std::string when(const std::optional<core::TimePoint>& t) { return t ? core::format_rfc3339(*t) : "—"; }

Response redirect(const std::string& to, const std::string& cookie = "") {
  Response r;
  r.status = 303;
  r.headers.emplace_back("Location", to);
  r.set_cookie = cookie;
  r.body = "<!DOCTYPE html><title>Moved</title><a href=\"" + html_escape(to) + "\">Go on</a>";
  return r;
}

}  // namespace

bool Admin::session_valid(const std::string& session) {
  auto secret = store_.secret("links");
  return secret && !session.empty() && core::verify_link(*secret, "admin-session", session, clock_.now()).has_value();
}

std::string Admin::form_token(const std::string& session) {
  auto secret = store_.secret("links");
  return secret ? core::hmac_tag(*secret, "admin-form:" + session) : "";
}

Response Admin::page(const std::string& title, const std::string& content, const std::string& session, int status, bool refresh) {
  const std::string nav = fmt::format(
      "<nav aria-label=\"Admin\"><p><a href=\"/admin\">Dashboard</a> · <a href=\"/admin/editions\">Editions</a> · "
      "<a href=\"/admin/subscribers\">Subscribers</a> · <a href=\"/admin/bounces\">Bounces</a></p>"
      "<form method=\"post\" action=\"/admin/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<button type=\"submit\">Log out</button></form></nav>",
      html_escape(form_token(session)));
  // Forms in the content carry the session's form token.
  std::string filled = content;
  const std::string token = html_escape(form_token(session));
  for (size_t at = filled.find("{{csrf}}"); at != std::string::npos; at = filled.find("{{csrf}}", at + token.size())) {
    filled.replace(at, 8, token);
  }
  Response r;
  r.status = status;
  // Send progress without script: the dashboard reloads itself.
  r.body = page_layout(site_, "Admin: " + title, nav + filled, refresh ? 10 : 0);
  return r;
}

Response Admin::login_page(const std::string& error, int status) {
  Response r;
  r.status = status;
  r.body = page_layout(site_, "Admin: log in",
                       "<h1>Log in</h1>" + (error.empty() ? std::string() : "<p role=\"alert\"><strong>" + html_escape(error) + "</strong></p>") +
                           "<form method=\"post\" action=\"/admin/login\"><p><label for=\"password\">Password</label><br>"
                           "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>"
                           "<p><button type=\"submit\">Log in</button></p></form>");
  return r;
}

Response Admin::login(const Request& r) {
  {
    std::lock_guard lock(store_mutex_);
    auto within = count_attempt(store_, kLogins, r.ip, clock_.now());
    if (!within) {
      // Fails closed: uncounted attempts would let a password be guessed without limit.
      spdlog::error("admin login refused: the attempt could not be counted: {}", within.error().message);
      return login_page("Logins are refused for now: the desk cannot count attempts (its store failed). Try again in a "
                        "moment.", 503);
    }
    if (!*within) return login_page("Too many attempts from your address; wait a quarter of an hour.", 429);
  }
  if (!core::password_matches(param(r, "password"), config_.admin.password_hash)) return login_page("That is not the password.", 403);
  std::lock_guard lock(store_mutex_);
  auto secret = store_.secret("links");
  if (!secret) return login_page("The store failed; try again.", 500);
  const std::int64_t expires = clock_.now().time_since_epoch().count() + config_.admin.session_hours * 3600LL;
  const std::string session = core::sign_link(*secret, {"admin-session", 0, 0, expires});
  const bool https = config_.edition.site_url.rfind("https://", 0) == 0;
  return redirect("/admin", fmt::format("{}={}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={}{}", kCookie, session,
                                        config_.admin.session_hours * 3600, https ? "; Secure" : ""));
}

Response Admin::handle(const std::string& method, const std::string& path, const Request& r) {
  if (config_.admin.password_hash.empty()) {
    Response none;
    none.status = 404;
    none.body = not_found_page(site_);
    return none;
  }
  if (path == "/admin/login") return method == "POST" ? login(r) : login_page("", 200);
  std::unique_lock lock(store_mutex_);
  if (!session_valid(r.cookie)) {
    lock.unlock();
    return redirect("/admin/login");
  }
  if (method == "POST" && !core::constant_time_equal(param(r, "csrf"), form_token(r.cookie))) {
    return page("Refused", "<h1>Refused</h1><p>The form was not sent from these pages. Please try again.</p>", r.cookie, 403);
  }
  if (path == "/admin/logout" && method == "POST") {
    return redirect("/admin/login", fmt::format("{}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0", kCookie));
  }
  if (path == "/admin" || path == "/admin/") {
    Response out = dashboard();
    return page("Dashboard", out.body, r.cookie, out.status, true);
  }
  if (path == "/admin/subscribers") return page("Subscribers", subscribers(r).body, r.cookie);
  if (path.rfind("/admin/subscribers/", 0) == 0) {
    const core::Id id = std::atoll(path.c_str() + std::string("/admin/subscribers/").size());
    std::string notice;
    if (method == "POST" && param(r, "action") == "unsubscribe") {
      const auto now = clock_.now();
      if (store_.subscribers().set_state(id, core::SubscriberState::kUnsubscribed, now)) {
        (void)store_.subscribers().add_consent({id, "unsubscribe", now, r.ip, "", "by an administrator"});
        notice = "Unsubscribed.";
      }
    }
    Response out = subscriber(id, notice);
    return page("Subscriber", out.body, r.cookie, out.status);
  }
  if (path == "/admin/editions" && method == "POST") {
    Response out = edit(r);
    return page("Editions", out.body, r.cookie, out.status);
  }
  if (path == "/admin/editions") return page("Editions", editions(r, "").body, r.cookie);
  if (path == "/admin/editions/preview") return draft_email(r);
  if (path == "/admin/bounces") return page("Bounces", bounces().body, r.cookie);
  return page("Not found", "<h1>Not found</h1>", r.cookie, 404);
}

Response Admin::dashboard() {
  std::string html = "<h1>Dashboard</h1><h2>Sources</h2>";
  auto sources = store_.sources().list();
  if (!sources) return {500, "<p>The store failed: " + html_escape(sources.error().message) + "</p>"};
  html += "<table><thead><tr><th scope=\"col\">Source</th><th scope=\"col\">Health</th><th scope=\"col\">Last success</th>"
          "<th scope=\"col\">Error</th><th scope=\"col\">Items a day</th><th scope=\"col\">Next poll</th></tr></thead><tbody>";
  for (const auto& s : *sources) {
    auto f = store_.feeds().state(s.id);
    core::FeedState state = f ? *f : core::FeedState{};
    const std::string health = state.gone ? "gone" : state.consecutive_failures > 0 ? fmt::format("failing ×{}", state.consecutive_failures)
                               : state.last_polled                              ? "ok"
                                                                                 : "new";
    html += fmt::format("<tr><td>{}<br><small>{}</small></td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{}</td></tr>",
                        html_escape(s.name), html_escape(s.feed_url), health, when(state.last_success),
                        html_escape(state.last_error_class.empty() ? state.last_error : state.last_error_class + ": " + state.last_error),
                        state.items_per_day, when(state.next_poll));
  }
  html += "</tbody></table><h2>Editions and sending</h2>";
  auto editions = store_.editions().list(config_.edition.name, 10);
  if (!editions) return {500, "<p>The store failed.</p>"};
  html += "<table><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Subject</th><th scope=\"col\">Queued</th>"
          "<th scope=\"col\">Sending</th><th scope=\"col\">Sent</th><th scope=\"col\">Deferred</th><th scope=\"col\">Failed</th>"
          "<th scope=\"col\">Bounced</th></tr></thead><tbody>";
  for (const auto& e : *editions) {
    auto c = store_.deliveries().counts(e.id);
    store::DeliveryCounts n = c ? *c : store::DeliveryCounts{};
    // An edition nobody was sent may be held back: say so, and why.
    std::string held;
    if (n.total() == 0) {
      auto full = store_.editions().by_date(e.name, e.date);
      if (full && *full) held = edition::hold_reason(**full, config_.edition);
    }
    html += fmt::format("<tr><td><a href=\"/edition/{0}\">{0}</a></td><td>{1}{8}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td>"
                        "<td>{6}</td><td>{7}</td></tr>",
                        html_escape(e.date), html_escape(e.subject), n.queued, n.sending, n.sent, n.deferred, n.failed, n.bounced,
                        held.empty() ? "" : "<br><strong>Held: " + html_escape(held) + "</strong>");
  }
  html += "</tbody></table>";
  auto counts = store_.counts();
  if (counts) {
    html += "<h2>Subscribers</h2><ul>";
    for (const auto& [state, n] : counts->subscribers) html += fmt::format("<li>{}: {}</li>", html_escape(state), n);
    html += "</ul>";
  }
  return {200, html};
}

Response Admin::subscribers(const Request& r) {
  const std::string q = core::to_lower_ascii(core::trim(param(r, "q")));
  std::string html = "<h1>Subscribers</h1><form method=\"get\" action=\"/admin/subscribers\" role=\"search\"><p><label for=\"q\">"
                     "Address contains</label> <input id=\"q\" name=\"q\" value=\"" +
                     html_escape(q) + "\"> <button type=\"submit\">Search</button></p></form>";
  auto list = store_.subscribers().list(std::nullopt);
  if (!list) return {500, "<p>The store failed.</p>"};
  html += "<table><thead><tr><th scope=\"col\">Address</th><th scope=\"col\">State</th><th scope=\"col\">Signed up</th>"
          "<th scope=\"col\">Confirmed</th></tr></thead><tbody>";
  size_t shown = 0;
  for (const auto& s : *list) {
    if (!q.empty() && core::to_lower_ascii(s.email).find(q) == std::string::npos) continue;
    if (++shown > 200) break;
    html += fmt::format("<tr><td><a href=\"/admin/subscribers/{}\">{}</a></td><td>{}{}</td><td>{}</td><td>{}</td></tr>", s.id,
                        html_escape(s.email), core::to_string(s.state), s.paused ? " (paused)" : "", when(s.created_at),
                        when(s.confirmed_at));
  }
  html += "</tbody></table>";
  if (shown > 200) html += "<p>The first 200 shown; search to narrow.</p>";
  return {200, html};
}

Response Admin::subscriber(core::Id id, const std::string& notice) {
  auto who = store_.subscribers().find(id);
  if (!who || !*who) return {404, "<h1>No such subscriber</h1>"};
  const core::Subscriber& s = **who;
  std::string html = fmt::format("<h1>{}</h1>{}<p>State: {}{} · signed up {} · confirmed {} · editions: {} · time zone: {}</p>",
                                 html_escape(s.email), notice.empty() ? "" : "<p role=\"status\"><strong>" + html_escape(notice) + "</strong></p>",
                                 core::to_string(s.state), s.paused ? " (paused)" : "", when(s.created_at), when(s.confirmed_at),
                                 html_escape(s.editions.empty() ? "every edition" : core::join(s.editions, ", ")),
                                 html_escape(s.time_zone.empty() ? "the edition's" : s.time_zone));
  if (s.state != core::SubscriberState::kUnsubscribed) {
    html += "<form method=\"post\" action=\"/admin/subscribers/" + std::to_string(id) +
            "\"><input type=\"hidden\" name=\"csrf\" value=\"{{csrf}}\"><input type=\"hidden\" name=\"action\" value=\"unsubscribe\">"
            "<button type=\"submit\">Unsubscribe</button></form>";
  }
  html += "<h2>History</h2><table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">What</th><th scope=\"col\">From</th>"
          "<th scope=\"col\">Form</th><th scope=\"col\">Detail</th></tr></thead><tbody>";
  if (auto consents = store_.subscribers().consents(id)) {
    for (const auto& c : *consents) {
      html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", when(c.at), html_escape(c.action),
                          html_escape(c.ip), html_escape(c.form_version), html_escape(c.detail));
    }
  }
  html += "</tbody></table><h2>Bounces</h2><ul>";
  if (auto list = store_.bounces().for_subscriber(id)) {
    for (const auto& b : *list) {
      html += fmt::format("<li>{} · {} {} · {}</li>", when(b.received_at), html_escape(b.kind), html_escape(b.status), html_escape(b.detail));
    }
  }
  html += "</ul>";
  return {200, html};
}

Response Admin::editions(const Request& r, const std::string& notice) {
  const auto now = clock_.now();
  std::string date = param(r, "date");
  if (date.empty()) {
    auto today = core::local_date(now, config_.edition.time_zone);
    date = today ? *today : "";
  }
  auto deadline = core::local_to_utc(date, config_.edition.send_time, config_.edition.time_zone);
  if (!deadline) return {400, "<h1>Editions</h1><p>Not a date: " + html_escape(date) + "</p>"};
  const bool open = now < *deadline;
  std::string html = fmt::format("<h1>Edition of {}</h1>{}<p>Changes are {} (the send time is {}).</p>", html_escape(date),
                                 notice.empty() ? "" : "<p role=\"status\"><strong>" + html_escape(notice) + "</strong></p>",
                                 open ? "open" : "closed", core::format_rfc3339(*deadline));
  auto edition = store_.editions().by_date(config_.edition.name, date);
  if (edition && *edition) {
    html += "<h2>Stories</h2><ol>";
    for (const auto& item : (*edition)->items) {
      html += fmt::format("<li>{} <small>(story {}, {} outlets)</small></li>", html_escape(item.headline), item.story_id, item.outlets);
    }
    html += "</ol><p><a href=\"/edition/" + html_escape(date) + "\">The edition's page</a></p>";
  } else {
    html += "<p>Not built yet; changes made now apply when it is.</p>";
    if (preview_) {
      auto draft = preview_(store_, date);
      if (!draft) {
        html += "<p role=\"alert\">No preview: " + html_escape(draft.error().message) + "</p>";
      } else {
        html += "<h2>As it would be built now</h2><ol>";
        for (const auto& item : draft->edition.items) {
          html += fmt::format("<li>{} <small>(story {}, {} outlets)</small></li>", html_escape(item.headline), item.story_id,
                              item.outlets);
        }
        html += "</ol><p><a href=\"/admin/editions/preview?date=" + html_escape(date) + "\">The email as it would go</a></p>";
      }
    }
  }
  if (open) {
    html += "<h2>Change</h2><form method=\"post\" action=\"/admin/editions\"><input type=\"hidden\" name=\"csrf\" value=\"{{csrf}}\">"
            "<input type=\"hidden\" name=\"date\" value=\"" + html_escape(date) + "\">"
            "<p><label for=\"action\">Action</label> <select id=\"action\" name=\"action\"><option value=\"pin\">pin</option>"
            "<option value=\"drop\">drop</option><option value=\"move\">move</option><option value=\"retitle\">retitle</option></select> "
            "<label for=\"story\">story</label> <input id=\"story\" name=\"story\" size=\"6\" required> "
            "<label for=\"position\">place</label> <input id=\"position\" name=\"position\" size=\"3\"> "
            "<label for=\"title\">headline</label> <input id=\"title\" name=\"title\" size=\"40\"></p>"
            "<p><button type=\"submit\">Record</button></p></form>";
  }
  html += "<h2>The editor's changes</h2><ul>";
  if (auto edits = store_.editions().edits(config_.edition.name, date)) {
    for (const auto& e : *edits) {
      html += fmt::format("<li>{} story {}{}{} · {} at {}</li>", core::to_string(e.action), e.story_id,
                          e.position > 0 ? fmt::format(" at {}", e.position) : "", e.title.empty() ? "" : " as “" + html_escape(e.title) + "”",
                          html_escape(e.editor), core::format_rfc3339(e.at));
    }
  }
  html += "</ul>";
  return {200, html};
}

// The HTML email of an edition as it would be built now, on a page of its own.
Response Admin::draft_email(const Request& r) {
  const std::string date = param(r, "date");
  if (!preview_ || !core::local_to_utc(date, config_.edition.send_time, config_.edition.time_zone)) {
    return page("Not found", "<h1>Not found</h1>", r.cookie, 404);
  }
  auto draft = preview_(store_, date);
  if (!draft) return page("Editions", "<h1>No preview</h1><p>" + html_escape(draft.error().message) + "</p>", r.cookie, 500);
  Response out;
  out.body = std::move(draft->html);
  return out;
}

Response Admin::edit(const Request& r) {
  const auto now = clock_.now();
  const std::string date = param(r, "date");
  auto deadline = core::local_to_utc(date, config_.edition.send_time, config_.edition.time_zone);
  if (!deadline) return {400, "<p>Not a date.</p>"};
  if (now >= *deadline) return editions(r, "Too late: the edition's send time has passed.");
  core::EditionEdit e;
  e.edition = config_.edition.name;
  e.date = date;
  const std::string action = param(r, "action");
  if (action == "pin") e.action = core::EditionEdit::Action::kPin;
  else if (action == "drop") e.action = core::EditionEdit::Action::kDrop;
  else if (action == "move") e.action = core::EditionEdit::Action::kMove;
  else if (action == "retitle") e.action = core::EditionEdit::Action::kRetitle;
  else return editions(r, "Choose pin, drop, move or retitle.");
  e.story_id = std::atoll(param(r, "story").c_str());
  e.position = std::atoi(param(r, "position").c_str());
  e.title = std::string(core::trim(param(r, "title")));
  e.editor = "admin";
  e.at = now;
  auto story = store_.stories().get(e.story_id);
  if (!story || !*story) return editions(r, "There is no story " + param(r, "story") + ".");
  if (e.action == core::EditionEdit::Action::kMove && e.position < 1) return editions(r, "A move needs a place (1 or more).");
  if (e.action == core::EditionEdit::Action::kRetitle && e.title.empty()) return editions(r, "A retitle needs a headline.");
  if (auto added = store_.editions().add_edit(e); !added) return editions(r, "The store failed: " + added.error().message);
  return editions(r, "Recorded: it applies when the edition is built.");
}

Response Admin::bounces() {
  std::string html = "<h1>Bounces</h1><table><thead><tr><th scope=\"col\">Received</th><th scope=\"col\">Kind</th>"
                     "<th scope=\"col\">Recipient</th><th scope=\"col\">Status</th><th scope=\"col\">Detail</th></tr></thead><tbody>";
  if (auto list = store_.bounces().recent(200)) {
    for (const auto& b : *list) {
      const std::string who = b.subscriber_id ? fmt::format("<a href=\"/admin/subscribers/{}\">{}</a>", *b.subscriber_id, html_escape(b.recipient))
                                              : html_escape(b.recipient);
      html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", core::format_rfc3339(b.received_at),
                          html_escape(b.kind), who, html_escape(b.status), html_escape(b.detail));
    }
  }
  html += "</tbody></table>";
  return {200, html};
}

}  // namespace newsdesk::web
