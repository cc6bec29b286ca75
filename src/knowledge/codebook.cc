// CodeBook: loads and validates the code tables of data/ and indexes them so
// that every lookup is a hash or array probe (see data/README.md for columns
// and precedence).
#include "ndr/codebook.h"

#include <algorithm>  // std::lower_bound, std::sort
#include <array>      // std::array
#include <bitset>     // std::bitset
#include <cstdint>    // uint64_t, int16_t
#include <unordered_map>
#include <utility>  // std::move, std::pair

#include "knowledge/codebook_load.h"
#include "knowledge/embedded.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace {

using internal::TsvRow;
using internal::TsvTable;

constexpr int kMaxReply = 1000;  // reply codes are 100..599; arrays are indexed by code
constexpr int kRegistryScope = 0;

// Every code of the seed (../shared/reference/smtp-reply-codes.txt): Load()
// fails when reply_codes.tsv loses one of them.
constexpr int kSeedReplyCodes[] = {200, 211, 214, 220, 221, 250, 251, 354, 421, 450, 451, 452, 500,
                                   501, 502, 503, 504, 521, 530, 535, 550, 551, 552, 553, 554};

// Parses 1..max_digits decimal digits, nothing else.
bool ParseNumber(std::string_view text, size_t max_digits, int* out) {
  if (text.empty() || text.size() > max_digits) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

// "1 2": a bit per status subject digit; "" is 0 (any subject).
bool ParseSubjects(std::string_view text, uint16_t* out) {
  uint16_t bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') continue;
    if (c < '0' || c > '9' || (i + 1 < text.size() && text[i + 1] != ' ')) return false;
    bits = static_cast<uint16_t>(bits | 1u << (c - '0'));
  }
  *out = bits;
  return true;
}

// A reply code as written in the tables: three digits, the first 1..5.
bool ParseReplyCode(std::string_view text, int* out) {
  int code = 0;
  if (text.size() != 3 || !ParseNumber(text, 3, &code) || code < 100 || code >= 600) return false;
  *out = code;
  return true;
}

// "5.7.26" or "X.7.26" (klass 0: valid for every class).
bool ParseStatusCell(std::string_view text, EnhancedStatus* out) {
  if (!text.empty() && (text[0] == 'X' || text[0] == 'x')) {
    std::string concrete(text);
    concrete[0] = '5';
    if (!EnhancedStatus::Parse(concrete, out)) return false;
    out->klass = 0;
    return true;
  }
  return EnhancedStatus::Parse(text, out);
}

bool IsVendorId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

uint64_t StatusKey(int scope, int klass, int subject, int detail) {
  return (static_cast<uint64_t>(scope) << 40) | (static_cast<uint64_t>(klass) << 30) |
         (static_cast<uint64_t>(subject) << 15) | static_cast<uint64_t>(detail);
}

std::string StatusCodeText(const EnhancedStatus& code) {
  return (code.klass == 0 ? std::string("X") : std::to_string(code.klass)) + "." +
         std::to_string(code.subject) + "." + std::to_string(code.detail);
}

struct RangeRow {
  int klass;  // 0 for X
  int subject;
  int from;
  int to;
  size_t row;  // index into statuses
};

}  // namespace

struct CodeBook::Impl {
  std::vector<ReplyCodeInfo> replies;
  std::array<int16_t, kMaxReply> reply_index;
  std::vector<ReplyDigitInfo> digits;
  std::array<std::array<int16_t, 10>, 3> digit_index;  // [position][digit]

  std::vector<CommandReply> command_replies;
  std::array<std::bitset<kMaxReply>, kSmtpCommandCount> may_return;
  std::array<bool, kSmtpCommandCount> has_rows{};
  std::unordered_map<int, std::vector<SmtpCommand>> commands_by_code;

  std::vector<StatusInfo> statuses;
  std::vector<std::string> scopes;                       // [0] = "" (registry), then vendors
  std::vector<std::pair<std::string, int>> scope_by_id;  // sorted, for lookup without allocating
  std::unordered_map<uint64_t, size_t> exact_status;     // StatusKey -> index into statuses
  std::vector<std::vector<RangeRow>> ranges;             // per scope

  std::vector<StatusPartInfo> parts;
  std::array<int16_t, 10> class_index;
  std::unordered_map<int, size_t> subject_index;

  Impl() {
    reply_index.fill(-1);
    for (auto& row : digit_index) row.fill(-1);
    class_index.fill(-1);
  }

