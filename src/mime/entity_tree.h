// The MIME structure of a message (internal): ndr's own bounded framing.
//
// BuildEntityTree frames one contiguous, LF-normalized buffer -- header
// blocks, boundaries, nesting -- in one linear pass into a flat list of
// Entity records, depth-first. The records point into the buffer (or into
// EntityTree::storage); nothing is decoded here but the header fields (read
// from the lines the framing finds). mimetic's parser is not
// used: on whole messages it hangs on very long header lines, finds
// boundaries in the middle of lines and recurses without bound.
#ifndef NDR_SRC_MIME_ENTITY_TREE_H_
#define NDR_SRC_MIME_ENTITY_TREE_H_

#include <list>
#include <string>
#include <string_view>
#include <vector>

#include "mime/content_type.h"
#include "mime/mime_util.h"
#include "ndr/message.h"
#include "ndr/options.h"

namespace ndr {
namespace internal {
namespace mime {

enum class Shape {
  kLeaf,       // a body to decode
  kMultipart,  // children follow; no body of its own
  kMessage,    // message/rfc822 or message/global: body is the embedded message
};

struct Entity {
  int depth = 0;
  int parent = -1;  // index of the enclosing multipart or message entity, -1 for the top one
  bool in_attached_message = false;
  Shape shape = Shape::kLeaf;
  ContentType content_type;       // text/plain when absent, unreadable or a broken multipart
  std::string_view transfer_encoding;  // raw Content-Transfer-Encoding value (unfolded)
  std::string_view disposition;        // raw Content-Disposition value (unfolded)
  std::string_view header;        // the raw header block (no blank line)
  Headers headers;                // `header` parsed (as ParseHeaderBlock would)
  HeaderCuts header_cuts;         // what `headers` left out to stay within the limits
  // Leaf: the raw (still transfer-encoded) body. Message: the embedded
  // message's header block. Multipart: empty.
  std::string_view body;
};

struct EntityTree {
  std::vector<Entity> entities;       // depth-first, document order; [0] is the top entity
  // What views point into besides the buffer: transfer-decoded embedded
  // messages, folded field values (a list: stable, no allocation while empty).
  std::list<std::string> storage;
};

// `buffer` must be LF-normalized and outlive the tree. Never throws (except
// std::bad_alloc); limits (parts, depth, header bytes, decoded bytes for an
// encoded embedded message) are honoured and logged.
void BuildEntityTree(std::string_view buffer, const Limits& limits, EntityTree* tree, ProblemLog* log);

}  // namespace mime
}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_ENTITY_TREE_H_
