#include "cluster/story_clusterer.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <functional>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "cluster/shingles.hpp"
#include "cluster/term_vector.hpp"
#include "cluster/word_term_table.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"
#include "text/stopwords.hpp"
#include "text/language.hpp"

namespace newsdesk::cluster {
namespace {

constexpr size_t kIndexTerms = 12;       // strongest terms of an article that index it
constexpr double kEntityWeight = 0.1;    // share of similarity from shared named things
constexpr size_t kQueryTerms = 16;       // strongest terms of a new article that look for stories
constexpr size_t kMaxCandidates = 48;    // stories sharing most query terms, screened on those terms
constexpr size_t kFullCandidates = 8;    // of those, the best screened are compared in full
constexpr size_t kCentroidTerms = 400;      // a story centroid keeps its strongest terms
constexpr double kHeadlineMargin = 1.1;     // a member's headline replaces the story's when it scores this much higher

// What screening a candidate story reads comes first, in one cache line:
// an article's query terms list dozens of stories, and each is a read from
// cold memory.
struct alignas(64) Story {
  // Query terms of the article being placed that list this story, counted
  // on the story itself (valid while `hits_round` is the clusterer's round,
  // which this holds modulo 2^32: a story idle for 2^32 articles has closed).
  std::uint32_t hits_round = 0;
  int hits = 0;
  mutable std::uint32_t norm2_documents = 0;  // the articles seen when `norm2` was computed
  std::uint16_t term_language = 0;  // LanguageTerms::index: its members' term space
  core::Id id = 0;
  core::TimePoint last_updated{};
  // Sum of members' normalised term frequencies, sorted by term: sums over
  // it run in one order (deterministic), an article's terms merge into it in
  // one pass, and it is compared by reading it whole against terms loaded by
  // id (see dot_by_id).
  Vector terms;
  // The centroid's squared tf-idf norm, cached: updated as members join,
  // recomputed after a merge or when the collection has grown by a tenth
  // (idf drifts slowly). -1: not known.
  mutable double norm2 = -1;

  // The member headline that says best what the story is about (see
  // Impl::score_headline), and its terms, sorted, each once.
  std::string headline;
  std::vector<TermId> headline_terms;
  // Its score_headline per member of the centroid, when the centroid summed
  // `headline_scored_at` articles.
  double headline_score = 0;
  int headline_scored_at = 0;
  core::TimePoint first_seen{};
  std::vector<core::Id> articles;
  absl::flat_hash_map<std::uint64_t, int> entities;  // entity hash -> members naming it
  int members = 0;
  double member_terms = 0;  // the members' distinct terms, summed: their mean length
  absl::flat_hash_set<TermId> indexed;  // the terms it is listed under in `postings`
};
static_assert(offsetof(Story, norm2) + sizeof(double) <= 64, "what screening reads fits one cache line");

template <class Value>
using StringMap = absl::flat_hash_map<std::string, Value>;  // looked up by absl::string_view too
// Debian's Abseil has its own string_view type.
absl::string_view key(std::string_view s) { return {s.data(), s.size()}; }

// What a language needs to turn words into terms: its stemmer and
// stopwords, its terms, and each word's term remembered by the hash of its
// folded form (one lookup per word instead of stopword, stem, term; 64-bit
// hashes of distinct words collide about once in 10^8 streams of a million
// words).
//
// Each language has terms of its own (term ids are shared, so that vectors
// of any language are sorted alike), and its own document frequencies:
// a word's weight says how rare it is among texts in its language. Counted
// over the whole stream, the function words of a language most texts are
// not in ("de", "la") would weigh like names, and make every two reports in
// that language look alike.
struct LanguageTerms {
  LanguageTerms(const std::string& language, std::uint16_t language_index)
      : stemmer(language), stopwords(text::Stopwords::of(language)), index(language_index) {}
  text::Stemmer stemmer;
  const text::Stopwords& stopwords;
  std::uint16_t index;  // tells the language's terms apart (Impl::term_language)
  std::uint32_t documents = 0;  // articles in the language
  double log_documents = 0;     // log(documents + 1)
  StringMap<TermId> term_ids;  // stem (or number) -> term id
  WordTermTable word_terms;  // folded word's hash -> term id (or none)
};

struct ArticleRecord {
  core::Id story_id = 0;
  std::vector<std::uint64_t> shingles;  // sampled word 4-shingle hashes, each once
};

// An article cut into words once; terms, entities and shingles all come
// from these. The clusterer keeps one and refills it for each article, so
// cutting an article allocates nothing once the lists have grown.
struct Analysed {
  std::string_view title;
  std::string_view body;  // the text read (the first 20,000 bytes)
  LanguageTerms* terms = nullptr;  // its language's
  text::WordList title_words;
  text::WordList words;  // of `body`

