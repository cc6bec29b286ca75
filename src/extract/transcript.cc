// Sendmail-style SMTP session transcripts (Sendmail V8 and V5, and the
// clones that print the same layout):
//
//   While talking to mx.example.org:          (or "... while talking to h.:")
//   >>> RCPT To:<a@example.org>
//   <<< 550 5.1.1 <a@example.org>... User unknown
//   550 <a@example.org>... User unknown          (the result line)
//
// One session's error reply belongs to the recipient of the RCPT that drew
// it, or else to the first result line after it; a result line with no such
// reply speaks for itself ("554 <b@example.net>... 550 Host unknown").
#include <re2/re2.h>

#include <cctype>
#include <vector>

#include "extract/extractor_impl.h"
#include "extract/text_util.h"

namespace ndr {
namespace internal {
namespace {

constexpr size_t kMaxLines = 2000;
constexpr size_t kMaxEntries = 512;

bool SameAddress(std::string_view a, std::string_view b) { return !a.empty() && IEquals(a, b); }

struct Session {
  SmtpCommand command = SmtpCommand::kUnknown;
  std::string rcpt;   // the address of the last ">>> RCPT"
  std::string reply;  // the "<<<" lines after the last ">>>", joined
  bool consumed = false;
  std::vector<size_t> consumed_entries;  // entries that took a reply to the current ">>>"
  bool replied_after_command = false;
};

// "RCPT To:<kim>" -> "kim"; "" when the brackets hold no bare local part.
std::string LocalPartInBrackets(std::string_view words) {
  size_t open = words.find('<');
  size_t close = words.find('>', open == std::string_view::npos ? words.size() : open);
  if (close == std::string_view::npos) return {};
  std::string_view inside = words.substr(open + 1, close - open - 1);
  return IsBareLocalPart(inside) ? std::string(inside) : std::string();
}

bool IsReplyClass(char c) { return c == '2' || c == '4' || c == '5'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
// RE2's \s.
bool IsPatternSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

// Past a run of 1 to 3 digits at line[i] and the byte `next` after it;
// npos when they are not there.
size_t PastDigitsThen(std::string_view line, size_t i, char next) {
  size_t j = i;
  while (j < line.size() && IsAsciiDigit(line[j])) ++j;
  if (j == i || j - i > 3 || j >= line.size() || line[j] != next) return std::string_view::npos;
  return j + 1;
}

}  // namespace

// The pattern, for reference (local_parts: "[^\s<>@]+?" for the address):
//   ^([245][0-9][0-9])[ -](?:[245]\.[0-9]{1,3}\.[0-9]{1,3} )?<?([^\s<>]+@[^\s<>]+?)>?\.\.\.\s*(.*)$
// read in the order RE2 (like Perl) prefers its ways through it.
bool AsciiResultLine(std::string_view line, bool local_parts, std::string_view* address, std::string_view* words) {
  constexpr size_t npos = std::string_view::npos;
  const size_t n = line.size();
  if (n < 4 || !IsReplyClass(line[0]) || !IsAsciiDigit(line[1]) || !IsAsciiDigit(line[2]) ||
      (line[3] != ' ' && line[3] != '-')) {
    return false;
  }
  size_t i = 4;
  // A status with its blank is taken (the way without it fails too: the
  // address's bytes would stop at that blank with no '@' and no "..." in them).
  if (i + 1 < n && IsReplyClass(line[i]) && line[i + 1] == '.') {
    size_t past = PastDigitsThen(line, i + 2, '.');
    if (past != npos) past = PastDigitsThen(line, past, ' ');
    if (past != npos) i = past;
  }
  if (i < n && line[i] == '<') ++i;  // (without it, the address could not begin with '<' either)
  auto address_byte = [&](char c) { return !IsPatternSpace(c) && c != '<' && c != '>' && (!local_parts || c != '@'); };
  size_t run_end = i;  // the address lies in [i, run_end)
  while (run_end < n && address_byte(line[run_end])) ++run_end;
  // Where the match goes on past an address that ends at k: ">..." (the
  // optional '>' is tried first) or "..."; npos when neither is there.
  auto past_dots = [&](size_t k) {
    if (k < n && line[k] == '>' && line.compare(k + 1, 3, "...") == 0) return k + 4;
    if (line.compare(k, 3, "...") == 0) return k + 3;
    return npos;
  };
  size_t end = npos;   // the address's end
  size_t rest = npos;  // where the words begin (before their blanks)
  // The address ends as early as it can (a lazy part), after the last '@'
  // that lets it (the greedy local part) when it holds one.
  auto first_end = [&](size_t from) {
    for (size_t k = from; k <= run_end; ++k) {
      rest = past_dots(k);
      if (rest != npos) {
        end = k;
        return true;
      }
    }
    return false;
  };
  if (local_parts) {
    if (!first_end(i + 1)) return false;
  } else {
    // The last '@' with an end at least two bytes after it, then the first
    // such end: three walks, each linear. (Trying each '@' from the last,
    // each walking on to the run's end, took 20 s on a line of 100,000 '@'.)
    size_t last_end = npos;
    for (size_t k = run_end + 1; k-- > i + 3;) {
      if (past_dots(k) != npos) {
        last_end = k;
        break;
      }
    }
    if (last_end == npos) return false;
    size_t at = last_end - 1;
    while (at-- > i + 1 && line[at] != '@') {
    }
    if (at <= i || line[at] != '@' || !first_end(at + 2)) return false;
  }
  while (rest < n && IsPatternSpace(line[rest])) ++rest;
  *address = line.substr(i, end - i);
  *words = line.substr(rest);
  return true;
}

Transcript ParseTranscript(const ExtractorPatterns& p, std::string_view text, bool local_parts) {
  Transcript out;
  // Cheap test first: no ">>> " and no "... " result line, no transcript.
  if (text.find(">>> ") == std::string_view::npos && text.find("... ") == std::string_view::npos) return out;
  const RE2& session_line = *p.transcript_session;
  const RE2& result_line = local_parts ? *p.transcript_local_result : *p.transcript_result;
  Session session;
  bool in_session = false;
  auto flush_reply = [&]() {
    if (in_session && !session.reply.empty() && (session.reply[0] == '4' || session.reply[0] == '5')) {
      out.replies.emplace_back(session.command, session.reply);
    }
  };
  size_t pos = 0;
  size_t lines = 0;
  while (pos < text.size() && lines++ < kMaxLines && out.entries.size() < kMaxEntries) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    re2::StringPiece piece(line.data(), line.size());
    // The first byte each line pattern needs (ExtractorPatterns): most lines
    // of a text are neither, and skip both regular expressions.
    // A session line also ends with ':', a result line holds "..." (the
    // words each pattern needs).
    const char first = line.empty() ? '\0' : line[0];
    const bool may_open_session = (first == 'w' || first == 'W' || first == '.') && line.back() == ':';
    const bool may_be_result =
        (first == '2' || first == '4' || first == '5') && line.find("...") != std::string_view::npos;
    if (may_open_session && RE2::FullMatch(piece, session_line)) {
      flush_reply();
      session = Session();
      in_session = true;
      continue;
    }
    if (line.size() > 4 && line.substr(0, 4) == ">>> ") {
      if (session.replied_after_command) flush_reply();
      std::string_view words = Trim(line.substr(4));
      session.command = CommandFromVerb(words);
      session.rcpt.clear();
      if (session.command == SmtpCommand::kRcpt) {
        auto hits = FindAddresses(p, words, 1);
        if (!hits.empty()) {
          session.rcpt = hits[0].address;
        } else if (local_parts) {
          session.rcpt = LocalPartInBrackets(words);
        }
      }
      session.reply.clear();
      session.consumed = false;
      session.consumed_entries.clear();
      session.replied_after_command = false;
      in_session = true;
      continue;
    }
    if (line.size() > 4 && line.substr(0, 4) == "<<< ") {
      if (session.consumed) {
        // A later reply to the same ">>>": the commands were pipelined, so the
        // replies before the last one answered the RCPTs sent ahead of DATA.
        if (session.command == SmtpCommand::kData) {
          for (size_t i : session.consumed_entries) out.entries[i].command = SmtpCommand::kRcpt;
        }
        session.consumed_entries.clear();
        session.reply.clear();
        session.consumed = false;
      }
      if (!session.reply.empty()) session.reply.push_back(' ');
      session.reply.append(Trim(line.substr(4)));
      session.replied_after_command = true;
      continue;
    }
    if (!may_be_result) continue;
    std::string_view address;
    std::string_view words;
    bool result = false;
    if (IsAscii(line)) {  // (a line holds no '\n')
      result = AsciiResultLine(line, local_parts, &address, &words);
    } else {
      re2::StringPiece address_piece;
      re2::StringPiece words_piece;
      result = RE2::FullMatch(piece, result_line, nullptr, &address_piece, &words_piece);
      address = std::string_view(address_piece.data(), address_piece.size());
      words = std::string_view(words_piece.data(), words_piece.size());
    }
    if (result) {
      TranscriptEntry e;
      e.address = CleanAddress(address);
      bool error_reply = !session.reply.empty() && (session.reply[0] == '4' || session.reply[0] == '5');
      bool for_this = session.rcpt.empty() ? !session.consumed : SameAddress(session.rcpt, e.address);
      if (in_session && error_reply && for_this) {
        e.diagnostic = NormalizeReply(session.reply);
        e.command = session.command;
        session.consumed = true;
        session.consumed_entries.push_back(out.entries.size());
      } else {
        // "554 <a@b>... 550 Host unknown": the inner reply is the server's.
        std::string_view rest = Trim(words);
        CodesInText inner = p.smtp->FindCodes(rest);
        bool inner_code = inner.reply_code != 0 && inner.code_start == 0;
        e.diagnostic = inner_code ? std::string(rest) : std::string(line);
        if (SameAddress(session.rcpt, e.address)) e.command = SmtpCommand::kRcpt;
      }
      out.entries.push_back(std::move(e));
    }
  }
  flush_reply();
  return out;
}

bool TranscriptNamesCommands(std::string_view text) { return text.find(">>> ") != std::string_view::npos; }

const TranscriptEntry* FindEntry(const Transcript& t, std::string_view address) {
  for (const TranscriptEntry& e : t.entries) {
    if (SameAddress(e.address, address)) return &e;
  }
  return nullptr;
}

SmtpCommand TranscriptCommandFor(const Transcript& t, std::string_view address) {
  const TranscriptEntry* e = FindEntry(t, address);
  if (e != nullptr && e->command != SmtpCommand::kUnknown) return e->command;
  for (const auto& [command, reply] : t.replies) {
    if (!address.empty() && IFind(reply, address) != std::string_view::npos) return command;
  }
  if (t.replies.size() == 1 && t.entries.empty()) return t.replies[0].first;
  return SmtpCommand::kUnknown;
}

}  // namespace internal
}  // namespace ndr
