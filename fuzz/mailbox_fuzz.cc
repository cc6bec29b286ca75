// libFuzzer target: the input layer. The bytes are a file (a memfd) read by
// ReadInputs as any named input is -- gzip told by content, an mbox cut into
// messages as a stream, ">From " unquoted -- and cut again by SplitMbox.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ndr/mailbox.h"

namespace {

class CheckingVisitor : public ndr::InputVisitor {
 public:
  void Message(ndr::InputMessage message) override {
    if (message.source().empty()) std::abort();
  }
  void Error(const std::string& source, const std::string& what) override {
    if (source.empty() || what.empty()) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t cut = 0;
  for (std::string_view m : ndr::SplitMbox(bytes)) {
    // Every message is a view into the input.
    if (m.data() < bytes.data() || m.data() + m.size() > bytes.data() + bytes.size()) std::abort();
    cut += m.size();
    (void)ndr::UnquoteFromLines(m);
  }
  if (cut > size) std::abort();

  int fd = memfd_create("ndr-fuzz", MFD_CLOEXEC);
  if (fd < 0) return 0;
  size_t written = 0;
  while (written < size) {
    ssize_t n = write(fd, data + written, size - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  ndr::InputOptions options;
  options.max_message_bytes = 1 << 16;  // small, so that the oversized-message path runs too
  CheckingVisitor visitor;
  ndr::ReadInputs({"/proc/self/fd/" + std::to_string(fd)}, options, &visitor);
  close(fd);
  return 0;
}
