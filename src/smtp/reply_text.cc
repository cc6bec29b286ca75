#include "smtp/reply_text.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/strings.h"
#include "knowledge/embedded.h"
#include "knowledge/first_bytes.h"
#include "knowledge/match_starts.h"
#include "knowledge/rule_set.h"
#include "knowledge/tsv.h"
#include "smtp/code_shapes.h"

namespace ndr {
namespace internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Length of an enhanced status code "C.S.D" (class 2/4/5, 1-3 digits each) at
// text[pos], 0 when there is none. Does not look at what surrounds it.
size_t StatusLengthAt(std::string_view text, size_t pos) {
  if (pos >= text.size()) return 0;
  char c = text[pos];
  if (c != '2' && c != '4' && c != '5') return 0;
  size_t i = pos + 1;
  for (int part = 0; part < 2; ++part) {
    if (i >= text.size() || text[i] != '.') return 0;
    ++i;
    size_t start = i;
    while (i < text.size() && IsDigit(text[i]) && i - start < 3) ++i;
    if (i == start) return 0;
    if (i < text.size() && IsDigit(text[i])) return 0;  // more than 3 digits
  }
  return i - pos;
}

// A reply code shape "[245]DD" at text[pos].
bool ReplyShapeAt(std::string_view text, size_t pos) {
  return pos + 3 <= text.size() && (text[pos] == '2' || text[pos] == '4' || text[pos] == '5') &&
         IsDigit(text[pos + 1]) && IsDigit(text[pos + 2]);
}

bool AtWordStart(std::string_view text, size_t pos) { return pos == 0 || text[pos - 1] == ' '; }

struct Span {
  size_t begin;
  size_t end;
};

// The code spans FindCodes keeps of a text: a few as a rule, kept on the
// stack (this runs on every text read); more go to the heap.
class SpanList {
 public:
  void push_back(Span s) {
    if (size_ < kInline) {
      inline_[size_] = s;
    } else {
      more_.push_back(s);
    }
    ++size_;
  }
  size_t size() const { return size_; }
  const Span& operator[](size_t i) const { return i < kInline ? inline_[i] : more_[i - kInline]; }

 private:
  static constexpr size_t kInline = 16;
  Span inline_[kInline];
  std::vector<Span> more_;
  size_t size_ = 0;
};

RE2::Options PhraseOptions() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  return o;
}

// The command rows as one RE2::Set, index k for the k-th row; null when a
// row does not go in or the set does not compile (FindCommand then takes
// the prefilter's way).
std::unique_ptr<RE2::Set> CommandSet(const std::vector<std::string>& patterns) {
  auto set = std::make_unique<RE2::Set>(PhraseOptions(), RE2::UNANCHORED);
  for (size_t k = 0; k < patterns.size(); ++k) {
    if (set->Add(patterns[k], nullptr) != static_cast<int>(k)) return nullptr;
  }
  if (patterns.empty() || !set->Compile()) return nullptr;
  return set;
}

// Where the first line that starts with a reply code ("550 ", "550-",
// "550:") begins, npos when none.
size_t FirstReplyLine(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
    if (ReplyShapeAt(text, start) && start + 3 < text.size() &&
        (text[start + 3] == ' ' || text[start + 3] == '-' || text[start + 3] == ':')) {
      return start;
    }
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return std::string_view::npos;
}

}  // namespace

struct SmtpText::Impl {
  struct CommandRow {
    SmtpCommand command;  // (its pattern is matched by phrase_set)
  };
  struct WrapperRow {  // (its pattern is phrase_set's, with its capture groups)
    int host = 0;   // capture group numbers, 0 when absent
    int reply = 0;
    int code = 0;
  };
  std::vector<CommandRow> commands;      // table order: the first that matches wins
  std::unique_ptr<RE2> keyword_before;  // any keyword, anchored at the end of the text before a code
  std::unique_ptr<RE2> unit_after;      // any unit, anchored at the start of the text after a number
  // The bytes a unit can start with. Most codes are followed by a digit
  // ("550 5.1.1") or a word no unit starts with: the byte test spares a
  // cold RE2 call for four codes in five.
  ByteSet unit_first;
  std::vector<WrapperRow> wrappers;      // wrapper and prose rows, table order
  // Command, wrapper and prose rows in one set, in table order: ReadReply
  // needs both on the same text, so one prefilter pass serves both.
  RuleSet phrase_set;
  struct SetRow {
    bool command;  // commands[index], else wrappers[index]
    size_t index;
  };
  std::vector<SetRow> set_rows;  // by phrase_set index
  std::unique_ptr<RE2> transcript_command;
  // The command rows alone, in table order, for FindCommand: one RE2::Set
  // pass says which match (null when RE2 could not build it).
  std::unique_ptr<RE2::Set> command_set;

