// The MIME structure, framed by ndr itself: header blocks, boundaries and
// nesting are found here in one linear pass over the buffer, with every limit
// applied as we go (no library keeps state or recursion we cannot bound).
//  - Headers are scanned line by line; an mbox "From " line before the
//    header is not part of it.
//  - Boundaries are matched only as whole delimiter lines ("--b" or "--b--",
//    then blanks), longest match at any open nesting level, so a missing inner
//    boundary ends the inner multipart at the next outer one instead of
//    swallowing the rest of the input.
//  - Depth (Limits::max_depth, and a hard bound for the recursion), part count
//    and header bytes are bounded; bodies stay views into the buffer.
// The Content-Type value is read by ParseContentType (mime/content_type.h).
#include "mime/entity_tree.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mime/header_fields.h"
#include "mime/transfer_encoding.h"

namespace ndr {
namespace internal {
namespace mime {
namespace {

// Recursion bound whatever Limits::max_depth says.
constexpr int kHardDepthLimit = 128;

// The open multiparts' "--boundary", outermost first (a vector: no
// allocation for a message without multiparts).
using BoundaryList = std::vector<std::string>;

// A mail file attached as a file ("application/octet-stream" named
// "Undelivered Mail.eml"), as some mail programs attach a forwarded message:
// it is the message it holds, read as message/rfc822 is.
bool IsAttachedMailFile(const ContentType& ct, std::string_view disposition) {
  if (!ct.TypeIs("application")) return false;
  const std::string name = AttachmentName(ct, disposition);
  return name.size() > 4 && IEndsWith(name, ".eml");
}

// A field value as one line: each line break and the blanks after it
// become one space; surrounding spaces trimmed.
std::string Unfold(const char* begin, const char* end) {
  std::string out;
  out.reserve(static_cast<size_t>(end - begin));
  for (const char* p = begin; p < end;) {
    auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (nl == nullptr) {
      out.append(p, end);
      break;
    }
    out.append(p, nl);
    out.push_back(' ');
    for (p = nl + 1; p < end && IsBlank(*p);) ++p;
  }
  std::string_view trimmed = Trim(out);
  if (trimmed.size() == out.size()) return out;
  return std::string(trimmed);
}

// A line of a header block as the framing found it: a field (colon > 0, as
// FieldColon gives) or a continuation line (colon -1). Trivial, so that
// room for lines is not initialized before they are written.
struct HeaderLine {
  const char* begin;
  const char* end;  // before the line break
  ptrdiff_t colon;
};

// The lines of the header block being read. Kept from part to part, and
// filled in place (a vector's push_back per line was a call per line, and
// its resize wrote every new slot before use).
class HeaderLines {
 public:
  void Clear() { count_ = 0; }
  void Add(const char* begin, const char* end, ptrdiff_t colon) {
    if (count_ == capacity_) Grow();
    lines_[count_++] = {begin, end, colon};
  }
  const HeaderLine* begin() const { return lines_.get(); }
  const HeaderLine* end() const { return lines_.get() + count_; }

 private:
  void Grow() {
    const size_t capacity = capacity_ == 0 ? 64 : capacity_ * 2;  // a message's own header: most fit in 64
    std::unique_ptr<HeaderLine[]> bigger(new HeaderLine[capacity]);
    if (count_ > 0) std::memcpy(bigger.get(), lines_.get(), count_ * sizeof(HeaderLine));
    lines_ = std::move(bigger);
    capacity_ = capacity;
  }
  std::unique_ptr<HeaderLine[]> lines_;
  size_t count_ = 0;
  size_t capacity_ = 0;
};

struct HeaderScan {
  const char* header_begin = nullptr;
  const char* header_end = nullptr;
  const char* body_begin = nullptr;
  // The values, unfolded: views into the buffer, or into the tree's
  // storage when folded.
  std::string_view content_type;
  std::string_view transfer_encoding;
  std::string_view disposition;
};

class TreeParser {
 public:
  TreeParser(const Limits& limits, EntityTree* tree, ProblemLog* log)
      : tree_(tree),
        log_(log),
        limits_(limits),
        max_depth_(limits.max_depth < kHardDepthLimit ? limits.max_depth : kHardDepthLimit),
        max_parts_(limits.max_parts == 0 ? 1 : limits.max_parts) {}