  int ScopeIndex(std::string_view id) const {
    auto it = std::lower_bound(
        scope_by_id.begin(), scope_by_id.end(), id,
        [](const std::pair<std::string, int>& a, std::string_view b) { return a.first < b; });
    if (it == scope_by_id.end() || it->first != id) return -1;
    return it->second;
  }

  int AddScope(std::string_view id) {
    int index = ScopeIndex(id);
    if (index >= 0) return index;
    index = static_cast<int>(scopes.size());
    scopes.emplace_back(id);
    ranges.emplace_back();
    scope_by_id.emplace_back(std::string(id), index);
    std::sort(scope_by_id.begin(), scope_by_id.end());
    return index;
  }

  // The row of `scope` that covers `code`: exact class, then X; exact detail,
  // then ranges. -1 when none.
  long Find(int scope, const EnhancedStatus& code) const {
    auto it = exact_status.find(StatusKey(scope, code.klass, code.subject, code.detail));
    if (it != exact_status.end()) return static_cast<long>(it->second);
    if (code.klass != 0) {
      it = exact_status.find(StatusKey(scope, 0, code.subject, code.detail));
      if (it != exact_status.end()) return static_cast<long>(it->second);
    }
    const std::vector<RangeRow>& scope_ranges = ranges[scope];
    for (int klass : {code.klass, 0}) {
      for (const RangeRow& r : scope_ranges) {
        if (r.klass == klass && r.subject == code.subject && r.from <= code.detail &&
            code.detail <= r.to) {
          return static_cast<long>(r.row);
        }
      }
      if (code.klass == 0) break;
    }
    return -1;
  }

  // Reads data/<name> through `tables` and checks the header.
  static bool ReadTable(const internal::CodeBookTables& tables, std::string_view name,
                        const std::vector<std::string_view>& required, TsvTable* out,
                        std::string* error) {
    std::string_view content = tables(name);
    if (content.empty()) {
      *error = "data/" + std::string(name) + ": table not compiled into the binary";
      return false;
    }
    return internal::ParseTsv(name, content, required, out, error);
  }

  const internal::CodeBookTables* tables = nullptr;  // only during loading

  bool LoadReplies(std::string* error);
  bool LoadDigits(std::string* error);
  bool LoadCommandReplies(std::string* error);
  bool LoadStatuses(std::string* error);
  bool LoadStatusParts(std::string* error);
};

bool CodeBook::Impl::LoadReplies(std::string* error) {
  TsvTable t;
  if (!ReadTable(*tables, "reply_codes.tsv",
                 {"code", "meaning", "plain", "source", "standard", "note"}, &t, error)) {
    return false;
  }
  for (const TsvRow& row : t.rows) {
    ReplyCodeInfo info;
    if (!ParseReplyCode(t.Cell(row, "code"), &info.code)) {
      *error = t.Where(row, "code '" + std::string(t.Cell(row, "code")) +
                                "' is not a reply code (three digits, the first 1-5)");
      return false;
    }
    if (reply_index[info.code] >= 0) {
      *error = t.Where(row, "duplicate reply code " + std::to_string(info.code));
      return false;
    }
    std::string_view standard = t.Cell(row, "standard");
    if (standard != "yes" && standard != "no") {
      *error = t.Where(row, "standard must be 'yes' or 'no'");
      return false;
    }
    info.meaning = std::string(t.Cell(row, "meaning"));
    info.plain = std::string(t.Cell(row, "plain"));
    info.source = std::string(t.Cell(row, "source"));
    info.note = std::string(t.Cell(row, "note"));
    info.standard = standard == "yes";
    if (!ParseSubjects(t.Cell(row, "fits_subjects"), &info.fits_subjects)) {
      *error = t.Where(row, "fits_subjects must be status subject digits 0-9 separated by spaces");
      return false;
    }
    if (info.meaning.empty() || info.plain.empty() || info.source.empty()) {
      *error = t.Where(row, "meaning, plain and source must not be empty");
      return false;
    }
    reply_index[info.code] = static_cast<int16_t>(replies.size());
    replies.push_back(std::move(info));
  }
  for (int code : kSeedReplyCodes) {
    if (reply_index[code] < 0) {
      *error = "data/reply_codes.tsv: reply code " + std::to_string(code) +
               " of the seed reference is missing";
      return false;
    }
  }
  return true;
}

