#include "core/config.hpp"

#include "core/time.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace newsdesk::core {
namespace {

// A setter checks one value and stores it; it returns an error text or "".
using Setter = std::function<std::string(const toml::node&, Config&)>;


template <class Section>
Setter text(Section Config::*section, std::string Section::*field, bool allow_empty = true) {
  return [=](const toml::node& node, Config& config) -> std::string {
    auto value = node.value<std::string>();
    if (!value) return "must be a string";
    if (!allow_empty && value->empty()) return "must not be empty";
    (config.*section).*field = *value;
    return "";
  };
}

template <class Section, class Int>
Setter integer(Section Config::*section, Int Section::*field, std::int64_t min, std::int64_t max) {
  return [=](const toml::node& node, Config& config) -> std::string {
    auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value) return "must be an integer";
    if (*value < min || *value > max) return fmt::format("must be between {} and {}", min, max);
    (config.*section).*field = static_cast<Int>(*value);
    return "";
  };
}

template <class Section>
Setter real(Section Config::*section, double Section::*field, double min, double max) {
  return [=](const toml::node& node, Config& config) -> std::string {
    auto value = node.value<double>();
    if (!(node.is_floating_point() || node.is_integer()) || !value) return "must be a number";
    if (*value < min || *value > max) return fmt::format("must be between {} and {}", min, max);
    (config.*section).*field = *value;
    return "";
  };
}

template <class Section>
Setter boolean(Section Config::*section, bool Section::*field) {
  return [=](const toml::node& node, Config& config) -> std::string {
    if (!node.is_boolean()) return "must be true or false";
    (config.*section).*field = *node.value<bool>();
    return "";
  };
}

bool is_store_url(std::string_view value) {
  return value.starts_with("postgresql://") || value.starts_with("postgres://") || value.starts_with("sqlite:");
}