  void Run(const char* begin, const char* end) {
    pos_ = begin;
    end_ = end;
    infos_.reserve(8);  // most messages: a handful of parts, without regrowing
    LoadEntity(0, false, -1);
  }

  // Entities are created depth-first in document order: that is the order of the tree.
  void Finish() { tree_->entities = std::move(infos_); }

 private:
  // ---- reading ----

  // Whether [line, eol) is a delimiter line of an open multipart: "--b" or
  // "--b--", then only blanks. The longest matching boundary wins, then the
  // innermost. Sets matched_level_ (0 = innermost) and matched_closing_.
  bool MatchBoundary(const char* line, const char* eol) {
    int level = 0;
    size_t best_len = 0;
    int best_level = -1;
    bool best_closing = false;
    const auto line_len = static_cast<size_t>(eol - line);
    for (auto it = boundaries_.rbegin(); it != boundaries_.rend(); ++it) {
      const std::string& b = *it;
      size_t blen = b.size();
      if (line_len >= blen && blen > best_len && std::memcmp(line, b.data(), blen) == 0) {
        const char* r = line + blen;
        bool closing = false;
        if (eol - r >= 2 && r[0] == '-' && r[1] == '-') {
          closing = true;
          r += 2;
        }
        while (r < eol && (IsBlank(*r) || *r == '\r')) ++r;
        if (r == eol) {
          best_len = blen;
          best_level = level;
          best_closing = closing;
        }
      }
      ++level;
    }
    if (best_level < 0) return false;
    matched_level_ = best_level;
    matched_closing_ = best_closing;
    return true;
  }

  // Reads up to the next delimiter line of any open multipart (or the end)
  // and steps past it. Returns the content before it; the line break before
  // the delimiter belongs to the delimiter.
  std::string_view ScanToBoundary() {
    const char* begin = pos_;
    const char* end = end_;
    matched_level_ = -1;
    matched_closing_ = false;
    if (!boundaries_.empty()) {
      // A delimiter line starts with "--" (after blanks): only the '-'s are
      // looked at, not every line (base64 bodies have none).
      const char* p = begin;
      while (p < end) {
        auto* dash = static_cast<const char*>(std::memchr(p, '-', static_cast<size_t>(end - p)));
        if (dash == nullptr) break;
        const char* line = dash;
        while (line > begin && IsBlank(line[-1])) --line;  // tolerate an indented delimiter (seen in the wild)
        if ((line == begin || line[-1] == '\n') && end - dash >= 2 && dash[1] == '-') {
          auto* nl = static_cast<const char*>(std::memchr(dash, '\n', static_cast<size_t>(end - dash)));
          const char* eol = nl != nullptr ? nl : end;
          if (MatchBoundary(dash, eol)) {
            pos_ = nl != nullptr ? nl + 1 : end;
            const char* content_end = line > begin ? line - 1 : begin;
            return std::string_view(begin, static_cast<size_t>(content_end - begin));
          }
          p = eol;  // no other delimiter on this line
          continue;
        }
        p = dash + 1;
      }
    }
    pos_ = end;
    return std::string_view(begin, static_cast<size_t>(end - begin));
  }

