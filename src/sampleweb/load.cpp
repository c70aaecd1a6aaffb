#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/strings.hpp"
#include "sampleweb/sample_web.hpp"

namespace newsdesk::sampleweb {
namespace {

core::Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::ErrorCode::kIo, fmt::format("{}: cannot read", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

core::Result<SampleOutlet> load_outlet(const std::filesystem::path& dir) {
  SampleOutlet o;
  o.slug = dir.filename().string();
  auto toml_text = read_file(dir / "outlet.toml");
  if (!toml_text) return tl::unexpected(toml_text.error());
  try {
    auto t = toml::parse(*toml_text, (dir / "outlet.toml").string());
    o.name = t["name"].value_or(std::string());
    o.feed_format = t["feed_format"].value_or(std::string("rss2"));
    o.language = t["language"].value_or(std::string("en"));
    o.country = t["country"].value_or(std::string());
    o.tagline = t["tagline"].value_or(std::string());
  } catch (const toml::parse_error& e) {
    return core::fail(core::ErrorCode::kInvalidInput,
                      fmt::format("{}:{}: {}", (dir / "outlet.toml").string(), e.source().begin.line, e.description()));
  }
  if (o.name.empty()) return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}/outlet.toml: no name", dir.string()));
  if (o.feed_format != "rss2" && o.feed_format != "atom" && o.feed_format != "jsonfeed") {
    return core::fail(core::ErrorCode::kInvalidInput,
                      fmt::format("{}/outlet.toml: feed_format must be rss2, atom or jsonfeed", dir.string()));
  }
  auto article = read_file(dir / "article.mustache");
  if (!article) return tl::unexpected(article.error());
  auto front = read_file(dir / "front.mustache");
  if (!front) return tl::unexpected(front.error());
  o.article_template = std::move(*article);
  o.front_template = std::move(*front);
  return o;
}

}  // namespace

core::Result<SampleArticle> parse_article(std::string_view text, const std::string& file) {
  SampleArticle a;
  a.file = file;
  size_t pos = 0;
  int line_no = 0;
  bool in_body = false;
  std::string paragraph;
  auto flush = [&] {
    auto p = core::collapse_whitespace(paragraph);
    if (!p.empty()) a.paragraphs.push_back(p);
    paragraph.clear();
  };
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (in_body) {
      if (core::trim(line).empty()) flush();
      else paragraph += std::string(line) + " ";
      continue;
    }
    if (core::trim(line) == "---") {
      in_body = true;
      continue;
    }
    if (core::trim(line).empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}:{}: expected 'key: value'", file, line_no));
    }
    std::string key(core::trim(line.substr(0, colon)));
    std::string value(core::trim(line.substr(colon + 1)));
    if (key == "outlet") a.outlet = value;
    else if (key == "story") a.story = value;
    else if (key == "author") a.author = value;
    else if (key == "section") a.section = value;
    else if (key == "title") a.title = value;
    else if (key == "summary") a.summary = value;
    else if (key == "image") a.image = value;
    else if (key == "caption") a.caption = value;
    else if (key == "copy_of") a.copy_of = value;
    else if (key == "day") a.day = std::atoi(value.c_str());
    else if (key == "time") {
      int h = 0, m = 0;
      if (std::sscanf(value.c_str(), "%d:%d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 || m > 59) {
        return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}:{}: time must be HH:MM", file, line_no));
      }
      a.minute = h * 60 + m;
    } else {
      return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}:{}: unknown key '{}'", file, line_no, key));
    }
    if (pos > text.size()) break;
  }
  flush();
  if (!in_body) return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}: no '---' line before the body", file));
  if (a.outlet.empty() || a.title.empty() || a.paragraphs.empty()) {
    return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}: outlet, title and a body are required", file));
  }
  auto name = std::filesystem::path(file).stem().string();
  auto sep = name.find("--");
  a.slug = sep == std::string::npos ? name : name.substr(sep + 2);
  return a;
}

core::Result<SampleWeb> load_sample(const std::filesystem::path& dir) {
  SampleWeb web;
  std::error_code ec;
  std::vector<std::filesystem::path> outlet_dirs, article_files;
  for (const auto& e : std::filesystem::directory_iterator(dir / "outlets", ec)) {
    if (e.is_directory()) outlet_dirs.push_back(e.path());
  }
  if (ec) return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", (dir / "outlets").string(), ec.message()));
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "articles", ec)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") article_files.push_back(e.path());
  }
  if (ec) return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", (dir / "articles").string(), ec.message()));
  std::sort(outlet_dirs.begin(), outlet_dirs.end());
  std::sort(article_files.begin(), article_files.end());
  for (const auto& d : outlet_dirs) {
    auto o = load_outlet(d);
    if (!o) return tl::unexpected(o.error());
    web.outlets.push_back(std::move(*o));
  }
  for (const auto& f : article_files) {
    auto text = read_file(f);
    if (!text) return tl::unexpected(text.error());
    auto a = parse_article(*text, std::filesystem::relative(f, dir).string());
    if (!a) return tl::unexpected(a.error());
    web.articles.push_back(std::move(*a));
  }
  if (web.outlets.empty() || web.articles.empty()) {
    return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}: no outlets or no articles", dir.string()));
  }
  return web;
}

}  // namespace newsdesk::sampleweb
