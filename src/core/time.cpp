#include "core/time.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include <date/date.h>

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

// "+hh:mm", "+hhmm", "+hh", "Z", zone names. Returns false when unreadable.
bool read_zone(Scanner& in, int& offset_minutes) {
  offset_minutes = 0;
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
      return true;
    }
  }
  return zone.empty() || zone.size() == 1;  // military single letters: treat as UTC
}

}  // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  Scanner in(text);
  in.skip_space();
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (in.digits(y, 4) != 4 || !in.eat('-') || in.digits(mo, 2) == 0 || !in.eat('-') ||
      in.digits(d, 2) == 0) {
    return std::nullopt;
  }
  if (in.done()) return make_time(y, mo, d, 0, 0, 0, 0);
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
  if (in.eat('Z') || in.eat('z')) {
    offset = 0;
  } else if (!read_zone(in, offset)) {
    return std::nullopt;
  }
  return make_time(y, mo, d, h, mi, s, offset);
}

std::optional<TimePoint> parse_rfc822(std::string_view text) {
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
  if (!read_zone(in, offset)) return std::nullopt;
  return make_time(y, mo, d, h, mi, s, offset);
}

std::optional<TimePoint> parse_date(std::string_view text) {
  if (auto t = parse_rfc3339(text)) return t;
  return parse_rfc822(text);
}

std::string format_rfc3339(TimePoint t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

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

}  // namespace newsdesk::core
