#include "app/transactional.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/sender.hpp"
#include "core/clock.hpp"
#include "core/signed_link.hpp"
#include "core/strings.hpp"
#include "mail/delivery_policy.hpp"
#include "mail/mime.hpp"
#include "mail/smtp.hpp"

namespace newsdesk::app {

web::ConfirmationMailer confirmation_mailer(const core::Config& config) {
  if (config.mail.relays.empty()) return nullptr;
  return [config](const std::string& to, const std::string& url) -> core::Result<void> {
    std::string domain = core::address_domain(config.edition.from);
    if (domain.empty()) domain = "newsdesk.invalid";
    mail::Message m;
    m.from = config.edition.from;
    m.to = to;
    m.subject = "Confirm your subscription to " + config.edition.name;
    m.date = core::SystemClock().now();
    m.message_id = fmt::format("confirm-{}@{}", core::random_hex(8), domain);
    m.text = fmt::format(
        "Someone, we hope you, asked to receive {name} at {to}.\n\nTo confirm, open this link:\n{url}\n\n"
        "If it was not you, ignore this email: nothing will be sent to you.\n\n{postal}\n",
        fmt::arg("name", config.edition.name), fmt::arg("to", to), fmt::arg("url", url),
        fmt::arg("postal", config.edition.postal_address));
    // The values are ours or checked (the address by the form, the URL is our site's): still escaped.
    auto esc = [](const std::string& s) { return core::html_escape(s); };
    m.html = fmt::format(
        "<!DOCTYPE html><html><body style=\"font-family:Georgia,serif\"><p>Someone, we hope you, asked to receive "
        "<strong>{name}</strong> at {to}.</p><p><a href=\"{url}\">Confirm my subscription</a></p><p>If it was not you, "
        "ignore this email: nothing will be sent to you.</p><p style=\"color:#555\">{postal}</p></body></html>",
        fmt::arg("name", esc(config.edition.name)), fmt::arg("to", esc(to)), fmt::arg("url", esc(url)),
        fmt::arg("postal", esc(config.edition.postal_address)));
    ND_TRY_ASSIGN(eml, mail::compose(m, core::random_hex(4)));
    ND_TRY_ASSIGN(signer, dkim_signer(config.mail));
    std::string data = std::move(*eml);
    if (*signer) {
      ND_TRY_ASSIGN(signed_eml, (*signer)->sign(data, m.date));
      data = std::move(*signed_eml);
    }
    const mail::Envelope envelope{config.mail.bounce_local + "@" + domain, to, data};
    std::string why = "no relay";
    for (const auto& relay : relay_options(config.mail, config.edition.from)) {
      auto sent = mail::smtp_send(relay, {envelope});
      if (!sent) {
        why = sent.error().message;
        continue;  // the next relay
      }
      const auto& o = sent->front();
      if (o.kind == mail::SmtpOutcome::Kind::kSent) return {};
      why = fmt::format("{} {}", o.code, o.reply);
      if (o.kind == mail::SmtpOutcome::Kind::kFailed) break;  // refused for good: another relay would refuse it too
    }
    spdlog::warn("confirmation to {}: {}", to, why);
    return core::fail(core::ErrorCode::kNetwork, "the confirmation could not be sent: " + why);
  };
}

}  // namespace newsdesk::app
