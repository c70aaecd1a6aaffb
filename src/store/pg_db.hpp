// A thin RAII wrapper over libpq, PostgreSQL's C client. Internal to store/:
// no libpq type leaves the PostgreSQL backend.
//
// A PgConnection is one session, used from one thread at a time (like a
// Store). Parameters travel as text (bytea as bytes) and every statement is
// prepared once per connection, keyed by its SQL text, then run by name: the
// repositories run the same few statements over and over (sending runs two
// per copy), and the server then parses and plans each once per session.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"

namespace newsdesk::store {

struct PgDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgDeleter>;
using PgResultPtr = std::unique_ptr<PGresult, PgDeleter>;

// One parameter of a statement in PostgreSQL's text form, or NULL. Text is
// made valid UTF-8 on the way in (invalid sequences become U+FFFD, NUL bytes
// are dropped): the server refuses both, where SQLite keeps any bytes.
class PgParam {
 public:
  PgParam(std::int64_t v);  // NOLINT(google-explicit-constructor): call sites read as lists of values
  PgParam(int v);           // NOLINT(google-explicit-constructor)
  PgParam(std::size_t v);   // NOLINT(google-explicit-constructor)
  PgParam(double v);        // NOLINT(google-explicit-constructor)
  PgParam(bool v);          // NOLINT(google-explicit-constructor)
  PgParam(std::string_view v);    // NOLINT(google-explicit-constructor)
  PgParam(const std::string& v);  // NOLINT(google-explicit-constructor)
  PgParam(const char* v);         // NOLINT(google-explicit-constructor)
  PgParam(std::nullopt_t);        // NOLINT(google-explicit-constructor)
  template <class T>
  PgParam(const std::optional<T>& v)  // NOLINT(google-explicit-constructor)
      : PgParam(v ? PgParam(*v) : PgParam(std::nullopt)) {}
  // Any bytes, for a bytea column (sent in binary, kept exactly).
  static PgParam bytes(std::string_view v);

  const char* value() const { return value_ ? value_->c_str() : nullptr; }
  int length() const { return value_ ? static_cast<int>(value_->size()) : 0; }
  int format() const { return binary_ ? 1 : 0; }

 private:
  PgParam() = default;
  std::optional<std::string> value_;
  bool binary_ = false;
};

// One row of a result; valid while its PgRows lives. Getters take 0-based
// columns; a NULL reads as 0, "" or false, or nullopt from the optional_ ones.
class PgRow {
 public:
  PgRow(const PGresult* result, int row) : result_(result), row_(row) {}
  bool is_null(int col) const { return PQgetisnull(result_, row_, col) != 0; }
  std::string text(int col) const;
  std::int64_t integer(int col) const;
  double real(int col) const;
  bool boolean(int col) const;
  std::string bytes(int col) const;  // a bytea column, decoded
  std::optional<std::int64_t> optional_integer(int col) const;
  std::optional<double> optional_real(int col) const;

 private:
  const PGresult* result_;
  int row_;
};

// The rows a statement returned (none for most writes), and how many rows a
// write touched.
class PgRows {
 public:
  explicit PgRows(PgResultPtr result) : result_(std::move(result)) {}
  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  PgRow operator[](int row) const { return PgRow(result_.get(), row); }
  PgRow front() const { return (*this)[0]; }
  // Rows an INSERT, UPDATE or DELETE touched (0 for other statements).
  std::size_t affected() const;
  // The command tag ("INSERT 0 1", "COMMIT"; "ROLLBACK" when a COMMIT found
  // the transaction failed).
  std::string_view command() const { return PQcmdStatus(result_.get()); }

  class Iterator {
   public:
    Iterator(const PGresult* result, int row) : result_(result), row_(row) {}
    PgRow operator*() const { return PgRow(result_, row_); }
    Iterator& operator++() {
      ++row_;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return row_ != other.row_; }

   private:
    const PGresult* result_;
    int row_;
  };
  Iterator begin() const { return Iterator(result_.get(), 0); }
  Iterator end() const { return Iterator(result_.get(), size()); }

 private:
  PgResultPtr result_;
};

// What a connection URL names, checked without connecting: kInvalidInput
// naming what is wrong (libpq's words; the password never appears).
struct PgTarget {
  std::string host;  // "" for the default (a local socket)
  std::string port;  // "" for the default
  std::string dbname;
  std::string user;
  std::string where() const;  // "host:port" for messages
};
core::Result<PgTarget> parse_postgresql_url(const std::string& url);

class PgConnection {
 public:
  // Connects with the URL's settings (libpq's URI syntax), a 10 s connect
  // timeout unless the URL sets one, UTF-8 on the wire, notices silenced.
  // kInvalidInput for a malformed URL; kDatabase naming host:port and
  // libpq's message when the server cannot be reached or refuses us, or when
  // the database is not UTF-8. The password never appears in a message.
  static core::Result<PgConnection> connect(const std::string& url);

  // Runs one or more statements without parameters (DDL, BEGIN, COMMIT);
  // the result is the last statement's.
  core::Result<PgRows> exec(std::string_view sql);
  // Runs one statement with parameters $1, $2, ... (prepared on first use).
  // kDatabase with the server's message and the statement on failure.
  core::Result<PgRows> query(std::string_view sql, std::initializer_list<PgParam> params = {});
  // The same with parameters gathered at run time (a batch of rows).
  core::Result<PgRows> query(std::string_view sql, const std::vector<PgParam>& params);

  // Waits up to `timeout` for a NOTIFY on one of `channels` (LISTENing on
  // each from its first wait on; a notification sent before then is not
  // seen). Returns true at once when one came while the connection was busy
  // with other statements; every notification queued is consumed, and one on
  // a channel not asked for wakes nobody. false when the time ran out;
  // kDatabase when the connection was lost (the next call gets a new one,
  // which LISTENs again). pg_notifications.cpp.
  core::Result<bool> wait_for_notification(const std::vector<std::string>& channels, std::chrono::milliseconds timeout);

  const std::string& where() const { return where_; }

 private:
  core::Result<const std::string*> prepared(std::string_view sql);
  core::Result<PgRows> run_query(std::string_view sql, const PgParam* params, std::size_t count);
  core::Result<PgRows> check(PGresult* raw, std::string_view sql);

  PgConnPtr conn_;
  std::string where_;  // host:port, for messages
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::unordered_set<std::string> listening_;  // channels LISTENed on in this session
  static constexpr std::size_t kMaxPrepared = 512;  // SQL built at run time is not kept without bound
};

}  // namespace newsdesk::store