  void analyse(const ClusterInput& a, LanguageTerms& language) {
    title = a.title;
    body = std::string_view(a.text).substr(0, 20000);
    terms = &language;
    text::tokenize(title, title_words);
    text::tokenize(body, words);
  }
};

// The language an article is clustered in, from the code it came with:
// "fr", "fr-CA", "FR" and "fr_FR" are French. Anything but two or three
// letters (and "") reads as English, so that a stream cannot make languages
// without end.
std::string language_key(std::string_view code) {
  std::string key = text::primary_language(code);
  return key.empty() ? "en" : key;
}

// What a headline's form says of it as the story's headline, apart from
// its words: one the feed cut off ("...", "…") or a sentence far longer than
// a headline (a feed that gives the lede as its title) is taken only when
// no other comes close.
double headline_form(std::string_view title, size_t terms) {
  while (!title.empty() && (title.back() == ' ' || title.back() == '\t')) title.remove_suffix(1);
  const bool cut_off = title.ends_with("...") || title.ends_with("\u2026");
  constexpr double kLongest = 14;  // terms of a long headline
  return (cut_off ? 0.8 : 1.0) * std::sqrt(std::min(1.0, kLongest / std::max<double>(static_cast<double>(terms), 1)));
}

// Short texts (a headline alone) reach lower similarities than full
// articles about the same story: a bar falls with the texts' length in
// distinct terms, to 40% of itself for a headline of 6 terms or fewer.
double length_factor(double terms) {
  return std::clamp(0.4 + 0.6 * std::log(std::max(terms, 1.0) / 6.0) / std::log(120.0 / 6.0), 0.4, 1.0);
}

}  // namespace

struct StoryClusterer::Impl {
  core::ClusterConfig config;
  core::Id next_story_id;
  std::vector<std::uint32_t> document_frequency;
  std::vector<std::uint16_t> term_language;  // by term id: LanguageTerms::index
  std::uint32_t documents = 0;  // in all languages
  std::map<core::Id, Story> stories;  // ordered: deterministic iteration
  // term -> the stories listed under it. Stories live in a std::map, whose
  // nodes never move: a story stays where its entries point until it closes
  // or merges, when they are taken out.
  absl::flat_hash_map<TermId, std::vector<Story*>> postings;
  std::uint64_t query_round = 0;
  std::vector<core::Id> merge_candidates;  // the stories the last article nearly joined
  absl::flat_hash_map<core::Id, ArticleRecord> articles;
  ShingleIndex shingle_index;  // sampled shingle -> articles
  std::map<std::string, std::unique_ptr<LanguageTerms>> languages;
  core::TimePoint latest{};
  core::TimePoint last_sweep{};
  Analysed analysed;  // the article being added, its word lists reused from one to the next
  // A candidate story after the screen: its cosine on the query terms, and
  // the dot product behind it.
  struct Screened {
    double score;
    Story* story;
    double dot;
  };
  // Working space reused from one article to the next, so that adding an
  // article allocates next to nothing once these have grown.
  struct Scratch {
    std::vector<float> weight_by_term;  // indexed by term id; all 0 between articles
    std::vector<TermId> touched;        // the terms the article set in weight_by_term
    std::vector<TermId> sorting;        // sort_term_ids' working space
    std::vector<float> weights;         // prune's copy of a centroid's weights
    std::vector<core::Id> sharing;      // find_copy's articles, once per shingle shared
    std::vector<Screened> screened;     // the candidates as screened
    Vector vector;                      // the article's terms
    std::vector<std::uint64_t> entities;
    std::vector<std::pair<double, TermId>> ranked;  // terms by tf-idf, strongest first (the first kQueryTerms)
    Vector merged;                      // a centroid being grown
    std::vector<Story*> hit_stories;    // the stories the article's query terms list
    std::vector<double> query_weight;   // indexed by term id; see load()
    std::vector<TermId> loaded;         // the terms load() set
    std::vector<std::uint64_t> shingles;  // every shingle's hash, before sampling
    std::vector<std::uint64_t> seen_shingles;  // sampled_shingles' set
    std::vector<TermId> headline_terms;        // the article's headline terms (term_vector)
    std::vector<std::uint8_t> in_headline;     // indexed by term id: 1 for those
  } scratch;

  Impl(const core::ClusterConfig& c, core::Id first) : config(c), next_story_id(first) {}

  // The article cut into words, in its language (given, else detected with
  // CLD2; clustered with articles in that language), which becomes the one
  // worked in.
  Analysed& analyse(const ClusterInput& a) {
    analysed.analyse(a, language_terms(a.language.empty() ? text::detect_language(a.title, a.text) : a.language));
    work_in(*analysed.terms);
    return analysed;
  }

  // The last language asked for is kept at hand: streams come mostly in one.
  LanguageTerms& language_terms(const std::string& language) {
    if (last_language != nullptr && last_language_code == language) return *last_language;
    const std::string key = language_key(language);
    auto it = languages.find(key);
    if (it == languages.end()) {
      const auto index = static_cast<std::uint16_t>(languages.size());  // at most 26^2 + 26^3 keys
      it = languages.emplace(key, std::make_unique<LanguageTerms>(key, index)).first;
    }
    last_language_code = language;
    last_language = it->second.get();
    return *last_language;
  }
  std::string last_language_code;  // as the article gave it
  LanguageTerms* last_language = nullptr;

  // A word straight to its term id (kNoTerm for stopwords and scraps).
  static constexpr TermId kNoTerm = UINT32_MAX;
  TermId word_term(const text::WordList& list, const text::Word& word, LanguageTerms& language) {
    if (const std::uint32_t* known = language.word_terms.find(word.hash)) return *known;
    return new_word_term(list, word, language);
  }
  // A word met for the first time: stopword test, stem, term. Kept out of
  // line so that the lookup above stays small enough to inline in the loop
  // over an article's words.
  [[gnu::noinline]] TermId new_word_term(const text::WordList& list, const text::Word& word, LanguageTerms& language) {
    TermId id = kNoTerm;
    std::string_view folded = list.folded_of(word);
    if ((folded.size() >= 2 || word.has_digit) && !language.stopwords.contains(word)) {
      id = term_id(word.has_digit ? folded : language.stemmer.stem_once(folded), language);
    }
    if (language.word_terms.size() > 500000) language.word_terms.clear();  // bounded over a long stream
    language.word_terms.insert(word.hash, id);
    return id;
  }

