// PgConnection::wait_for_notification: LISTEN/NOTIFY, so that idle workers
// sleep on the connection's socket instead of asking the tables for work.
// Internal to store/ (pg_db.hpp).
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "store/pg_db.hpp"

namespace newsdesk::store {
namespace {

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

struct PgFreeDeleter {
  void operator()(void* p) const { PQfreemem(p); }
};

// Consumes every notification libpq has queued; true when one was on a
// channel in `channels`.
bool drain(PGconn* conn, const std::vector<std::string>& channels) {
  bool woken = false;
  while (std::unique_ptr<PGnotify, PgFreeDeleter> note{PQnotifies(conn)}) {
    woken = woken || std::find(channels.begin(), channels.end(), note->relname) != channels.end();
  }
  return woken;
}

}  // namespace

core::Result<bool> PgConnection::wait_for_notification(const std::vector<std::string>& channels,
                                                       std::chrono::milliseconds timeout) {
  PGconn* conn = conn_.get();
  for (const std::string& channel : channels) {
    if (listening_.contains(channel)) continue;
    std::unique_ptr<char, PgFreeDeleter> quoted(PQescapeIdentifier(conn, channel.data(), channel.size()));
    if (quoted == nullptr) {
      return core::fail(core::ErrorCode::kDatabase,
                        fmt::format("cannot LISTEN on {}: {}", channel, PQerrorMessage(conn)));
    }
    ND_TRY(exec(fmt::format("LISTEN {}", quoted.get())));
    listening_.insert(channel);
  }

  // A lost connection fails this wait; the next call gets a new session
  // (as PgConnection::check does for statements), which LISTENs again.
  auto lost = [&](std::string_view why) -> core::Result<bool> {
    std::string message = fmt::format("the connection to PostgreSQL at {} was lost while waiting for work: {}", where_, why);
    prepared_.clear();
    listening_.clear();
    PQreset(conn);
    if (PQstatus(conn) == CONNECTION_OK) PQsetNoticeProcessor(conn, &ignore_notice, nullptr);
    return core::fail(core::ErrorCode::kDatabase, std::move(message));
  };

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Notifications that came in while other statements ran are queued
    // already; the socket may hold more.
    if (PQconsumeInput(conn) == 0 || PQstatus(conn) == CONNECTION_BAD) {
      return lost(std::string_view(PQerrorMessage(conn)));
    }
    if (drain(conn, channels)) return true;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd readable{PQsocket(conn), POLLIN, 0};
    if (readable.fd < 0) return lost("no socket");
    const int ready = ::poll(&readable, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
    if (ready < 0 && errno != EINTR) return lost(std::strerror(errno));
    // Readable (a notification, or the peer hanging up: PQconsumeInput
    // tells which), interrupted, or out of time: look again.
  }
}

}  // namespace newsdesk::store