  bool PrecededByKeyword(std::string_view text, size_t begin) const;
  bool StatusBoundaryOk(std::string_view text, size_t begin, size_t end) const;
  bool ReplyBoundaryOk(std::string_view text, size_t begin, size_t end) const;
};

SmtpText::SmtpText(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SmtpText::~SmtpText() = default;

std::shared_ptr<const SmtpText> SmtpText::Load(std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  std::string_view content = EmbeddedTableContent("smtp_phrases.tsv");
  if (content.empty()) {
    *error = "data/smtp_phrases.tsv: missing from the build";
    return nullptr;
  }
  return FromTable("smtp_phrases.tsv", content, error);
}

std::shared_ptr<const SmtpText> SmtpText::FromTable(std::string_view name, std::string_view content,
                                                    std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  TsvTable t;
  if (!ParseTsv(name, content, {"kind", "pattern", "command", "sample"}, &t, error)) return nullptr;
  auto impl = std::make_unique<Impl>();
  RE2::Options o = PhraseOptions();
  std::string keywords;
  std::string units;
  std::vector<std::string> command_patterns;
  for (const TsvRow& row : t.rows) {
    std::string_view kind = t.Cell(row, "kind");
    std::string pattern(t.Cell(row, "pattern"));
    if (pattern.empty() || t.Cell(row, "sample").empty()) {
      *error = t.Where(row, "pattern and sample must not be empty");
      return nullptr;
    }
    // Command, wrapper and prose rows are compiled once, by phrase_set (the
    // wrapper and prose rows with the groups StripOnce reads); the others
    // alone, so that an error names the row.
    const bool in_set = kind == "command" || kind == "wrapper" || kind == "prose";
    std::string row_error;
    int set_index = -1;
    if (in_set) {
      set_index = impl->phrase_set.Add(pattern, &row_error,
                                       kind == "command" ? RuleSet::Groups::kDrop : RuleSet::Groups::kKeep);
    } else if (RE2 alone(pattern, o); !alone.ok()) {
      row_error = alone.error();
    }
    if (!row_error.empty()) {
      *error = t.Where(row, "pattern does not compile: " + row_error);
      return nullptr;
    }
    if (kind == "command") {
      SmtpCommand command;
      if (!ParseSmtpCommand(t.Cell(row, "command"), &command) || command == SmtpCommand::kUnknown) {
        *error = t.Where(row, "unknown command '" + std::string(t.Cell(row, "command")) + "'");
        return nullptr;
      }
      impl->set_rows.push_back({true, impl->commands.size()});
      impl->commands.push_back({command});
      command_patterns.push_back(pattern);
    } else if (kind == "keyword" || kind == "unit") {
      std::string& list = kind == "keyword" ? keywords : units;
      if (!list.empty()) list += '|';
      list += "(?:" + pattern + ")";
    } else if (kind == "wrapper" || kind == "prose") {
      Impl::WrapperRow w;
      const auto& groups = impl->phrase_set.Compiled(set_index, true).NamedCapturingGroups();
      for (const auto& [group, index] : groups) {
        if (group == "host") w.host = index;
        else if (group == "reply") w.reply = index;
        else if (group == "code") w.code = index;
        else {
          *error = t.Where(row, "unknown group name '" + group + "' (host, reply, code)");
          return nullptr;
        }
      }
      if (kind == "prose" && !groups.empty()) {
        *error = t.Where(row, "prose rows have no groups");
        return nullptr;
      }
      impl->set_rows.push_back({false, impl->wrappers.size()});
      impl->wrappers.push_back(w);
    } else {
      *error = t.Where(row, "unknown kind '" + std::string(kind) + "' (command, keyword, unit, wrapper, prose)");
      return nullptr;
    }
  }
  impl->command_set = CommandSet(command_patterns);
  std::string compile_error;
  if (!impl->phrase_set.Compile(&compile_error)) {
    *error = "data/" + std::string(name) + ": " + compile_error;
    return nullptr;
  }
  // Keywords are matched at the end of the words before a code, units at the
  // start of the words after a number.
  impl->keyword_before = std::make_unique<RE2>("(?:" + (keywords.empty() ? "$^" : keywords) + ")$", o);
  impl->unit_after = std::make_unique<RE2>("^ *(?:" + (units.empty() ? "$^" : units) + ")", o);
  if (!units.empty()) impl->unit_first = FirstBytes("(?:" + units + ")");
  // Sendmail-style transcripts: ">>> CMD" lines.
  impl->transcript_command =
      std::make_unique<RE2>(">>> ?(rcpt|mail|data|ehlo|helo|starttls|auth|bdat|quit|\\.)", o);
  if (!impl->keyword_before->ok() || !impl->unit_after->ok()) {
    *error = "data/" + std::string(name) + ": keyword or unit patterns do not compile together";
    return nullptr;
  }
  return std::shared_ptr<const SmtpText>(new SmtpText(std::move(impl)));
}

// ---- codes ------------------------------------------------------------------

bool SmtpText::Impl::PrecededByKeyword(std::string_view text, size_t begin) const {
  size_t from = begin > 40 ? begin - 40 : 0;
  std::string_view before = text.substr(from, begin - from);
  // Only blanks, quotes, '#', '(' or '<' may sit between the keyword and the
  // code; a keyword may itself end in '<' ("<<< 550").
  auto ends_with_keyword = [&](bool skip_brackets) {
    size_t k = before.size();
    while (k > 0 && (before[k - 1] == ' ' || before[k - 1] == '\t' || before[k - 1] == '\n' ||
                     (skip_brackets && (before[k - 1] == '#' || before[k - 1] == '(' || before[k - 1] == '"' ||
                                        before[k - 1] == '\'' || before[k - 1] == '<')))) {
      --k;
    }
    return k > 0 && keyword_before->Match(re2::StringPiece(before.data(), k), 0, k, RE2::UNANCHORED, nullptr, 0);
  };
  return ends_with_keyword(false) || ends_with_keyword(true);
}

// A status "5.1.1" at [begin,end) is a code only if it is not part of a longer
// dotted number (an IP address such as 5.1.1.4 or 10.5.1.1, a version 2.5.1.3).
bool SmtpText::Impl::StatusBoundaryOk(std::string_view text, size_t begin, size_t end) const {
  if (begin > 0) {
    char p = text[begin - 1];
    // "550-5.1.1": the status of a multi-line reply's line.
    bool after_reply = p == '-' && begin >= 4 && ReplyShapeAt(text, begin - 4) &&
                       (begin == 4 || !IsAlnum(text[begin - 5]));
    bool labelled = p == ':' && PrecededByKeyword(text, begin);
    if (!after_reply && !labelled &&
        (IsAlnum(p) || p == '.' || p == '-' || p == '/' || p == ':' || p == '_')) {
      return false;
    }
  }
  if (end < text.size()) {
    char n = text[end];
    if (IsAlnum(n) || n == '-' || n == '/' || n == '_') return false;
    if ((n == '.' || n == ':') && end + 1 < text.size() && IsDigit(text[end + 1])) return false;
  }
  return true;
}

// A reply code "550" at [begin,end) must stand alone: not inside a word, a
// dotted or colon-separated number (IP, time, port), a date, a path or a size.
bool SmtpText::Impl::ReplyBoundaryOk(std::string_view text, size_t begin, size_t end) const {
  if (begin > 0) {
    char p = text[begin - 1];
    bool labelled = p == ':' && PrecededByKeyword(text, begin);
    if (!labelled && (IsAlnum(p) || p == '.' || p == ':' || p == '/' || p == '-' || p == '+' || p == '=' ||
                      p == '_' || p == '@' || p == '$' || p == '%')) {
      return false;
    }
  }
  if (end < text.size()) {
    char n = text[end];
    // "550: 5.2.2 ..." (Yahoo) and "Error 550: ..." put a colon after the code.
    bool colon = n == ':' && (end + 1 == text.size() || text[end + 1] == ' ');
    if (!colon && n != ' ' && n != '-' && n != '\t' && n != '\n' && n != ')' && n != ']' && n != ',' &&
        n != ';' && n != '"' && n != '\'') {
      return false;
    }
    if (n == '-' && end + 1 < text.size() && IsDigit(text[end + 1]) &&
        !(end + 2 < text.size() && text[end + 2] == '.')) {
      return false;  // 550-1234 (a phone number, a range), but 550-5.1.1 is fine
    }
    // Sizes, counts and durations: "552 bytes", "550 KB", "421 seconds".
    if (n == ' ') {
      std::string_view after = text.substr(end + 1, 24);
      const size_t word = after.find_first_not_of(' ');
      if (word != std::string_view::npos && unit_first[static_cast<unsigned char>(after[word])] &&
          unit_after->Match(re2::StringPiece(after.data(), after.size()), 0, after.size(), RE2::UNANCHORED, nullptr,
                            0)) {
        return false;
      }
    }
  }
  return true;
}

CodesInText SmtpText::FindCodes(std::string_view text) const {
  const Impl& p = *impl_;
  CodesInText out;
  SpanList statuses;
  SpanList replies;
  ForEachCodeShape(
      text,
      [&](size_t begin) {
        if (p.ReplyBoundaryOk(text, begin, begin + 3)) replies.push_back({begin, begin + 3});
      },
      [&](size_t begin, size_t end) {
        if (p.StatusBoundaryOk(text, begin, end)) statuses.push_back({begin, end});
      });
  auto status_at = [&](size_t pos) -> const Span* {
    for (size_t k = 0; k < statuses.size(); ++k) {
      if (statuses[k].begin == pos) return &statuses[k];
    }
    return nullptr;
  };
  const Span* chosen_reply = nullptr;
  const Span* chosen_status = nullptr;
  // 1. A reply code followed by a status code of the same class ("550 5.1.1",
  //    "550-5.1.1", "550: 5.1.1").
  for (size_t k = 0; k < replies.size(); ++k) {
    const Span& r = replies[k];
    size_t s = r.end;
    if (s < text.size() && text[s] == ':') ++s;
    if (s + 1 < text.size() && (text[s] == ' ' || text[s] == '-')) {
      const Span* st = status_at(s + 1);
      if (st != nullptr && text[st->begin] == text[r.begin]) {
        chosen_reply = &r;
        chosen_status = st;
        break;
      }
    }
  }
  // 2. A reply code at the very start, or 3. right after a keyword such as "said:".
  if (chosen_reply == nullptr) {
    for (size_t k = 0; k < replies.size(); ++k) {
      const Span& r = replies[k];
      size_t lead = 0;
      while (lead < r.begin && (text[lead] == ' ' || text[lead] == '#' || text[lead] == '(')) ++lead;
      if (lead == r.begin || p.PrecededByKeyword(text, r.begin)) {
        chosen_reply = &r;
        break;
      }
    }
  }
  // 4. Any free-standing 4xx/5xx code followed by words: "550 No such user",
  //    also "550 - Requested action not taken" (Apache James).
  if (chosen_reply == nullptr) {
    for (size_t k = 0; k < replies.size(); ++k) {
      const Span& r = replies[k];
      size_t w = r.end;
      if (w < text.size() && text[w] == ' ' && w + 2 < text.size() && text[w + 1] == '-' && text[w + 2] == ' ') {
        w += 2;
      }
      // "550-Your message was rejected": the first line of a multi-line reply.
      bool first_line = text[w] == '-' && AtWordStart(text, r.begin);
      if (text[r.begin] != '2' && w + 1 < text.size() && (text[w] == ' ' || first_line) &&
          std::isalpha(static_cast<unsigned char>(text[w + 1]))) {
        chosen_reply = &r;
        break;
      }
    }
  }
  if (chosen_status == nullptr) {
    // A success code alone is taken only when it opens the text ("2.0.0 Ok");
    // elsewhere "Apple Mail (2.753.1)" is a version, and transcripts quote
    // "250 2.1.5 Ok" before the failure.
    size_t lead = 0;
    while (lead < text.size() && (text[lead] == ' ' || text[lead] == '#' || text[lead] == '(')) ++lead;
    for (size_t k = 0; k < statuses.size(); ++k) {
      const Span& s = statuses[k];
      if (text[s.begin] != '2' || (statuses.size() == 1 && s.begin == lead)) {
        chosen_status = &s;
        break;
      }
    }
  }
  if (chosen_reply != nullptr) {
    out.reply_code = (text[chosen_reply->begin] - '0') * 100 + (text[chosen_reply->begin + 1] - '0') * 10 +
                     (text[chosen_reply->begin + 2] - '0');
    out.code_start = chosen_reply->begin;
    out.text_start = chosen_reply->end;
  }
  if (chosen_status != nullptr) {
    EnhancedStatus::Parse(text.substr(chosen_status->begin, chosen_status->end - chosen_status->begin),
                          &out.status);
    if (chosen_reply == nullptr) out.code_start = chosen_status->begin;
    if (chosen_status->end > out.text_start) out.text_start = chosen_status->end;
  }
  while (out.text_start < text.size() &&
         (text[out.text_start] == ' ' || text[out.text_start] == '-' || text[out.text_start] == ':')) {
    ++out.text_start;
  }
  return out;
}

// ---- commands ---------------------------------------------------------------

SmtpCommand CommandFromVerb(std::string_view words) {
  words = Trim(words);
  if (words == ".") return SmtpCommand::kDataEnd;
  static constexpr std::pair<std::string_view, SmtpCommand> kVerbs[] = {
      {"rcpt", SmtpCommand::kRcpt},   {"mail", SmtpCommand::kMail},         {"data", SmtpCommand::kData},
      {"bdat", SmtpCommand::kBdat},   {"ehlo", SmtpCommand::kEhlo},         {"helo", SmtpCommand::kHelo},
      {"starttls", SmtpCommand::kStartTls}, {"auth", SmtpCommand::kAuth}, {"rset", SmtpCommand::kRset},
      {"quit", SmtpCommand::kQuit},   {"vrfy", SmtpCommand::kVrfy},
  };
  for (const auto& [verb, command] : kVerbs) {
    if (IStartsWith(words, verb)) return command;
  }
  return SmtpCommand::kUnknown;
}

SmtpCommand SmtpText::FindCommand(std::string_view text, bool* failed) const {
  const Impl& p = *impl_;
  // The command rows alone: one pass of their RE2::Set says exactly which
  // match, for a third of what the phrase prefilter's word search over the
  // text and a run of each row it lets through cost (ReadReply, which needs
  // the prefilter for its wrappers anyway, keeps that way). Should the set's
  // DFA run out of memory, the prefilter's way answers.
  if (p.command_set != nullptr) {
    std::vector<int> rows;
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    if (p.command_set->Match(re2::StringPiece(text.data(), text.size()), &rows, &info)) {
      // (The set gives its matches in no order: the first row in table order wins.)
      return p.commands[static_cast<size_t>(*std::min_element(rows.begin(), rows.end()))].command;
    }
    if (info.kind == RE2::Set::kNoError) return FindCommandIn(text, {});  // no row: a transcript's ">>>" may name one
  }
  return FindCommandIn(text, p.phrase_set.Potentials(text, failed));
}

SmtpCommand SmtpText::FindCommandIn(std::string_view text, const std::vector<int>& potentials) const {
  const Impl& p = *impl_;
  for (int row : potentials) {  // ascending: table order, the first command row that matches wins
    const Impl::SetRow& r = p.set_rows[static_cast<size_t>(row)];
    if (r.command && p.phrase_set.Matches(row, text)) return p.commands[r.index].command;
  }
  // A Sendmail-style transcript: the last ">>> CMD" line.
  if (text.find(">>>") == std::string_view::npos) return SmtpCommand::kUnknown;
  re2::StringPiece input(text.data(), text.size());
  std::string words;
  std::string last;
  re2::StringPiece scan = input;
  while (RE2::FindAndConsume(&scan, *p.transcript_command, &words)) last = words;
  return last.empty() ? SmtpCommand::kUnknown : CommandFromVerb(last);
}

// ---- wrappers and replies ---------------------------------------------------

std::string SmtpText::StripWrappers(std::string_view raw, std::string* host, bool* failed) const {
  std::string text = Squeeze(raw);
  std::vector<int> potentials = impl_->phrase_set.Potentials(text, failed);
  return StripSqueezed(std::move(text), potentials, host, failed);
}

std::string SmtpText::StripSqueezed(std::string text, const std::vector<int>& potentials, std::string* host,
                                    bool* failed, bool* changed) const {
  const Impl& p = *impl_;
  // Removing one wrapper can bring another to the start of the text (anchored
  // rows): a few passes, each over the rows that match what is left.
  if (!StripOnce(p, potentials, &text, host)) return text;
  if (changed != nullptr) *changed = true;
  for (int pass = 1; pass < 3; ++pass) {
    if (!StripOnce(p, p.phrase_set.Potentials(text, failed), &text, host)) break;
  }
  return text;
}

// Applies, in table order, the wrapper rows among `potentials` (the
// prefilter's rows for *text) that match *text as it is when the pass starts;
// false when none changed it.
namespace {

// Appends `rest` to *out with every match of `re` in it a blank, as
// RE2::GlobalReplace(&rest, re, " ") and appending would; false (nothing
// appended) when `re` matched empty words, which GlobalReplace steps over
// its own way.
// (`starts` are `re`'s, `ascii` whether `rest` is: see MatchStarts::Match.)
bool AppendWithoutMatches(const RE2& re, const MatchStarts& starts, bool ascii, std::string_view rest,
                          SqueezedText* out) {
  SpanList matches;
  re2::StringPiece m;
  for (size_t at = 0; at <= rest.size() && starts.Match(re, rest, at, ascii, &m, 1);) {
    if (m.empty()) return false;
    const size_t begin = static_cast<size_t>(m.data() - rest.data());
    matches.push_back({begin, begin + m.size()});
    at = begin + m.size();
  }
  size_t from = 0;
  for (size_t k = 0; k < matches.size(); ++k) {
    out->Append(rest.substr(from, matches[k].begin - from));
    out->AppendBlank();
    from = matches[k].end;
  }
  out->Append(rest.substr(from));
  return true;
}

// Capture groups a wrapper row is matched with on the stack (more: the heap).
constexpr int kStackGroups = 8;

}  // namespace

bool SmtpText::StripOnce(const Impl& p, const std::vector<int>& potentials, std::string* text_io,
                         std::string* host) {
  std::string& text = *text_io;
  bool changed = false;
  std::string start;  // the text as the pass began, kept once a row changed it
  // (What rows leave of an ASCII text is ASCII.)
  const bool ascii = IsAscii(text);
  for (int row : potentials) {
    const Impl::SetRow& r = p.set_rows[static_cast<size_t>(row)];
    if (r.command) continue;
    const Impl::WrapperRow& w = p.wrappers[r.index];
    // Only the groups that are used are asked for (none: RE2 finds the
    // match without working out groups).
    const bool want_host = w.host != 0 && host != nullptr && host->empty();
    const int groups = 1 + std::max({w.reply, w.code, want_host ? w.host : 0});
    re2::StringPiece stack_match[kStackGroups];
    std::vector<re2::StringPiece> heap_match(groups > kStackGroups ? static_cast<size_t>(groups) : 0);
    re2::StringPiece* match = groups > kStackGroups ? heap_match.data() : stack_match;
    const MatchStarts& starts = p.phrase_set.Starts(row);
    const RE2& re = p.phrase_set.Compiled(row, ascii);
    if (!starts.Match(re, text, 0, ascii, match, groups)) continue;
    // Only rows that match the text the pass started with apply (a row that
    // matches only what an earlier row left waits for the next pass). Asked
    // second: a row whose words an earlier row took away is then searched
    // once, not twice.
    if (changed && !p.phrase_set.Matches(row, start)) continue;
    if (want_host && !match[w.host].empty()) *host = std::string(match[w.host].data(), match[w.host].size());
    const size_t begin = static_cast<size_t>(match[0].data() - text.data());
    const size_t end = begin + match[0].size();
    std::string_view code;
    if (w.code != 0 && !match[w.code].empty()) code = std::string_view(match[w.code].data(), match[w.code].size());
    std::string next;
    SqueezedText squeezed(&next);
    if (w.reply != 0) {
      // The wrapper holds the reply: what stood around the wrapper is the
      // report's, not the server's.
      // (Append asks room for one byte more than it writes.)
      next.reserve(code.size() + 2 + match[w.reply].size());
      if (!code.empty()) {
        squeezed.Append(code);
        squeezed.AppendBlank();
      }
      squeezed.Append(std::string_view(match[w.reply].data(), match[w.reply].size()));
    } else {
      // What stood before the row's words, a blank, the code, and the rest,
      // where a prose or wrapper row may occur more than once ("-----" headings).
      next.reserve(text.size() + code.size() + 3);
      squeezed.Append(std::string_view(text).substr(0, begin));
      squeezed.AppendBlank();
      if (!code.empty()) {
        squeezed.Append(code);
        squeezed.AppendBlank();
      }
      if (!AppendWithoutMatches(re, starts, ascii, std::string_view(text).substr(end), &squeezed)) {
        std::string rest = text.substr(end);
        RE2::GlobalReplace(&rest, re, " ");
        squeezed.Append(rest);
      }
    }
    if (!changed) start = std::move(text);
    text = std::move(next);
    changed = true;
  }
  return changed;
}

ServerReply SmtpText::ReadReply(std::string_view raw) const {
  ServerReply out;
  std::string flat = Squeeze(raw);
  std::vector<int> potentials = impl_->phrase_set.Potentials(flat, &out.matching_failed);
  out.command = FindCommandIn(flat, potentials);
  bool stripped = false;
  std::string text = StripSqueezed(std::move(flat), potentials, &out.remote_host, &out.matching_failed, &stripped);
  CodesInText codes = FindCodes(text);
  if (codes.reply_code == 0) {
    // A reply code that opens a line is a reply line ("554 <a@b>... Service
    // unavailable" in a transcript), wherever the line is. Its words are
    // those of its block of lines: a local agent's line right above it
    // ("mail.local: unknown user: jo") says why.
    size_t line = FirstReplyLine(raw);
    if (line != std::string_view::npos) {
      CodesInText line_codes = FindCodes(StripWrappers(raw.substr(line), nullptr, &out.matching_failed));
      if (line_codes.reply_code != 0 && line_codes.code_start == 0) {
        size_t block = raw.rfind("\n\n", line);
        block = block == std::string_view::npos ? 0 : block + 2;
        out.words = StripWrappers(raw.substr(block), nullptr, &out.matching_failed);
        JoinReplyLines(&out.words);
        out.codes = FindCodes(out.words);
        if (out.codes.reply_code == 0) {
          out.codes.reply_code = line_codes.reply_code;
          if (out.codes.status.empty()) out.codes.status = line_codes.status;
        }
        return out;
      }
    }
  }
  // From the reply code on; a status code alone often closes the sentence
  // ("... connection. (#4.4.1)"), so the words before it stay.
  bool closing_status = codes.reply_code == 0 && codes.code_start > 0 &&
                        (text[codes.code_start - 1] == '(' || text[codes.code_start - 1] == '#' ||
                         text[codes.code_start - 1] == '[');
  // A reply is cut from the text only when it stands as a reply line does
  // ("550 ...", "550-...", "550: ..."); "[ResponseCode 421, Host not
  // reachable.]" is the report's sentence about a reply, kept whole.
  bool reply_line = true;
  if (codes.reply_code != 0) {
    size_t after = codes.code_start + 3;
    reply_line = after >= text.size() || text[after] == ' ' || text[after] == '-' || text[after] == ':';
  }
  // Where the words start in `text` (squeezed: the lines are joined in place).
  size_t start;
  if ((codes.reply_code != 0 || !codes.status.empty()) && !closing_status && reply_line) {
    start = codes.code_start;
  } else {
    // What is left of the recipient's own line, past what its address left.
    start = text.find_first_not_of(kAddressLeftovers);
  }
  // Unstripped, the text is the one the command was looked for in: the words
  // are that text when they are all of it and joining changed nothing.
  if (start == 0) {
    out.words = std::move(text);
    const bool joined = JoinReplyLines(&out.words);
    out.command_of_words = !joined && !stripped;
    // Unjoined, the words are the very text the codes were read from.
    out.codes = joined ? FindCodes(out.words) : codes;
  } else {
    out.command_of_words = !stripped && start == std::string::npos && text.empty();
    if (start != std::string::npos) {
      out.words.assign(text, start, std::string::npos);
      JoinReplyLines(&out.words);
      out.codes = FindCodes(out.words);
    }
  }
  return out;
}

namespace {

// Whether Squeeze(text) would give `text` back: no white space at either
// end, and none between words but single blanks. Most texts NormalizeReply
// is given were squeezed when the extractor read them (the classifier reads
// a finding's diagnostic again), and this costs a fraction of the squeeze.
// A control byte other than white space (a word byte to Squeeze) also
// answers false: the squeeze then decides.
bool IsSqueezed(std::string_view text) {
  if (text.empty()) return true;
  if (IsSpace(text.front()) || IsSpace(text.back())) return false;
  bool blank_before = false;  // the byte before position i is a blank
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i blank = _mm_set1_epi8(' ');
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    const auto low = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, blank), v)));  // <= ' '
    const auto blanks = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, blank)));
    if (low != blanks || (blanks & (blanks << 1)) != 0 || (blank_before && (blanks & 1) != 0)) return false;
    blank_before = (blanks >> 15) != 0;
  }
