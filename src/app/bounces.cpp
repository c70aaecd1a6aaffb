#include "app/bounces.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/strings.hpp"
#include "mail/bounce.hpp"
#include "mail/delivery_policy.hpp"

namespace newsdesk::app {
namespace fs = std::filesystem;
namespace {

// A Maildir message's unique name: the file name without its ":2,FLAGS" info.
std::string unique_name(const fs::path& file) {
  std::string name = file.filename().string();
  return name.substr(0, name.find(':'));
}

}  // namespace

core::Result<BounceReport> process_bounces(store::Store& store, const core::Config& config, const fs::path& maildir,
                                           const core::Clock& clock) {
  BounceReport report;
  std::error_code ec;
  if (!fs::is_directory(maildir, ec)) {
    return core::fail(core::ErrorCode::kIo, fmt::format("{}: not a folder (a Maildir with new/ and cur/)", maildir.string()));
  }
  std::vector<fs::path> files;
  const bool is_maildir = fs::is_directory(maildir / "new") || fs::is_directory(maildir / "cur");
  for (const fs::path& dir : is_maildir ? std::vector<fs::path>{maildir / "new", maildir / "cur"} : std::vector<fs::path>{maildir}) {
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().filename().string().front() != '.') files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  const std::string domain = core::address_domain(config.edition.from);
  for (const fs::path& file : files) {
    const std::string source = unique_name(file);
    ND_TRY_ASSIGN(seen, store.bounces().seen(source));
    if (*seen) {
      ++report.already;
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in) {
      report.problems.push_back(fmt::format("{}: cannot read", file.string()));
      continue;
    }
    const std::string raw = buffer.str();
    ++report.messages;
    mail::BounceReading reading = mail::read_bounce(raw, config.mail.bounce_local, domain);
    const core::TimePoint now = clock.now();
    store::BounceRecord record;
    record.source = source;
    record.received_at = now;
    record.kind = mail::to_string(reading.kind);
    record.recipient = reading.recipient;
    record.status = reading.status;
    record.detail = reading.detail;
    record.raw = raw;
    bool suppressed = false;
    auto applied = store.transaction([&]() -> core::Result<void> {
      if (reading.tag) {
        // The tag names a subscriber who may have been erased since.
        ND_TRY_ASSIGN(who, store.subscribers().find(reading.tag->subscriber));
        if (*who) {
          record.subscriber_id = reading.tag->subscriber;
          record.edition_id = reading.tag->delivery;
        }
      }
      ND_TRY(store.bounces().add(record));
      if (!record.subscriber_id) return {};
      const core::Id subscriber = *record.subscriber_id;
      if (reading.kind == mail::BounceReading::Kind::kHard) {
        auto marked = store.deliveries().set_state(*record.edition_id, subscriber, core::DeliveryState::kBounced,
                                                   fmt::format("bounced: {} {}", reading.status, reading.detail), now);
        if (!marked && marked.error().code != core::ErrorCode::kNotFound) return marked;
        ND_TRY_ASSIGN(count, store.subscribers().add_hard_bounce(subscriber, config.mail.hard_bounce_limit, now));
        suppressed = *count == config.mail.hard_bounce_limit;
      } else if (reading.kind == mail::BounceReading::Kind::kComplaint) {
        ND_TRY(store.subscribers().set_state(subscriber, core::SubscriberState::kUnsubscribed, now));
      }
      return {};
    });
    if (!applied) return tl::unexpected(applied.error());
    switch (reading.kind) {
      case mail::BounceReading::Kind::kHard: ++report.hard; break;
      case mail::BounceReading::Kind::kSoft: ++report.soft; break;
      case mail::BounceReading::Kind::kComplaint: ++report.complaints; break;
      case mail::BounceReading::Kind::kIgnore: ++report.ignored; break;
      case mail::BounceReading::Kind::kUnparsable:
        ++report.unparsable;
        report.problems.push_back(fmt::format("{}: {}", file.string(), reading.detail));
        spdlog::warn("bounce {}: {}", file.string(), reading.detail);
        break;
    }
    if (suppressed) ++report.suppressed;
    // Read: into cur/ with the Seen flag, as a mail client leaves a message it has read.
    if (is_maildir && file.parent_path().filename() == "new") {
      fs::rename(file, maildir / "cur" / (file.filename().string() + ":2,S"), ec);
      if (ec) spdlog::warn("bounce {}: cannot move it to cur/: {}", file.string(), ec.message());
    }
  }
  return report;
}

}  // namespace newsdesk::app