Setter store_url() {
  return [](const toml::node& node, Config& config) -> std::string {
    auto value = node.value<std::string>();
    if (!value) return "must be a string";
    if (!value->empty() && !is_store_url(*value)) return "must be a postgresql://USER@HOST:PORT/DATABASE URL or sqlite:PATH";
    config.store.url = *value;
    return "";
  };
}

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> kSetters = {
      {"store.path", text(&Config::store, &StoreConfig::path, false)},
      {"store.url", store_url()},
      {"store.keep_article_text_days", integer(&Config::store, &StoreConfig::keep_article_text_days, 0, 36500)},
      {"fetch.user_agent", text(&Config::fetch, &FetchConfig::user_agent, false)},
      {"fetch.timeout_seconds", integer(&Config::fetch, &FetchConfig::timeout_seconds, 1, 600)},
      {"fetch.connect_timeout_seconds",
       integer(&Config::fetch, &FetchConfig::connect_timeout_seconds, 1, 120)},
      {"fetch.max_body_bytes",
       integer(&Config::fetch, &FetchConfig::max_body_bytes, 1024, std::int64_t{1} << 32)},
      {"fetch.max_redirects", integer(&Config::fetch, &FetchConfig::max_redirects, 0, 20)},
      {"fetch.concurrency", integer(&Config::fetch, &FetchConfig::concurrency, 1, 256)},
      {"fetch.allow_private_addresses", boolean(&Config::fetch, &FetchConfig::allow_private_addresses)},
      {"fetch.per_domain_concurrency", integer(&Config::fetch, &FetchConfig::per_domain_concurrency, 1, 64)},
      {"fetch.per_domain_delay_ms", integer(&Config::fetch, &FetchConfig::per_domain_delay_ms, 0, 600000)},
      {"fetch.respect_robots", boolean(&Config::fetch, &FetchConfig::respect_robots)},
      {"fetch.robots_cache_hours", integer(&Config::fetch, &FetchConfig::robots_cache_hours, 1, 24 * 30)},
      {"workers.lease_seconds", integer(&Config::workers, &WorkerConfig::lease_seconds, 10, 24 * 3600)},
      {"workers.batch", integer(&Config::workers, &WorkerConfig::batch, 1, 10000)},
      {"workers.idle_seconds", integer(&Config::workers, &WorkerConfig::idle_seconds, 1, 3600)},
      {"poll.min_interval_minutes", integer(&Config::poll, &PollConfig::min_interval_minutes, 1, 24 * 60)},
      {"poll.max_interval_minutes", integer(&Config::poll, &PollConfig::max_interval_minutes, 1, 7 * 24 * 60)},
      {"poll.max_backoff_hours", integer(&Config::poll, &PollConfig::max_backoff_hours, 1, 24 * 30)},
      {"poll.failing_after_hours", integer(&Config::poll, &PollConfig::failing_after_hours, 1, 24 * 365)},
      {"extract.max_html_bytes",
       integer(&Config::extract, &ExtractConfig::max_html_bytes, 1024, std::int64_t{1} << 32)},
      {"extract.max_depth", integer(&Config::extract, &ExtractConfig::max_depth, 16, 100000)},
      {"extract.follow_pages", integer(&Config::extract, &ExtractConfig::follow_pages, 0, 50)},
      {"cluster.window_days", integer(&Config::cluster, &ClusterConfig::window_days, 1, 365)},
      {"cluster.threshold", real(&Config::cluster, &ClusterConfig::threshold, 0.0, 1.0)},
      {"cluster.copy_containment", real(&Config::cluster, &ClusterConfig::copy_containment, 0.3, 1.0)},
      {"cluster.merge_threshold", real(&Config::cluster, &ClusterConfig::merge_threshold, 0.0, 1.0)},
      {"cluster.max_terms", integer(&Config::cluster, &ClusterConfig::max_terms, 1000, 100000000)},
      {"rank.beat", text(&Config::rank, &RankConfig::beat, false)},  // checked against the beats below
      {"rank.fresh_hours", real(&Config::rank, &RankConfig::fresh_hours, 0.0, 24.0 * 7)},
      {"rank.half_life_hours", real(&Config::rank, &RankConfig::half_life_hours, 0.5, 24.0 * 365)},
      {"rank.min_relevance", real(&Config::rank, &RankConfig::min_relevance, 0.0, 1.0)},
      {"edition.name", text(&Config::edition, &EditionConfig::name, false)},
      {"edition.stories", integer(&Config::edition, &EditionConfig::stories, 1, 100)},
      {"edition.max_per_outlet", integer(&Config::edition, &EditionConfig::max_per_outlet, 1, 100)},
      {"edition.min_stories", integer(&Config::edition, &EditionConfig::min_stories, 0, 100)},
      {"edition.templates", text(&Config::edition, &EditionConfig::templates, false)},
      {"edition.beat", text(&Config::edition, &EditionConfig::beat, false)},
      {"edition.top_stories", integer(&Config::edition, &EditionConfig::top_stories, 0, 100)},
      {"edition.sections", [](const toml::node& node, Config& config) -> std::string {
         const toml::array* list = node.as_array();
         if (list == nullptr || list->empty()) return "must be a non-empty list of section titles";
         std::vector<std::string> sections;
         for (const auto& item : *list) {
           auto title = item.value<std::string>();
           if (!title || title->empty()) return "must be a list of non-empty strings";
           sections.push_back(*title);
         }
         config.edition.sections = std::move(sections);
         return "";
       }},
      {"edition.time_zone", [](const toml::node& node, Config& config) -> std::string {
         auto value = node.value<std::string>();
         if (!value) return "must be a string";
         if (!local_date(TimePoint{}, *value)) return "must be an IANA time zone (like \"Europe/Paris\")";
         config.edition.time_zone = *value;
         return "";
       }},
      {"edition.send_time", [](const toml::node& node, Config& config) -> std::string {
         auto value = node.value<std::string>();
         if (!value || !local_to_utc("2026-01-01", *value, "UTC")) return "must be a time as \"HH:MM\"";
         config.edition.send_time = *value;
         return "";
       }},
      {"edition.max_per_country", integer(&Config::edition, &EditionConfig::max_per_country, 0, 100)},
      {"edition.from", text(&Config::edition, &EditionConfig::from, false)},
      {"edition.site_url", text(&Config::edition, &EditionConfig::site_url, false)},
      {"edition.postal_address", text(&Config::edition, &EditionConfig::postal_address)},
      {"edition.support_url", text(&Config::edition, &EditionConfig::support_url)},
      {"mail.dkim_key_file", text(&Config::mail, &MailConfig::dkim_key_file, false)},
      {"mail.dkim_domain", text(&Config::mail, &MailConfig::dkim_domain, false)},
      {"mail.dkim_selector", text(&Config::mail, &MailConfig::dkim_selector, false)},
      {"mail.helo_name", text(&Config::mail, &MailConfig::helo_name, false)},
      {"mail.bounce_local", [](const toml::node& node, Config& config) -> std::string {
         auto value = node.value<std::string>();
         if (!value || value->empty() || value->find_first_of("@+<> \r\n\"") != std::string::npos) {
           return "must be a plain local part (no @, +, spaces or brackets)";
         }
         config.mail.bounce_local = *value;
         return "";
       }},
      {"mail.retry_hours", integer(&Config::mail, &MailConfig::retry_hours, 0, 24 * 7)},
      {"mail.retry_base_minutes", integer(&Config::mail, &MailConfig::retry_base_minutes, 1, 24 * 60)},
      {"mail.hard_bounce_limit", integer(&Config::mail, &MailConfig::hard_bounce_limit, 1, 100)},
      {"mail.domain_rate", real(&Config::mail, &MailConfig::domain_rate, 0.0, 1e6)},
      {"web.listen", text(&Config::web, &WebConfig::listen, false)},
      {"web.port", integer(&Config::web, &WebConfig::port, 0, 65535)},
      {"admin.password_hash", [](const toml::node& node, Config& config) -> std::string {
         auto value = node.value<std::string>();
         if (!value || value->rfind("pbkdf2-sha256$", 0) != 0) return "must be a hash as newsdesk admin password prints it";
         config.admin.password_hash = *value;
         return "";
       }},
      {"admin.session_hours", integer(&Config::admin, &AdminConfig::session_hours, 1, 24 * 30)},
      {"api.token_sha256", [](const toml::node& node, Config& config) -> std::string {
         const toml::array* list = node.as_array();
         if (list == nullptr) return "must be a list of SHA-256 hashes (newsdesk api token prints one)";
         std::vector<std::string> hashes;
         for (const auto& item : *list) {
           auto hash = item.value<std::string>();
           if (!hash || hash->size() != 64 || hash->find_first_not_of("0123456789abcdef") != std::string::npos) {
             return "must hold 64 lower-case hex digits each (the SHA-256 of a token; newsdesk api token prints one)";
           }
           hashes.push_back(*hash);
         }
         config.api.token_sha256 = std::move(hashes);
         return "";
       }},
      {"subscribers.pending_days", integer(&Config::subscribers, &SubscribersConfig::pending_days, 1, 365)},
      {"subscribers.confirm_hours", integer(&Config::subscribers, &SubscribersConfig::confirm_hours, 1, 24 * 30)},
      {"subscribers.signups_per_ip_per_hour", integer(&Config::subscribers, &SubscribersConfig::signups_per_ip_per_hour, 1, 100000)},
      {"subscribers.signups_per_address_per_day",
       integer(&Config::subscribers, &SubscribersConfig::signups_per_address_per_day, 1, 100)},
      {"subscribers.check_mx", boolean(&Config::subscribers, &SubscribersConfig::check_mx)},
      {"subscribers.dns_server", [](const toml::node& node, Config& config) -> std::string {
         auto value = node.value<std::string>();
         static const std::regex kServer(R"((\d{1,3}\.){3}\d{1,3}(:\d{1,5})?)");
         if (!value || !std::regex_match(*value, kServer)) return "must be an IPv4 address, with a port if not 53 (\"127.0.0.1:5353\")";
         config.subscribers.dns_server = *value;
         return "";
       }},
  };
  return kSetters;
}

