// The operator's housekeeping commands: subscribers, bounces, DKIM keys,
// API tokens, the admin password, and moving the store.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/bounces.hpp"
#include "app/cli_support.hpp"
#include "app/progress.hpp"
#include "app/retention.hpp"
#include "core/clock.hpp"
#include "core/signed_link.hpp"
#include "core/strings.hpp"
#include "mail/dkim.hpp"
#include "store/backup.hpp"
#include "store/desk_copy.hpp"

namespace newsdesk::app {

void add_subscribers_command(CLI::App& app, Globals& g) {
  auto* subs = app.add_subcommand("subscribers", "Add, import and list subscribers");
  subs->require_subcommand(1);
  static bool confirmed = false;
  static std::string file, state_name;
  auto* import = subs->add_subcommand("import", "Add every address of a file (one per line, or the first column of a CSV)");
  import->add_option("file", file, "The file, or - for standard input")->required();
  import->add_flag("--confirmed", confirmed, "They confirmed elsewhere (double opt-in done): mark them confirmed, not pending");
  import->callback([&g] {
    auto config = load(g);
    auto store = open_store(config);
    std::ifstream in_file;
    if (file != "-") {
      in_file.open(file);
      if (!in_file) fail_with(kExitFailure, fmt::format("{}: cannot read the file", file));
    }
    std::istream& in = file == "-" ? std::cin : in_file;
    auto now = core::SystemClock().now();
    size_t added = 0, line_no = 0, skipped = 0;
    std::string line;
    need(store->transaction([&]() -> core::Result<void> {
      while (std::getline(in, line)) {
        ++line_no;
        std::string address(core::trim(line.substr(0, line.find(','))));
        if (!address.empty() && address.front() == '"' && address.back() == '"') address = address.substr(1, address.size() - 2);
        if (address.empty() || address == "email") continue;  // blank lines, a CSV header
        if (!core::plausible_email(address)) {
          spdlog::warn("{}:{}: not an email address: {}", file, line_no, address);
          ++skipped;
          continue;
        }
        ND_TRY_ASSIGN(id, store->subscribers().add(address, "", now));
        if (confirmed) ND_TRY(store->subscribers().set_state(*id, core::SubscriberState::kConfirmed, now));
        ++added;
      }
      return {};
    }));
    std::printf("%zu addresses imported as %s, %zu lines skipped\n", added, confirmed ? "confirmed" : "pending", skipped);
  });
  auto* list = subs->add_subcommand("list", "The subscribers: id, address, state");
  list->add_option("--state", state_name, "Only those in this state (pending, confirmed, unsubscribed, bounced)")
      ->check(CLI::IsMember({"pending", "confirmed", "unsubscribed", "bounced"}));
  list->callback([&g] {
    auto config = load(g);
    auto store = open_store(config);
    std::optional<core::SubscriberState> state;
    for (auto s : {core::SubscriberState::kPending, core::SubscriberState::kConfirmed, core::SubscriberState::kUnsubscribed,
                   core::SubscriberState::kBounced}) {
      if (state_name == core::to_string(s)) state = s;
    }
    for (const auto& s : need(store->subscribers().list(state))) {
      std::printf("%lld\t%s\t%s\n", static_cast<long long>(s.id), s.email.c_str(), core::to_string(s.state));
    }
  });
}


void add_api_command(CLI::App& app) {
  auto* api = app.add_subcommand("api", "The JSON API (docs/api.md)");
  api->require_subcommand(1);
  auto* token = api->add_subcommand("token", "Make an API token; print it once, and the hash for [api] token_sha256");
  token->callback([] {
    const std::string secret = core::random_hex(32);
    if (secret.empty()) fail_with(kExitFailure, "the system's random source failed");
    std::printf("token: %s\n(give it to the API's user; newsdesk keeps only its hash)\n\n[api]\ntoken_sha256 = [\"%s\"]\n",
                secret.c_str(), core::sha256_hex(secret).c_str());
  });
}

void add_admin_command(CLI::App& app) {
  auto* admin = app.add_subcommand("admin", "The admin pages");
  admin->require_subcommand(1);
  auto* password = admin->add_subcommand("password", "Hash a password (read from standard input) for [admin] password_hash");
  password->callback([] {
    std::string secret;
    std::getline(std::cin, secret);
    if (secret.size() < 12) fail_with(kExitFailure, "a password of at least 12 characters, please");
    std::printf("[admin]\npassword_hash = \"%s\"\n", core::password_hash(secret).c_str());
  });
}

void add_bounces_command(CLI::App& app, Globals& g) {
  auto* bounces = app.add_subcommand("bounces", "The mail that comes back: bounces and complaints");
  bounces->require_subcommand(1);
  auto* process = bounces->add_subcommand("process", "Read a Maildir of bounces and complaints, keep each, and apply it once");
  static std::string maildir;
  process->add_option("maildir", maildir, "The Maildir (new/ and cur/) the return path delivers to")->required();
  process->callback([&g] {
    auto config = load(g);
    auto store = open_store(config);
    auto r = need(process_bounces(*store, config, maildir, core::SystemClock()));
    for (const auto& p : r.problems) std::fprintf(stderr, "newsdesk: %s\n", p.c_str());
    std::printf("%zu messages: %zu hard bounces (%zu addresses suppressed), %zu soft, %zu complaints (unsubscribed), "
                "%zu not bounces, %zu unreadable; %zu applied before\n",
                r.messages, r.hard, r.suppressed, r.soft, r.complaints, r.ignored, r.unparsable, r.already);
  });
}

void add_dkim_command(CLI::App& app) {
  auto* dkim = app.add_subcommand("dkim", "DKIM keys for signing the edition's mail");
  dkim->require_subcommand(1);
  auto* keygen = dkim->add_subcommand("keygen", "Write a new private key and print the DNS TXT record that publishes it");
  static std::string algorithm = "rsa", domain, selector = "newsdesk", out;
  keygen->add_option("--algorithm", algorithm, "rsa (2048-bit, rsa-sha256) or ed25519 (ed25519-sha256)")
      ->check(CLI::IsMember({"rsa", "ed25519"}));
  keygen->add_option("--domain", domain, "The signing domain (d=)")->required();
  keygen->add_option("--selector", selector, "The selector (s=)");
  keygen->add_option("--out", out, "Where to write the private key (PEM, readable by its owner only)")->required();
  keygen->callback([] {
    if (std::filesystem::exists(out)) fail_with(kExitFailure, fmt::format("{} exists: not overwriting a key", out));
    auto key = need(mail::generate_dkim_key(algorithm == "rsa" ? mail::DkimAlgorithm::kRsaSha256
                                                               : mail::DkimAlgorithm::kEd25519Sha256));
    need(mail::DkimSigner::from_pem(key.private_pem, domain, selector));  // the names are usable
    {
      std::ofstream file(out, std::ios::binary | std::ios::trunc);
      file << key.private_pem;
      if (!file) fail_with(kExitFailure, fmt::format("{}: cannot write", out));
    }
    std::filesystem::permissions(out, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    // A TXT string holds at most 255 octets: longer values are given as several strings.
    std::string quoted;
    for (size_t at = 0; at < key.dns_txt.size(); at += 255) {
      quoted += (at == 0 ? "\"" : " \"") + key.dns_txt.substr(at, 255) + "\"";
    }
    std::printf("wrote %s\npublish this TXT record:\n%s._domainkey.%s. IN TXT %s\n", out.c_str(), selector.c_str(),
                domain.c_str(), quoted.c_str());
  });
}

void add_store_command(CLI::App& app, Globals& g) {
  auto* store = app.add_subcommand("store", "The store itself: moving a desk between SQLite and PostgreSQL, retention");
  store->require_subcommand(1);
  auto* prune = store->add_subcommand("prune", "Drop the text and page of articles past [store] keep_article_text_days");
  prune->callback([&g] {
    auto config = load(g);
    auto desk = open_store(config);
    if (config.store.keep_article_text_days <= 0) {
      std::printf("keep_article_text_days is 0: every article keeps its text\n");
      return;
    }
    auto report = need(prune_article_text(*desk, config.store, core::SystemClock().now()));
    std::printf("%zu articles fetched more than %d days ago lost their text and page; their metadata, stories and links stay\n",
                report.articles, config.store.keep_article_text_days);
  });
  auto* copy = store->add_subcommand("copy", "Copy a whole desk, ids and the link secret kept, into a fresh store");
  static std::string from, to;
  copy->add_option("--from", from, "The desk to copy: an SQLite file or a postgresql:// URL")->required();
  copy->add_option("--to", to, "A fresh, empty desk: an SQLite file (made if missing) or a postgresql:// URL "
                               "(the database must exist)")->required();
  copy->callback([] {
    // A bar on stderr for each large table; the counts on stdout (URLs are
    // not printed: they may carry a password).
    constexpr std::int64_t kWorthABar = 10'000;
    std::unique_ptr<Progress> bar;
    std::string table;
    size_t shown = 0;
    auto report = need(store::copy_desk(from, to, [&](const store::CopyProgress& p) {
      if (p.total < kWorthABar) return;
      if (p.table != table) {
        table = p.table;
        bar = std::make_unique<Progress>("copying " + table, static_cast<size_t>(p.total));
        shown = 0;
      }
      bar->advance(static_cast<size_t>(p.copied) - shown);
      shown = static_cast<size_t>(p.copied);
    }));
    bar.reset();
    std::int64_t rows = 0;
    std::printf("%-16s %10s\n", "table", "rows");
    for (const auto& t : report.tables) {
      std::printf("%-16s %10lld\n", t.table.c_str(), static_cast<long long>(t.rows));
      rows += t.rows;
    }
    std::printf("copied %lld rows in %zu tables (schema version %d); the counts agree on both sides\n",
                static_cast<long long>(rows), report.tables.size(), report.schema_version);
  });
}

void add_backup_commands(CLI::App& app, Globals& g) {
  auto* backup = app.add_subcommand("backup", "Write a consistent copy of the desk to FILE, while serve runs (SQLite)");
  static std::string backup_file;
  backup->add_option("file", backup_file, "Where the copy goes; it must not exist")->required();
  backup->callback([&g] {
    auto config = load(g);
    auto report = need(store::backup_desk(config.store.location(), backup_file));
    std::printf("backed up the desk to %s: %lld bytes, schema version %d\n", backup_file.c_str(),
                static_cast<long long>(report.bytes), report.schema_version);
  });
  auto* restore = app.add_subcommand("restore", "Replace the desk with a backup (SQLite); refused while the desk is in use");
  static std::string restore_file;
  restore->add_option("file", restore_file, "A copy newsdesk backup wrote")->required();
  restore->callback([&g] {
    auto config = load(g);
    auto report = need(store::restore_desk(restore_file, config.store.location()));
    std::printf("restored the desk from %s: %lld bytes, schema version %d (newsdesk brings it up to date when it opens it)\n",
                restore_file.c_str(), static_cast<long long>(report.bytes), report.schema_version);
  });
}

}  // namespace newsdesk::app
