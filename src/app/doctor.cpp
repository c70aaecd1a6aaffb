#include "app/doctor.hpp"

#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/cli_support.hpp"
#include "app/sender.hpp"
#include "core/clock.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"
#include "web/mail_domain.hpp"

namespace newsdesk::app {
namespace {

// The resolver of web/mail_domain as the checks ask it, each answer kept for
// the run (the checks ask some names more than once).
mail::DnsLookup resolver(const core::Config& config) {
  const web::DnsOptions options{config.subscribers.dns_server, std::chrono::seconds(2)};
  auto known = std::make_shared<std::map<std::pair<std::string, mail::DnsType>, mail::DnsAnswer>>();
  return [options, known](const std::string& name, mail::DnsType type) {
    const auto key = std::make_pair(core::to_lower_ascii(name), type);
    if (auto it = known->find(key); it != known->end()) return it->second;
    const web::DnsType wire = type == mail::DnsType::kA      ? web::DnsType::kA
                              : type == mail::DnsType::kAaaa ? web::DnsType::kAaaa
                              : type == mail::DnsType::kMx   ? web::DnsType::kMx
                                                             : web::DnsType::kTxt;
    web::DnsRecords records = web::dns_lookup(name, wire, options);
    mail::DnsAnswer answer;
    switch (records.status) {
      case web::DnsRecords::Status::kRecords: answer.status = mail::DnsAnswer::Status::kRecords; break;
      case web::DnsRecords::Status::kNoData: answer.status = mail::DnsAnswer::Status::kNoData; break;
      case web::DnsRecords::Status::kNoDomain: answer.status = mail::DnsAnswer::Status::kNoDomain; break;
      case web::DnsRecords::Status::kTrouble: answer.status = mail::DnsAnswer::Status::kTrouble; break;
    }
    answer.records = std::move(records.records);
    (*known)[key] = answer;
    return answer;
  };
}

// The setup the configuration describes: the From and return-path domains
// as the sender uses them (the VERP return path is at the From domain), the
// DKIM key's public half, the relays.
core::Result<mail::MailSetup> mail_setup(const core::Config& config) {
  mail::MailSetup s;
  s.from_domain = core::address_domain(config.edition.from);
  if (s.from_domain.empty()) s.from_domain = "newsdesk.invalid";
  s.envelope_domain = s.from_domain;
  s.envelope_local = config.mail.bounce_local;
  if (!config.mail.dkim_key_pem.empty()) {
    ND_TRY_ASSIGN(key, mail::dkim_public_key(config.mail.dkim_key_pem));
    s.dkim_key = std::move(*key);
  }
  s.dkim_key_file = config.mail.dkim_key_file;
  s.dkim_domain = config.mail.dkim_domain;
  s.dkim_selector = config.mail.dkim_selector;
  for (const auto& r : config.mail.relays) s.relays.push_back({r.name, r.host});
  return s;
}

}  // namespace

core::Result<mail::ComplaintCounts> complaint_counts(store::Store& store, const std::string& name) {
  mail::ComplaintCounts counts;
  ND_TRY_ASSIGN(editions, store.editions().list(name, 3 * kComplaintEditions));  // newest first
  std::set<core::Id> counted;
  std::optional<core::TimePoint> oldest;
  for (const auto& e : *editions) {
    ND_TRY_ASSIGN(c, store.deliveries().counts(e.id));
    if (c->sent == 0) continue;
    counted.insert(e.id);
    counts.delivered += c->sent;
    oldest = oldest ? std::min(*oldest, e.built_at) : e.built_at;
    if (++counts.editions == kComplaintEditions) break;
  }
  if (counted.empty()) return counts;
  // The reports, newest first, back to the oldest counted edition: a
  // complaint about a copy comes after the copy.
  for (size_t limit = 1000;; limit *= 4) {
    ND_TRY_ASSIGN(reports, store.bounces().recent(limit));
    const bool all = reports->size() < limit || reports->back().received_at < *oldest || limit >= 16'000'000;
    if (!all) continue;
    for (const auto& r : *reports) {
      if (r.kind == "complaint" && r.edition_id && counted.count(*r.edition_id) != 0) ++counts.complaints;
    }
    return counts;
  }
}

core::Result<std::vector<mail::Finding>> check_mail_setup(store::Store& store, const core::Config& config,
                                                          const std::optional<core::Edition>& edition, core::TimePoint now) {
  ND_TRY_ASSIGN(setup, mail_setup(config));
  std::vector<mail::Finding> findings = mail::check_mail_dns(*setup, resolver(config));

  // One copy, composed as the sender composes every copy, for a stand-in reader.
  core::Edition copy_of;
  if (edition) {
    copy_of = *edition;
  } else {
    ND_TRY_ASSIGN(latest, store.editions().latest(config.edition.name));
    if (*latest) {
      copy_of = std::move(**latest);
    } else {
      copy_of.name = config.edition.name;
      ND_TRY_ASSIGN(today, core::local_date(now, config.edition.time_zone));
      copy_of.date = *today;
      copy_of.built_at = now;
      copy_of.subject = config.edition.name + ":";
    }
  }
  ND_TRY_ASSIGN(signer, dkim_signer(config.mail));
  ND_TRY_ASSIGN(message, reader_copy(config, copy_of, "a stand-in secret: the links go nowhere", 0, "reader@example.invalid", now,
                                     *signer ? &**signer : nullptr));
  for (auto& f : mail::check_copy(*message, config.edition.postal_address)) findings.push_back(std::move(f));

  ND_TRY_ASSIGN(complaints, complaint_counts(store, config.edition.name));
  findings.push_back(mail::check_complaints(*complaints));
  return findings;
}

void check_before_sending(store::Store& store, const core::Config& config, const core::Edition& edition, bool force,
                          bool dry_run) {
  const auto c = need(store.deliveries().counts(edition.id));
  if (c.total() > c.queued) {  // copies have gone out
    spdlog::info("the pre-send check of the mail setup ran before this edition's first copy; not again");
    return;
  }
  const auto findings = need(check_mail_setup(store, config, edition, core::SystemClock().now()));
  std::printf("pre-send check of the mail setup:\n%s", mail::format_findings(findings).c_str());
  std::fflush(stdout);
  const std::string failed = mail::failed_checks(findings);
  if (failed.empty()) return;
  if (dry_run) {
    spdlog::warn("the pre-send check fails ({}): a real send would stop here", failed);
  } else if (force) {
    spdlog::warn("the pre-send check fails ({}); sending anyway (--force)", failed);
  } else {
    fail_with(kExitFailure, fmt::format("the pre-send check of the mail setup fails ({}): nothing sent. Mend what it says "
                                        "(newsdesk doctor checks again), or send --force",
                                        failed));
  }
}

void add_doctor_command(CLI::App& app, Globals& g) {
  auto* cmd = app.add_subcommand(
      "doctor", "Check the mail setup as Gmail and Yahoo check bulk senders: DKIM, SPF, DMARC and alignment in DNS, one-click "
                "unsubscribe and the postal address in a copy, the complaint rate; exit 1 when a check fails");
  static std::string edition_key;
  cmd->add_option("--edition", edition_key, "An edition of the configuration ([editions.NAME]); default [edition]");
  cmd->callback([&g] {
    auto config = need(core::for_edition(load(g), edition_key));
    auto store = open_store(config);
    const auto findings = need(check_mail_setup(*store, config, std::nullopt, core::SystemClock().now()));
    std::fputs(mail::format_findings(findings).c_str(), stdout);
    const std::string failed = mail::failed_checks(findings);
    if (!failed.empty()) fail_with(kExitFailure, fmt::format("the mail setup fails: {}", failed));
  });
}

}  // namespace newsdesk::app