  // Scans a header block starting at `p`: up to an empty line, or up to the
  // first line that is no header field (then the body starts on that line).
  // The block's lines that start within max_header_bytes go to *lines (when given).
  HeaderScan ScanHeader(const char* p, const char* end, bool check_boundaries, HeaderLines* lines = nullptr) {
    if (lines != nullptr) lines->Clear();
    HeaderScan s;
    s.header_begin = p;
    bool any_field = false;
    bool mbox_checked = false;
    std::string_view* field = nullptr;  // the Content-* field being collected
    const char* value_begin = nullptr;
    auto finish_field = [&](const char* value_end) {
      if (field != nullptr && field->empty()) {
        if (static_cast<size_t>(value_end - value_begin) > limits_.max_header_bytes) {
          value_end = value_begin + limits_.max_header_bytes;
        }
        *field = UnfoldedView(value_begin, value_end);
      }
      field = nullptr;
    };
    auto done = [&](const char* header_end, const char* body_begin) {
      finish_field(header_end);
      s.header_end = header_end;
      s.body_begin = body_begin;
      return s;
    };
    while (p < end) {
      auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      const char* eol = nl != nullptr ? nl : end;
      const char* next = nl != nullptr ? nl + 1 : end;
      if (eol == p) return done(p, next);  // empty line: end of the header
      if (IsBlank(*p)) {
        if (any_field) {  // folded line
          if (lines != nullptr && static_cast<size_t>(p - s.header_begin) < limits_.max_header_bytes) {
            lines->Add(p, eol, -1);
          }
          p = next;
          continue;
        }
        const char* q = p;
        while (q < eol && IsSpace(*q)) ++q;
        return q == eol ? done(p, next) : done(p, p);
      }
      if (check_boundaries && p[0] == '-' && eol - p >= 2 && p[1] == '-' && !boundaries_.empty()) {
        int saved_level = matched_level_;
        bool saved_closing = matched_closing_;
        bool is_boundary = MatchBoundary(p, eol);
        matched_level_ = saved_level;
        matched_closing_ = saved_closing;
        if (is_boundary) return done(p, p);  // a part with no body
      }
      ptrdiff_t colon = FieldColon(p, eol);
      if (colon > 0) {
        // (tested here: most fields are no Content-* field, and the call was
        // most of what such a field cost to frame)
        if (field != nullptr) finish_field(p > s.header_begin ? p - 1 : p);
        any_field = true;
        if (static_cast<size_t>(p - s.header_begin) < limits_.max_header_bytes) {
          if (lines != nullptr) lines->Add(p, eol, colon);
          // The name starts at p (a name byte): only a 'c' can start "content-".
          std::string_view name(p, static_cast<size_t>(colon));
          if (AsciiLower(*p) == 'c' && IStartsWith(name = Trim(name), "content-")) {
            if (IEquals(name, "content-type")) {
              field = &s.content_type;
            } else if (IEquals(name, "content-transfer-encoding")) {
              field = &s.transfer_encoding;
            } else if (IEquals(name, "content-disposition")) {
              field = &s.disposition;
            }
            value_begin = p + colon + 1;
          }
        }
        p = next;
        continue;
      }
      if (!any_field && !mbox_checked &&
          (std::string_view(p, static_cast<size_t>(eol - p)).substr(0, 5) == "From " ||
           std::string_view(p, static_cast<size_t>(eol - p)).substr(0, 6) == ">From ")) {
        mbox_checked = true;  // an mbox envelope line: not part of the header
        s.header_begin = next;
        p = next;
        continue;
      }
      return done(p, p);  // not a header line: the body starts here
    }
    return done(end, end);
  }

  // A field value as one line (Unfold): the trimmed bytes themselves when
  // the value is not folded (most), else a copy kept in the tree's storage.
  std::string_view UnfoldedView(const char* begin, const char* end) {
    if (std::memchr(begin, '\n', static_cast<size_t>(end - begin)) == nullptr) {
      return Trim(std::string_view(begin, static_cast<size_t>(end - begin)));
    }
    return tree_->storage.emplace_back(Unfold(begin, end));
  }

  // The fields of `header` (the block ScanHeader just framed, maybe cut at
  // max_header_bytes: `block_cut`) from the lines it found: what
  // ParseHeaderBlock(header) gives, without reading the lines again.
  void ReadFields(std::string_view header, bool block_cut, Entity* e) {
    if (!block_cut && header.size() <= limits_.max_header_line_bytes) {
      ReadRawFields(header, e);  // no limit can cut a field: each is made final when read
      return;
    }
    FieldCollector fields(&e->headers, limits_, &e->header_cuts, std::min(header.size(), size_t{16384}));
    const char* cut = header.data() + header.size();
    for (const HeaderLine& l : lines_) {
      if (l.begin >= cut) break;
      if (l.end <= cut) {
        if (!fields.Line(std::string_view(l.begin, static_cast<size_t>(l.end - l.begin)), l.colon)) break;
      } else {  // the line the cut runs through: what is left of it
        if (!fields.Line(std::string_view(l.begin, static_cast<size_t>(cut - l.begin)))) break;
      }
    }
    fields.Finish();
  }

