// The tables of a desk, in the order a copy writes them. A migration that
// adds a table or a column adds it here too: a copy refuses a database
// holding a column this list does not name (desk_copy.cpp), so nothing is
// left behind unnoticed.
#include "store/desk_tables.hpp"

namespace newsdesk::store {

namespace {
constexpr ColumnKind I = ColumnKind::kInteger;
constexpr ColumnKind R = ColumnKind::kReal;
constexpr ColumnKind T = ColumnKind::kText;
constexpr ColumnKind F = ColumnKind::kFlag;
constexpr ColumnKind B = ColumnKind::kBytes;
}  // namespace

const std::vector<DeskTable>& desk_tables() {
  static const std::vector<DeskTable> kTables = {
      {"sources",
       {{"id", I}, {"name", T}, {"feed_url", T}, {"site_url", T}, {"country", T}, {"language", T}, {"weight", R},
        {"own", F}, {"excerpt", T}, {"domain", T}},
       "id", "id", ""},
      {"feeds",
       {{"source_id", I}, {"etag", T}, {"last_modified", T}, {"last_polled_at", I}, {"last_success_at", I},
        {"last_error", T}, {"consecutive_failures", I}, {"last_error_class", T}, {"failing_since", I},
        {"next_poll_at", I}, {"items_per_day", R}, {"polls", I}, {"gone", F}, {"lease_holder", T},
        {"lease_until", I}},
       "source_id", "", ""},
      // Before articles (story_id); merged_into points at another story.
      {"stories", {{"id", I}, {"headline", T}, {"first_seen", I}, {"last_updated", I}, {"merged_into", I}},
       "id", "", "merged_into"},
      {"articles",
       {{"id", I}, {"source_id", I}, {"url", T}, {"canonical_url", T}, {"title", T}, {"authors", T},
        {"published_at", I}, {"published_offset", I}, {"modified_at", I}, {"fetched_at", I}, {"language", T},
        {"site_name", T}, {"description", T}, {"image_url", T}, {"image_caption", T}, {"text", T}, {"html", T},
        {"page_type", T}, {"page_type_confidence", R}, {"story_id", I}, {"copy_of", I}, {"access", T},
        {"image_credit", T}},
       "id", "id", "copy_of"},
      {"feed_entries",
       {{"id", I}, {"source_id", I}, {"guid", T}, {"url", T}, {"title", T}, {"summary", T}, {"authors", T},
        {"published_at", I}, {"image", T}, {"state", T}, {"error", T}, {"article_id", I}, {"videos", T},
        {"domain", T}, {"lease_holder", T}, {"lease_until", I}},
       "id", "id", ""},
      {"article_beats", {{"article_id", I}, {"beat", T}, {"relevance", R}}, "article_id, beat", "", ""},
      {"editions",
       {{"id", I}, {"name", T}, {"date", T}, {"built_at", I}, {"subject", T}, {"html", T}, {"text", T}, {"json", T}},
       "id", "id", ""},
      {"edition_items",
       {{"edition_id", I}, {"position", I}, {"story_id", I}, {"headline", T}, {"summary", T}, {"url", T},
        {"outlet", T}, {"score", R}, {"outlets", I}, {"section", T}},
       "edition_id, position", "", ""},
      {"edition_edits",
       {{"id", I}, {"edition", T}, {"date", T}, {"action", T}, {"story_id", I}, {"position", I}, {"title", T},
        {"editor", T}, {"at", I}},
       "id", "id", ""},
      {"subscribers",
       {{"id", I}, {"email", T}, {"state", T}, {"time_zone", T}, {"created_at", I}, {"confirmed_at", I},
        {"updated_at", I}, {"hard_bounces", I}, {"editions", T}, {"paused", F}},
       "id", "id", ""},
      {"consents",
       {{"id", I}, {"subscriber_id", I}, {"action", T}, {"at", I}, {"ip", T}, {"form_version", T}, {"detail", T}},
       "id", "id", ""},
      {"deliveries",
       {{"edition_id", I}, {"subscriber_id", I}, {"state", T}, {"attempts", I}, {"last_error", T},
        {"updated_at", I}, {"retry_at", I}, {"first_attempt_at", I}, {"relay", T}, {"lease_holder", T},
        {"lease_until", I}},
       "edition_id, subscriber_id", "", ""},
      {"bounces",
       {{"id", I}, {"source", T}, {"received_at", I}, {"kind", T}, {"subscriber_id", I}, {"edition_id", I},
        {"recipient", T}, {"status", T}, {"detail", T}, {"raw", B}},
       "id", "id", ""},
      // Work in hand is copied as it stands: a lease of the old desk's
      // process runs out by itself.
      {"site_leases", {{"domain", T}, {"holder", T}, {"until", I}}, "domain", "", ""},
      {"leases", {{"role", T}, {"holder", T}, {"until", I}}, "role", "", ""},
      {"workers", {{"name", T}, {"roles", T}, {"started_at", I}, {"until", I}}, "name", "", ""},
      // Abuse limits' windows, as they stand: their keys are tags under the
      // links secret, which the copy carries (settings), so they still count.
      {"rate_limits", {{"key", T}, {"hits", I}, {"until", I}}, "key", "", ""},
      {"settings", {{"key", T}, {"value", T}}, "key", "", "", TargetRows::kReplaced},
  };
  return kTables;
}

bool is_derived_table(std::string_view table) {
  return table == "schema_migrations" || table.starts_with("articles_fts") || table == "article_search" ||
         table.starts_with("sqlite_");
}

}  // namespace newsdesk::store
