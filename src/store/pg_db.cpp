#include "store/pg_db.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/strings.hpp"

namespace newsdesk::store {
namespace {

// libpq's message on one line ("...failed: Connection refused\n\tIs the
// server running...": the lines joined by a space).
std::string trimmed(const char* message) {
  std::string out;
  for (char c : core::trim(message == nullptr ? std::string_view() : std::string_view(message))) {
    if (c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// The statement as an error names it: long ones (a migration) cut short.
std::string statement_for_message(std::string_view sql) {
  constexpr size_t kMax = 240;
  return sql.size() <= kMax ? std::string(sql) : std::string(sql.substr(0, kMax)) + " …";
}

// The password as written in a URL's user info ("user:secret@host"), if any.
std::string raw_password(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?"));
  const size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return {};
  const std::string_view user_info = rest.substr(0, at);
  const size_t colon = user_info.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(user_info.substr(colon + 1));
}

// `message` with every occurrence of the URL's password (as written, and as
// libpq decoded it) replaced: libpq echoes a malformed URL whole.
std::string without_password(std::string message, const std::string& url, const std::string& decoded) {
  for (const std::string& secret : {raw_password(url), decoded}) {
    if (secret.empty()) continue;
    for (size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at + 3)) {
      message.replace(at, secret.size(), "***");
    }
  }
  return message;
}

bool valid_ports(std::string_view ports) {
  for (const std::string& port : core::split(ports, ',')) {
    if (port.empty()) continue;  // the default
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) return false;
  }
  return true;
}

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

PgParam::PgParam(std::int64_t v) : value_(std::to_string(v)) {}
PgParam::PgParam(int v) : value_(std::to_string(v)) {}
PgParam::PgParam(std::size_t v) : value_(std::to_string(v)) {}
PgParam::PgParam(double v) {
  if (std::isnan(v)) value_ = "NaN";
  else if (std::isinf(v)) value_ = v > 0 ? "Infinity" : "-Infinity";
  else value_ = fmt::format("{}", v);  // the shortest text that reads back as the same double
}
PgParam::PgParam(bool v) : value_(v ? "true" : "false") {}
PgParam::PgParam(std::string_view v) : value_(core::sanitize_utf8(v)) {}
PgParam::PgParam(const std::string& v) : PgParam(std::string_view(v)) {}
PgParam::PgParam(const char* v) : PgParam(std::string_view(v)) {}
PgParam::PgParam(std::nullopt_t) {}

PgParam PgParam::bytes(std::string_view v) {
  PgParam p;
  p.value_ = std::string(v);
  p.binary_ = true;
  return p;
}

std::string PgRow::text(int col) const {
  return std::string(PQgetvalue(result_, row_, col), static_cast<size_t>(PQgetlength(result_, row_, col)));
}

std::int64_t PgRow::integer(int col) const {
  const char* v = PQgetvalue(result_, row_, col);
  std::int64_t out = 0;
  std::from_chars(v, v + PQgetlength(result_, row_, col), out);
  return out;
}

double PgRow::real(int col) const {
  const char* v = PQgetvalue(result_, row_, col);
  double out = 0;
  std::from_chars(v, v + PQgetlength(result_, row_, col), out);
  return out;
}

bool PgRow::boolean(int col) const { return PQgetvalue(result_, row_, col)[0] == 't'; }

std::string PgRow::bytes(int col) const {
  if (is_null(col)) return {};
  size_t size = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, col)), &size);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), size);
  PQfreemem(raw);
  return out;
}

std::optional<std::int64_t> PgRow::optional_integer(int col) const {
  return is_null(col) ? std::nullopt : std::optional<std::int64_t>(integer(col));
}

std::optional<double> PgRow::optional_real(int col) const {
  return is_null(col) ? std::nullopt : std::optional<double>(real(col));
}

std::size_t PgRows::affected() const {
  const char* n = PQcmdTuples(result_.get());
  std::size_t out = 0;
  std::from_chars(n, n + std::strlen(n), out);
  return out;
}

std::string PgTarget::where() const {
  return fmt::format("{}:{}", host.empty() ? "localhost" : host, port.empty() ? "5432" : port);
}

core::Result<PgTarget> parse_postgresql_url(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? trimmed(error) : std::string("out of memory");
    PQfreemem(error);
    return core::fail(core::ErrorCode::kInvalidInput,
                      "malformed PostgreSQL URL: " + without_password(why, url, ""));
  }
  PgTarget target;
  std::string password;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword;
    if (key == "host" || (key == "hostaddr" && target.host.empty())) target.host = o->val;
    else if (key == "port") target.port = o->val;
    else if (key == "dbname") target.dbname = o->val;
    else if (key == "user") target.user = o->val;
    else if (key == "password") password = o->val;
  }
  PQconninfoFree(options);
  if (!valid_ports(target.port)) {
    return core::fail(core::ErrorCode::kInvalidInput,
                      fmt::format("malformed PostgreSQL URL: the port \"{}\" is not a number from 1 to 65535",
                                  without_password(target.port, url, password)));
  }
  return target;
}

