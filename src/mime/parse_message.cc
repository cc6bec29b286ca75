// ParseMessage: raw bytes -> Message. The structure comes from
// BuildEntityTree (mime/entity_tree.h); here each entity becomes a Part: headers parsed
// and decoded, bodies transfer-decoded and converted to UTF-8.
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mime/charset.h"
#include "mime/entity_tree.h"
#include "mime/mime_util.h"
#include "mime/transfer_encoding.h"
#include "ndr/message.h"

namespace ndr {
namespace {

using internal::mime::Conversion;
using internal::mime::Entity;
using internal::mime::ProblemLog;
using internal::mime::Shape;
using internal::mime::NormalizeLineEndings;
using internal::mime::TransferEncoding;

// Bodies converted to UTF-8 besides text/*: message/* leaves, which are all
// text in practice (delivery-status, global-delivery-status, global-headers,
// feedback-report, disposition-notification, vendor variants).
bool IsMessageLeafType(std::string_view type) { return type.rfind("message/", 0) == 0; }

bool IsUtf8Compatible(std::string_view charset) {
  return charset.empty() || charset == "utf-8" || charset == "utf8" || charset == "us-ascii" ||
         charset == "ascii";
}

class PartBuilder {
 public:
  // `own_report`: the message has a report part outside its returned originals.
  PartBuilder(const Limits& limits, BodyScope bodies, bool own_report, ProblemLog* log)
      : limits_(limits), bodies_(bodies), own_report_(own_report), log_(log) {}

  // Entity `index` of `entities` into the Part `p` (new, built in place: a
  // Part returned and moved into the list cost a move and a destructor);
  // `built` holds the Parts of the entities before it; the entity's fields
  // move to the Part.
  void Build(std::vector<Entity>& entities, const std::vector<Part>& built, size_t index, Part& p) {
    Entity& e = entities[index];
    const Entity* next = index + 1 < entities.size() ? &entities[index + 1] : nullptr;
    p.depth = e.depth;
    p.in_attached_message = e.in_attached_message;
    p.headers = std::move(e.headers);
    if (e.header_cuts.any()) {
      log_->Add(ProblemKind::kLimit,
                DescribeHeaderCuts(e.header_cuts, limits_, "the header of part " + std::to_string(index)));
    }
    p.content_type = e.content_type.Full();
    p.charset = internal::ToLower(internal::Trim(e.content_type.params.Get("charset")));
    p.filename = FileName(e);
    switch (e.shape) {
      case Shape::kMultipart:
        break;
      case Shape::kMessage:
        // The embedded message's header block, as UTF-8.
        internal::mime::AppendGuessedUtf8(e.body, &p.body);
        // Parsed in place, the embedded message is the next entity, its
        // header block the very bytes of this body: when the body stayed as
        // it was, that entity's parsed headers are this body's.
        p.body_parsed_next = next != nullptr && next->header.data() == e.body.data() &&
                             next->header.size() == e.body.size() && p.body == e.body;
        break;
      case Shape::kLeaf:
        if (LeftOut(entities, built, index, p)) {
          p.body_left_out = true;
        } else {
          DecodeLeaf(e, index, &p);
        }
        break;
    }
  }

 private:
  std::string FileName(const Entity& e) {
    const std::string name = internal::mime::AttachmentName(e.content_type, e.disposition);
    if (name.empty()) return name;
    return DecodeEncodedWords(name);  // RFC 2047 in parameters: not allowed, common
  }


  // Whether the body of leaf `index` (built as far as `p`) stays undecoded.
  bool LeftOut(const std::vector<Entity>& entities, const std::vector<Part>& built, size_t index,
               const Part& p) const {
    const Entity& e = entities[index];
    const bool text = e.content_type.TypeIs("text") || IsMessageLeafType(p.content_type);
    if (!text) return e.in_attached_message || bodies_ == BodyScope::kText;  // attachments of a returned original: never
    if (bodies_ != BodyScope::kText) return false;
    if (e.in_attached_message) return own_report_;
    if (std::string_view(p.content_type) != "text/html" || e.parent < 0) return false;
    const Entity& parent = entities[static_cast<size_t>(e.parent)];
    if (!parent.content_type.Is("multipart", "alternative")) return false;
    for (size_t j = static_cast<size_t>(e.parent) + 1; j < index; ++j) {
      if (entities[j].parent == e.parent && std::string_view(built[j].content_type) == "text/plain" && !built[j].body.empty()) return true;
    }
    return false;
  }

