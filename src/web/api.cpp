#include "web/api.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "core/signed_link.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"

namespace newsdesk::web {
namespace {

using nlohmann::json;

json when(const std::optional<core::TimePoint>& t) { return t ? json(core::format_rfc3339(*t)) : json(nullptr); }

Response reply(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  r.content_type = "application/json; charset=utf-8";
  return r;
}

Response problem(int status, const std::string& why) { return reply(status, json{{"error", why}}); }

std::optional<long long> number(const std::map<std::string, std::string>& params, const std::string& name, long long fallback,
                                long long min, long long max) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (*end != '\0' || v < min || v > max) return std::nullopt;
  return v;
}

json subscriber_json(const core::Subscriber& s) {
  return {{"id", s.id},           {"email", s.email},       {"state", core::to_string(s.state)},
          {"time_zone", s.time_zone}, {"created_at", when(s.created_at)}, {"confirmed_at", when(s.confirmed_at)},
          {"editions", s.editions}, {"paused", s.paused}};
}

}  // namespace

bool Api::authorized(const std::string& authorization) const {
  const std::string prefix = "Bearer ";
  if (authorization.rfind(prefix, 0) != 0) return false;
  const std::string hash = core::sha256_hex(core::trim(authorization.substr(prefix.size())));
  bool ok = false;
  for (const auto& known : config_.api.token_sha256) ok = core::constant_time_equal(hash, known) || ok;
  return ok;
}