bool CodeBook::Impl::LoadDigits(std::string* error) {
  TsvTable t;
  if (!ReadTable(*tables, "reply_digits.tsv", {"position", "digit", "name", "description", "plain"},
                 &t, error)) {
    return false;
  }
  for (const TsvRow& row : t.rows) {
    ReplyDigitInfo info;
    if (!ParseNumber(t.Cell(row, "position"), 1, &info.position) || info.position < 1 ||
        info.position > 2) {
      *error = t.Where(row, "position must be 1 or 2");
      return false;
    }
    if (!ParseNumber(t.Cell(row, "digit"), 1, &info.digit)) {
      *error = t.Where(row, "digit must be 0-9");
      return false;
    }
    if (digit_index[info.position][info.digit] >= 0) {
      *error = t.Where(row, "duplicate digit " + std::to_string(info.digit) + " at position " +
                                std::to_string(info.position));
      return false;
    }
    info.name = std::string(t.Cell(row, "name"));
    info.description = std::string(t.Cell(row, "description"));
    info.plain = std::string(t.Cell(row, "plain"));
    if (info.name.empty() || info.description.empty() || info.plain.empty()) {
      *error = t.Where(row, "name, description and plain must not be empty");
      return false;
    }
    digit_index[info.position][info.digit] = static_cast<int16_t>(digits.size());
    digits.push_back(std::move(info));
  }
  // The seed describes first digits 1-5 and second digits 0-5.
  for (int position = 1; position <= 2; ++position) {
    for (int digit = position == 1 ? 1 : 0; digit <= 5; ++digit) {
      if (digit_index[position][digit] < 0) {
        *error = "data/reply_digits.tsv: digit " + std::to_string(digit) + " at position " +
                 std::to_string(position) + " is not described";
        return false;
      }
    }
  }
  return true;
}

bool CodeBook::Impl::LoadCommandReplies(std::string* error) {
  TsvTable t;
  if (!ReadTable(*tables, "command_replies.tsv", {"command", "code", "meaning", "source"}, &t,
                 error)) {
    return false;
  }
  for (const TsvRow& row : t.rows) {
    CommandReply reply;
    std::string_view name = t.Cell(row, "command");
    if (!ParseSmtpCommand(name, &reply.command) || SmtpCommandName(reply.command) != name) {
      *error = t.Where(row, "unknown command '" + std::string(name) +
                                "' (write it as SmtpCommandName does: RCPT, RECEIVED DATA, ...)");
      return false;
    }
    if (!ParseReplyCode(t.Cell(row, "code"), &reply.code)) {
      *error = t.Where(row, "code '" + std::string(t.Cell(row, "code")) + "' is not a reply code");
      return false;
    }
    if (reply_index[reply.code] < 0) {
      *error = t.Where(
          row, "reply code " + std::to_string(reply.code) + " is not in data/reply_codes.tsv");
      return false;
    }
    size_t command = static_cast<size_t>(reply.command);
    if (may_return[command].test(reply.code)) {
      *error =
          t.Where(row, "duplicate row for " + std::string(name) + " " + std::to_string(reply.code));
      return false;
    }
    reply.meaning = std::string(t.Cell(row, "meaning"));
    reply.source = std::string(t.Cell(row, "source"));
    if (reply.meaning.empty() || reply.source.empty()) {
      *error = t.Where(row, "meaning and source must not be empty");
      return false;
    }
    may_return[command].set(reply.code);
    has_rows[command] = true;
    commands_by_code[reply.code].push_back(reply.command);
    command_replies.push_back(std::move(reply));
  }
  return true;
}