  // ReadFields for a block no limit but the field count can cut: each
  // field's bytes as written, unfolded and decoded on its first read.
  void ReadRawFields(std::string_view header, Entity* e) {
    RawFields fields(&e->headers, header, static_cast<size_t>(lines_.end() - lines_.begin()));
    const HeaderLine* open = nullptr;  // the field being read
    const char* open_end = nullptr;    // the end of its last line
    auto add = [&]() {
      const char* name_end = open->begin + open->colon;
      while (IsBlank(name_end[-1])) --name_end;
      const char* value = open->begin + open->colon + 1;
      fields.Add(std::string_view(open->begin, static_cast<size_t>(name_end - open->begin)),
                 std::string_view(value, static_cast<size_t>(open_end - value)));
    };
    for (const HeaderLine& l : lines_) {
      if (l.colon < 0) {  // a continuation line (the block's lines start with a field)
        open_end = l.end;
        continue;
      }
      if (open != nullptr) add();
      open = nullptr;
      if (fields.size() >= limits_.max_headers) {
        e->header_cuts.fields = true;
        break;
      }
      open = &l;
      open_end = l.end;
    }
    if (open != nullptr) add();
    fields.Finish();
  }

  // ---- loading entities ----

  void LoadEntity(int depth, bool attached, int parent) {
    const size_t idx = infos_.size();
    infos_.emplace_back();
    infos_[idx].depth = depth;
    infos_[idx].parent = parent;
    infos_[idx].in_attached_message = attached;

    HeaderScan hs = ScanHeader(pos_, end_, true, &lines_);
    pos_ = hs.body_begin;
    std::string_view header(hs.header_begin, static_cast<size_t>(hs.header_end - hs.header_begin));
    const bool cut = header.size() > limits_.max_header_bytes;
    if (cut) {
      log_->Add(ProblemKind::kLimit, "header block of part " + std::to_string(idx) + " cut at " +
                std::to_string(limits_.max_header_bytes) + " bytes (--max-header-size)");
      header = header.substr(0, limits_.max_header_bytes);
    }
    Entity& e = infos_[idx];
    e.header = header;
    ReadFields(header, cut, &e);
    e.content_type = ParseContentType(hs.content_type);
    e.transfer_encoding = hs.transfer_encoding;
    e.disposition = hs.disposition;
    const ContentType& ct = e.content_type;
    if (ct.TypeIs("multipart")) {
      LoadMultipart(idx, depth, attached);
    } else if (ct.Is("message", "rfc822") || ct.Is("message", "global")) {
      LoadMessage(idx, depth);
    } else if (IsAttachedMailFile(ct, e.disposition)) {
      e.content_type.type = "message";
      e.content_type.subtype = "rfc822";
      LoadMessage(idx, depth);
    } else {
      infos_[idx].body = ScanToBoundary();
    }
  }

  void ReadAsText(size_t idx, std::string_view body) {
    Entity& e = infos_[idx];
    e.shape = Shape::kLeaf;
    e.content_type.type = "text";
    e.content_type.subtype = "plain";
    e.body = body;
  }

