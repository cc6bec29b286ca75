#include "bounce/markers.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/strings.h"
#include "knowledge/first_bytes.h"
#include "knowledge/match_starts.h"
#include "knowledge/rule_set.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace internal {
namespace {

constexpr std::pair<std::string_view, MarkerKind> kKindNames[] = {
    {"subject", MarkerKind::kSubject},
    {"from", MarkerKind::kFrom},
    {"body", MarkerKind::kBody},
    {"original", MarkerKind::kOriginal},
    {"autoreply-subject", MarkerKind::kAutoReplySubject},
    {"header", MarkerKind::kHeader},
    {"recipient", MarkerKind::kRecipient},
    {"boilerplate", MarkerKind::kBoilerplate},
    {"delay-subject", MarkerKind::kDelaySubject},
    {"autoreply-header", MarkerKind::kAutoReplyHeader},
    {"autoreply-sign", MarkerKind::kAutoReplySign},
    {"system-mailbox", MarkerKind::kSystemMailbox},
    {"identifier-line", MarkerKind::kIdentifierLine},
    {"summary-label", MarkerKind::kSummaryLabel},
    {"message-header", MarkerKind::kMessageHeader},
    {"trace-header", MarkerKind::kTraceHeader},
    {"reply-evidence", MarkerKind::kReplyEvidence},
    {"transcript", MarkerKind::kTranscript},
    {"reply-subject", MarkerKind::kReplySubject},
    {"forward-subject", MarkerKind::kForwardSubject},
    {"delay-body", MarkerKind::kDelayBody},
    {"bare-recipient", MarkerKind::kBareRecipient},
    {"recipient-list", MarkerKind::kRecipientList},
    {"not-local-part", MarkerKind::kNotLocalPart},
    {"reporting-host", MarkerKind::kReportingHost},
    {"list-bullet", MarkerKind::kListBullet},
    {"expanded-from", MarkerKind::kExpandedFrom},
    {"reply-heading", MarkerKind::kReplyHeading},
    {"success-subject", MarkerKind::kSuccessSubject},
    {"bulk-header", MarkerKind::kBulkHeader},
    {"relayed", MarkerKind::kRelayed},
    {"list-admin", MarkerKind::kListAdmin},
    {"other-addresses", MarkerKind::kOtherAddresses},
    {"verp", MarkerKind::kVerp},
};
static_assert(sizeof(kKindNames) / sizeof(kKindNames[0]) == kMarkerKinds, "every kind has a name");

bool KindFromName(std::string_view name, MarkerKind* out) {
  for (const auto& [n, k] : kKindNames) {
    if (n == name) {
      *out = k;
      return true;
    }
  }
  return false;
}

// A scope is `generic` (evidence no format owns) or the id of the format or
// vendor whose layout the row describes (lower case, digits, '-').
bool ValidScope(std::string_view scope) {
  if (scope.empty()) return false;
  for (char c : scope) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return true;
}

// Whether every match of `pattern` begins at the start of the text: it
// begins with '^' and has no other top-level alternative ("^a|b" does not),
// and sets no flag ("(?m)^a" matches after any line break).
bool AnchoredAtStart(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '^') return false;
  const std::string text(pattern);
  return !SetsFlags(text) && TopLevelAlternatives(text).size() == 1;
}

// How each kind's sets search: from the text's start only when every
// pattern of the kind is anchored there (the same answers: RE2 does not see
// that a set of anchored patterns is, and would read every text to its end;
// most texts asked of such a kind, a forward's Subject or a quoted header
// line, fail in their first bytes).
std::vector<RE2::Anchor> SetAnchors(const TsvTable& table) {
  std::vector<RE2::Anchor> anchors(kMarkerKinds, RE2::ANCHOR_START);
  for (const TsvRow& row : table.rows) {
    MarkerKind kind;
    if (KindFromName(table.Cell(row, "where"), &kind) && !AnchoredAtStart(table.Cell(row, "pattern"))) {
      anchors[static_cast<size_t>(kind)] = RE2::UNANCHORED;
    }
  }
  return anchors;
}

RE2::Options MarkerOptions() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_max_mem(16 << 20);
  return o;
}

}  // namespace

std::string_view MarkerKindName(MarkerKind kind) {
  for (const auto& [n, k] : kKindNames) {
    if (k == kind) return n;
  }
  return "";
}

