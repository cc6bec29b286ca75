// ndr code: what an SMTP reply code (550) or an enhanced status code (5.7.26)
// means, from the tables in data/ (through CodeBook).
//
// Exit status: 0 every code asked was understood; 1 a code is well formed but
// unknown (reply 599, status 5.1.99 that only its class and subject explain);
// 2 usage error (not a code, bad option), with a message on stderr.
#include <algorithm>  // std::max
#include <boost/program_options.hpp>
#include <cctype>    // std::tolower
#include <cstdio>    // std::snprintf
#include <iostream>  // std::cout, std::cerr
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/parse_args.h"
#include "core/strings.h"
#include "ndr/render.h"
#include "ndr/codebook.h"

namespace po = boost::program_options;

namespace ndr {
namespace cli {
namespace {

// The seed reference's own warning (smtp-reply-codes.txt, first paragraph).
constexpr const char* kCaution =
    "These are the RFC meanings. Many mail servers are not RFC compliant and use codes "
    "for other meanings, such as rejecting spam: read the text that came with the code.";

// ---------------------------------------------------------------------------
// JSON output, with the string escaping the record renderer uses.

std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

// Builds one JSON object, member by member, in the order added.
class JsonObject {
 public:
  JsonObject& Str(std::string_view key, std::string_view value) {
    return Raw(key, JsonString(value));
  }
  JsonObject& Int(std::string_view key, long value) { return Raw(key, std::to_string(value)); }
  JsonObject& Bool(std::string_view key, bool value) { return Raw(key, value ? "true" : "false"); }
  JsonObject& Null(std::string_view key) { return Raw(key, "null"); }
  // `json` must already be an encoded JSON value.
  JsonObject& Raw(std::string_view key, std::string_view json) {
    if (!body_.empty()) body_ += ',';
    body_ += JsonString(key);
    body_ += ':';
    body_ += json;
    return *this;
  }
  std::string Done() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += JsonString(items[i]);
  }
  return out + "]";
}

// ---------------------------------------------------------------------------
// Arguments.

// One code named on the command line.
struct CodeArg {
  bool is_reply = true;
  std::string text;
  int reply = 0;          // when is_reply
  EnhancedStatus status;  // when !is_reply; klass 0 for "X.s.d"
};

// "550" (three digits, the first 1-5), "5.1.1" (class 2, 4 or 5) or "X.1.1".
bool ParseCodeArg(const std::string& text, CodeArg* out) {
  out->text = text;
  if (text.size() == 3 && text[0] >= '1' && text[0] <= '5' &&
      std::isdigit(static_cast<unsigned char>(text[1])) &&
      std::isdigit(static_cast<unsigned char>(text[2]))) {
    out->is_reply = true;
    out->reply = std::stoi(text);
    return true;
  }
  out->is_reply = false;
  if (!text.empty() && (text[0] == 'X' || text[0] == 'x')) {
    std::string concrete = text;
    concrete[0] = '5';
    if (!EnhancedStatus::Parse(concrete, &out->status)) return false;
    out->status.klass = 0;
    out->text = "X" + text.substr(1);
    return true;
  }
  return EnhancedStatus::Parse(text, &out->status);
}


std::string StatusText(const EnhancedStatus& code) {
  return (code.klass == 0 ? std::string("X") : std::to_string(code.klass)) + "." +
         std::to_string(code.subject) + "." + std::to_string(code.detail);
}

// "5.7.606-649" for a range row of AllStatuses(), else the code.
std::string RowCodeText(const StatusInfo& row) {
  std::string text = StatusText(row.code);
  if (row.detail_to > 0) text += "-" + std::to_string(row.detail_to);
  return text;
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

std::vector<std::string> CommandNames(const std::vector<SmtpCommand>& commands) {
  std::vector<std::string> names;
  for (SmtpCommand c : commands) names.emplace_back(SmtpCommandName(c));
  return names;
}

// ---------------------------------------------------------------------------
// Text output.

void Field(std::ostream& out, std::string_view label, std::string_view value) {
  std::string head = "  " + std::string(label) + ":";
  if (head.size() < 18)
    head.resize(18, ' ');
  else
    head += ' ';
  out << head << value << "\n";
}

std::string DigitText(const ReplyDigitInfo* digit) {
  if (digit == nullptr) return "not described (no meaning is defined for this digit)";
  return digit->name + " (" + digit->plain + ")";
}

std::string PartText(const StatusPartInfo* part) {
  if (part == nullptr) return "not registered";
  return part->title + " (" + part->meaning + ")";
}

// The "does this command return this code" verdict, in words.
std::string CommandVerdict(const CodeBook& book, SmtpCommand command, int code) {
  std::string name(SmtpCommandName(command));
  if (book.CommandMayReturn(command, code)) {
    for (const CommandReply& r : book.RepliesOf(command)) {
      if (r.code == code) {
        return "yes: " + name + " may return " + std::to_string(code) + ": \"" + r.meaning +
               "\" [" + r.source + "]";
      }
    }
    return "yes: nothing is known that contradicts it";
  }
  std::vector<std::string> codes;
  for (const CommandReply& r : book.RepliesOf(command)) codes.push_back(std::to_string(r.code));
  return "no: the standards do not list " + std::to_string(code) + " as a reply to " + name +
         " (it may return " + Join(codes, ", ") +
         "). Servers that are not RFC compliant use codes for other meanings, so the code can "
         "still be real: read its text.";
}

// Prints a reply code; returns true when the code is known.
bool PrintReplyText(const CodeBook& book, int code, const SmtpCommand* command, std::ostream& out) {
  const ReplyCodeInfo* info = book.Reply(code);
  out << code << "  " << (info ? info->meaning : "not a known reply code") << "\n";
  if (info) {
    Field(out, "plain words", info->plain);
    Field(out, "standard", (info->standard ? "yes (" : "no (") + info->source + ")");
  }
  int first = code / 100, second = code / 10 % 10;
  Field(out, "class " + std::to_string(first) + "yz", DigitText(book.Digit(1, first)));
  Field(out, "category x" + std::to_string(second) + "z", DigitText(book.Digit(2, second)));
  std::vector<std::string> commands = CommandNames(book.CommandsReturning(code));
  Field(out, "returned by",
        commands.empty() ? "no command is known to return it" : Join(commands, ", "));
  if (info && !info->note.empty()) Field(out, "note", info->note);
  if (command) {
    Field(out, "with " + std::string(SmtpCommandName(*command)),
          CommandVerdict(book, *command, code));
  }
  Field(out, "caution", kCaution);
  return info != nullptr;
}

void PrintStatusParts(const CodeBook& book, const EnhancedStatus& code, std::ostream& out) {
  if (code.klass != 0) {
    Field(out, "class " + std::to_string(code.klass), PartText(book.StatusClass(code.klass)));
  }
  Field(out, "subject " + std::to_string(code.subject), PartText(book.StatusSubject(code.subject)));
}

// Prints an enhanced status code; returns true when the registry or a vendor
// row knows it.
bool PrintStatusText(const CodeBook& book, const EnhancedStatus& code, const std::string& vendor,
                     std::ostream& out) {
  std::string text = StatusText(code);
  std::vector<const StatusInfo*> vendors = book.VendorStatuses(code);
  bool known = false;
  std::string primary_scope;
  if (code.klass == 0) {  // "X.s.d": the registry row only
    const StatusInfo* row = book.RegistryStatus(code);
    known = row != nullptr;
    out << text << "  " << (row ? row->title : "not registered") << "\n";
    if (row) {
      Field(out, "plain words", row->meaning);
      Field(out, "registered", "yes (" + row->source + ")");
    }
  } else {
    StatusInfo info = book.Status(code, vendor);
    known = info.registered;
    primary_scope = info.scope;
    if (!info.registered) {
      out << text << "  not registered\n";
      Field(out, "plain words", info.meaning);
      Field(out, "registered",
            "no: only its class and subject have a meaning [" + info.source + "]");
    } else if (info.scope.empty()) {
      out << text << "  " << info.title << "\n";
      Field(out, "plain words", info.meaning);
      Field(out, "registered", "yes (" + info.source + ")");
    } else {
      out << text << "  " << info.title << "  (as " << info.scope << " uses it)\n";
      Field(out, "plain words", info.meaning);
      Field(out, "source", info.source);
      if (const StatusInfo* reg = book.RegistryStatus(code)) {
        Field(out, "registry", reg->title + ": " + reg->meaning + " [" + reg->source + "]");
      } else {
        Field(out, "registry", "not registered");
      }
    }
    if (!info.note.empty()) Field(out, "note", info.note);
  }
  PrintStatusParts(book, code, out);
  for (const StatusInfo* v : vendors) {
    if (v->scope == primary_scope) continue;
    Field(out, "at " + v->scope, v->title + ": " + v->meaning + " [" + v->source + "]");
    known = true;
  }
  return known;
}

// ---------------------------------------------------------------------------
// JSON output of lookups (one object per code) and of the tables.

std::string DigitJson(const ReplyDigitInfo* digit, int value) {
  JsonObject o;
  o.Int("digit", value);
  if (digit) {
    o.Str("name", digit->name).Str("plain", digit->plain).Str("description", digit->description);
  } else {
    o.Null("name");
  }
  return o.Done();
}

std::string PartJson(const StatusPartInfo* part, int value) {
  JsonObject o;
  o.Int("value", value);
  if (part) {
    o.Str("title", part->title).Str("meaning", part->meaning).Str("description", part->description);
  } else {
    o.Null("title");
  }
  return o.Done();
}

bool PrintReplyJson(const CodeBook& book, int code, const SmtpCommand* command, std::ostream& out) {
  const ReplyCodeInfo* info = book.Reply(code);
  JsonObject o;
  o.Str("kind", "reply").Int("code", code).Bool("known", info != nullptr);
  if (info) {
    o.Str("meaning", info->meaning)
        .Str("plain", info->plain)
        .Str("source", info->source)
        .Bool("standard", info->standard)
        .Str("note", info->note);
  }
  o.Raw("class", DigitJson(book.Digit(1, code / 100), code / 100));
  o.Raw("category", DigitJson(book.Digit(2, code / 10 % 10), code / 10 % 10));
  o.Raw("commands", JsonStringArray(CommandNames(book.CommandsReturning(code))));
  if (command) {
    o.Raw("command", JsonObject()
                         .Str("name", SmtpCommandName(*command))
                         .Bool("may_return", book.CommandMayReturn(*command, code))
                         .Done());
  }
  o.Str("caution", kCaution);
  out << o.Done() << "\n";
  return info != nullptr;
}

std::string StatusRowJson(const StatusInfo& row, std::string_view table) {
  JsonObject o;
  if (!table.empty()) o.Str("table", table);
  o.Str("code", StatusText(row.code));
  if (row.detail_to > 0) o.Int("detail_to", row.detail_to);
  o.Str("scope", row.scope)
      .Str("title", row.title)
      .Str("meaning", row.meaning)
      .Str("source", row.source)
      .Str("note", row.note);
  return o.Done();
}

bool PrintStatusJson(const CodeBook& book, const EnhancedStatus& code, const std::string& vendor,
                     std::ostream& out) {
  JsonObject o;
  o.Str("kind", "status").Str("code", StatusText(code));
  bool known = false;
  std::string primary_scope;
  if (code.klass == 0) {
    const StatusInfo* row = book.RegistryStatus(code);
    known = row != nullptr;
    o.Bool("registered", known);
    if (row) o.Str("title", row->title).Str("meaning", row->meaning).Str("source", row->source);
  } else {
    StatusInfo info = book.Status(code, vendor);
    known = info.registered;
    primary_scope = info.scope;
    o.Bool("registered", info.registered)
        .Str("scope", info.scope)
        .Str("title", info.title)
        .Str("meaning", info.meaning)
        .Str("source", info.source)
        .Str("note", info.note);
    o.Raw("class", PartJson(book.StatusClass(code.klass), code.klass));
  }
  o.Raw("subject", PartJson(book.StatusSubject(code.subject), code.subject));
  std::string vendors = "[";
  for (const StatusInfo* v : book.VendorStatuses(code)) {
    if (v->scope == primary_scope) continue;
    if (vendors.size() > 1) vendors += ',';
    vendors += StatusRowJson(*v, "");
    known = true;
  }
  o.Raw("vendors", vendors + "]");
  out << o.Done() << "\n";
  return known;
}

void ListJson(const CodeBook& book, std::ostream& out) {
  for (const ReplyCodeInfo& r : book.AllReplies()) {
    out << JsonObject()
               .Str("table", "reply_codes")
               .Int("code", r.code)
               .Str("meaning", r.meaning)
               .Str("plain", r.plain)
               .Str("source", r.source)
               .Bool("standard", r.standard)
               .Str("note", r.note)
               .Done()
        << "\n";
  }
  for (const ReplyDigitInfo& d : book.AllDigits()) {
    out << JsonObject()
               .Str("table", "reply_digits")
               .Int("position", d.position)
               .Int("digit", d.digit)
               .Str("name", d.name)
               .Str("description", d.description)
               .Str("plain", d.plain)
               .Done()
        << "\n";
  }
  for (const CommandReply& c : book.AllCommandReplies()) {
    out << JsonObject()
               .Str("table", "command_replies")
               .Str("command", SmtpCommandName(c.command))
               .Int("code", c.code)
               .Str("meaning", c.meaning)
               .Str("source", c.source)
               .Done()
        << "\n";
  }
  for (const StatusInfo& s : book.AllStatuses()) out << StatusRowJson(s, "enhanced_status") << "\n";
  for (const StatusPartInfo& p : book.AllStatusParts()) {
    out << JsonObject()
               .Str("table", "status_classes")
               .Str("part", p.is_class ? "class" : "subject")
               .Int("value", p.value)
               .Str("title", p.title)
               .Str("meaning", p.meaning)
               .Str("description", p.description)
               .Str("source", p.source)
               .Done()
        << "\n";
  }
}

void ListText(const CodeBook& book, std::ostream& out) {
  out << "Reply codes (data/reply_codes.tsv)\n";
  for (const ReplyCodeInfo& r : book.AllReplies()) {
    out << "  " << r.code << "  " << r.meaning << " - " << r.plain << " [" << r.source
        << (r.standard ? "" : "; nonstandard") << "]\n";
  }
  out << "\nDigits of a reply code (data/reply_digits.tsv)\n";
  for (const ReplyDigitInfo& d : book.AllDigits()) {
    std::string pattern =
        d.position == 1 ? std::to_string(d.digit) + "yz" : "x" + std::to_string(d.digit) + "z";
    out << "  " << pattern << "  " << d.name << " - " << d.plain << "\n";
  }
  out << "\nReplies by command (data/command_replies.tsv)\n";
  for (const CommandReply& c : book.AllCommandReplies()) {
    std::string name(SmtpCommandName(c.command));
    name.resize(std::max<size_t>(name.size(), 14), ' ');
    out << "  " << name << c.code << "  " << c.meaning << " [" << c.source << "]\n";
  }
  out << "\nEnhanced status codes (data/enhanced_status.tsv)\n";
  for (const StatusInfo& s : book.AllStatuses()) {
    std::string code = RowCodeText(s);
    code.resize(std::max<size_t>(code.size(), 12), ' ');
    out << "  " << code << (s.scope.empty() ? "" : "at " + s.scope + ": ") << s.title << " - "
        << s.meaning << " [" << s.source << "]\n";
  }
  out << "\nParts of an enhanced status code (data/status_classes.tsv)\n";
  for (const StatusPartInfo& p : book.AllStatusParts()) {
    out << "  " << (p.is_class ? "class " : "subject ") << p.value << "  " << p.title << " - "
        << p.description << "\n";
  }
}

int Usage(const std::string& message) {
  std::cerr << "ndr code: " << message << "\n(see 'ndr code --help')\n";
  return 2;
}

}  // namespace

int RunCode(int argc, char** argv) {
  std::string format = "text";
  std::vector<std::string> args;
  po::options_description visible(
      "usage: ndr code [options] CODE...\n"
      "       ndr code --list [--format json]\n"
      "\n"
      "Says what SMTP reply codes (550) and enhanced status codes (5.7.26, X.1.1)\n"
      "mean: in the RFCs, in plain words, and as providers such as Gmail or\n"
      "Microsoft use them. Examples:\n"
      "  ndr code 550\n"
      "  ndr code 5.7.26\n"
      "  ndr code 550 5.1.1 --command RCPT\n"
      "  ndr code 5.7.27 --vendor google\n"
      "\n"
      "Exit status: 0 every code was understood, 1 a code is well formed but\n"
      "unknown, 2 usage error.\n"
      "\n"
      "options");
  visible.add_options()("help,h", "show this help")(
      "command,c", po::value<std::string>(),
      "the SMTP command the reply answered (CONNECT, HELO, EHLO, MAIL, RCPT, DATA, "
      "'RECEIVED DATA', BDAT, STARTTLS, AUTH, ...): say whether it may return the reply code")(
      "vendor", po::value<std::string>(),
      "read enhanced status codes as this provider uses them (google, microsoft, yahoo, ...)")(
      "list", "print every table instead of looking codes up")(
      "format,f", po::value<std::string>(&format)->default_value("text"),
      "output format: text, or json (JSON Lines: one object per code, or per table row with "
      "--list)");
  po::variables_map vm;
  int status = ParseArgs(argc, argv, "code", visible, &args, &vm);
  if (status >= 0) return status;
  if (format != "text" && format != "json") {
    return Usage("unknown format '" + format + "' (use text or json)");
  }
  bool json = format == "json";

  SmtpCommand command = SmtpCommand::kUnknown;
  bool has_command = vm.count("command") > 0;
  if (has_command) {
    const std::string& name = vm["command"].as<std::string>();
    if (!ParseSmtpCommand(name, &command)) {
      return Usage("unknown SMTP command '" + name + "' for --command");
    }
  }
  std::string vendor = vm.count("vendor") ? internal::ToLower(vm["vendor"].as<std::string>()) : "";
  if (vm.count("vendor") && vendor.empty()) return Usage("--vendor needs a vendor id");

  std::vector<CodeArg> codes;
  for (const std::string& text : args) {
    CodeArg code;
    if (!ParseCodeArg(text, &code)) {
      if (text.size() == 3 && text.find_first_not_of("0123456789") == std::string::npos) {
        return Usage("'" + text + "' is not an SMTP reply code: the first digit must be 1 to 5");
      }
      return Usage("'" + text +
                   "' is not a reply code (three digits such as 550) or an enhanced status "
                   "code (class.subject.detail such as 5.1.1)");
    }
    codes.push_back(code);
  }
  bool list = vm.count("list") > 0;
  if (list && !codes.empty()) return Usage("--list takes no codes");
  if (!list && codes.empty()) return Usage("name a code to look up, e.g. 'ndr code 550'");
  bool any_reply = false;
  for (const CodeArg& c : codes) any_reply = any_reply || c.is_reply;
  if (has_command && !any_reply) {
    return Usage(
        "--command checks a reply code: name one, e.g. 'ndr code 550 5.1.1 --command "
        "RCPT'");
  }

  std::string error;
  std::shared_ptr<const CodeBook> book = CodeBook::Load(&error);
  if (!book) {
    std::cerr << "ndr: built-in tables are broken: " << error << "\n";
    return 2;
  }
  if (list) {
    if (json) {
      ListJson(*book, std::cout);
    } else {
      ListText(*book, std::cout);
    }
    return 0;
  }

  bool all_known = true;
  const SmtpCommand* command_ptr = has_command ? &command : nullptr;
  int reply_class = 0;  // for the class check, when exactly one reply code is asked
  int replies = 0;
  for (const CodeArg& c : codes) {
    if (c.is_reply) {
      ++replies;
      reply_class = c.reply / 100;
    }
  }
  if (!json && !vendor.empty() && !book->HasVendor(vendor)) {
    std::cout << "note: no code is scoped to vendor '" << vendor
              << "'; showing the registry meanings\n\n";
  }
  for (size_t i = 0; i < codes.size(); ++i) {
    const CodeArg& c = codes[i];
    if (!json && i > 0) std::cout << "\n";
    bool known;
    if (c.is_reply) {
      known = json ? PrintReplyJson(*book, c.reply, command_ptr, std::cout)
                   : PrintReplyText(*book, c.reply, command_ptr, std::cout);
    } else {
      known = json ? PrintStatusJson(*book, c.status, vendor, std::cout)
                   : PrintStatusText(*book, c.status, vendor, std::cout);
      if (!json && replies == 1 && c.status.klass != 0 && c.status.klass != reply_class) {
        Field(std::cout, "mismatch",
              "the reply code is class " + std::to_string(reply_class) + " but " + c.text +
                  " is class " + std::to_string(c.status.klass) +
                  "; RFC 3463 says they should agree, so one of them is misleading");
      }
    }
    all_known = all_known && known;
  }
  std::cout.flush();
  return all_known ? 0 : 1;
}

}  // namespace cli
}  // namespace ndr
