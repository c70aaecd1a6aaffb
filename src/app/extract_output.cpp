#include "app/extract_output.hpp"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "core/time.hpp"

namespace newsdesk::app {
namespace {

std::string join_authors(const core::Article& a) {
  std::string out;
  for (const auto& x : a.authors) out += (out.empty() ? "" : "; ") + x;
  return out;
}

std::string date_or_empty(const std::optional<core::TimePoint>& t, std::optional<int> offset = std::nullopt) {
  if (!t) return "";
  return offset ? core::format_rfc3339(*t, *offset) : core::format_rfc3339(*t);
}

nlohmann::json to_json(const core::Article& a) {
  return {{"url", a.url},
          {"title", a.title},
          {"byline", join_authors(a)},
          {"date", date_or_empty(a.published, a.published_offset)},
          {"modified", date_or_empty(a.modified)},
          {"lang", a.language},
          {"site", a.site_name},
          {"image", a.image_url},
          {"image_caption", a.image_caption},
          {"image_credit", a.image_credit},
          {"access", core::to_string(a.access)},
          {"description", a.description},
          {"canonical_url", a.canonical_url},
          {"articleBody", a.text},
          {"html", a.html},
          {"page_type", core::to_string(a.page_type)},
          {"page_type_confidence", a.page_type_confidence}};
}

// One JSON line. U+2028 and U+2029 are escaped: JSON allows them raw, but
// line-oriented readers (and JavaScript before ES2019) split on them.
std::string dump(const nlohmann::json& j) {
  std::string out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (size_t p = out.find("\xE2\x80"); p != std::string::npos; p = out.find("\xE2\x80", p + 1)) {
    if (p + 2 < out.size() && (out[p + 2] == '\xA8' || out[p + 2] == '\xA9')) {
      out.replace(p, 3, out[p + 2] == '\xA8' ? "\\u2028" : "\\u2029");
    }
  }
  return out;
}

// "Caption <small class="credit">Jane Doe</small>" (extract.cpp's lead
// figure, already unescaped) -> "*Caption* (Jane Doe)".
std::string figcaption_markdown(const std::string& inner) {
  static constexpr std::string_view kOpen = "<small class=\"credit\">", kClose = "</small>";
  std::string caption = inner, credit;
  if (size_t at = inner.find(kOpen); at != std::string::npos) {
    size_t end = inner.find(kClose, at);
    credit = inner.substr(at + kOpen.size(), end == std::string::npos ? std::string::npos : end - at - kOpen.size());
    caption = std::string(core::trim(inner.substr(0, at)));
  }
  std::string out = caption.empty() ? "" : "*" + caption + "*";
  if (!credit.empty()) out += (out.empty() ? "(" : " (") + credit + ")";
  return out + "\n\n";
}

// Paragraph text to Markdown: headings kept from the sanitised HTML.
std::string markdown(const core::Article& a) {
  std::string out = "# " + a.title + "\n\n";
  std::string html = a.html;
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string::npos) {
    size_t close = html.find('>', pos);
    if (close == std::string::npos) break;
    std::string tag = html.substr(pos + 1, close - pos - 1);
    std::string name = tag.substr(0, tag.find(' '));
    auto end_tag = "</" + name + ">";
    size_t end = html.find(end_tag, close);
    bool block = name == "p" || name == "h2" || name == "h3" || name == "h4" || name == "li" || name == "pre" ||
                 name == "figcaption";
    if (!block || end == std::string::npos) {
      pos = close + 1;
      continue;
    }
    std::string inner = html.substr(close + 1, end - close - 1);
    // The sanitiser only escapes; undo it for Markdown.
    for (auto [from, to] : {std::pair<const char*, const char*>{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
                            {"&#39;", "'"}, {"&amp;", "&"}}) {
      for (size_t p = inner.find(from); p != std::string::npos; p = inner.find(from, p + 1)) {
        inner.replace(p, std::string(from).size(), to);
      }
    }
    if (name == "h2") out += "## " + inner + "\n\n";
    else if (name == "h3") out += "### " + inner + "\n\n";
    else if (name == "h4") out += "#### " + inner + "\n\n";
    else if (name == "li") out += "- " + inner + "\n";
    else if (name == "pre") out += "```\n" + inner + "\n```\n\n";
    else if (name == "figcaption") out += figcaption_markdown(inner);
    else out += inner + "\n\n";
    pos = end + end_tag.size();
  }
  return out;
}

}  // namespace

std::string format_article(const core::Article& a, const std::string& format, bool with_metadata) {
  if (format == "json") return dump(to_json(a));
  std::string out;
  if (with_metadata && format == "txt") {
    out += fmt::format("title: {}\nauthor: {}\ndate: {}\nurl: {}\nsite: {}\n\n", a.title, join_authors(a),
                       date_or_empty(a.published, a.published_offset), a.canonical_url, a.site_name);
  }
  if (format == "markdown") return out + markdown(a);
  if (format == "html") return out + a.html;
  return out + a.text;
}

std::string article_json(const core::Article& a, const std::string& id) {
  auto j = to_json(a);
  j["id"] = id;
  return dump(j);
}

core::Result<std::string> gunzip(const std::string& data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return core::fail(core::ErrorCode::kInvalidInput, "zlib init failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return core::fail(core::ErrorCode::kInvalidInput, "not valid gzip data");
    }
    out.append(buffer, sizeof buffer - z.avail_out);
    if (out.size() > (size_t{1} << 31)) {
      inflateEnd(&z);
      return core::fail(core::ErrorCode::kLimit, "decompresses to more than 2 GiB");
    }
  }
  inflateEnd(&z);
  return out;
}

core::Result<void> extract_folder_as_jsonl(const std::filesystem::path& dir, const extract::Options& options, int jobs) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    bool html = name.size() > 5 && name.substr(name.size() - 5) == ".html";
    bool gz = name.size() > 8 && name.substr(name.size() - 8) == ".html.gz";
    if (e.is_regular_file() && (html || gz)) files.push_back(e.path());
  }
  if (ec) return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", dir.string(), ec.message()));
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.filename() < b.filename(); });
  std::vector<std::string> lines(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      std::string name = files[i].filename().string();
      std::string id = name.substr(0, name.find('.'));
      std::string html;
      std::string error;
      if (std::FILE* f = std::fopen(files[i].c_str(), "rb")) {
        std::error_code size_error;
        auto size = std::filesystem::file_size(files[i], size_error);
        html.resize(size_error ? 0 : static_cast<size_t>(size));
        size_t got = html.empty() ? 0 : std::fread(html.data(), 1, html.size(), f);
        html.resize(got);
        if (std::ferror(f)) error = "cannot read the file";
        std::fclose(f);
      } else {
        error = "cannot open the file";
      }
      if (error.empty() && name.size() > 3 && name.substr(name.size() - 3) == ".gz") {
        auto plain = gunzip(html);
        if (plain) html = std::move(*plain);
        else error = plain.error().message;
      }
      if (error.empty()) {
        auto a = extract::extract(html, "", options);
        if (a) lines[i] = article_json(*a, id);
        else error = a.error().message;
      }
      if (!error.empty()) {
        lines[i] = dump({{"id", id}, {"error", error}, {"articleBody", ""}});
        std::fprintf(stderr, "%s: %s\n", files[i].string().c_str(), error.c_str());
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < lines.size(); ++i) {
    std::fwrite(lines[i].data(), 1, lines[i].size(), stdout);
    std::fputc('\n', stdout);
  }
  return {};
}

}  // namespace newsdesk::app