bool CodeBook::Impl::LoadStatuses(std::string* error) {
  TsvTable t;
  if (!ReadTable(*tables, "enhanced_status.tsv",
                 {"code", "detail_to", "scope", "title", "meaning", "source", "note"}, &t, error)) {
    return false;
  }
  AddScope("");  // index 0: the registry
  for (const TsvRow& row : t.rows) {
    StatusInfo info;
    std::string_view code_cell = t.Cell(row, "code");
    if (!ParseStatusCell(code_cell, &info.code)) {
      *error = t.Where(row, "code '" + std::string(code_cell) +
                                "' is not an enhanced status code (class.subject.detail, class "
                                "2, 4, 5 or X)");
      return false;
    }
    std::string_view to_cell = t.Cell(row, "detail_to");
    if (!to_cell.empty() &&
        (!ParseNumber(to_cell, 3, &info.detail_to) || info.detail_to <= info.code.detail)) {
      *error = t.Where(row, "detail_to '" + std::string(to_cell) +
                                "' must be a number above the code's detail (at most 999)");
      return false;
    }
    info.scope = std::string(t.Cell(row, "scope"));
    if (!info.scope.empty() && !IsVendorId(info.scope)) {
      *error = t.Where(
          row, "scope '" + info.scope + "' is not a vendor id (lower-case letters, digits, '-')");
      return false;
    }
    info.title = std::string(t.Cell(row, "title"));
    info.meaning = std::string(t.Cell(row, "meaning"));
    info.source = std::string(t.Cell(row, "source"));
    info.note = std::string(t.Cell(row, "note"));
    if (info.title.empty() || info.meaning.empty() || info.source.empty()) {
      *error = t.Where(row, "title, meaning and source must not be empty");
      return false;
    }
    info.registered = true;
    int scope = AddScope(info.scope);
    const EnhancedStatus& c = info.code;
    size_t index = statuses.size();
    if (info.detail_to == 0) {
      if (!exact_status.emplace(StatusKey(scope, c.klass, c.subject, c.detail), index).second) {
        *error = t.Where(row, "duplicate row for " + StatusCodeText(c) +
                                  (info.scope.empty() ? "" : " in scope " + info.scope));
        return false;
      }
    } else {
      for (const RangeRow& r : ranges[scope]) {
        if (r.klass == c.klass && r.subject == c.subject && r.from <= info.detail_to &&
            c.detail <= r.to) {
          *error =
              t.Where(row, "range " + StatusCodeText(c) + "-" + std::to_string(info.detail_to) +
                               " overlaps an earlier range of the same scope");
          return false;
        }
      }
      ranges[scope].push_back(RangeRow{c.klass, c.subject, c.detail, info.detail_to, index});
    }
    statuses.push_back(std::move(info));
  }
  return true;
}

bool CodeBook::Impl::LoadStatusParts(std::string* error) {
  TsvTable t;
  if (!ReadTable(*tables, "status_classes.tsv",
                 {"part", "value", "title", "meaning", "description", "source"}, &t, error)) {
    return false;
  }
  for (const TsvRow& row : t.rows) {
    StatusPartInfo info;
    std::string_view part = t.Cell(row, "part");
    if (part != "class" && part != "subject") {
      *error = t.Where(row, "part must be 'class' or 'subject'");
      return false;
    }
    info.is_class = part == "class";
    if (!ParseNumber(t.Cell(row, "value"), 3, &info.value) ||
        (info.is_class && info.value != 2 && info.value != 4 && info.value != 5)) {
      *error = t.Where(
          row, info.is_class ? "a class value must be 2, 4 or 5" : "a subject value must be 0-999");
      return false;
    }
    bool duplicate =
        info.is_class ? class_index[info.value] >= 0 : subject_index.count(info.value) > 0;
    if (duplicate) {
      *error = t.Where(row, "duplicate " + std::string(part) + " " + std::to_string(info.value));
      return false;
    }
    info.title = std::string(t.Cell(row, "title"));
    info.meaning = std::string(t.Cell(row, "meaning"));
    info.description = std::string(t.Cell(row, "description"));
    info.source = std::string(t.Cell(row, "source"));
    if (info.title.empty() || info.meaning.empty() || info.description.empty() ||
        info.source.empty()) {
      *error = t.Where(row, "title, meaning, description and source must not be empty");
      return false;
    }
    if (info.is_class) {
      class_index[info.value] = static_cast<int16_t>(parts.size());
    } else {
      subject_index[info.value] = parts.size();
    }
    parts.push_back(std::move(info));
  }
  for (int klass : {2, 4, 5}) {
    if (class_index[klass] < 0) {
      *error = "data/status_classes.tsv: class " + std::to_string(klass) + " is not described";
      return false;
    }
  }
  for (int subject = 0; subject <= 7; ++subject) {
    if (subject_index.count(subject) == 0) {
      *error = "data/status_classes.tsv: subject " + std::to_string(subject) + " is not described";
      return false;
    }
  }
  return true;
}

namespace internal {

std::shared_ptr<const CodeBook> LoadCodeBook(const CodeBookTables& tables, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  auto impl = std::make_unique<CodeBook::Impl>();
  impl->tables = &tables;
  if (!impl->LoadReplies(error) || !impl->LoadDigits(error) || !impl->LoadCommandReplies(error) ||
      !impl->LoadStatuses(error) || !impl->LoadStatusParts(error)) {
    return nullptr;
  }
  impl->tables = nullptr;
  return std::make_shared<const CodeBook>(std::move(impl));
}

}  // namespace internal

