#include "app/sender.hpp"

#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/strings.hpp"
#include "edition/edition.hpp"
#include "mail/dkim.hpp"
#include "mail/mime.hpp"

namespace newsdesk::app {
namespace {

// The domain of an address ("Name <a@news.example>" -> "news.example").
std::string domain_of(const std::string& address) {
  size_t at = address.rfind('@');
  if (at == std::string::npos) return "newsdesk.invalid";
  std::string d = address.substr(at + 1);
  d = d.substr(0, d.find('>'));
  return std::string(core::trim(d));
}

}  // namespace

core::Result<std::optional<mail::DkimSigner>> dkim_signer(const core::MailConfig& mail) {
  if (mail.dkim_key_pem.empty()) return std::optional<mail::DkimSigner>();
  ND_TRY_ASSIGN(signer, mail::DkimSigner::from_pem(mail.dkim_key_pem, mail.dkim_domain, mail.dkim_selector));
  return std::optional<mail::DkimSigner>(std::move(*signer));
}

core::Result<std::string> edition_email(const core::Config& config, const core::Edition& edition, const std::string& to,
                                        const std::string& copy, const std::string& unsubscribe_url,
                                        const std::string& text, const std::string& html, core::TimePoint now,
                                        const mail::DkimSigner* signer) {
  const std::string domain = domain_of(config.edition.from);
  const std::string list = core::slugify(config.edition.name);
  mail::Message m;
  m.from = config.edition.from;
  m.to = to;
  m.subject = edition.subject;
  m.date = now;
  // The same Message-ID for every attempt at a copy: a copy sent twice is recognisably one.
  m.message_id = fmt::format("edition-{}-{}@{}", edition.id, copy, domain);
  m.list_id = fmt::format("{} <{}.{}>", config.edition.name, list, domain);
  m.unsubscribe_url = unsubscribe_url;
  m.feedback_id = fmt::format("{}:{}:edition:newsdesk", edition.date, list);
  m.text = text;
  m.html = html;
  ND_TRY_ASSIGN(eml, mail::compose(m, fmt::format("{}-{}", edition.id, copy)));
  if (signer == nullptr) return std::move(*eml);
  return signer->sign(*eml, now);
}

core::Result<SendReport> send_edition(store::Store& store, const core::Config& config, const core::Edition& edition,
                                      const mail::SmtpOptions& relay, core::TimePoint now, size_t batch) {
  SendReport report;
  const core::Id edition_id = edition.id;
  ND_TRY_ASSIGN(confirmed, store.subscribers().list(core::SubscriberState::kConfirmed));
  std::vector<core::Id> ids;
  std::map<core::Id, core::Subscriber> by_id;
  for (const auto& s : *confirmed) {
    ids.push_back(s.id);
    by_id[s.id] = s;
  }
  ND_TRY_ASSIGN(added, store.deliveries().enqueue(edition_id, ids, now));
  report.queued = *added;

  const std::string site = config.edition.site_url;
  const std::string domain = domain_of(config.edition.from);
  edition::PersonalEdition personal(edition, config.edition, site + "/edition/" + edition.date);
  ND_TRY_ASSIGN(signer, dkim_signer(config.mail));
  // Copies a stopped run left in 'sending' go first, then the queued ones,
  // then those the relay deferred before.
  std::vector<core::Delivery> work;
  for (auto state : {core::DeliveryState::kSending, core::DeliveryState::kQueued, core::DeliveryState::kDeferred}) {
    ND_TRY_ASSIGN(rows, store.deliveries().in_state(edition_id, state));
    if (state == core::DeliveryState::kSending) report.resumed = rows->size();
    work.insert(work.end(), rows->begin(), rows->end());
  }
  for (size_t start = 0; start < work.size(); start += batch) {
    std::vector<const core::Delivery*> chunk;
    std::vector<mail::Envelope> envelopes;
    for (size_t i = start; i < std::min(work.size(), start + batch); ++i) {
      auto who = by_id.find(work[i].subscriber_id);
      if (who == by_id.end()) continue;  // no longer confirmed: left as it is
      const core::Subscriber& s = who->second;
      edition::Recipient r{"", fmt::format("{}/unsubscribe?s={}&e={}", site, s.id, edition_id),
                           fmt::format("{}/preferences?s={}", site, s.id)};
      ND_TRY_ASSIGN(data, edition_email(config, edition, s.email, std::to_string(s.id), r.unsubscribe_url,
                                        personal.text(r), personal.html(r), now, signer->has_value() ? &**signer : nullptr));
      envelopes.push_back({mail::verp_address("bounce", domain, s.id, edition_id), s.email, std::move(*data)});
      chunk.push_back(&work[i]);
    }
    if (chunk.empty()) continue;
    // Recorded before the relay hears of them: a run that dies now leaves them 'sending'.
    auto marked = store.transaction([&]() -> core::Result<void> {
      for (const auto* d : chunk) ND_TRY(store.deliveries().set_state(edition_id, d->subscriber_id, core::DeliveryState::kSending, "", now));
      return {};
    });
    if (!marked) return tl::unexpected(marked.error());
    auto outcomes = mail::smtp_send(relay, envelopes);
    auto recorded = store.transaction([&]() -> core::Result<void> {
      for (size_t k = 0; k < chunk.size(); ++k) {
        core::DeliveryState state = core::DeliveryState::kDeferred;
        std::string why;
        if (!outcomes) {
          why = outcomes.error().message;
        } else {
          const auto& o = (*outcomes)[k];
          state = o.kind == mail::SmtpOutcome::Kind::kSent     ? core::DeliveryState::kSent
                  : o.kind == mail::SmtpOutcome::Kind::kFailed ? core::DeliveryState::kFailed
                                                               : core::DeliveryState::kDeferred;
          if (state != core::DeliveryState::kSent) why = fmt::format("{} {}", o.code, o.reply);
        }
        (state == core::DeliveryState::kSent ? report.sent : state == core::DeliveryState::kFailed ? report.failed : report.deferred)++;
        ND_TRY(store.deliveries().set_state(edition_id, chunk[k]->subscriber_id, state, why, now));
      }
      return {};
    });
    if (!recorded) return tl::unexpected(recorded.error());
    if (!outcomes) spdlog::warn("edition {}: the relay {}:{} could not be reached: {}", edition_id, relay.host, relay.port, outcomes.error().message);
  }
  return report;
}

}  // namespace newsdesk::app