// Patterns with one capture group each (an address, a local part). When
// prefiltered, a pattern is searched only where one pass over all of them says
// it occurs (the per-message path); the rows read only in rare cases are
// searched one by one, and cost no prefilter to build.
struct CaptureRows {
  explicit CaptureRows(bool prefilter) : prefiltered(prefilter) {}
  const bool prefiltered;
  std::vector<std::unique_ptr<RE2>> own;  // when not prefiltered (else the set's: compiled once, groups kept)
  // Where own[i]'s matches begin: a paragraph without those words (nearly
  // every one asked for an "(expanded from ...)") costs no RE2 search.
  std::vector<MatchStarts> own_starts;
  RuleSet rows;

  // false with *error set when the pattern does not have exactly one capture.
  // A prefiltered row is compiled once, by `rows` (RuleSet's options: the
  // same flags as `options`, its own memory budget); `options` serve the rest.
  bool Add(std::string_view pattern, const RE2::Options& options, std::string* error) {
    const RE2* re = nullptr;
    if (prefiltered) {
      std::string ignored;
      const int index = rows.Add(pattern, &ignored, RuleSet::Groups::kKeep);
      if (index >= 0) re = &rows.Compiled(index, true);
    } else {
      own.push_back(std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options));
      own_starts.emplace_back(pattern);
      re = own.back().get();
    }
    if (re == nullptr || !re->ok() || re->NumberOfCapturingGroups() != 1) {
      *error = "pattern needs exactly one capture group";
      return false;
    }
    return true;
  }
  size_t size() const { return prefiltered ? rows.size() : own.size(); }
  bool Compile(std::string* error) { return !prefiltered || rows.Compile(error); }

  // The rows to search in text.
  std::vector<int> Candidates(std::string_view text) const {
    if (prefiltered) return rows.Candidates(text);
    std::vector<int> all(size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
    return all;
  }

  // The [begin, end) of every capture in text, sorted (at most 256).
  std::vector<std::pair<size_t, size_t>> Find(std::string_view text) const {
    std::vector<std::pair<size_t, size_t>> out;
    re2::StringPiece input(text.data(), text.size());
    re2::StringPiece whole[2];
    const bool ascii = IsAscii(text);
    // Only the rows that occur somewhere in the text are searched for each
    // capture (should the pass fail, every row is).
    for (int row : Candidates(text)) {
      const RE2* re = prefiltered ? &rows.Compiled(row, ascii) : own[static_cast<size_t>(row)].get();
      auto next = [&](size_t from) {
        return prefiltered ? re->Match(input, from, text.size(), RE2::UNANCHORED, whole, 2)
                           : own_starts[static_cast<size_t>(row)].Match(*re, text, from, ascii, whole, 2);
      };
      size_t offset = 0;
      while (offset < text.size() && out.size() < 256 && next(offset)) {
        size_t end = static_cast<size_t>(whole[0].data() - text.data()) + whole[0].size();
        if (whole[1].data() != nullptr && !whole[1].empty()) {
          size_t b = static_cast<size_t>(whole[1].data() - text.data());
          out.emplace_back(b, b + whole[1].size());
        }
        offset = end > offset ? end : offset + 1;
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

struct BounceMarkers::Impl {
  std::vector<std::unique_ptr<RE2::Set>> sets;  // one per MarkerKind: all its patterns
  std::vector<bool> compiled;  // the kind has patterns, and its set compiled
  // Per kind, for ASCII texts (nearly all): the patterns that are finite sets
  // of words as one MatchStarts, which answers without RE2, and an RE2::Set
  // of the others. Each RE2 call of a scan finds its automaton out of cache
  // (thousands of cycles, even on a header name); most marker patterns are
  // words. by_words[kind]: the kind has such patterns, and not too many ways
  // through them for one MatchStarts.
  std::vector<MatchStarts> words;
  std::vector<std::unique_ptr<RE2::Set>> others;
  std::vector<bool> others_compiled;  // as `compiled`, for `others`
  std::vector<bool> by_words;
  // The kind has no word patterns: its `others` set, compiled for ASCII
  // texts only (bytes, when its patterns allow), holds all its patterns.
  std::vector<bool> others_all;
  // Per kind searched anywhere in a text and not by_words, when every match
  // begins with one of a few words: its patterns as one RE2, run (anchored)
  // only where such a word is, and those words (ASCII texts). An RE2::Set
  // reads the whole text, and a pattern such as delay-body's, with its
  // "[^.]{0,60}" between words, makes that cost several times a plain scan.
  std::vector<std::unique_ptr<RE2>> started;
  std::vector<MatchStarts> starts;
  bool Matches(int kind, std::string_view text) const {
    if (!compiled[kind] || text.empty()) return false;
    const re2::StringPiece input(text.data(), text.size());
    if ((by_words[kind] || started[kind] || others_all[kind]) && IsAscii(text)) {
      if (by_words[kind]) {
        return words[kind].FoundIn(text) || (others_compiled[kind] && others[kind]->Match(input, nullptr));
      }
      if (started[kind]) return starts[kind].Match(*started[kind], text, 0, true, nullptr, 0);
      return others[kind]->Match(input, nullptr);
    }
    // No hit list: RE2 stops at the first match instead of scanning the whole text.
    return sets[kind]->Match(input, nullptr);
  }
  std::unique_ptr<RE2> original_line;  // the "original" patterns as one RE2, matched per line
  // Every "original" pattern starts with '^': a line is matched from its
  // start only (RE2 does not see that an alternation of anchored patterns is
  // anchored, and would search each line to its end).
  bool original_anchored = true;
  // The first three bytes an "original" line can start with (after its
  // leading blanks): RE2 runs only on the lines that start so (most do not).
  LineStartFilter original_start;
  CaptureRows recipient{true};        // the "recipient" patterns (read for every plain-text report)
  CaptureRows bare_recipient{false};  // the "bare-recipient" patterns (read only when no address is named)
  CaptureRows reporting_host{false};  // the "reporting-host" patterns (likewise)
  CaptureRows expanded_from{false};   // the "expanded-from" patterns (one short paragraph each)
  CaptureRows verp{false};            // the "verp" patterns (one address each)
  // The rows of a kind whose patterns capture, null for the other kinds.
  CaptureRows* Captures(MarkerKind kind) {
    switch (kind) {
      case MarkerKind::kRecipient: return &recipient;
      case MarkerKind::kBareRecipient: return &bare_recipient;
      case MarkerKind::kReportingHost: return &reporting_host;
      case MarkerKind::kExpandedFrom: return &expanded_from;
      case MarkerKind::kVerp: return &verp;
      default: return nullptr;
    }
  }
  std::unique_ptr<RE2> boilerplate;   // the "boilerplate" patterns as one RE2
  // The words its matches begin with: a text without them (nearly every
  // diagnostic) is given back without RE2's replacing pass over it.
  MatchStarts boilerplate_starts;
  std::unique_ptr<RE2> list_heading;  // the "recipient-list" patterns as one RE2
  std::unique_ptr<RE2> reply_heading;  // the "reply-heading" patterns as one RE2
};

BounceMarkers::BounceMarkers(RuleScope rules) : impl_(std::make_unique<Impl>()), rules_(rules) {}

std::shared_ptr<const BounceMarkers> BounceMarkers::Load(RuleScope rules, std::string* error) {
  std::shared_ptr<BounceMarkers> markers(new BounceMarkers(rules));
  std::string build_error;
  if (!markers->Build(&build_error)) {
    if (error != nullptr) *error = build_error;
    return nullptr;
  }
  return markers;
}

bool BounceMarkers::Build(std::string* error) {
  RE2::Options options = MarkerOptions();
  // Each kind's patterns for its `others` set, made once all are known.
  std::vector<std::vector<std::string_view>> other_patterns(kMarkerKinds);
  impl_->compiled.assign(kMarkerKinds, false);
  std::vector<std::string> word_alternatives(kMarkerKinds);
  std::vector<std::string> kind_alternatives(kMarkerKinds);  // all of a kind's patterns
  std::vector<bool> kind_as_bytes(kMarkerKinds, true);  // each of them MatchableAsBytes
  // Patterns added to each kind's set and to its `others` set.
  std::vector<int> set_rows(kMarkerKinds, 0);
  std::vector<int> others_rows(kMarkerKinds, 0);
  TsvTable table;
  if (!LoadEmbeddedTsv("bounce_markers.tsv", {"where", "scope", "pattern", "sample"}, &table, error)) return false;
  const std::vector<RE2::Anchor> anchors = SetAnchors(table);
  for (int i = 0; i < kMarkerKinds; ++i) {
    impl_->sets.push_back(std::make_unique<RE2::Set>(options, anchors[static_cast<size_t>(i)]));
  }
  std::string original_alternatives;
  std::string boilerplate_alternatives;
  std::string list_alternatives;
  std::string reply_heading_alternatives;
  for (const TsvRow& row : table.rows) {
    MarkerKind kind;
    if (!KindFromName(table.Cell(row, "where"), &kind)) {
      *error = table.Where(row, "unknown 'where'");
      return false;
    }
    std::string_view scope = table.Cell(row, "scope");
    if (!ValidScope(scope)) {
      *error = table.Where(row, "scope must be 'generic' or a format id");
      return false;
    }
    if (table.Cell(row, "sample").empty()) {
      *error = table.Where(row, "every row needs a sample");
      return false;
    }
    // The generic-only mode keeps evidence that no single format owns.
    if (rules_ == RuleScope::kGeneric && scope != "generic") continue;
    std::string_view pattern = table.Cell(row, "pattern");
    std::string add_error;
    // The kinds read only by their own RE2s (rare paths) need no set.
    bool in_set = kind != MarkerKind::kBareRecipient && kind != MarkerKind::kReportingHost &&
                  kind != MarkerKind::kRecipientList && kind != MarkerKind::kExpandedFrom &&
                  kind != MarkerKind::kReplyHeading && kind != MarkerKind::kVerp;
    if (in_set &&
        impl_->sets[static_cast<int>(kind)]->Add(re2::StringPiece(pattern.data(), pattern.size()), &add_error) < 0) {
      *error = table.Where(row, "pattern does not compile: " + add_error);
      return false;
    }
    if (in_set) {
      const int i = static_cast<int>(kind);
      ++set_rows[static_cast<size_t>(i)];
      std::string& all = kind_alternatives[static_cast<size_t>(i)];
      if (!all.empty()) all += '|';
      all += "(?:" + std::string(pattern) + ")";
      if (!MatchableAsBytes(pattern)) kind_as_bytes[static_cast<size_t>(i)] = false;
      if (MatchStarts(pattern).complete()) {
        std::string& alternatives = word_alternatives[static_cast<size_t>(i)];
        if (!alternatives.empty()) alternatives += '|';
        alternatives += "(?:" + std::string(pattern) + ")";
      } else {
        other_patterns[static_cast<size_t>(i)].push_back(pattern);
        ++others_rows[static_cast<size_t>(i)];
      }
    }
    if (CaptureRows* rows = impl_->Captures(kind)) {
      std::string capture_error;
      if (!rows->Add(pattern, options, &capture_error)) {
        *error = table.Where(row, std::string(MarkerKindName(kind)) + ": " + capture_error);
        return false;
      }
    }
    if (kind == MarkerKind::kRecipientList) {
      if (!list_alternatives.empty()) list_alternatives += '|';
      list_alternatives += "(?:" + std::string(pattern) + ")";
    }
    if (kind == MarkerKind::kReplyHeading) {
      if (!reply_heading_alternatives.empty()) reply_heading_alternatives += '|';
      reply_heading_alternatives += "(?:" + std::string(pattern) + ")";
    }
    if (kind == MarkerKind::kBoilerplate) {
      if (!boilerplate_alternatives.empty()) boilerplate_alternatives += '|';
      boilerplate_alternatives += "(?:" + std::string(pattern) + ")";
    }
    if (kind == MarkerKind::kOriginal) {
      if (!original_alternatives.empty()) original_alternatives += '|';
      original_alternatives += "(?:" + std::string(pattern) + ")";
      impl_->original_anchored = impl_->original_anchored && !pattern.empty() && pattern.front() == '^';
    }
  }
  // The `others` sets only ever see ASCII texts: when each of a kind's
  // patterns matches as bytes (MatchableAsBytes), its set is compiled so, a
  // smaller automaton with the same answers. (A pattern with other
  // characters would not do: Latin-1 reads 'é?' as two characters, the
  // second optional.)
  for (int i = 0; i < kMarkerKinds; ++i) {
    const auto& patterns = other_patterns[static_cast<size_t>(i)];
    RE2::Options kind_options = options;
    if (std::all_of(patterns.begin(), patterns.end(), MatchableAsBytes)) {
      kind_options.set_encoding(RE2::Options::EncodingLatin1);
    }
    impl_->others.push_back(std::make_unique<RE2::Set>(kind_options, anchors[static_cast<size_t>(i)]));
    // (Each compiles: the set of all the kind's patterns took it.)
    for (std::string_view pattern : patterns) {
      impl_->others.back()->Add(re2::StringPiece(pattern.data(), pattern.size()), nullptr);
    }
  }
  impl_->others_compiled.assign(kMarkerKinds, false);
  impl_->by_words.assign(kMarkerKinds, false);
  impl_->others_all.assign(kMarkerKinds, false);
  for (int i = 0; i < kMarkerKinds; ++i) {
    // An empty set matches nothing: it is never asked (RE2 compiles one, and
    // asking it would still cost a call that finds RE2's objects out of cache).
    impl_->compiled[i] = set_rows[static_cast<size_t>(i)] > 0 && impl_->sets[i]->Compile();
    impl_->others_compiled[i] = others_rows[static_cast<size_t>(i)] > 0 && impl_->others[i]->Compile();
    impl_->words.emplace_back(word_alternatives[static_cast<size_t>(i)]);
    // (Should the others' set fail to compile, every text takes the kind's set.)
    impl_->by_words[i] = !word_alternatives[static_cast<size_t>(i)].empty() && impl_->words.back().complete() &&
                         (others_rows[static_cast<size_t>(i)] == 0 || impl_->others_compiled[i]);
    impl_->others_all[i] =
        impl_->others_compiled[i] && others_rows[static_cast<size_t>(i)] == set_rows[static_cast<size_t>(i)];
  }
  impl_->started.resize(kMarkerKinds);
  impl_->starts.resize(kMarkerKinds);
  for (int i = 0; i < kMarkerKinds; ++i) {
    const std::string& all = kind_alternatives[static_cast<size_t>(i)];
    // (An anchored set stops within a text's first bytes already.)
    if (!impl_->compiled[i] || impl_->by_words[i] || anchors[static_cast<size_t>(i)] != RE2::UNANCHORED) continue;
    MatchStarts starts(all);
    if (starts.words().empty()) continue;  // a match may begin with any few bytes: the set reads the text
    RE2::Options kind_options = options;
    if (kind_as_bytes[static_cast<size_t>(i)]) kind_options.set_encoding(RE2::Options::EncodingLatin1);
    auto re = std::make_unique<RE2>(all, kind_options);
    if (!re->ok()) continue;
    impl_->started[static_cast<size_t>(i)] = std::move(re);
    impl_->starts[static_cast<size_t>(i)] = std::move(starts);
  }
  for (CaptureRows* rows : {&impl_->recipient, &impl_->bare_recipient, &impl_->reporting_host, &impl_->expanded_from}) {
    std::string rows_error;
    if (!rows->Compile(&rows_error)) {
      *error = "data/bounce_markers.tsv: capturing patterns: " + rows_error;
      return false;
    }
  }
  if (!list_alternatives.empty()) {
    impl_->list_heading = std::make_unique<RE2>(list_alternatives, options);
    if (!impl_->list_heading->ok()) {
      *error = "data/bounce_markers.tsv: recipient-list patterns do not compile together";
      return false;
    }
  }
  if (!reply_heading_alternatives.empty()) {
    impl_->reply_heading = std::make_unique<RE2>(reply_heading_alternatives, options);
    if (!impl_->reply_heading->ok()) {
      *error = "data/bounce_markers.tsv: reply-heading patterns do not compile together";
      return false;
    }
  }
  if (!original_alternatives.empty()) {
    impl_->original_line = std::make_unique<RE2>(original_alternatives, options);
    if (!impl_->original_line->ok()) {
      *error = "data/bounce_markers.tsv: original patterns do not compile together";
      return false;
    }
    if (impl_->original_anchored) impl_->original_start = LineStartFilter(original_alternatives);
  }
  if (!boilerplate_alternatives.empty()) {
    impl_->boilerplate = std::make_unique<RE2>(boilerplate_alternatives, options);
    if (!impl_->boilerplate->ok()) {
      *error = "data/bounce_markers.tsv: boilerplate patterns do not compile together";
      return false;
    }
    impl_->boilerplate_starts = MatchStarts(boilerplate_alternatives);
  }
  return true;
}

BounceMarkers::~BounceMarkers() = default;

bool BounceMarkers::Matches(MarkerKind kind, std::string_view text) const {
  return impl_->Matches(static_cast<int>(kind), text);
}

bool BounceMarkers::MatchesWrapped(MarkerKind kind, std::string_view text) const {
  if (Matches(kind, text)) return true;
  // A report's sentences stand near its start: the joined copy is bounded,
  // so ordinary mail (which comes here after the first pass failed) pays
  // little for it, whatever its size.
  constexpr size_t kJoinedBytes = 64 * 1024;
  text = text.substr(0, Utf8CutPoint(text, kJoinedBytes));
  return text.find('\n') != std::string_view::npos && Matches(kind, Squeeze(text));
}

bool BounceMarkers::MatchesHeader(const Headers& headers, MarkerKind kind) const {
  int i = static_cast<int>(kind);
  if (!impl_->compiled[i]) return false;
  std::string line;
  for (const HeaderField& f : headers.fields()) {
    line.assign(f.name).append(": ").append(f.value, 0, 200);
    if (impl_->Matches(i, line)) return true;
  }
  return false;
}

std::vector<std::pair<size_t, size_t>> BounceMarkers::FindRecipientPhrases(std::string_view text) const {
  return impl_->recipient.Find(text);
}

std::vector<std::pair<size_t, size_t>> BounceMarkers::FindCaptures(MarkerKind kind, std::string_view text) const {
  const CaptureRows* rows = impl_->Captures(kind);
  return rows == nullptr ? std::vector<std::pair<size_t, size_t>>() : rows->Find(text);
}

namespace {

// Where the line after each match of `heading` starts, in order (bounded).
std::vector<size_t> LinesAfterHeadings(const RE2* heading, std::string_view text) {
  std::vector<size_t> out;
  if (heading == nullptr || !heading->ok()) return out;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  size_t offset = 0;
  while (offset < text.size() && out.size() < 64 &&
         heading->Match(input, offset, text.size(), RE2::UNANCHORED, &match, 1)) {
    size_t end = static_cast<size_t>(match.data() - text.data()) + match.size();
    size_t next_line = text.find('\n', end);
    if (next_line == std::string_view::npos) break;
    out.push_back(next_line + 1);
    offset = next_line + 1;
  }
  return out;
}

}  // namespace

std::vector<size_t> BounceMarkers::FindRecipientLists(std::string_view text) const {
  return LinesAfterHeadings(impl_->list_heading.get(), text);
}

std::vector<size_t> BounceMarkers::FindReplyHeadings(std::string_view text) const {
  // A heading is a line ending in ':' (patterns say so): only such lines are
  // matched, not the whole text.
  std::vector<size_t> out;
  const RE2* heading = impl_->reply_heading.get();
  if (heading == nullptr || !heading->ok()) return out;
  constexpr size_t kMaxHeading = 200;
  size_t pos = 0;
  while (pos < text.size() && out.size() < 64) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) break;  // a heading needs lines below it
    size_t last = end;
    while (last > pos && (text[last - 1] == ' ' || text[last - 1] == '\t' || text[last - 1] == '\r')) --last;
    if (last > pos && text[last - 1] == ':' && end - pos <= kMaxHeading) {
      std::string_view line = text.substr(pos, end - pos);
      if (RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *heading)) out.push_back(end + 1);
    }
    pos = end + 1;
  }
  return out;
}

std::string BounceMarkers::StripBoilerplate(std::string_view text) const {
  std::string out(text);
  if (!impl_->boilerplate || !impl_->boilerplate->ok() || text.empty()) return out;
  if (!impl_->boilerplate_starts.Match(*impl_->boilerplate, text, 0, IsAscii(text), nullptr, 0)) return out;
  if (RE2::GlobalReplace(&out, *impl_->boilerplate, " ") == 0) return out;
  // Squeeze and trim what is left.
  std::string squeezed;
  bool space = false;
  for (char c : out) {
    if (c == ' ' || c == '\t' || c == '\n') {
      space = !squeezed.empty();
      continue;
    }
    if (space) squeezed.push_back(' ');
    space = false;
    squeezed.push_back(c);
  }
  bool words = false;
  for (char c : squeezed) words = words || std::isalpha(static_cast<unsigned char>(c));
  return words ? squeezed : std::string(text);
}

size_t BounceMarkers::FindOriginalStart(std::string_view text) const {
  if (!impl_->original_line || !impl_->original_line->ok()) return std::string_view::npos;
  // Leading blanks are allowed: some formats indent the whole body.
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    size_t s = pos;
    while (s < end && (text[s] == ' ' || text[s] == '\t')) ++s;
    std::string_view line = text.substr(s, end - s);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() >= 8 && impl_->original_start.MayStart(line) &&
        impl_->original_line->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(),
                                    impl_->original_anchored ? RE2::ANCHOR_START : RE2::UNANCHORED, nullptr, 0)) {
      return pos;
    }
    pos = end + 1;
  }
  return std::string_view::npos;
}

}  // namespace internal
}  // namespace ndr
