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

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// A letter of a month or weekday name: ASCII, or any byte of a UTF-8 sequence
// (the Greek names).
bool is_name_byte(char c) { return is_alpha(c) || static_cast<unsigned char>(c) >= 0x80; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// A cursor over the input with the few reads the grammars need.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  size_t pos() const { return i_; }
  void seek(size_t i) { i_ = i; }
  void skip_space() {  // blanks and commas
    while (!done() && (is_blank(s_[i_]) || s_[i_] == ',')) ++i_;
  }
  void skip_blanks() {
    while (!done() && is_blank(s_[i_])) ++i_;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  bool eat(std::string_view text) {
    if (s_.substr(i_, text.size()) != text) return false;
    i_ += text.size();
    return true;
  }
  // Reads 1..max digits; returns the count read (0 = none).
  int digits(int& out, int max_digits) {
    out = 0;
    int n = 0;
    while (n < max_digits && is_digit(peek())) {
      out = out * 10 + (s_[i_++] - '0');
      ++n;
    }
    return n;
  }
  // Reads exactly `count` digits not followed by another; false otherwise.
  bool number(int& out, int count) { return digits(out, count) == count && !is_digit(peek()); }
  // How many digits stand at the cursor.
  size_t digit_run() const {
    size_t n = 0;
    while (is_digit(peek(n))) ++n;
    return n;
  }
  std::string_view word() {  // ASCII letters
    size_t start = i_;
    while (!done() && is_alpha(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  std::string_view name() {  // letters, ASCII or not
    size_t start = i_;
    while (!done() && is_name_byte(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool iequals_prefix(std::string_view word, std::string_view name, size_t min_len) {
  if (word.size() < min_len || word.size() > name.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (lower(word[i]) != name[i]) return false;
  }
  return true;
}

// 1 + the index of the name in `names` that `word` begins, in any case and
// with three letters or more; 0 for none. The names differ in their first
// three letters, which are compared first.
template <size_t N>
int named_prefix(std::string_view word, const std::array<std::string_view, N>& names) {
  if (word.size() < 3) return 0;
  char a = lower(word[0]), b = lower(word[1]), c = lower(word[2]);
  for (size_t i = 0; i < N; ++i) {
    if (names[i][0] == a && names[i][1] == b && names[i][2] == c) {
      return iequals_prefix(word, names[i], 3) ? static_cast<int>(i) + 1 : 0;
    }
  }
  return 0;
}

int month_from_name(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  return named_prefix(word, kMonths);
}

struct Named {
  std::string_view name;
  int value;
};

// Greek abbreviations as Greek feeds write them (feedparser's list, with its
// variants of accent and spelling).
constexpr std::array<Named, 19> kGreekMonths = {{
    {"Ιαν", 1}, {"Φεβ", 2}, {"Μάώ", 3}, {"Μαώ", 3}, {"Απρ", 4}, {"Μάι", 5}, {"Μαϊ", 5},
    {"Μαι", 5}, {"Ιούν", 6}, {"Ιον", 6}, {"Ιούλ", 7}, {"Ιολ", 7}, {"Αύγ", 8}, {"Αυγ", 8},
    {"Σεπ", 9}, {"Οκτ", 10}, {"Νοέ", 11}, {"Νοε", 11}, {"Δεκ", 12}}};
constexpr std::array<std::string_view, 7> kGreekWeekdays = {"Κυρ", "Δευ", "Τρι", "Τετ", "Πεμ", "Παρ", "Σαβ"};

// Hungarian month names between the dashes of an ISO date ("2004-július-13");
// "februári" and "máujus" as feedparser spells them, beside the dictionary's.
constexpr std::array<Named, 14> kHungarianMonths = {{
    {"január", 1}, {"február", 2}, {"februári", 2}, {"március", 3}, {"április", 4},
    {"május", 5}, {"máujus", 5}, {"június", 6}, {"július", 7}, {"augusztus", 8},
    {"szeptember", 9}, {"október", 10}, {"november", 11}, {"december", 12}}};

template <size_t N>
int lookup(const std::array<Named, N>& table, std::string_view word) {
  for (const auto& [name, value] : table) {
    if (word == name) return value;
  }
  return 0;
}

// An English month name (its first three letters or more) or a Greek abbreviation.
int month_named(std::string_view word) {
  if (int m = month_from_name(word)) return m;
  return lookup(kGreekMonths, word);
}

// An English weekday (its first three letters or more, or "Weds") or a Greek one.
bool is_weekday(std::string_view word) {
  static constexpr std::array<std::string_view, 7> kDays = {"monday", "tuesday", "wednesday", "thursday",
                                                            "friday", "saturday", "sunday"};
  if (named_prefix(word, kDays) != 0) return true;
  if (word.size() == 4 && iequals_prefix(word.substr(0, 3), "wed", 3) && lower(word[3]) == 's') return true;
  for (std::string_view day : kGreekWeekdays) {
    if (word == day) return true;
  }
  return false;
}

std::optional<TimePoint> make_time(int y, int mo, int d, int h, int mi, int s, int offset_minutes) {
  auto ymd = date::year{y} / date::month{static_cast<unsigned>(mo)} / date::day{static_cast<unsigned>(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  auto t = date::sys_days{ymd} + hours{h} + minutes{mi} + seconds{std::min(s, 59)};
  return std::chrono::time_point_cast<seconds>(t - minutes{offset_minutes});
}

// What a date's text said, field by field; what it left out keeps these
// defaults (1 January, midnight, no offset).
struct Fields {
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0;
  int offset = 0;                // minutes east of UTC
  bool offset_known = false;     // the text gave the offset (or a zone with one)
  const char* region = nullptr;  // "ET" & co: the IANA zone that decides the offset
};

std::optional<ZonedTime> to_zoned(Fields f) {
  if (f.region != nullptr) {
    auto ymd = date::year{f.y} / date::month{static_cast<unsigned>(f.mo)} / date::day{static_cast<unsigned>(f.d)};
    if (!ymd.ok() || f.h > 23 || f.mi > 59) return std::nullopt;
    try {  // the tz library reports a missing database by exception; the standard offset stands then
      auto local = date::local_days{ymd} + hours{f.h} + minutes{f.mi};
      auto info = date::locate_zone(f.region)->get_info(local);
      // A time the spring change skips takes the offset before it; one the
      // autumn change repeats, its first (daylight) occurrence.
      f.offset = static_cast<int>(std::chrono::duration_cast<minutes>(info.first.offset).count());
    } catch (const std::exception&) {
    }
  }
  auto t = make_time(f.y, f.mo, f.d, f.h, f.mi, f.s, f.offset);
  if (!t) return std::nullopt;
  return ZonedTime{*t, f.offset_known ? std::optional<int>(f.offset) : std::nullopt};
}

// "+hh:mm", "+hhmm", "+hh", "+h" at the sign. "-0000" and "-00:00" say the
// offset is unknown (RFC 5322 3.3, RFC 3339 4.3): UTC, no offset kept.
bool read_offset(Scanner& in, Fields& f) {
  char sign = in.peek();
  if (sign != '+' && sign != '-') return false;
  in.eat(sign);
  int hh = 0, mm = 0;
  int n = in.digits(hh, 4);
  if (n == 4) {
    mm = hh % 100;
    hh /= 100;
  } else if (n == 1 || n == 2) {
    if (in.eat(':') && in.digits(mm, 2) != 2) return false;
  } else {
    return false;
  }
  if (hh > 23 || mm > 59 || is_digit(in.peek())) return false;
  f.offset = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
  f.offset_known = !(sign == '-' && f.offset == 0);
  f.region = nullptr;
  return true;
}

// Zone names with their offsets: RFC 822's, and those feedparser adds
// (Atlantic, Middle European; not its "AT", which is mostly the English word).
// ET, CT, MT and PT name US time as it falls on the date (standard or
// daylight), read from the tz database.
struct Zone {
  std::string_view name;
  int offset;
  const char* region;
};
constexpr std::array<Zone, 20> kZones = {{
    {"GMT", 0, nullptr},    {"UT", 0, nullptr},     {"UTC", 0, nullptr},   {"Z", 0, nullptr},
    {"EST", -300, nullptr}, {"EDT", -240, nullptr}, {"CST", -360, nullptr}, {"CDT", -300, nullptr},
    {"MST", -420, nullptr}, {"MDT", -360, nullptr}, {"PST", -480, nullptr}, {"PDT", -420, nullptr},
    {"AST", -240, nullptr}, {"ADT", -180, nullptr}, {"MET", 60, nullptr},   {"MEST", 120, nullptr},
    {"ET", -300, "America/New_York"}, {"CT", -360, "America/Chicago"}, {"MT", -420, "America/Denver"},
    {"PT", -480, "America/Los_Angeles"}}};

// Nothing more but blanks or a parenthesised comment ("(UTC)").
bool at_end(Scanner in) {
  in.skip_space();
  return in.done() || in.peek() == '(';
}

// A zone at the cursor (blanks skipped first): an offset, "Z", a name of
// kZones, "GMT+hh:mm", "Etc/UTC", or a military letter other than Z, which
// gives no offset (RFC 1123 5.2.14: their signs are unreliable) and must end
// the text. false when what stands there is none of these.
bool read_zone(Scanner& in, Fields& f) {
  in.skip_space();
  if (in.peek() == '+' || in.peek() == '-') return read_offset(in, f);
  if ((in.peek() == 'Z' || in.peek() == 'z') && !is_alpha(in.peek(1))) {  // the common case, quickly
    in.eat(in.peek());
    f.offset = 0;
    f.offset_known = true;
    f.region = nullptr;
    return !is_digit(in.peek()) && in.peek() != '+' && in.peek() != '-';
  }
  std::string_view w = in.word();
  bool etc = w.size() == 3 && iequals_prefix(w, "etc", 3) && in.eat('/');
  if (etc) w = in.word();
  if (w.empty() || w.size() > 4) return false;
  std::array<char, 4> up{};
  for (size_t i = 0; i < w.size(); ++i) up[i] = upper(w[i]);
  std::string_view name(up.data(), w.size());
  for (const auto& zone : kZones) {
    if (name != zone.name) continue;
    if (etc && zone.offset != 0) return false;
    f.offset = zone.offset;
    f.offset_known = true;
    f.region = zone.region;
    bool utc = zone.offset == 0 && name != "Z";
    if (utc && !etc && (in.peek() == '+' || in.peek() == '-')) return read_offset(in, f);  // "GMT-05:00"
    return !is_digit(in.peek()) && in.peek() != '+' && in.peek() != '-';
  }
  if (w.size() != 1 || etc) return false;
  f.offset = 0;
  f.offset_known = false;
  return at_end(in);
}

// The end of a date: nothing more, a comment, or a zone and then, after a
// blank, anything (feeds append a second zone, a comment without brackets).
std::optional<ZonedTime> finish(Scanner& in, Fields& f) {
  if (at_end(in)) return to_zoned(f);
  if (!read_zone(in, f)) return std::nullopt;
  if (!in.done() && !is_blank(in.peek())) return std::nullopt;
  return to_zoned(f);
}

// "AM", "pm", "a.m." after a time of 1 to 12 o'clock. The cursor stays put
// when there is none; false for a meridiem on an hour that cannot take it.
bool read_meridiem(Scanner& in, Fields& f) {
  size_t start = in.pos();
  in.skip_blanks();
  char c = lower(in.peek());
  if (c == 'a' || c == 'p') {
    in.eat(in.peek());
    in.eat('.');
    if (lower(in.peek()) == 'm') {
      in.eat(in.peek());
      in.eat('.');
      if (!is_alpha(in.peek())) {
        if (f.h < 1 || f.h > 12) return false;
        f.h = f.h % 12 + (c == 'p' ? 12 : 0);
        return true;
      }
    }
  }
  in.seek(start);
  return true;
}

// "hh:mm[:ss[.fff]]" (one- or two-digit hour), with `basic` also
// "hhmm[ss[.fff]]", with `twelve_hour` then an AM/PM. Fractions are dropped.
bool read_time(Scanner& in, Fields& f, bool basic, bool twelve_hour) {
  int n = in.digits(f.h, 2);
  bool has_seconds = false;
  if (n > 0 && in.eat(':')) {
    if (in.digits(f.mi, 2) != 2) return false;
    if (in.eat(':')) {
      if (in.digits(f.s, 2) != 2) return false;
      has_seconds = true;
    }
  } else if (basic && n == 2) {
    if (in.digits(f.mi, 2) != 2) return false;
    if (is_digit(in.peek())) {
      if (in.digits(f.s, 2) != 2) return false;
      has_seconds = true;
    }
  } else {
    return false;
  }
  if (has_seconds && (in.peek() == '.' || in.peek() == ',') && is_digit(in.peek(1))) {
    in.eat(in.peek());
    while (is_digit(in.peek())) in.eat(in.peek());
  }
  if (is_digit(in.peek())) return false;
  return !twelve_hour || read_meridiem(in, f);
}

// A year of four digits, or of two (00-49: 2000s, 50-99: 1900s, RFC 5322 4.3).
bool read_year(Scanner& in, Fields& f) {
  int n = in.digits(f.y, 4);
  if (is_digit(in.peek())) return false;
  if (n == 2) f.y += f.y < 50 ? 2000 : 1900;
  return n == 2 || n == 4;
}

// The Korean forms, in KST (+09:00): OnBlog's "2004년 05월 28일 01:31:15" after
// its year, Nate's "오후 11:23:17" (오전 AM, 오후 PM) after an ISO date.
constexpr int kKoreaOffset = 9 * 60;

std::optional<ZonedTime> korean_onblog(Scanner& in, Fields& f) {
  in.skip_blanks();
  if (in.digits(f.mo, 2) == 0 || !in.eat("월")) return std::nullopt;
  in.skip_blanks();
  if (in.digits(f.d, 2) == 0 || !in.eat("일")) return std::nullopt;
  in.skip_blanks();
  if (!read_time(in, f, false, false) || !at_end(in)) return std::nullopt;
  f.offset = kKoreaOffset;
  f.offset_known = true;
  return to_zoned(f);
}

std::optional<ZonedTime> korean_nate(Scanner& in, Fields& f, bool pm) {
  in.skip_blanks();
  if (!read_time(in, f, false, false) || f.h < 1 || f.h > 12 || !at_end(in)) return std::nullopt;
  f.h = f.h % 12 + (pm ? 12 : 0);
  f.offset = kKoreaOffset;
  f.offset_known = true;
  return to_zoned(f);
}

// Day `n` of f.y as its month and day; false when the year has no such day.
bool set_ordinal(Fields& f, int n) {
  if (n < 1 || n > 366) return false;
  date::year_month_day ymd{date::sys_days{date::year{f.y} / 1 / 1} + date::days{n - 1}};
  if (ymd.year() != date::year{f.y}) return false;
  f.mo = static_cast<int>(static_cast<unsigned>(ymd.month()));
  f.d = static_cast<int>(static_cast<unsigned>(ymd.day()));
  return true;
}

// ISO 8601 and its kin, year first. Always "YYYY-MM-DD" (one-digit month and
// day allowed), then "T" or blanks and a time, then a zone. With `feed_forms`
// also: "YYYY", "YYYY-MM", ordinal "YYYY-DDD", basic "YYYYMMDD[Thhmm[ss]]",
// slashes "YYYY/MM/DD" (Perforce), AM/PM, a Hungarian month name, and the
// Korean forms.
std::optional<ZonedTime> read_iso(Scanner& in, bool feed_forms) {
  Fields f;
  if (in.digits(f.y, 4) != 4) return std::nullopt;
  bool basic = false;
  if (in.eat('-')) {
    if (feed_forms && is_name_byte(in.peek())) {  // a Hungarian month name
      f.mo = lookup(kHungarianMonths, in.name());
      if (f.mo == 0 || !in.eat('-') || in.digits(f.d, 2) == 0) return std::nullopt;
    } else {
      int n = in.digits(f.mo, 3);
      if (n == 3) {  // the day of the year
        if (!feed_forms || !set_ordinal(f, f.mo)) return std::nullopt;
      } else if (n == 0) {
        return std::nullopt;
      } else if (!in.eat('-')) {
        return feed_forms && at_end(in) ? to_zoned(f) : std::nullopt;  // year and month
      } else if (in.digits(f.d, 2) == 0) {
        return std::nullopt;
      }
    }
  } else if (!feed_forms) {
    return std::nullopt;
  } else if (in.eat("년")) {
    return korean_onblog(in, f);
  } else if (is_digit(in.peek())) {  // basic: YYYYMMDD
    if (in.digits(f.mo, 2) != 2 || !in.number(f.d, 2)) return std::nullopt;
    basic = true;
  } else if (in.eat('/')) {  // Perforce's slashes
    if (in.digits(f.mo, 2) == 0 || !in.eat('/') || in.digits(f.d, 2) == 0) return std::nullopt;
  } else {
    return at_end(in) ? to_zoned(f) : std::nullopt;  // the year alone
  }
  if (is_digit(in.peek())) return std::nullopt;
  if (in.eat('T') || in.eat('t')) {
    if (!read_time(in, f, true, false)) return std::nullopt;
    return finish(in, f);
  }
  if (at_end(in)) return to_zoned(f);  // the date alone
  if (basic || !is_blank(in.peek())) return std::nullopt;
  in.skip_blanks();
  if (feed_forms && in.eat("오전")) return korean_nate(in, f, false);
  if (feed_forms && in.eat("오후")) return korean_nate(in, f, true);
  if (!read_time(in, f, false, feed_forms)) return std::nullopt;
  return finish(in, f);
}

// "03/02/2026 10:30 AM EST", "3/2/2026", "21/02/2026 22:15": month, day and
// a four-digit year; day first when the first number cannot be a month.
std::optional<ZonedTime> read_us(Scanner& in) {
  Fields f;
  int a = 0, b = 0;
  if (in.digits(a, 2) == 0 || !in.eat('/') || in.digits(b, 2) == 0 || !in.eat('/') || !in.number(f.y, 4)) {
    return std::nullopt;
  }
  f.mo = a > 12 ? b : a;
  f.d = a > 12 ? a : b;
  in.skip_space();
  if (is_digit(in.peek()) && !read_time(in, f, false, true)) return std::nullopt;
  return finish(in, f);
}

// "29 Nov 2026 14:05:00 +0000", "06-Nov-94 08:49:37 GMT" (RFC 850): day,
// month name, year, then an optional time and zone.
std::optional<ZonedTime> day_first(Scanner& in, bool feed_forms) {
  Fields f;
  if (in.digits(f.d, 2) == 0 || is_digit(in.peek())) return std::nullopt;
  in.skip_space();
  in.eat('-');
  f.mo = month_named(in.name());
  if (f.mo == 0) return std::nullopt;
  in.eat('.');
  in.eat('-');
  in.skip_space();
  if (!read_year(in, f)) return std::nullopt;
  in.skip_space();
  if (is_digit(in.peek()) && !read_time(in, f, false, feed_forms)) return std::nullopt;
  return finish(in, f);
}

// After a month name: "Dec 23 2003 10:00:00 GMT", "December 23, 2003", or
// asctime's "Jan  4 16:29:06 [PST] 2004" with the time before the year.
std::optional<ZonedTime> month_first(Scanner& in, int month, bool feed_forms) {
  Fields f;
  f.mo = month;
  in.eat('.');
  in.skip_space();
  if (in.digits(f.d, 2) == 0 || is_digit(in.peek())) return std::nullopt;
  in.skip_space();
  size_t run = in.digit_run();
  if (run <= 2 && in.peek(run) == ':') {  // asctime
    if (!read_time(in, f, false, feed_forms)) return std::nullopt;
    in.skip_space();
    if (!is_digit(in.peek())) {
      if (!read_zone(in, f)) return std::nullopt;
      in.skip_space();
    }
    if (!in.number(f.y, 4) || !at_end(in)) return std::nullopt;
    return to_zoned(f);
  }
  if (!read_year(in, f)) return std::nullopt;
  in.skip_space();
  if (is_digit(in.peek()) && !read_time(in, f, false, feed_forms)) return std::nullopt;
  return finish(in, f);
}

std::optional<ZonedTime> read_numeric(Scanner& in, bool feed_forms);

// RFC 822 and its family: an optional weekday, then day first or month first.
// With `feed_forms`, a weekday may also stand before a numeric date
// ("Fri, 2006/09/15 08:19:53 EDT").
std::optional<ZonedTime> read_rfc822(Scanner& in, bool feed_forms) {
  in.skip_space();
  if (!is_name_byte(in.peek())) return day_first(in, feed_forms);
  std::string_view w = in.name();
  if (int mo = month_named(w)) return month_first(in, mo, feed_forms);
  if (!is_weekday(w)) return std::nullopt;
  in.eat('.');
  in.skip_space();
  if (is_name_byte(in.peek())) {
    int mo = month_named(in.name());
    return mo != 0 ? month_first(in, mo, feed_forms) : std::nullopt;
  }
  return feed_forms ? read_numeric(in, feed_forms) : day_first(in, feed_forms);
}

// A date that starts with a number: year first (4 digits or more), US
// numeric ("3/2/2026"), or day first.
std::optional<ZonedTime> read_numeric(Scanner& in, bool feed_forms) {
  size_t run = in.digit_run();
  if (run >= 4) return read_iso(in, feed_forms);
  if (in.peek(run) == '/') return read_us(in);
  return day_first(in, feed_forms);
}

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
  Scanner in(text);
  in.skip_space();
  auto z = read_iso(in, false);
  return z ? std::optional<TimePoint>(z->utc) : std::nullopt;
}

std::optional<TimePoint> parse_rfc822(std::string_view text) {
  Scanner in(text);
  auto z = read_rfc822(in, false);
  return z ? std::optional<TimePoint>(z->utc) : std::nullopt;
}

std::optional<ZonedTime> parse_zoned(std::string_view text) {
  Scanner in(text);
  in.skip_space();
  return is_digit(in.peek()) ? read_numeric(in, true) : read_rfc822(in, true);
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