  TermId term_id(std::string_view term, LanguageTerms& language) {
    auto it = language.term_ids.find(key(term));
    if (it != language.term_ids.end()) return it->second;
    const auto id = static_cast<TermId>(document_frequency.size());
    document_frequency.push_back(0);
    term_language.push_back(language.index);
    scratch.weight_by_term.push_back(0);
    scratch.in_headline.push_back(0);
    scratch.query_weight.push_back(0);
    language.term_ids.emplace(std::string(term), id);
    return id;
  }

  // idf is needed thousands of times per article: log(documents + 1) of
  // the language being worked in is kept, and log(df + 1) read from a table
  // for the document frequencies most terms have. Every term an article
  // meets is of its language (it is compared with stories in its language
  // only), so the language is set once per article (work_in).
  double log_documents = 0;  // LanguageTerms::log_documents of the working language
  std::uint16_t working_language = 0;  // LanguageTerms::index of the article being placed
  void work_in(const LanguageTerms& terms) {
    working_language = terms.index;
    log_documents = terms.log_documents;
  }
  static double log_plus_one(std::uint32_t n) {
    static const std::vector<double> table = [] {
      std::vector<double> t(1 << 16);
      for (size_t i = 0; i < t.size(); ++i) t[i] = std::log(static_cast<double>(i) + 1.0);
      return t;
    }();
    return n < table.size() ? table[n] : std::log(static_cast<double>(n) + 1.0);
  }
  double idf(TermId t) const {
    assert(term_language[t] == working_language);
    return log_documents - log_plus_one(document_frequency[t]) + 1.0;
  }

  // The headline's terms (the first `count` an article touches), into
  // scratch.headline_terms, each flagged in scratch.in_headline; the last
  // article's flags are cleared first. Out of line: inlined, it slowed the
  // loop over the article's words that follows it.
  [[gnu::noinline]] void keep_headline_terms(const TermId* first, size_t count) {
    for (TermId t : scratch.headline_terms) scratch.in_headline[t] = 0;
    scratch.headline_terms.assign(first, first + count);
    for (TermId t : scratch.headline_terms) scratch.in_headline[t] = 1;
  }

  // Term frequencies with the headline and the lead weighted up, sublinear,
  // L2-normalised, sorted by term: into `scratch.vector`. Occurrences are
  // summed in a table indexed by term id, not by sorting every occurrence.
  const Vector& term_vector(const Analysed& an) {
    auto& language = *an.terms;
    auto& weight = scratch.weight_by_term;
    auto& touched = scratch.touched;
    // Room for every word: a term seen for the first time is written at the
    // end and counted in without a branch (whether a word is new to the
    // article is a coin the branch predictor cannot call).
    touched.resize(an.title_words.words.size() + an.words.words.size());
    size_t distinct = 0;
    auto count = [&](const text::WordList& list, const text::Word& word, float w) {
      TermId id = word_term(list, word, language);
      if (id == kNoTerm) return;
      touched[distinct] = id;
      distinct += weight[id] == 0 ? 1 : 0;
      weight[id] += w;
    };
    for (const auto& word : an.title_words.words) count(an.title_words, word, 3.0f);
    // The headline's terms, for choose_headline: the first `distinct` touched.
    keep_headline_terms(touched.data(), distinct);
    // The lead (the first two paragraphs) counts twice.
    size_t lead_end = 0;
    for (int k = 0; k < 2 && lead_end != std::string::npos; ++k) lead_end = an.body.find('\n', lead_end + 1);
    lead_end = std::min(lead_end, an.body.size());
    for (const auto& word : an.words.words) count(an.words, word, word.begin < lead_end ? 2.0f : 1.0f);
    touched.resize(distinct);
    sort_term_ids(touched, scratch.sorting);
    Vector& v = scratch.vector;
    v.clear();
    double norm = 0;
    for (TermId t : touched) {
      float w = static_cast<float>(1.0 + std::log(weight[t]));  // sublinear tf
      weight[t] = 0;
      v.emplace_back(t, w);
      norm += static_cast<double>(w) * w;
    }
    norm = std::sqrt(norm);
    for (auto& [t, w] : v) w = static_cast<float>(w / std::max(norm, 1e-9));
    return v;
  }

