// Sending an edition to its confirmed subscribers, resumably: every copy's
// state is in the store (deliveries: queued -> sending -> sent | deferred |
// failed), written before and after each SMTP batch, so a sender killed
// halfway resumes where it stopped and a finished edition sends nothing more.
// A copy caught between the relay's acceptance and the store's record (the
// one window no SMTP client can close) is sent again with the same
// Message-ID, which mailbox providers and mail clients collapse.
#pragma once

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/types.hpp"
#include <optional>

#include "mail/dkim.hpp"
#include "mail/smtp.hpp"
#include "store/store.hpp"

namespace newsdesk::app {

struct SendReport {
  size_t queued = 0;    // new deliveries this run added
  size_t resumed = 0;   // copies a stopped run left in 'sending'
  size_t sent = 0;
  size_t deferred = 0;  // the relay said later (or did not answer): tried again next run
  size_t failed = 0;    // the relay refused them for good
};

// Sends the stored `edition` through `relay`, `batch` copies per connection.
core::Result<SendReport> send_edition(store::Store& store, const core::Config& config, const core::Edition& edition,
                                      const mail::SmtpOptions& relay, core::TimePoint now, size_t batch = 100);

// The configuration's DKIM signer, made once per run; nullopt without a key.
core::Result<std::optional<mail::DkimSigner>> dkim_signer(const core::MailConfig& mail);

// The edition's email to one reader, as every copy carries it (From, Subject,
// List-Id, Feedback-ID, List-Unsubscribe), composed and signed with `signer`
// when there is one. `copy` tells copies apart in the Message-ID.
core::Result<std::string> edition_email(const core::Config& config, const core::Edition& edition, const std::string& to,
                                        const std::string& copy, const std::string& unsubscribe_url,
                                        const std::string& text, const std::string& html, core::TimePoint now,
                                        const mail::DkimSigner* signer);

}  // namespace newsdesk::app