  // A multipart without a boundary parameter: a "boundary=..." line at the
  // start of the body (a continuation line that lost its indentation), or
  // a "--token" line followed by a header field near the start.
  std::string RecoverBoundary() {
    const char* p = pos_;
    const char* end = end_ - pos_ > 8192 ? pos_ + 8192 : end_;  // look near the start only
    for (int lines = 0; p < end && lines < 40; ++lines) {
      auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (nl == nullptr) break;
      const char* eol = nl;
      const char* next = nl + 1;
      std::string_view line(p, static_cast<size_t>(eol - p));
      if (lines == 0 && IStartsWith(Trim(line), "boundary")) {
        const std::string field = "x/y;" + std::string(line);
        ContentType ct = ParseContentType(field);  // (views into field)
        std::string b(ct.params.Get("boundary"));
        if (!b.empty()) return b;
      }
      if (line.size() > 2 && line.size() <= 202 && line[0] == '-' && line[1] == '-' && next < end) {
        std::string_view token = Trim(line.substr(2));
        bool plausible = !token.empty() && token.find_first_of(" \t") == std::string_view::npos;
        auto* nl2 = static_cast<const char*>(std::memchr(next, '\n', static_cast<size_t>(end - next)));
        const char* eol2 = nl2 != nullptr ? nl2 : end;
        if (plausible && FieldColon(next, eol2) > 0) {
          int saved_level = matched_level_;
          bool saved_closing = matched_closing_;
          bool outer = MatchBoundary(p, eol);
          matched_level_ = saved_level;
          matched_closing_ = saved_closing;
          if (!outer) return std::string(token);
        }
      }
      p = next;
    }
    return std::string();
  }

  void PopBoundary() {
    boundaries_.pop_back();
    if (matched_level_ > 0) --matched_level_;  // an outer delimiter keeps its meaning
  }

  void LoadMultipart(size_t idx, int depth, bool attached) {
    // A view into the buffer or into the strings the content type made
    // (which stay where they are while the list of entities grows).
    std::string_view boundary = infos_[idx].content_type.params.Get("boundary");
    std::string recovered;
    if (boundary.empty()) {
      recovered = RecoverBoundary();
      boundary = recovered;
      if (!boundary.empty()) {
        log_->Add(ProblemKind::kStructure,
                  "boundary of multipart part " + std::to_string(idx) + " missing; recovered from its body");
      }
    }
    if (boundary.empty() || boundary.size() > 200) {
      log_->Add(ProblemKind::kStructure,
                "multipart part " + std::to_string(idx) + " has no usable boundary; read as text/plain");
      ReadAsText(idx, ScanToBoundary());
      return;
    }
    infos_[idx].shape = Shape::kMultipart;
    if (depth + 1 > max_depth_) {
      log_->Add(ProblemKind::kLimit,
                "part " + std::to_string(idx) + ": nesting deeper than " + std::to_string(max_depth_) +
                " levels not followed (--max-depth)");
      ScanToBoundary();
      return;
    }
    std::string delimiter;
    delimiter.reserve(2 + boundary.size());
    delimiter.append("--").append(boundary);
    boundaries_.push_back(std::move(delimiter));
    std::string_view preamble = ScanToBoundary();
    size_t children = 0;
    for (;;) {
      if (matched_level_ < 0) {  // end of input
        if (children == 0) {
          log_->Add(ProblemKind::kStructure,
                    "boundary of multipart part " + std::to_string(idx) + " never appears; read as text/plain");
          ReadAsText(idx, preamble);
        } else {
          log_->Add(ProblemKind::kStructure,
                    "multipart part " + std::to_string(idx) + " is not closed (input ends)");
        }
        PopBoundary();
        return;
      }
      if (matched_level_ > 0) {  // an enclosing multipart's delimiter
        if (children == 0) {
          // Its own boundary never came before the enclosing part ended (a
          // declared boundary the body does not use): the text is all there is.
          log_->Add(ProblemKind::kStructure, "boundary of multipart part " + std::to_string(idx) +
                                                 " never appears before its enclosing part ends; read as text/plain");
          ReadAsText(idx, preamble);
        } else {
          log_->Add(ProblemKind::kStructure,
                    "multipart part " + std::to_string(idx) + " is not closed (missing closing boundary)");
        }
        PopBoundary();
        return;
      }
      if (matched_closing_) {
        PopBoundary();
        ScanToBoundary();  // the epilogue, ignored
        return;
      }
      if (infos_.size() >= max_parts_) {
        if (!parts_logged_) {
          log_->Add(ProblemKind::kLimit,
                    "part limit (" + std::to_string(max_parts_) + ") reached; later parts skipped (--max-parts)");
          parts_logged_ = true;
        }
        ScanToBoundary();
        continue;
      }
      LoadEntity(depth + 1, attached, static_cast<int>(idx));
      ++children;
    }
  }