Response Api::handle(const ApiRequest& r) {
  if (config_.api.token_sha256.empty()) return problem(404, "the API is not enabled ([api] token_sha256 is empty)");
  if (!authorized(r.authorization)) {
    Response out = problem(401, "a valid bearer token is needed (Authorization: Bearer TOKEN)");
    out.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"newsdesk\"");
    return out;
  }
  const std::string base = "/api/v1/";
  if (r.path.rfind(base, 0) != 0) return problem(404, "no such endpoint: " + r.path);
  const auto parts = core::split(r.path.substr(base.size()), '/');
  const std::string& what = parts[0];
  const std::string id = parts.size() > 1 ? parts[1] : "";
  if (parts.size() > 2) return problem(404, "no such endpoint: " + r.path);
  std::lock_guard lock(store_mutex_);

  if (what == "sources" && id.empty() && r.method == "GET") {
    auto sources = store_.sources().list();
    if (!sources) return problem(500, sources.error().message);
    json out = json::array();
    for (const auto& s : *sources) {
      auto health = store_.feeds().state(s.id);
      json h = nullptr;
      if (health) {
        h = {{"last_polled", when(health->last_polled)}, {"last_success", when(health->last_success)},
             {"last_error", health->last_error}, {"last_error_class", health->last_error_class},
             {"consecutive_failures", health->consecutive_failures}, {"failing_since", when(health->failing_since)},
             {"next_poll", when(health->next_poll)}, {"items_per_day", health->items_per_day}, {"gone", health->gone}};
      }
      out.push_back({{"id", s.id}, {"name", s.name}, {"feed_url", s.feed_url}, {"site_url", s.site_url}, {"country", s.country},
                     {"language", s.language}, {"weight", s.weight}, {"own", s.own}, {"excerpt", s.excerpt}, {"health", h}});
    }
    return reply(200, out);
  }
  if (what == "stories" && r.method == "GET") {
    if (id.empty()) {
      auto hours = number(r.params, "hours", 72, 1, 24 * 30);
      if (!hours) return problem(400, "hours must be a number from 1 to 720");
      auto stories = store_.stories().updated_since(clock_.now() - std::chrono::hours(*hours));
      if (!stories) return problem(500, stories.error().message);
      json out = json::array();
      for (const auto& s : *stories) {
        out.push_back({{"id", s.id}, {"headline", s.headline}, {"first_seen", when(s.first_seen)},
                       {"last_updated", when(s.last_updated)}, {"articles", s.article_ids.size()}});
      }
      return reply(200, out);
    }
    char* end = nullptr;
    const long long story_id = std::strtoll(id.c_str(), &end, 10);
    if (*end != '\0' || story_id <= 0) return problem(400, "a story id is a positive number");
    auto story = store_.stories().get(story_id);
    if (!story) return problem(500, story.error().message);
    if (!*story) return problem(404, fmt::format("no story {}", story_id));
    auto articles = store_.articles().by_story(story_id);
    auto sources = store_.sources().list();
    if (!articles || !sources) return problem(500, "the store failed");
    json list = json::array();
    json languages = json::array();  // of its articles, each once, in their order
    for (const auto& a : *articles) {
      std::string outlet = a.site_name;
      for (const auto& s : *sources) {
        if (s.id == a.source_id) outlet = s.name;
      }
      list.push_back({{"id", a.id}, {"title", a.title}, {"url", a.url}, {"outlet", outlet}, {"published", when(a.published)},
                      {"language", a.language.empty() ? json(nullptr) : json(a.language)},
                      {"copy_of", a.copy_of ? json(*a.copy_of) : json(nullptr)}});
      if (!a.language.empty() && std::find(languages.begin(), languages.end(), json(a.language)) == languages.end()) {
        languages.push_back(a.language);
      }
    }
    const core::Story& s = **story;
    return reply(200, {{"id", s.id}, {"headline", s.headline}, {"first_seen", when(s.first_seen)},
                       {"last_updated", when(s.last_updated)}, {"languages", languages}, {"articles", list}});
  }
  if (what == "editions" && r.method == "GET") {
    if (id.empty()) {
      auto limit = number(r.params, "limit", 30, 1, 3660);
      if (!limit) return problem(400, "limit must be a number from 1 to 3660");
      auto editions = store_.editions().list(config_.edition.name, static_cast<size_t>(*limit));
      if (!editions) return problem(500, editions.error().message);
      json out = json::array();
      for (const auto& e : *editions) {
        out.push_back({{"id", e.id}, {"name", e.name}, {"date", e.date}, {"subject", e.subject}, {"built_at", when(e.built_at)},
                       {"url", config_.edition.site_url + "/edition/" + e.date}});
      }
      return reply(200, out);
    }
    auto edition = store_.editions().by_date(config_.edition.name, id);
    if (!edition) return problem(500, edition.error().message);
    if (!*edition) return problem(404, "no edition on " + id);
    auto rendered = store_.editions().rendered((*edition)->id);
    auto counts = store_.deliveries().counts((*edition)->id);
    if (!rendered || !counts) return problem(500, "the store failed");
    json out = *rendered ? json::parse((*rendered)->json, nullptr, false) : json::object();
    if (out.is_discarded()) out = json::object();
    out["deliveries"] = {{"queued", counts->queued}, {"sending", counts->sending}, {"sent", counts->sent},
                         {"deferred", counts->deferred}, {"failed", counts->failed}, {"bounced", counts->bounced}};
    return reply(200, out);
  }
  if (what == "subscribers" && id.empty() && r.method == "GET") {
    std::optional<core::SubscriberState> state;
    if (auto it = r.params.find("state"); it != r.params.end() && !it->second.empty()) {
      for (auto s : {core::SubscriberState::kPending, core::SubscriberState::kConfirmed, core::SubscriberState::kUnsubscribed,
                     core::SubscriberState::kBounced}) {
        if (it->second == core::to_string(s)) state = s;
      }
      if (!state) return problem(400, "state must be pending, confirmed, unsubscribed or bounced");
    }
    auto list = store_.subscribers().list(state);
    if (!list) return problem(500, list.error().message);
    json out = json::array();
    for (const auto& s : *list) out.push_back(subscriber_json(s));
    return reply(200, out);
  }
  if (what == "subscribers" && id.empty() && r.method == "POST") {
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("email") || !body["email"].is_string()) {
      return problem(400, "the body must be a JSON object with \"email\" (and optionally \"confirmed\": true, \"editions\": [...])");
    }
    const std::string email = core::to_lower_ascii(core::trim(body["email"].get<std::string>()));
    if (!core::plausible_email(email)) return problem(400, "\"" + email + "\" is not an email address");
    const bool confirmed = body.value("confirmed", false);
    const auto now = clock_.now();
    auto existing = store_.subscribers().find_by_email(email);
    if (!existing) return problem(500, existing.error().message);
    if (*existing) return reply(200, subscriber_json(**existing));  // known: left as it is (no downgrade, no upgrade)
    auto added = store_.subscribers().add(email, "", now);
    if (!added) return problem(500, added.error().message);
    std::vector<std::string> editions;
    if (body.contains("editions") && body["editions"].is_array()) {
      for (const auto& e : body["editions"]) {
        if (e.is_string()) editions.push_back(e.get<std::string>());
      }
    }
    (void)store_.subscribers().set_preferences(*added, editions, "", false, now);
    if (confirmed) (void)store_.subscribers().set_state(*added, core::SubscriberState::kConfirmed, now);
    (void)store_.subscribers().add_consent({*added, "import", now, r.ip, "api",
                                            confirmed ? "added through the API as confirmed (consent gathered elsewhere)"
                                                      : "added through the API, pending"});
    auto made = store_.subscribers().find(*added);
    if (!made || !*made) return problem(500, "the subscriber just added is not in the store");
    return reply(201, subscriber_json(**made));
  }
  return problem(404, fmt::format("no such endpoint: {} {}", r.method, r.path));
}

}  // namespace newsdesk::web