std::string where(std::string_view source_name, const toml::source_region& region) {
  return fmt::format("{}:{}:{}", source_name, region.begin.line, region.begin.column);
}

// [beats.NAME] tables: a beat each. Returns an error text naming the place, or "".
std::string read_beats(const toml::table& beats, std::string_view source_name, Config& config) {
  for (const auto& [name_key, node] : beats) {
    std::string name(name_key.str());
    const toml::table* table = node.as_table();
    if (table == nullptr) return fmt::format("{}: 'beats.{}' must be a table ([beats.{}])", where(source_name, node.source()), name, name);
    BeatConfig beat;
    beat.name = name;
    for (const auto& entry : *table) {
      // Plain references: clang 14 cannot capture structured bindings in lambdas.
      const toml::key& key_node = entry.first;
      const toml::node& value = entry.second;
      std::string key(key_node.str());
      std::string place = fmt::format("{}: 'beats.{}.{}'", where(source_name, value.source()), name, key);
      auto strings = [&](std::vector<std::string>& out) -> std::string {
        const toml::array* list = value.as_array();
        if (list == nullptr) return place + " must be a list of strings";
        for (const auto& item : *list) {
          auto text = item.value<std::string>();
          if (!text || text->empty()) return place + " must be a list of non-empty strings";
          out.push_back(*text);
        }
        return "";
      };
      auto weights = [&](std::vector<std::pair<std::string, double>>& out) -> std::string {
        const toml::table* map = value.as_table();
        if (map == nullptr) return place + " must be a table of \"phrase\" = weight";
        for (const auto& [phrase, weight] : *map) {
          auto w = weight.value<double>();
          if (!w || !(weight.is_floating_point() || weight.is_integer())) {
            return fmt::format("{}: 'beats.{}.{}.{}' must be a number", where(source_name, weight.source()), name, key, phrase.str());
          }
          if (*w < -10 || *w > 10) {
            return fmt::format("{}: 'beats.{}.{}.{}' must be between -10 and 10", where(source_name, weight.source()), name, key, phrase.str());
          }
          out.emplace_back(std::string(phrase.str()), *w);
        }
        return "";
      };
      std::string problem;
      if (key == "description") {
        auto text = value.value<std::string>();
        if (!text) return place + " must be a string";
        beat.description = *text;
      } else if (key == "terms") {
        problem = weights(beat.terms);
      } else if (key == "rules") {
        problem = weights(beat.rules);
      } else if (key == "exclude") {
        problem = strings(beat.exclude);
      } else if (key == "sources") {
        problem = strings(beat.sources);
      } else if (key == "languages") {
        problem = strings(beat.languages);
      } else {
        return fmt::format("{}: unknown key 'beats.{}.{}' (description, terms, exclude, rules, sources, languages)",
                           where(source_name, value.source()), name, key);
      }
      if (!problem.empty()) return problem;
    }
    config.beats.push_back(std::move(beat));
  }
  return "";
}