  void LoadMessage(size_t idx, int depth) {
    infos_[idx].shape = Shape::kMessage;
    bool descend = true;
    if (depth + 1 > max_depth_) {
      log_->Add(ProblemKind::kLimit,
                "part " + std::to_string(idx) + ": nesting deeper than " + std::to_string(max_depth_) +
                " levels not followed (--max-depth)");
      descend = false;
    } else if (infos_.size() >= max_parts_) {
      if (!parts_logged_) {
        log_->Add(ProblemKind::kLimit,
                  "part limit (" + std::to_string(max_parts_) + ") reached; later parts skipped (--max-parts)");
        parts_logged_ = true;
      }
      descend = false;
    }
    TransferEncoding te = ParseTransferEncoding(infos_[idx].transfer_encoding);
    if (te == TransferEncoding::kIdentity && descend) {
      // Parsed in place: the enclosing boundaries still end it.
      const size_t child = infos_.size();
      LoadEntity(depth + 1, true, static_cast<int>(idx));
      infos_[idx].body = infos_[child].header;
      return;
    }
    std::string_view raw = ScanToBoundary();
    if (te != TransferEncoding::kIdentity) {
      // An encoded embedded message (not allowed for message/rfc822, seen anyway).
      std::string& decoded = tree_->storage.emplace_back();
      bool complete = te == TransferEncoding::kBase64
                          ? DecodeBase64(raw, limits_.max_decoded_part_bytes, &decoded)
                          : DecodeQuotedPrintable(raw, limits_.max_decoded_part_bytes, &decoded);
      if (!complete) {
        log_->Add(ProblemKind::kLimit, "decoded body of part " + std::to_string(idx) + " cut at " +
                  std::to_string(limits_.max_decoded_part_bytes) + " bytes (--max-decoded-size)");
      }
      if (decoded.find('\r') != std::string::npos) decoded = NormalizeLineEndings(decoded);
      raw = decoded;
      if (descend) {
        const size_t child = infos_.size();
        ParseDetached(raw, depth + 1, idx);
        infos_[idx].body = infos_[child].header;
        return;
      }
    }
    HeaderScan hs = ScanHeader(raw.data(), raw.data() + raw.size(), false);
    infos_[idx].body = std::string_view(hs.header_begin, static_cast<size_t>(hs.header_end - hs.header_begin))
                           .substr(0, limits_.max_header_bytes);
  }

  // Parses `text` (a decoded embedded message) as the next child, outside the
  // enclosing multiparts.
  void ParseDetached(std::string_view text, int depth, size_t parent) {
    const char* saved_bit = pos_;
    const char* saved_eit = end_;
    int saved_level = matched_level_;
    bool saved_closing = matched_closing_;
    BoundaryList saved_boundaries;
    saved_boundaries.swap(boundaries_);
    pos_ = text.data();
    end_ = text.data() + text.size();
    LoadEntity(depth, true, static_cast<int>(parent));
    boundaries_.swap(saved_boundaries);
    pos_ = saved_bit;
    end_ = saved_eit;
    matched_level_ = saved_level;
    matched_closing_ = saved_closing;
  }

  EntityTree* tree_;
  ProblemLog* log_;
  const Limits& limits_;
  const int max_depth_;
  const size_t max_parts_;
  std::vector<Entity> infos_;  // in creation order (= depth-first order)
  const char* pos_ = nullptr;  // read position
  const char* end_ = nullptr;  // end of the text being framed
  BoundaryList boundaries_;  // the open multiparts' "--boundary", innermost last
  HeaderLines lines_;  // the lines of the header block being read
  int matched_level_ = -1;  // level of the last delimiter read, -1 = none (end of input)
  bool matched_closing_ = false;
  bool parts_logged_ = false;
};

}  // namespace

void BuildEntityTree(std::string_view buffer, const Limits& limits, EntityTree* tree, ProblemLog* log) {
  TreeParser parser(limits, tree, log);
  parser.Run(buffer.data(), buffer.data() + buffer.size());
  parser.Finish();
}

}  // namespace mime
}  // namespace internal
}  // namespace ndr
