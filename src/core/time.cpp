#include "core/time.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

namespace newsdesk::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A cursor over the input with the few reads both grammars need.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  void skip_space() {
    while (!done() && (std::isspace(static_cast<unsigned char>(s_[i_])) || s_[i_] == ',')) ++i_;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // Reads 1..max digits; returns the count read (0 = none).
  int digits(int& out, int max_digits) {
    out = 0;
    int n = 0;
    while (n < max_digits && std::isdigit(static_cast<unsigned char>(peek()))) {
      out = out * 10 + (s_[i_++] - '0');
      ++n;
    }
    return n;
  }
  std::string_view word() {
    size_t start = i_;
    while (!done() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    return s_.substr(start, i_ - start);
  }
  std::string_view rest() const { return s_.substr(std::min(i_, s_.size())); }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool iequals_prefix(std::string_view word, std::string_view name, size_t min_len) {
  if (word.size() < min_len || word.size() > name.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != name[i]) return false;
  }
  return true;
}

int month_from_name(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  for (size_t m = 0; m < kMonths.size(); ++m) {
    if (iequals_prefix(word, kMonths[m], 3)) return static_cast<int>(m) + 1;
  }
  return 0;
}

std::optional<TimePoint> make_time(int y, int mo, int d, int h, int mi, int s, int offset_minutes) {
  auto ymd = date::year{y} / date::month{static_cast<unsigned>(mo)} / date::day{static_cast<unsigned>(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  auto t = date::sys_days{ymd} + hours{h} + minutes{mi} + seconds{std::min(s, 59)};
  return std::chrono::time_point_cast<seconds>(t - minutes{offset_minutes});
}

// "+hh:mm", "+hhmm", "+hh", "Z", zone names. Returns false when unreadable;
// `named` tells whether the text gave a zone at all.
bool read_zone(Scanner& in, int& offset_minutes, bool& named) {
  offset_minutes = 0;
  named = false;
  in.skip_space();
  if (in.done()) return true;  // no zone: UTC
  char c = in.peek();
  if (c == '+' || c == '-') {
    in.eat(c);
    int hh = 0, mm = 0;
    int n = in.digits(hh, 4);
    if (n == 4) {
      mm = hh % 100;
      hh /= 100;
    } else if (n == 2 || n == 1) {
      if (in.eat(':')) in.digits(mm, 2);
      else in.digits(mm, 2);
    } else {
      return false;
    }
    if (hh > 23 || mm > 59) return false;
    offset_minutes = (c == '-' ? -1 : 1) * (hh * 60 + mm);
    named = true;
    return true;
  }
  std::string zone;
  for (char ch : in.word()) zone += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  static const std::array<std::pair<std::string_view, int>, 12> kZones = {{
      {"GMT", 0}, {"UT", 0}, {"UTC", 0}, {"Z", 0}, {"EST", -300}, {"EDT", -240},
      {"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420}}};
  for (auto [name, off] : kZones) {
    if (zone == name) {
      offset_minutes = off;
      named = true;
      return true;
    }
  }
  return zone.empty() || zone.size() == 1;  // military single letters: treat as UTC
}

}  // namespace

namespace {

std::optional<ZonedTime> zoned(std::optional<TimePoint> t, bool named, int offset) {
  if (!t) return std::nullopt;
  return ZonedTime{*t, named ? std::optional<int>(offset) : std::nullopt};
}

std::optional<ZonedTime> zoned_rfc3339(std::string_view text) {
  Scanner in(text);
  in.skip_space();
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (in.digits(y, 4) != 4 || !in.eat('-') || in.digits(mo, 2) == 0 || !in.eat('-') ||
      in.digits(d, 2) == 0) {
    return std::nullopt;
  }
  if (in.done()) return zoned(make_time(y, mo, d, 0, 0, 0, 0), false, 0);
  if (!in.eat('T') && !in.eat('t') && !in.eat(' ')) return std::nullopt;
  if (in.digits(h, 2) == 0 || !in.eat(':') || in.digits(mi, 2) == 0) return std::nullopt;
  if (in.eat(':')) {
    if (in.digits(s, 2) == 0) return std::nullopt;
    if (in.eat('.') || in.eat(',')) {
      int frac = 0;
      while (in.digits(frac, 1) == 1) {
      }
    }
  }
  int offset = 0;
  bool named = false;
  if (in.eat('Z') || in.eat('z')) {
    named = true;
  } else if (!read_zone(in, offset, named)) {
    return std::nullopt;
  }
  return zoned(make_time(y, mo, d, h, mi, s, offset), named, offset);
}

std::optional<ZonedTime> zoned_rfc822(std::string_view text) {
  Scanner in(text);
  in.skip_space();
  if (std::isalpha(static_cast<unsigned char>(in.peek()))) {
    in.word();  // weekday, unchecked: feeds get it wrong
    in.skip_space();
  }
  int d = 0, y = 0, h = 0, mi = 0, s = 0;
  if (in.digits(d, 2) == 0) return std::nullopt;
  in.skip_space();
  in.eat('-');
  int mo = month_from_name(in.word());
  if (mo == 0) return std::nullopt;
  in.eat('-');
  in.skip_space();
  int year_digits = in.digits(y, 4);
  if (year_digits == 2) y += (y < 50 ? 2000 : 1900);
  else if (year_digits != 4) return std::nullopt;
  in.skip_space();
  if (!in.done() && std::isdigit(static_cast<unsigned char>(in.peek()))) {
    if (in.digits(h, 2) == 0 || !in.eat(':') || in.digits(mi, 2) == 0) return std::nullopt;
    if (in.eat(':') && in.digits(s, 2) == 0) return std::nullopt;
  }
  int offset = 0;
  bool named = false;
  if (!read_zone(in, offset, named)) return std::nullopt;
  return zoned(make_time(y, mo, d, h, mi, s, offset), named, offset);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// Reads "3:05 pm", "15:05", "3 p.m." at `i`; returns minutes after midnight or -1.
int read_clock(std::string_view t, size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == ',' || t[i] == '@' || t[i] == '|')) ++i;
  if (t.substr(i, 3) == "at ") i += 3;
  size_t j = i;
  int h = 0, m = 0;
  while (j < t.size() && is_digit(t[j]) && j - i < 2) h = h * 10 + (t[j++] - '0');
  if (j == i) return -1;
  bool has_minutes = j < t.size() && t[j] == ':';
  if (has_minutes) {
    size_t k = ++j;
    while (j < t.size() && is_digit(t[j]) && j - k < 2) m = m * 10 + (t[j++] - '0');
    if (j - k != 2) return -1;
  }
  while (j < t.size() && t[j] == ' ') ++j;
  std::string ampm;
  while (j < t.size() && (is_alpha(t[j]) || t[j] == '.') && ampm.size() < 4) {
    if (t[j] != '.') ampm += static_cast<char>(std::tolower(static_cast<unsigned char>(t[j])));
    ++j;
  }
  if (ampm == "pm" && h < 12) h += 12;
  else if (ampm == "am" && h == 12) h = 0;
  else if (ampm != "am" && ampm != "pm" && !has_minutes) return -1;
  if (h > 23 || m > 59) return -1;
  return h * 60 + m;
}

std::optional<ZonedTime> day_at(int y, int mo, int d, std::string_view text, size_t after) {
  if (y < 1990 || y > 2100) return std::nullopt;
  int clock = read_clock(text, after);
  auto t = make_time(y, mo, d, clock < 0 ? 0 : clock / 60, clock < 0 ? 0 : clock % 60, 0, 0);
  if (!t) return std::nullopt;
  return ZonedTime{*t, std::nullopt};
}

}  // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  auto z = zoned_rfc3339(text);
  return z ? std::optional<TimePoint>(z->utc) : std::nullopt;
}

std::optional<TimePoint> parse_rfc822(std::string_view text) {
  auto z = zoned_rfc822(text);
  return z ? std::optional<TimePoint>(z->utc) : std::nullopt;
}

std::optional<ZonedTime> parse_zoned(std::string_view text) {
  if (auto t = zoned_rfc3339(text)) return t;
  return zoned_rfc822(text);
}

std::optional<TimePoint> parse_date(std::string_view text) {
  auto z = parse_zoned(text);
  return z ? std::optional<TimePoint>(z->utc) : std::nullopt;
}

namespace {

// Reads up to `max` digits at `at` into `value`; returns how many were read.
size_t read_digits(std::string_view s, size_t at, size_t max, int& value) {
  value = 0;
  size_t n = 0;
  while (at + n < s.size() && n < max && is_digit(s[at + n])) value = value * 10 + (s[at + n++] - '0');
  return n;
}

// A month name (or its 3-letter and longer prefixes) at `at`, an optional
// abbreviation dot after it; `end` is set past them. 0 when there is none.
int read_month(std::string_view s, size_t at, size_t& end) {
  end = at;
  while (end < s.size() && is_alpha(s[end])) ++end;
  int month = end - at <= 9 ? month_from_name(s.substr(at, end - at)) : 0;
  if (month != 0 && end < s.size() && s[end] == '.') ++end;
  return month;
}

size_t skip(std::string_view s, size_t at, std::string_view chars) {
  while (at < s.size() && chars.find(s[at]) != std::string_view::npos) ++at;
  return at;
}

// "December 19, 2025", "Dec. 19th 2025" at `i`.
std::optional<ZonedTime> month_day_year(std::string_view t, size_t i) {
  size_t k = 0;
  int mo = read_month(t, i, k);
  if (mo == 0) return std::nullopt;
  k = skip(t, k, " ");
  int d = 0;
  size_t n = read_digits(t, k, 2, d);
  if (n == 0) return std::nullopt;
  k += n;
  for (std::string_view suffix : {"st", "nd", "rd", "th"}) {
    if (t.substr(k, 2) == suffix) k += 2;
  }
  k = skip(t, k, ", ");
  int y = 0;
  if (read_digits(t, k, 4, y) != 4) return std::nullopt;
  return day_at(y, mo, d, t, k + 4);
}

// "2025-12-19", "19 December 2025", "12/19/2025" (US order) at `i`.
std::optional<ZonedTime> numeric_date(std::string_view t, size_t i) {
  int a = 0;
  size_t n = read_digits(t, i, 4, a);
  size_t j = i + n;
  if (j >= t.size()) return std::nullopt;
  if (n == 4 && (t[j] == '-' || t[j] == '/' || t[j] == '.')) {
    char sep = t[j];
    int mo = 0, d = 0;
    size_t m = read_digits(t, j + 1, 2, mo);
    if (m == 0 || j + 1 + m >= t.size() || t[j + 1 + m] != sep) return std::nullopt;
    size_t k = j + 2 + m;
    size_t dn = read_digits(t, k, 2, d);
    if (dn == 0) return std::nullopt;
    return day_at(a, mo, d, t, k + dn);
  }
  if (n > 2) return std::nullopt;
  if (t[j] == ' ') {
    size_t k = 0;
    int mo = read_month(t, j + 1, k);
    if (mo == 0) return std::nullopt;
    k = skip(t, k, " ,");
    int y = 0;
    if (read_digits(t, k, 4, y) != 4) return std::nullopt;
    return day_at(y, mo, a, t, k + 4);
  }
  if (t[j] == '/') {
    int d = 0, y = 0;
    size_t dn = read_digits(t, j + 1, 2, d);
    size_t k = j + 1 + dn;
    if (dn == 0 || k >= t.size() || t[k] != '/') return std::nullopt;
    if (read_digits(t, k + 1, 4, y) != 4) return std::nullopt;
    return day_at(y, a, d, t, k + 5);
  }
  return std::nullopt;
}

}  // namespace

std::optional<ZonedTime> find_date_in_text(std::string_view t) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (i > 0 && (is_alpha(t[i - 1]) || is_digit(t[i - 1]))) continue;  // start of a word only
    std::optional<ZonedTime> found;
    if (is_alpha(t[i])) found = month_day_year(t, i);
    else if (is_digit(t[i])) found = numeric_date(t, i);
    if (found) return found;
  }
  return std::nullopt;
}

std::optional<TimePoint> find_date_in_url(std::string_view url) {
  for (size_t i = 0; i + 10 <= url.size(); ++i) {
    if (url[i] != '/' && url[i] != '-' && url[i] != '_') continue;
    int y = 0, mo = 0, d = 0;
    size_t j = i + 1;
    if (read_digits(url, j, 4, y) != 4 || j + 4 >= url.size()) continue;
    char sep = url[j + 4];
    if (sep != '/' && sep != '-') continue;
    if (read_digits(url, j + 5, 2, mo) != 2 || j + 7 >= url.size() || url[j + 7] != sep) continue;
    if (read_digits(url, j + 8, 2, d) != 2 || (j + 10 < url.size() && is_digit(url[j + 10]))) continue;
    if (y < 1990 || y > 2100) continue;
    if (auto t = make_time(y, mo, d, 0, 0, 0, 0)) return t;
  }
  return std::nullopt;
}

std::string format_rfc3339(TimePoint t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

std::string format_rfc3339(TimePoint t, int offset_minutes) {
  if (offset_minutes == 0) return format_rfc3339(t);
  int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char zone[16];
  a = a % (24 * 60);
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return date::format("%Y-%m-%dT%H:%M:%S", t + std::chrono::minutes(offset_minutes)) + zone;
}

std::string format_rfc822(TimePoint t) { return date::format("%a, %d %b %Y %H:%M:%S +0000", t); }

std::string format_human(TimePoint t) {
  auto day = date::floor<date::days>(t);
  date::year_month_day ymd{day};
  std::string out = date::format("%A ", t);
  out += std::to_string(static_cast<unsigned>(ymd.day()));
  out += date::format(" %B %Y, %H:%M", t);
  return out;
}

std::string format_date(TimePoint t) { return date::format("%Y-%m-%d", t); }

Result<std::string> local_date(TimePoint t, std::string_view zone) {
  try {
    const date::time_zone* tz = date::locate_zone(std::string(zone));
    return date::format("%Y-%m-%d", date::make_zoned(tz, t).get_local_time());
  } catch (const std::exception&) {  // the tz library reports an unknown zone by exception
    return fail(ErrorCode::kInvalidInput, fmt::format("unknown time zone \"{}\" (an IANA name like Europe/Paris)", zone));
  }
}

Result<TimePoint> local_to_utc(std::string_view day, std::string_view hhmm, std::string_view zone) {
  auto midnight = parse_rfc3339(day);
  int h = 0, m = 0;
  if (!midnight || hhmm.size() != 5 || hhmm[2] != ':' || std::sscanf(std::string(hhmm).c_str(), "%2d:%2d", &h, &m) != 2 ||
      h > 23 || m > 59) {
    return fail(ErrorCode::kInvalidInput, fmt::format("\"{} {}\" is not a date and an HH:MM time", day, hhmm));
  }
  try {
    const date::time_zone* tz = date::locate_zone(std::string(zone));
    auto local = date::local_seconds{midnight->time_since_epoch()} + std::chrono::hours(h) + std::chrono::minutes(m);
    // A time skipped or repeated by a clock change resolves to the earlier instant.
    return std::chrono::time_point_cast<std::chrono::seconds>(tz->to_sys(local, date::choose::earliest));
  } catch (const std::exception&) {
    return fail(ErrorCode::kInvalidInput, fmt::format("unknown time zone \"{}\" (an IANA name like Europe/Paris)", zone));
  }
}

}  // namespace newsdesk::core