// [mail.relays.NAME]: a relay each, in file order. Returns an error text
// naming the place, or "".
std::string read_relays(const toml::table& relays, std::string_view source_name, Config& config) {
  for (const auto& relay_entry : relays) {
    std::string name(relay_entry.first.str());
    const toml::table* table = relay_entry.second.as_table();
    if (table == nullptr) {
      return fmt::format("{}: 'mail.relays.{}' must be a table ([mail.relays.{}])", where(source_name, relay_entry.second.source()), name, name);
    }
    RelayConfig relay;
    relay.name = name;
    for (const auto& entry : *table) {
      const std::string key(entry.first.str());
      const toml::node& value = entry.second;
      const std::string place = fmt::format("{}: 'mail.relays.{}.{}'", where(source_name, value.source()), name, key);
      auto text = [&](std::string& out, bool allow_empty) -> std::string {
        auto v = value.value<std::string>();
        if (!v) return place + " must be a string";
        if (!allow_empty && v->empty()) return place + " must not be empty";
        out = *v;
        return "";
      };
      auto whole = [&](int& out, int min, int max) -> std::string {
        auto v = value.value<std::int64_t>();
        if (!value.is_integer() || !v) return place + " must be an integer";
        if (*v < min || *v > max) return fmt::format("{} must be between {} and {}", place, min, max);
        out = static_cast<int>(*v);
        return "";
      };
      std::string problem;
      if (key == "host") {
        problem = text(relay.host, false);
      } else if (key == "port") {
        problem = whole(relay.port, 1, 65535);
      } else if (key == "tls") {
        problem = text(relay.tls, false);
        if (problem.empty() && relay.tls != "starttls" && relay.tls != "implicit" && relay.tls != "none") {
          problem = place + " must be \"starttls\", \"implicit\" or \"none\"";
        }
      } else if (key == "verify_certificate") {
        if (!value.is_boolean()) return place + " must be true or false";
        relay.verify_certificate = *value.value<bool>();
      } else if (key == "ca_file") {
        problem = text(relay.ca_file, false);
      } else if (key == "username") {
        problem = text(relay.username, false);
      } else if (key == "password") {
        problem = text(relay.password, true);
      } else if (key == "password_file") {
        problem = text(relay.password_file, false);
      } else if (key == "connections") {
        problem = whole(relay.connections, 1, 256);
      } else if (key == "messages_per_second") {
        auto v = value.value<double>();
        if (!(value.is_floating_point() || value.is_integer()) || !v || *v < 0) return place + " must be a number, 0 or more";
        relay.messages_per_second = *v;
      } else if (key == "messages_per_connection") {
        problem = whole(relay.messages_per_connection, 1, 1000000);
      } else if (key == "timeout_seconds") {
        problem = whole(relay.timeout_seconds, 0, 3600);
      } else {
        return fmt::format("{}: unknown key 'mail.relays.{}.{}' (host, port, tls, verify_certificate, ca_file, username, "
                           "password, password_file, connections, messages_per_second, messages_per_connection, timeout_seconds)",
                           where(source_name, value.source()), name, key);
      }
      if (!problem.empty()) return problem;
    }
    if (!relay.password.empty() && !relay.password_file.empty()) {
      return fmt::format("{}: 'mail.relays.{}' has both password and password_file", where(source_name, relay_entry.second.source()), name);
    }
    config.mail.relays.push_back(std::move(relay));
  }
  return "";
}