std::shared_ptr<const CodeBook> CodeBook::Load(std::string* error) {
  return internal::LoadCodeBook(internal::EmbeddedTableContent, error);
}

CodeBook::CodeBook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CodeBook::~CodeBook() = default;

const ReplyCodeInfo* CodeBook::Reply(int code) const {
  if (code < 0 || code >= kMaxReply || impl_->reply_index[code] < 0) return nullptr;
  return &impl_->replies[impl_->reply_index[code]];
}

const std::vector<ReplyCodeInfo>& CodeBook::AllReplies() const { return impl_->replies; }

const ReplyDigitInfo* CodeBook::Digit(int position, int digit) const {
  if (position < 1 || position > 2 || digit < 0 || digit > 9) return nullptr;
  int16_t index = impl_->digit_index[position][digit];
  return index < 0 ? nullptr : &impl_->digits[index];
}

const std::vector<ReplyDigitInfo>& CodeBook::AllDigits() const { return impl_->digits; }

std::vector<CommandReply> CodeBook::RepliesOf(SmtpCommand command) const {
  std::vector<CommandReply> out;
  for (const CommandReply& r : impl_->command_replies) {
    if (r.command == command) out.push_back(r);
  }
  return out;
}

std::vector<SmtpCommand> CodeBook::CommandsReturning(int code) const {
  auto it = impl_->commands_by_code.find(code);
  return it == impl_->commands_by_code.end() ? std::vector<SmtpCommand>{} : it->second;
}

bool CodeBook::CommandMayReturn(SmtpCommand command, int code) const {
  size_t c = static_cast<size_t>(command);
  if (command == SmtpCommand::kUnknown || c >= impl_->has_rows.size() || !impl_->has_rows[c]) {
    return true;
  }
  return code >= 0 && code < kMaxReply && impl_->may_return[c].test(code);
}

const std::vector<CommandReply>& CodeBook::AllCommandReplies() const {
  return impl_->command_replies;
}

StatusInfo CodeBook::Status(EnhancedStatus code, std::string_view vendor) const {
  StatusInfo out;
  out.code = code;
  if (code.empty()) return out;
  long row = -1;
  if (!vendor.empty()) {
    int scope = impl_->ScopeIndex(vendor);
    if (scope > kRegistryScope) row = impl_->Find(scope, code);
  }
  if (row < 0) row = impl_->Find(kRegistryScope, code);
  if (row >= 0) {
    out = impl_->statuses[static_cast<size_t>(row)];
    out.code = code;
    out.detail_to = 0;
    return out;
  }
  // Fallback: class + subject. Unknown parts are named, never invented.
  const StatusPartInfo* klass = StatusClass(code.klass);
  const StatusPartInfo* subject = StatusSubject(code.subject);
  out.meaning =
      (klass ? klass->meaning : "class " + std::to_string(code.klass)) + ", " +
      (subject ? subject->meaning : "unregistered subject " + std::to_string(code.subject)) +
      ", detail unknown";
  out.source = "RFC 3463";
  out.registered = false;
  return out;
}

const std::vector<StatusInfo>& CodeBook::AllStatuses() const { return impl_->statuses; }

const StatusInfo* CodeBook::RegistryStatus(EnhancedStatus code) const {
  long row = impl_->Find(kRegistryScope, code);
  return row < 0 ? nullptr : &impl_->statuses[static_cast<size_t>(row)];
}

std::vector<const StatusInfo*> CodeBook::VendorStatuses(EnhancedStatus code) const {
  std::vector<const StatusInfo*> out;
  for (size_t scope = 1; scope < impl_->scopes.size(); ++scope) {
    long row = impl_->Find(static_cast<int>(scope), code);
    if (row >= 0) out.push_back(&impl_->statuses[static_cast<size_t>(row)]);
  }
  return out;
}

bool CodeBook::HasVendor(std::string_view vendor) const {
  return !vendor.empty() && impl_->ScopeIndex(vendor) > kRegistryScope;
}

const StatusPartInfo* CodeBook::StatusClass(int klass) const {
  if (klass < 0 || klass > 9 || impl_->class_index[klass] < 0) return nullptr;
  return &impl_->parts[impl_->class_index[klass]];
}

const StatusPartInfo* CodeBook::StatusSubject(int subject) const {
  auto it = impl_->subject_index.find(subject);
  return it == impl_->subject_index.end() ? nullptr : &impl_->parts[it->second];
}

const std::vector<StatusPartInfo>& CodeBook::AllStatusParts() const { return impl_->parts; }

}  // namespace ndr
