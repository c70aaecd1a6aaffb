// How `newsdesk extract` prints articles: text, JSON, Markdown, HTML, and the
// JSON lines of `extract --jsonl DIR`.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "core/types.hpp"
#include "extract/extract.hpp"

namespace newsdesk::app {

// One article as `format` (txt, json, markdown, html); metadata first when asked.
std::string format_article(const core::Article& article, const std::string& format, bool with_metadata);

// The JSON object of one article, as `extract --jsonl` prints it, with `id`.
std::string article_json(const core::Article& article, const std::string& id);

// Extracts every *.html and *.html.gz below `dir`, in file-name order, with
// `jobs` threads, printing one JSON line per file to stdout in that order. A
// page that fails gives a line with an "error" field; the run goes on.
core::Result<void> extract_folder_as_jsonl(const std::filesystem::path& dir, const extract::Options& options, int jobs);

// gzip / zlib data decompressed; kInvalidInput when it is not.
core::Result<std::string> gunzip(const std::string& data);

}  // namespace newsdesk::app
