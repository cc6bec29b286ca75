#include "cli/stdout_blocks.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

namespace ndr {
namespace cli {

// A put area of one block; a write that fills it sends it to the descriptor
// whole. A failed write leaves errno as the write set it (CheckWritten reads
// it) and drops what was pending: the stream has failed, the run ends.
class StdoutBlocks::Buffer : public std::streambuf {
 public:
  explicit Buffer(int fd) : fd_(fd), block_(kBlockBytes) { Reset(); }

 protected:
  int_type overflow(int_type c) override {
    if (!Drain()) return traits_type::eof();
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
    return c;
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n > epptr() - pptr()) {
      if (!Drain()) return 0;
      // More than a block: straight out, after what was pending.
      if (n >= static_cast<std::streamsize>(block_.size())) return WriteAll(s, static_cast<size_t>(n)) ? n : 0;
    }
    std::memcpy(pptr(), s, static_cast<size_t>(n));
    pbump(static_cast<int>(n));
    return n;
  }

  int sync() override { return Drain() ? 0 : -1; }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;

  void Reset() { setp(block_.data(), block_.data() + block_.size()); }

  bool Drain() {
    const bool written = WriteAll(pbase(), static_cast<size_t>(pptr() - pbase()));
    Reset();
    return written;
  }

  bool WriteAll(const char* p, size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }

  int fd_;
  std::vector<char> block_;
};

StdoutBlocks::StdoutBlocks() {
  if (isatty(STDOUT_FILENO)) return;
  std::cout.flush();
  buffer_ = std::make_unique<Buffer>(STDOUT_FILENO);
  previous_ = std::cout.rdbuf(buffer_.get());
}

StdoutBlocks::~StdoutBlocks() {
  if (!buffer_) return;
  buffer_->pubsync();
  std::cout.rdbuf(previous_);
}

}  // namespace cli
}  // namespace ndr
