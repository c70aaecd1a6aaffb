#include "app/cli_support.hpp"

#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "edition/edition.hpp"
#include "fetch/http_fetcher.hpp"
#include "mail/dkim.hpp"

#ifndef NEWSDESK_SAMPLE_DIR
#define NEWSDESK_SAMPLE_DIR "sample"
#endif

namespace newsdesk::app {
namespace {

// Whether `value` starts with a URL scheme and "://" (mysql://..., https://...).
bool looks_like_url(const std::string& value) {
  const size_t colon = value.find("://");
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(value[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = value[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

core::Config load(const Globals& g) {
  core::Config config;
  if (!g.config_path.empty()) {
    config = need(core::load_config(g.config_path));
  } else if (std::filesystem::exists("newsdesk.toml")) {
    config = need(core::load_config("newsdesk.toml"));
  }
  if (!g.db_path.empty()) {
    config.store.set_location(g.db_path);
    // A URL of another kind (mysql://...) is no store, and no SQLite file's path either.
    if (config.store.url.empty() && looks_like_url(g.db_path)) {
      fail_with(kExitConfig, fmt::format("--db: {} is no store: a postgresql://USER@HOST:PORT/DATABASE URL, "
                                         "sqlite:PATH or an SQLite file's path",
                                         g.db_path));
    }
  }
  // The operator's edition templates, read and checked once: a broken one
  // stops the program like any other configuration error.
  if (!config.edition.templates.empty()) {
    std::filesystem::path dir = config.edition.templates;
    if (!std::filesystem::is_directory(dir)) {
      fail_with(kExitConfig, fmt::format("edition.templates: {} is not a folder", dir.string()));
    }
    for (auto [name, slot] : {std::pair{"edition.html.mustache", &config.edition.html_template},
                              std::pair{"edition.txt.mustache", &config.edition.text_template}}) {
      auto file = dir / name;
      if (!std::filesystem::exists(file)) continue;  // the built-in one stays
      std::ifstream in(file, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (!in) fail_with(kExitConfig, fmt::format("{}: cannot read", file.string()));
      need(edition::check_template(text.str(), file.string()));
      *slot = text.str();
    }
  }
  // The DKIM key, read and checked once.
  if (!config.mail.dkim_key_file.empty()) {
    std::ifstream in(config.mail.dkim_key_file, std::ios::binary);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in) fail_with(kExitConfig, fmt::format("mail.dkim_key_file: {}: cannot read", config.mail.dkim_key_file));
    if (config.mail.dkim_domain.empty()) fail_with(kExitConfig, "mail.dkim_domain must be set with mail.dkim_key_file");
    auto signer = mail::DkimSigner::from_pem(pem.str(), config.mail.dkim_domain, config.mail.dkim_selector);
    if (!signer) fail_with(kExitConfig, fmt::format("mail.dkim_key_file: {}: {}", config.mail.dkim_key_file, signer.error().message));
    config.mail.dkim_key_pem = pem.str();
  }
  // Relay passwords kept out of the configuration file.
  for (auto& relay : config.mail.relays) {
    if (relay.password_file.empty()) continue;
    std::ifstream in(relay.password_file, std::ios::binary);
    std::stringstream secret;
    secret << in.rdbuf();
    if (!in) fail_with(kExitConfig, fmt::format("mail.relays.{}.password_file: {}: cannot read", relay.name, relay.password_file));
    relay.password = std::string(core::trim(secret.str()));
  }
  return config;
}

std::unique_ptr<store::Store> open_store(const core::Config& config) {
  auto opened = store::open_store(config.store.location());
  // A location that is no store at all (a malformed URL) is the configuration's fault.
  if (!opened && opened.error().code == core::ErrorCode::kInvalidInput) {
    fail_with(kExitConfig, fmt::format("store.url: {}", opened.error().message));
  }
  return need(std::move(opened));
}

std::string read_input(const std::string& where, const core::Config& config, std::string* final_url,
                       std::string* content_type) {
  if (where == "-") {
    std::stringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  if (where.rfind("http://", 0) == 0 || where.rfind("https://", 0) == 0) {
    auto fetcher = fetch::make_curl_fetcher(config.fetch);
    auto r = fetcher->fetch({where, "", ""});
    if (r.outcome != fetch::Outcome::kFetched) fail_with(kExitFailure, fmt::format("{}: {}", where, r.error));
    if (final_url) *final_url = r.final_url;
    if (content_type) *content_type = r.content_type;
    return r.body;
  }
  std::ifstream in(where, std::ios::binary);
  if (!in) fail_with(kExitFailure, fmt::format("{}: cannot read the file", where));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::filesystem::path default_sample_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto candidate : {exe.parent_path() / "sample", exe.parent_path().parent_path() / "sample",
                           exe.parent_path().parent_path() / "share" / "newsdesk" / "sample"}) {
      if (std::filesystem::exists(candidate / "outlets")) return candidate;
    }
  }
  return NEWSDESK_SAMPLE_DIR;
}

}  // namespace newsdesk::app