  // Named things of the headline and the opening (first 3,000 bytes), as
  // sorted hashes.
  const std::vector<std::uint64_t>& entity_set(const Analysed& an) {
    std::vector<std::uint64_t>& out = scratch.entities;
    out.clear();
    const text::Stopwords& stopwords = an.terms->stopwords;
    text::entity_hashes(an.title, an.title_words, an.title_words.words.size(), out, stopwords);
    const auto& words = an.words.words;
    size_t opening = 0;
    while (opening < words.size() && words[opening].end <= 3000) ++opening;
    text::entity_hashes(an.body, an.words, opening, out, stopwords);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // The centroid's squared tf-idf norm, from the cache while it holds.
  double centroid_norm2(const Story& s) const {
    if (s.norm2 < 0 || documents > s.norm2_documents + s.norm2_documents / 10 + 10) {
      s.norm2 = 0;
      for (const auto& [t, w] : s.terms) {
        double i = idf(t);
        s.norm2 += (w * i) * (w * i);
      }
      s.norm2_documents = documents;
    }
    return s.norm2;
  }

  // Terms loaded as their tf-idf weight times idf, by term id (into
  // `scratch.query_weight`, all 0 while nothing is loaded): the article
  // being placed, or a grown story's centroid when merges are checked.
  // Another story is then compared with them by reading its own terms in
  // order. `scratch.loaded` lists the terms to clear.
  void load(const Vector& terms) {
    unload();
    for (const auto& [t, w] : terms) {
      const double x = idf(t);
      scratch.query_weight[t] = w * x * x;
      scratch.loaded.push_back(t);
    }
  }
  // The article's strongest `n` terms alone (`scratch.ranked`), weighted as
  // load() weights them, for the screen.
  void load_query(size_t n) {
    unload();
    for (size_t k = 0; k < n; ++k) {
      const auto& [tf_idf, t] = scratch.ranked[k];
      scratch.query_weight[t] = tf_idf * idf(t);
      scratch.loaded.push_back(t);
    }
  }
  void unload() {
    for (TermId t : scratch.loaded) scratch.query_weight[t] = 0;
    scratch.loaded.clear();
  }

  // Cosine (tf-idf) of the loaded centroid, `loaded` being its story, and `b`'s.
  double centroid_cosine(const Story& loaded, const Story& b) const {
    const double dot = dot_by_id(b.terms, scratch.query_weight);
    double na = centroid_norm2(loaded), nb = centroid_norm2(b);
    if (na <= 0 || nb <= 0) return 0;
    return dot / std::sqrt(na * nb);
  }

  // Adds an article's terms to the story's centroid, and keeps the cached
  // norm current instead of recomputing it over the whole centroid.
  //
  // On the way, the article's headline (its terms, all among v's, are
  // flagged in scratch.in_headline) is scored against the grown centroid as
  // score_headline would, without looking its terms up: returned, less the
  // headline's form.
  double add_to_centroid(Story& s, const Vector& v) {
    if (s.terms.empty()) {  // a new story: its first article's terms, in memory of their size
      s.terms = v;
      s.norm2 = -1;
      return 0;
    }
    Vector& out = scratch.merged;
    out.clear();
    out.reserve(s.terms.size() + v.size());
    double delta = 0, headline_dot = 0, headline_norm = 0;
    size_t i = 0;
    for (const auto& [t, w] : v) {
      while (i < s.terms.size() && s.terms[i].first < t) out.push_back(s.terms[i++]);
      float old = i < s.terms.size() && s.terms[i].first == t ? s.terms[i++].second : 0.0f;
      double x = idf(t);
      delta += ((old + w) * (old + w) - old * old) * x * x;
      out.emplace_back(t, old + w);
      if (scratch.in_headline[t] != 0) {
        headline_dot += (old + w) * x * x;
        headline_norm += x * x;
      }
    }
    out.insert(out.end(), s.terms.begin() + static_cast<long>(i), s.terms.end());
    s.terms.swap(out);  // the old centroid's memory is the next merge's
    if (s.norm2 >= 0) s.norm2 += delta;
    return headline_norm > 0 ? headline_dot / std::sqrt(std::sqrt(headline_norm)) : 0;
  }

  // A centroid keeps its strongest terms only: the long tail of words that
  // one member used once costs memory and time and says little about the story.
  // The weakest kept weight is found by selection over a copy of the
  // weights; the kept terms are then moved up in place, still sorted by
  // term. Of terms tied at that weight, the lower ones are kept.
  void prune(Story& s) {
    if (s.terms.size() <= kCentroidTerms + kCentroidTerms / 2) return;
    std::vector<float>& weights = scratch.weights;
    weights.clear();
    for (const auto& [t, w] : s.terms) weights.push_back(w);
    std::nth_element(weights.begin(), weights.begin() + static_cast<long>(kCentroidTerms - 1), weights.end(), std::greater<>());
    const float weakest = weights[kCentroidTerms - 1];
    size_t ties = kCentroidTerms - static_cast<size_t>(std::count_if(weights.begin(), weights.end(), [&](float w) { return w > weakest; }));
    size_t kept = 0;
    for (const auto& [t, w] : s.terms) {
      if (w > weakest || (w == weakest && ties > 0)) {
        if (w == weakest) --ties;
        s.terms[kept++] = {t, w};
      } else if (s.norm2 >= 0) {
        const double x = w * idf(t);
        s.norm2 -= x * x;
      }
    }
    s.terms.resize(kept);
  }

  // Folds story `from` into `into`: members, terms, names, index entries.
  void merge(core::Id from, core::Id into) {
    Story& src = stories.at(from);
    Story& dst = stories.at(into);
    dst.terms = add_vectors(dst.terms, src.terms);
    // The better headline of the two, on the merged centroid.
    const int summed = dst.members + src.members;
    const double incoming = score_headline(dst, src.headline, src.headline_terms) / summed;
    rescore_headline(dst, summed);
    if (incoming > kHeadlineMargin * dst.headline_score) {
      dst.headline = std::move(src.headline);
      dst.headline_terms = std::move(src.headline_terms);
      dst.headline_score = incoming;
    }
    for (const auto& [e, n] : src.entities) dst.entities[e] += n;
    for (core::Id a : src.articles) {
      dst.articles.push_back(a);
      auto rec = articles.find(a);
      if (rec != articles.end()) rec->second.story_id = into;
    }
    std::sort(dst.articles.begin(), dst.articles.end());
    dst.members += src.members;
    dst.member_terms += src.member_terms;
    dst.first_seen = std::min(dst.first_seen, src.first_seen);
    dst.last_updated = std::max(dst.last_updated, src.last_updated);
    for (TermId t : src.indexed) {
      auto p = postings.find(t);
      if (p != postings.end()) std::erase(p->second, &src);
      if (dst.indexed.insert(t).second) postings[t].push_back(&dst);
      if (p != postings.end() && p->second.empty()) postings.erase(p);
    }
    dst.norm2 = -1;
    stories.erase(from);
  }

  // The article's terms by tf-idf, the strongest kQueryTerms first (ties to
  // the lower term), into `scratch.ranked`, and its squared tf-idf norm. The
  // strongest find candidate stories, and index the story the article joins.
  double query_norm2 = 0;
  void rank_terms(const Vector& v) {
    auto& ranked = scratch.ranked;
    ranked.clear();
    query_norm2 = 0;
    for (const auto& [t, w] : v) {
      ranked.emplace_back(w * idf(t), t);
      query_norm2 += ranked.back().first * ranked.back().first;
    }
    size_t top = std::min(kQueryTerms, ranked.size());
    sort_first(ranked, top, [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
  }

  // Cosine of the loaded article (tf-idf) against the story centroid (tf-idf).
  double cosine(const Story& s) const { return cosine_of_dot(dot_by_id(s.terms, scratch.query_weight), s); }
  // The cosine from the loaded article's dot product with the story's centroid.
  double cosine_of_dot(double dot, const Story& s) const {
    double s2 = centroid_norm2(s);
    if (query_norm2 <= 0 || s2 <= 0) return 0;
    return dot / std::sqrt(query_norm2 * s2);
  }

  static double entity_overlap(const std::vector<std::uint64_t>& e, const Story& s) {
    if (e.empty() || s.entities.empty()) return 0;
    int shared = 0;
    for (const auto& x : e) shared += s.entities.count(x) > 0 ? 1 : 0;
    return static_cast<double>(shared) / std::min<double>(static_cast<double>(e.size()), 12.0 + shared);
  }

  // 1 within a day, falling to 0 at the window's end.
  double time_factor(core::TimePoint t, const Story& s) const {
    double hours = std::abs(std::chrono::duration<double, std::ratio<3600>>(t - s.last_updated).count());
    double window = config.window_days * 24.0;
    if (hours >= window) return 0;
    if (hours <= 24) return 1;
    return 1.0 - 0.5 * (hours - 24) / std::max(window - 24, 1.0);
  }

  // The earlier article this text is a near-verbatim copy of: most of the
  // shorter text's sampled shingles appear in the other (containment), which
  // holds when a copy trims the tail or adds a line. Ties go to the earliest.
  // The articles sharing a shingle are listed once per shared shingle and
  // sorted: each one's count is the length of its run.
  std::optional<core::Id> find_copy(const std::vector<std::uint64_t>& shingles) {
    if (shingles.empty()) return std::nullopt;  // too short to be a copy (sampled_shingles)
    std::vector<core::Id>& sharing = scratch.sharing;
    sharing.clear();
    for (std::uint64_t h : shingles) shingle_index.append(h, sharing);
    std::sort(sharing.begin(), sharing.end());
    std::optional<core::Id> best;
    double best_containment = 0;
    for (size_t run = 0, next = 0; run < sharing.size(); run = next) {
      const core::Id other = sharing[run];
      while (next < sharing.size() && sharing[next] == other) ++next;
      const size_t count = next - run;
      if (count < kMinSharedForCopy) continue;
      const auto& rec = articles.at(other);
      if (stories.count(rec.story_id) == 0) continue;  // story closed
      double containment = static_cast<double>(count) / static_cast<double>(std::min(shingles.size(), rec.shingles.size()));
      if (containment < config.copy_containment) continue;
      if (containment > best_containment || (containment == best_containment && other < *best)) {
        best = other;
        best_containment = containment;
      }
    }
    return best;
  }

  // Indexes the article's strongest terms (`ranked` by rank_terms) under the story.
  void index_story_terms(Story& s, const std::vector<std::pair<double, TermId>>& ranked) {
    for (size_t i = 0; i < std::min(kIndexTerms, ranked.size()); ++i) {
      if (s.indexed.insert(ranked[i].second).second) postings[ranked[i].second].push_back(&s);
    }
  }

  // How well a headline says what its story is about: the dot product of
  // its terms (each once, tf-idf) with the story's centroid, over the square
  // root of their norm: between the cosine (which a headline of two central
  // words tops: "Gas prices rise") and the dot product (which grows with every
  // word). A headline in the words most of the coverage uses scores high; a
  // dateline ("Friday, November 11"), a wire slug ("UPDATE 3-", "REFILE-")
  // or an angle few outlets took scores lower. Times the headline's form
  // (headline_form).
  double score_headline(const Story& s, std::string_view headline, const std::vector<TermId>& terms) const {
    double dot = 0, norm = 0;
    auto at = s.terms.begin();
    for (TermId t : terms) {
      const double x = idf(t);
      norm += x * x;
      at = std::lower_bound(at, s.terms.end(), t, [](const auto& entry, TermId id) { return entry.first < id; });
      if (at != s.terms.end() && at->first == t) dot += at->second * x * x;
    }
    return norm > 0 ? headline_form(headline, terms.size()) * dot / std::sqrt(std::sqrt(norm)) : 0;
  }

  // The joining article's headline becomes the story's when it is the first,
  // or clearly says better what the story, as it now stands, is about (the
  // margin keeps a story's headline from changing at every member).
  // `terms`: the article's headline terms (term_vector leaves them in
  // scratch.headline_terms); `content`: their score without the form, from
  // add_to_centroid.
  void choose_headline(Story& s, const ClusterInput& a, const std::vector<TermId>& terms, double content) {
    const int summed = s.members + 1;  // the centroid holds the joining article already
    if (s.members > 0) {
      if (terms.empty()) return;
      // Scores are per member of the centroid, so they hold as the story
      // grows: the story's own headline is scored again only once the story
      // has grown by a tenth.
      if (summed > s.headline_scored_at + s.headline_scored_at / 10) rescore_headline(s, summed);
      if (content / summed <= kHeadlineMargin * s.headline_score) return;  // a form is at most 1
    }
    const double form = headline_form(a.title, terms.size());
    const double score = form * content / summed;
    if (s.members > 0 && score <= kHeadlineMargin * s.headline_score) return;
    s.headline = a.title;
    s.headline_terms = terms;
    std::sort(s.headline_terms.begin(), s.headline_terms.end());  // for score_headline
    s.headline_score = score;
    s.headline_scored_at = summed;
  }
  // `summed`: the articles in the story's centroid.
  void rescore_headline(Story& s, int summed) const {
    s.headline_score = score_headline(s, s.headline, s.headline_terms) / summed;
    s.headline_scored_at = summed;
  }

  void join(Story& s, const ClusterInput& a, const Analysed& an, const Vector& v,
            const std::vector<std::uint64_t>& ents, core::TimePoint t) {
    const double headline_content = add_to_centroid(s, v);
    prune(s);
    for (const auto& e : ents) ++s.entities[e];
    choose_headline(s, a, scratch.headline_terms, headline_content);
    if (s.members == 0) {
      s.first_seen = t;
      s.term_language = an.terms->index;
    }
    s.first_seen = std::min(s.first_seen, t);
    s.last_updated = std::max(s.last_updated, t);
    ++s.members;
    s.member_terms += static_cast<double>(v.size());
    s.articles.push_back(a.article_id);
    index_story_terms(s, scratch.ranked);
  }

  void remember(const ClusterInput& a, const Analysed& an, core::Id story_id, const Vector& v,
                std::vector<std::uint64_t> shingles) {
    ArticleRecord rec;
    rec.story_id = story_id;
    rec.shingles = std::move(shingles);  // none for a text too short to be an original (sampled_shingles)
    for (std::uint64_t h : rec.shingles) shingle_index.add(h, a.article_id);
    articles[a.article_id] = std::move(rec);
    ++documents;
    LanguageTerms& language = *an.terms;
    ++language.documents;
    language.log_documents = std::log(language.documents + 1.0);
    work_in(language);
    for (const auto& [term, w] : v) ++document_frequency[term];
  }

  // Closes stories idle for longer than the window and forgets their articles.
  void sweep() {
    if (latest - last_sweep < std::chrono::hours(6)) return;
    last_sweep = latest;
    auto horizon = latest - std::chrono::hours(24 * config.window_days);
    // Work in proportion to what closes, not to what lives: each closed story
    // takes its posting entries, its articles and their shingles with it.
    for (auto it = stories.begin(); it != stories.end();) {
      if (it->second.last_updated >= horizon) {
        ++it;
        continue;
      }
      Story& s = it->second;
      for (TermId t : s.indexed) {
        auto p = postings.find(t);
        if (p == postings.end()) continue;
        std::erase(p->second, &s);
        if (p->second.empty()) postings.erase(p);
      }
      for (core::Id a : s.articles) {
        auto rec = articles.find(a);
        if (rec == articles.end()) continue;
        for (std::uint64_t h : rec->second.shingles) shingle_index.remove(h, a);
        articles.erase(rec);
      }
      it = stories.erase(it);
    }
    compact_terms();
  }

  // The term dictionary grows with every new word, number and name a stream
  // brings; once it holds more than `max_terms`, and over half of its terms
  // are held by no live story, those are forgotten (their document
  // frequencies too: a word that comes back counts as new). The live terms
  // are renumbered in their old order, so every sorted centroid stays sorted.
  void compact_terms() {
    const size_t known = document_frequency.size();
    if (known <= static_cast<size_t>(config.max_terms)) return;
    std::vector<TermId> renumber(known, kNoTerm);
    for (const auto& [id, s] : stories) {
      for (const auto& [t, w] : s.terms) renumber[t] = 0;
      for (TermId t : s.indexed) renumber[t] = 0;
      for (TermId t : s.headline_terms) renumber[t] = 0;
    }
    TermId live = 0;
    for (auto& r : renumber) {
      if (r == 0) r = live++;
    }
    if (static_cast<size_t>(live) * 2 > known) return;  // mostly live: little to win
    std::vector<std::uint32_t> frequency(live);
    std::vector<std::uint16_t> languages_of(live);
    for (size_t t = 0; t < known; ++t) {
      if (renumber[t] == kNoTerm) continue;
      frequency[renumber[t]] = document_frequency[t];
      languages_of[renumber[t]] = term_language[t];
    }
    document_frequency = std::move(frequency);
    term_language = std::move(languages_of);
    for (auto& [id, s] : stories) {
      for (auto& [t, w] : s.terms) t = renumber[t];
      for (TermId& t : s.headline_terms) t = renumber[t];
      absl::flat_hash_set<TermId> indexed;
      for (TermId t : s.indexed) indexed.insert(renumber[t]);
      s.indexed = std::move(indexed);
    }
    absl::flat_hash_map<TermId, std::vector<Story*>> renumbered;
    for (auto& [t, list] : postings) {
      if (renumber[t] != kNoTerm) renumbered.emplace(renumber[t], std::move(list));
    }
    postings = std::move(renumbered);
    for (auto& [name, language] : languages) {
      absl::erase_if(language->term_ids, [&](const auto& entry) { return renumber[entry.second] == kNoTerm; });
      for (auto& [term, id] : language->term_ids) id = renumber[id];
      language->word_terms.clear();  // rebuilt as words come
    }
    scratch.weight_by_term.assign(live, 0.0f);
    scratch.in_headline.assign(live, 0);
    scratch.headline_terms.clear();
    scratch.query_weight.assign(live, 0.0);
  }
};

StoryClusterer::StoryClusterer(const core::ClusterConfig& config, core::Id first_story_id)
    : impl_(std::make_unique<Impl>(config, first_story_id)) {}

StoryClusterer::~StoryClusterer() = default;

Assignment StoryClusterer::add(const ClusterInput& a) {
  Impl& m = *impl_;
  Analysed& an = m.analyse(a);
  Assignment out;
  m.merge_candidates.clear();
  // An absurd date is not believed, and the article is placed at the
  // stream's time: one from before 1990 or after 2100, or a month ahead of the
  // stream (it would close every live story at once). A gap of days is fine:
  // a desk that was down comes back to a later stream.
  static const core::TimePoint kEarliest = *core::parse_rfc3339("1990-01-01");
  static const core::TimePoint kLatest = *core::parse_rfc3339("2100-01-01");
  std::optional<core::TimePoint> time = a.time;
  if (time && (*time < kEarliest || *time > kLatest ||
               (m.latest != core::TimePoint{} && *time > m.latest + std::chrono::hours(24 * 30)))) {
    out.note = "date " + core::format_rfc3339(*time) + " is far from the stream's (" +
               core::format_rfc3339(m.latest) + "); clustered at the stream's time";
    time.reset();
  }
  core::TimePoint t = time.value_or(m.latest);
  m.latest = std::max(m.latest, t);
  m.sweep();
  const Vector& v = m.term_vector(an);
  const auto& ents = m.entity_set(an);
  m.rank_terms(v);

  Story* story = nullptr;  // the story the article joins, once known
  // 1. A near-verbatim copy joins its original's story.
  auto shingles = sampled_shingles(an.words, m.scratch.shingles, m.scratch.seen_shingles);
  if (auto original = m.find_copy(shingles)) {
    // Only within one language's term space: a story's centroid and headline
    // hold its language's terms, weighed by that language's frequencies. The
    // same words read as another language (a short text, a wrong tag) are
    // placed as any article of that language is.
    const core::Id original_story = m.articles.at(*original).story_id;
    const auto it = m.stories.find(original_story);
    if (it == m.stories.end() || it->second.term_language == an.terms->index) {
      out.copy_of = original;
      out.story_id = original_story;
      out.similarity = 1.0;
    }
  }
  // 2. Otherwise the most similar live story over the threshold.
  if (!out.copy_of) {
    // Candidates: the stories that index the article's strongest terms, the
    // ones that share most of them first; only the best few are compared.
    const auto& strongest = m.scratch.ranked;
    size_t query = std::min(kQueryTerms, strongest.size());
    const auto round = static_cast<std::uint32_t>(++m.query_round);  // see Story::hits_round
    std::vector<Story*>& by_hits = m.scratch.hit_stories;
    by_hits.clear();
    int most_hits = 0;
    for (size_t q = 0; q < query; ++q) {
      auto it = m.postings.find(strongest[q].second);
      if (it == m.postings.end()) continue;
      for (Story* s : it->second) {
        if (s->hits_round != round) {
          s->hits_round = round;
          s->hits = 0;
          by_hits.push_back(s);
        }
        most_hits = std::max(most_hits, ++s->hits);
      }
    }
    // When some story shares two or more of the query terms, a story that
    // shares one word alone is not this article's: on headline streams two
    // thirds of the candidates are such, and they took few articles, most of
    // them wrongly (measured: fewer wrong joins, the same stories on full texts).
    if (most_hits >= 2) std::erase_if(by_hits, [](const Story* s) { return s->hits < 2; });
    // The kMaxCandidates that share the most (ties to the older story); their order does not matter.
    if (by_hits.size() > kMaxCandidates) {
      std::nth_element(by_hits.begin(), by_hits.begin() + static_cast<long>(kMaxCandidates), by_hits.end(),
                       [](const Story* x, const Story* y) { return x->hits > y->hits || (x->hits == y->hits && x->id < y->id); });
      by_hits.resize(kMaxCandidates);
    }
    // Screen: the cosine on the query terms alone picks the few stories
    // worth the full comparison. Its dot product is over the query terms;
    // when those are all the article's terms (a headline), it is the full
    // comparison's too.
    m.load_query(query);
    // The candidates' centroids are mostly out of cache: their starts are
    // asked for from all of them at once, not one wait after another.
    for (const Story* candidate : by_hits) __builtin_prefetch(candidate->terms.data());
    std::vector<Impl::Screened>& screened = m.scratch.screened;
    screened.clear();
    for (Story* candidate : by_hits) {
      Story& s = *candidate;
      if (s.term_language != an.terms->index) continue;  // clustered with articles in its own language
      if (m.time_factor(t, s) <= 0) continue;
      // The centroid read whole against the loaded query terms: a few
      // hundred reads in order, with no wait between them, beat a search
      // per query term that waits on memory at each step (measured on the
      // dev streams and the synthetic one).
      const double dot = dot_by_id(s.terms, m.scratch.query_weight);
      double norm2 = m.centroid_norm2(s);
      screened.push_back({norm2 > 0 ? dot / std::sqrt(norm2) : 0, &s, dot});
    }
    size_t full = std::min(kFullCandidates, screened.size());
    auto stronger = [](const Impl::Screened& x, const Impl::Screened& y) {
      return x.score > y.score || (x.score == y.score && x.story->id < y.story->id);
    };
    // The best `full` (a total order picks the same ones every time), then in story order.
    if (screened.size() > full) {
      std::nth_element(screened.begin(), screened.begin() + static_cast<long>(full), screened.end(), stronger);
      screened.resize(full);
    }
    std::sort(screened.begin(), screened.end(), [](const Impl::Screened& x, const Impl::Screened& y) { return x.story->id < y.story->id; });
    // Short texts (a headline alone) reach lower similarities than full
    // articles for the same story: the bar falls with the article's length.
    const double join_bar = m.config.threshold * length_factor(static_cast<double>(v.size()));
    double best = 0;
    Story* best_story = nullptr;
    const bool whole_query = query == v.size();
    if (!whole_query) m.load(v);  // else the query terms loaded are all of them
    for (const Impl::Screened& candidate : screened) {
      Story& s = *candidate.story;
      const core::Id sid = s.id;
      double tf = m.time_factor(t, s);
      const double cosine = whole_query ? m.cosine_of_dot(candidate.dot, s) : m.cosine(s);
      double sim = ((1.0 - kEntityWeight) * cosine + kEntityWeight * Impl::entity_overlap(ents, s)) * tf;
      if (sim > best) {
        best = sim;
        best_story = &s;
      }
      // A story the article nearly joined too (over 60% of the bar) may
      // have converged with the one it joins.
      if (sim >= 0.6 * join_bar) m.merge_candidates.push_back(sid);
    }
    m.unload();
    if (best >= join_bar) {
      out.story_id = best_story->id;
      out.similarity = best;
      story = best_story;
    }
  }
  if (out.story_id == 0) {
    out.story_id = m.next_story_id++;
    out.new_story = true;
    story = &m.stories.emplace_hint(m.stories.end(), out.story_id, Story{})->second;
    story->id = out.story_id;
  } else if (story == nullptr) {
    story = &m.stories.at(out.story_id);
  }
  m.join(*story, a, an, v, ents, t);
  m.remember(a, an, out.story_id, v, std::move(shingles));
  // The story grew: did it converge with another live one?
  if (!out.new_story && !out.copy_of) {
    const Story* loaded = nullptr;  // the story whose centroid is loaded
    for (core::Id other : m.merge_candidates) {
      if (other == out.story_id) continue;
      auto b_it = m.stories.find(other);
      if (b_it == m.stories.end()) continue;  // merged already
      const Story& a_story = m.stories.at(out.story_id);
      const Story& b_story = b_it->second;
      if (a_story.term_language != b_story.term_language || m.time_factor(a_story.last_updated, b_story) <= 0) continue;
      // Stories of headlines converge at lower similarities than stories of
      // full texts, as articles join them: the bar falls with the members' length.
      const double mean_terms = (a_story.member_terms + b_story.member_terms) / (a_story.members + b_story.members);
      if (loaded != &a_story) {
        m.load(a_story.terms);
        loaded = &a_story;
      }
      if (m.centroid_cosine(a_story, b_story) < m.config.merge_threshold * length_factor(mean_terms)) continue;
      loaded = nullptr;  // a merge changes the survivor's centroid
      bool keep_other = b_story.first_seen < a_story.first_seen ||
                        (b_story.first_seen == a_story.first_seen && other < out.story_id);
      core::Id from = keep_other ? out.story_id : other;
      core::Id into = keep_other ? other : out.story_id;
      m.merge(from, into);
      out.merged.emplace_back(from, into);
      out.story_id = into;
    }
    m.unload();
  }
  return out;
}

void StoryClusterer::add_known(const ClusterInput& a, core::Id story_id, std::optional<core::Id>) {
  Impl& m = *impl_;
  Analysed& an = m.analyse(a);
  core::TimePoint t = a.time.value_or(m.latest);
  m.latest = std::max(m.latest, t);
  const Vector& v = m.term_vector(an);
  const auto& ents = m.entity_set(an);
  m.rank_terms(v);
  Story& s = m.stories[story_id];
  s.id = story_id;
  m.join(s, a, an, v, ents, t);
  m.remember(a, an, story_id, v, sampled_shingles(an.words, m.scratch.shingles, m.scratch.seen_shingles));
  m.next_story_id = std::max(m.next_story_id, story_id + 1);
}

std::optional<StorySummary> StoryClusterer::story(core::Id id) const {
  auto it = impl_->stories.find(id);
  if (it == impl_->stories.end()) return std::nullopt;
  const Story& s = it->second;
  return StorySummary{s.id, s.headline, s.first_seen, s.last_updated, s.articles};
}

size_t StoryClusterer::live_stories() const { return impl_->stories.size(); }

size_t StoryClusterer::known_terms() const { return impl_->document_frequency.size(); }

}  // namespace newsdesk::cluster