core::Result<PgConnection> PgConnection::connect(const std::string& url) {
  ND_TRY_ASSIGN(target, parse_postgresql_url(url));
  // Keywords are read in order and the last word wins: the URL may set the
  // timeout and the application name, never the encoding.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", "client_encoding", nullptr};
  const char* values[] = {"10", "newsdesk", url.c_str(), "UTF8", nullptr};
  PgConnection connection;
  connection.conn_.reset(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  connection.where_ = target->where();
  PGconn* conn = connection.conn_.get();
  if (conn == nullptr) {
    return core::fail(core::ErrorCode::kDatabase,
                      fmt::format("cannot connect to PostgreSQL at {}: out of memory", connection.where_));
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    return core::fail(core::ErrorCode::kDatabase,
                      fmt::format("cannot connect to PostgreSQL at {} (database \"{}\"): {}", connection.where_,
                                  target->dbname, without_password(trimmed(PQerrorMessage(conn)), url, "")));
  }
  PQsetNoticeProcessor(conn, &ignore_notice, nullptr);
  if (PQserverVersion(conn) < 130000) {
    return core::fail(core::ErrorCode::kDatabase,
                      fmt::format("PostgreSQL at {} is version {}; newsdesk needs 13 or later", connection.where_,
                                  PQserverVersion(conn)));
  }
  const char* encoding = PQparameterStatus(conn, "server_encoding");
  if (encoding == nullptr || std::string_view(encoding) != "UTF8") {
    return core::fail(core::ErrorCode::kDatabase,
                      fmt::format("the PostgreSQL database \"{}\" at {} is encoded as {}; newsdesk needs UTF8 "
                                  "(CREATE DATABASE ... ENCODING 'UTF8')",
                                  target->dbname, connection.where_, encoding == nullptr ? "unknown" : encoding));
  }
  return connection;
}

core::Result<PgRows> PgConnection::check(PGresult* raw, std::string_view sql) {
  PgResultPtr result(raw);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return PgRows(std::move(result));
  }
  std::string message = trimmed(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_.get()));
  if (PQstatus(conn_.get()) == CONNECTION_BAD) {
    // The server went away (a restart, a dropped network): this statement has
    // failed, but the next one gets a new session (with nothing prepared yet).
    prepared_.clear();
    listening_.clear();
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) == CONNECTION_OK) PQsetNoticeProcessor(conn_.get(), &ignore_notice, nullptr);
    message = fmt::format("the connection to PostgreSQL at {} was lost: {}", where_, message);
  }
  return core::fail(core::ErrorCode::kDatabase,
                    fmt::format("{} (in: {})", message, statement_for_message(sql)));
}

core::Result<PgRows> PgConnection::exec(std::string_view sql) {
  const std::string text(sql);
  return check(PQexec(conn_.get(), text.c_str()), sql);
}

core::Result<const std::string*> PgConnection::prepared(std::string_view sql) {
  const std::string text(sql);
  if (auto known = prepared_.find(text); known != prepared_.end()) return &known->second;
  if (prepared_.size() >= kMaxPrepared) return nullptr;
  std::string name = fmt::format("nd{}", prepared_.size());
  ND_TRY(check(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr), sql));
  return &(prepared_[text] = std::move(name));
}

core::Result<PgRows> PgConnection::query(std::string_view sql, std::initializer_list<PgParam> params) {
  return run_query(sql, params.begin(), params.size());
}

core::Result<PgRows> PgConnection::query(std::string_view sql, const std::vector<PgParam>& params) {
  return run_query(sql, params.data(), params.size());
}

core::Result<PgRows> PgConnection::run_query(std::string_view sql, const PgParam* params, std::size_t count) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  values.reserve(count);
  lengths.reserve(count);
  formats.reserve(count);
  for (const PgParam* p = params; p != params + count; ++p) {
    values.push_back(p->value());
    lengths.push_back(p->length());
    formats.push_back(p->format());
  }
  const int n = static_cast<int>(count);
  ND_TRY_ASSIGN(name, prepared(sql));
  if (*name != nullptr) {
    return check(PQexecPrepared(conn_.get(), (*name)->c_str(), n, values.data(), lengths.data(), formats.data(), 0), sql);
  }
  const std::string text(sql);
  return check(PQexecParams(conn_.get(), text.c_str(), n, nullptr, values.data(), lengths.data(), formats.data(), 0), sql);
}

}  // namespace newsdesk::store