  void DecodeLeaf(const Entity& e, size_t index, Part* p) {
    const bool text = e.content_type.TypeIs("text") || IsMessageLeafType(p->content_type);
    const size_t max = limits_.max_decoded_part_bytes;
    std::string decoded;
    std::string_view bytes;
    bool complete = true;
    switch (internal::mime::ParseTransferEncoding(e.transfer_encoding)) {
      case TransferEncoding::kBase64:
        complete = internal::mime::DecodeBase64(e.body, max, &decoded);
        bytes = decoded;
        break;
      case TransferEncoding::kQuotedPrintable:
        complete = internal::mime::DecodeQuotedPrintable(e.body, max, &decoded);
        bytes = decoded;
        break;
      case TransferEncoding::kIdentity:
        bytes = e.body;
        if (bytes.size() > max) {
          bytes = bytes.substr(0, max);
          complete = false;
        }
        break;
    }
    if (!complete) {
      log_->Add(ProblemKind::kLimit,
                "decoded body of part " + std::to_string(index) + " cut at " + std::to_string(max) +
                    " bytes (--max-decoded-size)");
    }
    // Decoded text may carry its own CRLFs (base64 of a CRLF text).
    std::string normalized;
    if (text && !decoded.empty() && decoded.find('\r') != std::string::npos) {
      normalized = NormalizeLineEndings(decoded);
      bytes = normalized;
    }
    if (!text) {
      if (bytes.data() == decoded.data() && !decoded.empty()) {
        p->body = std::move(decoded);
      } else {
        p->body.assign(bytes.data(), bytes.size());
      }
      return;
    }
    if (IsUtf8Compatible(p->charset) && bytes.data() == decoded.data() && !decoded.empty() &&
        decoded.find('\x1b') == std::string::npos && internal::mime::IsValidUtf8(decoded)) {
      p->body = std::move(decoded);  // already UTF-8: no second copy
      return;
    }
    Conversion c = internal::mime::AppendUtf8(bytes, p->charset, &p->body);
    if (c == Conversion::kUnknownCharset) {
      log_->Add(ProblemKind::kCharset,
                "unknown charset " + p->charset + " in part " + std::to_string(index));
    } else if (c == Conversion::kReplaced) {
      log_->Add(ProblemKind::kCharset,
                "invalid " + (p->charset.empty() ? std::string("utf-8") : p->charset) +
                " bytes replaced in part " + std::to_string(index));
    }
  }

  const Limits& limits_;
  const BodyScope bodies_;
  const bool own_report_;
  ProblemLog* log_;
};

// A delivery-status or feedback-report part outside any returned original:
// the message is a report of its own (not, say, a forward of one).
bool HasOwnReport(const std::vector<Entity>& entities) {
  for (const Entity& e : entities) {
    const internal::mime::ContentType& ct = e.content_type;
    if (!e.in_attached_message &&
        (ct.Is("message", "delivery-status") || ct.Is("message", "global-delivery-status") || ct.Is("message", "feedback-report"))) {
      return true;
    }
  }
  return false;
}

void ParseInto(std::string_view raw, const Limits& limits, BodyScope bodies, Message* message, ProblemLog* log) {
  if (raw.size() > limits.max_message_bytes) {
    raw = raw.substr(0, limits.max_message_bytes);
    log->Add(ProblemKind::kLimit,
             "input truncated to " + std::to_string(limits.max_message_bytes) + " bytes (--max-message-size)");
  }
  if (raw.empty()) log->Add(ProblemKind::kStructure, "empty message");
  std::string normalized;
  std::string_view buffer = raw;
  if (std::memchr(raw.data(), '\r', raw.size()) != nullptr) {
    normalized = NormalizeLineEndings(raw);
    buffer = normalized;
  }
  internal::mime::EntityTree tree;
  internal::mime::BuildEntityTree(buffer, limits, &tree, log);
  PartBuilder builder(limits, bodies, bodies == BodyScope::kText && HasOwnReport(tree.entities), log);
  message->parts.reserve(tree.entities.size());
  for (size_t i = 0; i < tree.entities.size(); ++i) {
    Part& part = message->parts.emplace_back();  // (room reserved: stays where it is)
    try {
      builder.Build(tree.entities, message->parts, i, part);
    } catch (...) {
      message->parts.pop_back();  // a part half built is no part (ParseMessage logs why)
      throw;
    }
  }
  if (message->headers().empty() && !raw.empty()) log->Add(ProblemKind::kStructure, "no header fields");
}

}  // namespace

const Headers& Message::headers() const {
  static const Headers kNone;  // a Message without parts (ParseMessage always gives one)
  return parts.empty() ? kNone : parts[0].headers;
}

const Part* Message::FindPart(std::string_view content_type) const {
  for (const Part& p : parts) {
    if (!p.in_attached_message && internal::IEquals(p.content_type, content_type)) return &p;
  }
  return nullptr;
}

Message ParseMessage(std::string_view raw, const Limits& limits, BodyScope bodies) {
  Message message;
  ProblemLog log(&message.problems);
  try {
    ParseInto(raw, limits, bodies, &message, &log);
  } catch (const std::exception& e) {
    log.Add(ProblemKind::kInternal, std::string("MIME parsing stopped: ") + e.what());
  } catch (...) {
    log.Add(ProblemKind::kInternal, "MIME parsing stopped: unknown error");
  }
  if (message.parts.empty()) message.parts.emplace_back();  // parts[0] always exists
  return message;
}

}  // namespace ndr
