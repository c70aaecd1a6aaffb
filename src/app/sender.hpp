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

// Sends the stored edition `edition_id` through `relay`, `batch` copies per
// connection.
core::Result<SendReport> send_edition(store::Store& store, const core::Config& config, core::Id edition_id,
                                      const mail::SmtpOptions& relay, core::TimePoint now, size_t batch = 100);

}  // namespace newsdesk::app