// [mail.domain_rates]: "domain" = messages per second.
std::string read_domain_rates(const toml::table& rates, std::string_view source_name, Config& config) {
  for (const auto& entry : rates) {
    auto v = entry.second.value<double>();
    if (!(entry.second.is_floating_point() || entry.second.is_integer()) || !v || *v <= 0) {
      return fmt::format("{}: 'mail.domain_rates.{}' must be a number of messages per second above 0",
                         where(source_name, entry.second.source()), entry.first.str());
    }
    std::string domain(entry.first.str());
    for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    config.mail.domain_rates.emplace_back(domain, *v);
  }
  return "";
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {  // toml++ reports syntax errors by exception; it stops here.
    root = toml::parse(toml_text, std::string(source_name));
  } catch (const toml::parse_error& err) {
    return fail(ErrorCode::kConfig, fmt::format("{}: {}", where(source_name, err.source()),
                                                err.description()));
  }
  Config config;
  for (const auto& [section_key, section_node] : root) {
    std::string section(section_key.str());
    const toml::table* table = section_node.as_table();
    if (section == "editions" && table != nullptr) continue;  // after [edition], below
    if (section == "beats" && table != nullptr) {
      std::string problem = read_beats(*table, source_name, config);
      if (!problem.empty()) return fail(ErrorCode::kConfig, problem);
      continue;
    }
    if (table == nullptr) {
      bool known = false;
      for (const auto& [name, setter] : setters()) known |= name.rfind(section + ".", 0) == 0;
      return fail(ErrorCode::kConfig,
                  fmt::format("{}: '{}' {}", where(source_name, section_node.source()), section,
                              known ? "must be a table ([" + section + "])" : "is not a known key"));
    }
    for (const auto& [key, node] : *table) {
      std::string name = section + "." + std::string(key.str());
      if ((name == "mail.relays" || name == "mail.domain_rates") && node.is_table()) {
        std::string problem = name == "mail.relays" ? read_relays(*node.as_table(), source_name, config)
                                                    : read_domain_rates(*node.as_table(), source_name, config);
        if (!problem.empty()) return fail(ErrorCode::kConfig, problem);
        continue;
      }
      auto it = setters().find(name);
      if (it == setters().end()) {
        return fail(ErrorCode::kConfig, fmt::format("{}: unknown key '{}'",
                                                    where(source_name, node.source()), name));
      }
      std::string problem = it->second(node, config);
      if (!problem.empty()) {
        return fail(ErrorCode::kConfig,
                    fmt::format("{}: '{}' {}", where(source_name, node.source()), name, problem));
      }
    }
  }
  // [editions.NAME]: [edition] with its own values, checked by the same setters.
  if (const toml::table* editions = root["editions"].as_table()) {
    for (const auto& entry : *editions) {
      std::string key(entry.first.str());
      const toml::table* table = entry.second.as_table();
      if (table == nullptr) {
        return fail(ErrorCode::kConfig, fmt::format("{}: 'editions.{}' must be a table ([editions.{}])",
                                                    where(source_name, entry.second.source()), key, key));
      }
      Config scratch = config;
      scratch.edition.name = key;
      for (const auto& field : *table) {
        std::string name = "edition." + std::string(field.first.str());
        auto it = setters().find(name);
        if (it == setters().end()) {
          return fail(ErrorCode::kConfig, fmt::format("{}: unknown key 'editions.{}.{}'",
                                                      where(source_name, field.second.source()), key, field.first.str()));
        }
        std::string problem = it->second(field.second, scratch);
        if (!problem.empty()) {
          return fail(ErrorCode::kConfig, fmt::format("{}: 'editions.{}.{}' {}", where(source_name, field.second.source()),
                                                      key, field.first.str(), problem));
        }
      }
      config.editions.emplace_back(key, scratch.edition);
    }
  }
  if (config.poll.min_interval_minutes > config.poll.max_interval_minutes) {
    return fail(ErrorCode::kConfig, fmt::format("{}: 'poll.min_interval_minutes' ({}) is above 'poll.max_interval_minutes' ({})",
                                                source_name, config.poll.min_interval_minutes, config.poll.max_interval_minutes));
  }
  auto known_beat = [&](const std::string& beat) {
    bool known = beat == "military";
    for (const auto& b : config.beats) known = known || b.name == beat;
    return known;
  };
  std::string names = "\"military\"";
  for (const auto& b : config.beats) names += ", \"" + b.name + "\"";
  if (!known_beat(config.rank.beat)) {
    return fail(ErrorCode::kConfig, fmt::format("{}: 'rank.beat' must name a known beat ({}), not \"{}\"", source_name,
                                                names, config.rank.beat));
  }
  std::vector<std::pair<std::string, const EditionConfig*>> all = {{"edition", &config.edition}};
  for (const auto& [key, e] : config.editions) all.emplace_back("editions." + key, &e);
  for (const auto& [place, e] : all) {
    if (!e->beat.empty() && !known_beat(e->beat)) {
      return fail(ErrorCode::kConfig, fmt::format("{}: '{}.beat' must name a known beat ({}), not \"{}\"", source_name,
                                                  place, names, e->beat));
    }
  }
  return config;
}

Result<Config> for_edition(const Config& config, const std::string& key) {
  Config out = config;
  if (!key.empty()) {
    auto it = std::find_if(config.editions.begin(), config.editions.end(), [&](const auto& e) { return e.first == key; });
    if (it == config.editions.end()) {
      std::string known;
      for (const auto& e : config.editions) known += (known.empty() ? "" : ", ") + e.first;
      return fail(ErrorCode::kConfig, fmt::format("no edition \"{}\" in the configuration ([editions.NAME]: {})", key,
                                                  known.empty() ? "none" : known));
    }
    out.edition = it->second;
  }
  if (!out.edition.beat.empty()) out.rank.beat = out.edition.beat;
  return out;
}

Result<Config> load_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, fmt::format("{}: cannot read the configuration file", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_config(buffer.str(), path.string());
}

void StoreConfig::set_location(const std::string& value) {
  if (is_store_url(value)) {
    url = value;
  } else {
    path = value;
    url.clear();
  }
}

}  // namespace newsdesk::core