#endif
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) > ' ') {
      blank_before = false;
    } else if (c != ' ' || blank_before) {
      return false;
    } else {
      blank_before = true;
    }
  }
  return true;
}

}  // namespace

std::string NormalizeReply(std::string_view raw) {
  std::string text = IsSqueezed(raw) ? std::string(raw) : Squeeze(raw);
  JoinReplyLines(&text);
  return text;
}

namespace {

// Where the first line prefix of a squeezed text starts: "550-" or "550 "
// at the start, or a later "550-" at a word's start (the words before it are
// kept) not followed by a number that is no status code; npos when none.
size_t FirstReplyPrefix(std::string_view text) {
  if (ReplyShapeAt(text, 0) && text.size() > 3 && (text[3] == '-' || text[3] == ' ')) return 0;
  // A later prefix holds a '-' (few in a text): only those are looked at.
  for (size_t dash = text.find('-', 4); dash != std::string_view::npos; dash = text.find('-', dash + 1)) {
    size_t i = dash - 3;
    if (text[i - 1] == ' ' && ReplyShapeAt(text, i) &&
        (i + 4 == text.size() || !IsDigit(text[i + 4]) || StatusLengthAt(text, i + 4) > 0)) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool JoinReplyLines(std::string* text_io) {
  std::string& text = *text_io;
  const size_t first = FirstReplyPrefix(text);
  if (first == std::string::npos) return false;
  const size_t size = text.size();
  const bool multi_line = text[first + 3] == '-';
  const char code[3] = {text[first], text[first + 1], text[first + 2]};
  size_t status_length = StatusLengthAt(text, first + 4);
  if (status_length > 0 && first + 4 + status_length < size && text[first + 4 + status_length] != ' ') {
    status_length = 0;
  }
  // The status the later lines repeat (at most "5.123.123": kept on the stack).
  char status[12];
  std::copy_n(text.data() + first + 4, status_length, status);
  const std::string_view status_view(status, status_length);
  const std::string_view code_view(code, 3);
  // "550-" / "550 " becomes "550 ", the status and its blank stay; the rest
  // is moved down over the later prefixes, in place: what is written never
  // passes what is still to be read, and a byte is read (also the one before
  // a prefix, for its word start) before anything is written over it.
  text[first + 3] = ' ';
  const size_t body = first + 4 + (status_length == 0 ? 0 : status_length + 1);
  size_t w = std::min(body, size);
  size_t r = w;
  char* data = text.data();
  auto move_down = [&](size_t from, size_t to) {  // text[from, to) to text[w...)
    if (to > from && w != from) std::memmove(data + w, data + from, to - from);
    w += to - from;
  };
  const std::string_view all(data, size);
  while (r < size) {
    size_t at = all.find(code_view, r);
    if (at == std::string_view::npos) {
      move_down(r, size);
      break;
    }
    move_down(r, at);
    // A later line's prefix: "550-", "550-5.7.1 ", "550 5.7.1 "; "550 " alone
    // only ends a multi-line reply.
    bool word_start = at == body || all[at - 1] == ' ';
    if (word_start && at + 3 < size && (all[at + 3] == '-' || all[at + 3] == ' ')) {
      size_t j = at + 4;
      bool has_status = status_length > 0 && all.compare(j, status_length, status_view) == 0 &&
                        (j + status_length == size || all[j + status_length] == ' ');
      if (has_status || all[at + 3] == '-' || (multi_line && status_length == 0)) {
        if (has_status) j += status_length;
        while (j < size && all[j] == ' ') ++j;
        r = j;
        continue;
      }
    }
    move_down(at, at + 1);
    r = at + 1;
  }
  while (w > 0 && data[w - 1] == ' ') --w;
  text.resize(w);
  return multi_line || w != size;
}

}  // namespace internal
}  // namespace ndr
