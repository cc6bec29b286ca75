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

}  // namespace

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
    std::string code, address, words;
    if (RE2::FullMatch(piece, result_line, &code, &address, &words)) {
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
