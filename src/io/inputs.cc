// Reading inputs as streams: folders (maildirs included) walked in name
// order, files and standard input read as streams (gunzipped with zlib when
// their content is gzip), mailboxes cut into messages while they are read.
//
// Memory: bytes are read into blocks of 1 MB. A message is a view into
// its block (the block lives while a message cut from it is in flight); the
// unfinished tail of a block starts the next one. A message that grows past
// Limits::max_message_bytes is dropped while it is read, so no input is ever
// held whole.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/mbox_scan.h"
#include "ndr/mailbox.h"

namespace ndr {
namespace {

constexpr size_t kBlockBytes = 1u << 20;      // a read block
constexpr size_t kFirstReadBytes = 1u << 20;  // the first block of a stream of unknown size (or of a large file)
// A line longer than this inside a message already too large is dropped as it is read.
constexpr size_t kDropLineBytes = 1u << 20;

std::string MegabytesText(size_t bytes) {
  size_t mb = bytes >> 20;
  return mb > 0 ? std::to_string(mb) + " MB" : std::to_string(bytes) + " bytes";
}

// The bytes of one file descriptor, gunzipped when they are gzip (told by
// the magic bytes, not the name; concatenated gzip members are read one after
// the other). zlib's own gzread is not used: when a stream is cut short it
// drops what it had decompressed in that call, and the messages before the
// damage must still be read.
class ByteSource {
 public:
  explicit ByteSource(int fd) : fd_(fd) {}
  ~ByteSource() {
    if (inflating_) inflateEnd(&z_);
    close(fd_);
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Reads up to `size` bytes into `out`: the count, 0 at the end, -1 on an
  // error (error() says what).
  long Read(char* out, size_t size) {
    if (!started_) Start();
    if (!error_.empty()) return -1;
    if (!gzip_) {
      if (raw_pos_ < raw_end_) {  // the bytes read to look for the magic
        size_t n = std::min(size, raw_end_ - raw_pos_);
        std::memcpy(out, raw_.data() + raw_pos_, n);
        raw_pos_ += n;
        return static_cast<long>(n);
      }
      long n = ReadRaw(out, size);
      if (n > 0) raw_bytes_ += static_cast<uint64_t>(n);
      return n;
    }
    return Inflate(out, size);
  }

  bool gzip() {
    if (!started_) Start();
    return gzip_;
  }
  const std::string& error() const { return error_; }
  uint64_t raw_bytes() const { return raw_bytes_; }

 private:
  long ReadRaw(char* out, size_t size) {
    for (;;) {
      ssize_t n = read(fd_, out, size);
      if (n >= 0) return static_cast<long>(n);
      if (errno == EINTR) continue;
      error_ = std::string("read error: ") + std::strerror(errno);
      return -1;
    }
  }

  // Fills raw_ with the first bytes, enough to see a gzip magic.
  void Start() {
    started_ = true;
    raw_.resize(kPeekBytes);
    while (raw_end_ < 2) {
      long n = ReadRaw(&raw_[raw_end_], raw_.size() - raw_end_);
      if (n <= 0) break;
      raw_end_ += static_cast<size_t>(n);
    }
    raw_bytes_ = raw_end_;
    gzip_ = raw_end_ >= 2 && static_cast<unsigned char>(raw_[0]) == 0x1f && static_cast<unsigned char>(raw_[1]) == 0x8b;
  }

  long Inflate(char* out, size_t size) {
    if (!inflating_) {
      std::memset(&z_, 0, sizeof z_);
      if (inflateInit2(&z_, 15 + 16) != Z_OK) {
        error_ = "out of memory";
        return -1;
      }
      inflating_ = true;
      member_open_ = true;
      raw_.resize(kRawBytes);
    }
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    while (z_.avail_out > 0) {
      if (raw_pos_ == raw_end_) {
        long n = ReadRaw(&raw_[0], raw_.size());
        if (n < 0) break;
        raw_pos_ = 0;
        raw_end_ = static_cast<size_t>(n);
        raw_bytes_ += static_cast<uint64_t>(n);
        if (n == 0) {
          if (member_open_) error_ = "gzip stream truncated (the file ends inside it)";
          break;
        }
      }
      if (!member_open_) {  // another gzip member follows the last one
        inflateReset(&z_);
        member_open_ = true;
      }
      z_.next_in = reinterpret_cast<Bytef*>(&raw_[raw_pos_]);
      z_.avail_in = static_cast<uInt>(raw_end_ - raw_pos_);
      int rc = inflate(&z_, Z_NO_FLUSH);
      raw_pos_ = raw_end_ - z_.avail_in;
      if (rc == Z_STREAM_END) {
        member_open_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        error_ = std::string("gzip stream damaged: ") + (z_.msg != nullptr ? z_.msg : "bad data");
        break;
      }
    }
    size_t produced = static_cast<size_t>(reinterpret_cast<char*>(z_.next_out) - out);
    // What was decompressed before an error is still good: the error is reported on the next read.
    if (produced > 0) return static_cast<long>(produced);
    return error_.empty() ? 0 : -1;
  }

  static constexpr size_t kPeekBytes = 64;
  static constexpr size_t kRawBytes = 256u << 10;
  int fd_;
  bool started_ = false;
  bool gzip_ = false;
  std::string raw_;
  size_t raw_pos_ = 0, raw_end_ = 0;
  uint64_t raw_bytes_ = 0;
  z_stream z_;
  bool inflating_ = false;
  bool member_open_ = false;
  std::string error_;
};

// Reads one stream (a file or standard input, gzip or plain) and hands its
// messages to the visitor.
class StreamReader {
 public:
  StreamReader(ByteSource* in, std::string name, uint64_t known_size, const InputOptions& options,
               InputVisitor* visitor)
      : in_(in), name_(std::move(name)), known_size_(known_size), options_(options), visitor_(visitor) {}

  void Read() {
    size_t first = known_size_ > 0 && !in_->gzip()
                       ? static_cast<size_t>(std::min<uint64_t>(known_size_ + 1, kBlockBytes))
                       : kFirstReadBytes;
    if (!in_->gzip() && known_size_ > options_.max_message_bytes) first = kFirstReadBytes;
    NewBlock(first, 0);
    Fill();  // a read error is reported after the messages before it
    bool mbox = options_.split_mailboxes && LooksLikeMbox(Window());
    if (mbox) {
      ReadMailbox();
    } else {
      ReadOneMessage();
    }
  }

 private:
  std::string_view Window() const { return std::string_view(block_.get(), filled_); }

  // A new block of `capacity` bytes that starts with the last `keep` bytes of
  // the current one. Its bytes are not zeroed first (a megabyte of stores per
  // block, measured ~3 % of a scan's cache misses): read() fills them.
  void NewBlock(size_t capacity, size_t keep) {
    size_t size = std::max(capacity, keep + keep / 2 + (64u << 10));
    std::shared_ptr<char[]> next(new char[size]);
    if (keep > 0) std::memcpy(next.get(), block_.get() + filled_ - keep, keep);
    block_ = std::move(next);
    block_size_ = size;
    filled_ = keep;
  }

  // Reads until the block is full or the stream ends (at_end_) or fails (stream_error_).
  void Fill() {
    while (filled_ < block_size_) {
      long n = in_->Read(block_.get() + filled_, block_size_ - filled_);
      if (n < 0) {
        stream_error_ = in_->error();
        break;
      }
      if (n == 0) {
        at_end_ = true;
        break;
      }
      filled_ += static_cast<size_t>(n);
    }
    CountBytesRead();
  }

  void CountBytesRead() {
    if (options_.bytes_read == nullptr) return;
    uint64_t now = in_->raw_bytes();
    if (now > counted_) {
      options_.bytes_read->fetch_add(now - counted_, std::memory_order_relaxed);
      counted_ = now;
    }
  }

  void ReadOneMessage() {
    std::string too_large = "larger than " + MegabytesText(options_.max_message_bytes) + "; skipped";
    if (!in_->gzip() && known_size_ > options_.max_message_bytes) {
      visitor_->Error(name_, too_large);
      return;
    }
    while (stream_error_.empty() && !at_end_) {
      if (filled_ > options_.max_message_bytes) {
        visitor_->Error(name_, too_large);
        return;
      }
      NewBlock(std::min(block_size_ * 2, options_.max_message_bytes + 1), filled_);
      Fill();
    }
    if (!stream_error_.empty()) {
      visitor_->Error(name_, stream_error_ + "; skipped");
      return;
    }
    if (filled_ > options_.max_message_bytes) {
      visitor_->Error(name_, too_large);
      return;
    }
    if (filled_ == 0) return;  // an empty file holds no message
    visitor_->Message(InputMessage(name_, block_, Window()));
  }
  void ReadMailbox() {
    io::MboxScan scan;
    size_t number = 0;
    auto cut = [&](const io::MboxCut& c) {
      std::string source = name_ + "#" + std::to_string(++number);
      if (c.oversized || c.end - c.begin > options_.max_message_bytes) {
        visitor_->Error(source, "message larger than " + MegabytesText(options_.max_message_bytes) + "; skipped");
        return;
      }
      std::string_view bytes = Window().substr(c.begin, c.end - c.begin);
      if (c.quoted) {
        visitor_->Message(InputMessage(std::move(source), UnquoteFromLines(bytes)));
      } else {
        visitor_->Message(InputMessage(std::move(source), block_, bytes));
      }
    };
    for (;;) {
      io::ScanMbox(Window(), at_end_, &scan, cut);
      if (at_end_) return;
      if (!stream_error_.empty()) {
        // The messages before the damage were cut; the one it cuts short is not analyzed.
        std::string source = scan.message_start == io::kNoMessage ? name_ : name_ + "#" + std::to_string(number + 1);
        visitor_->Error(source, stream_error_ + "; this message is cut short and skipped");
        return;
      }
      // Keep the unfinished message (or, for a message already too large, only the unfinished line).
      if (scan.message_start != io::kNoMessage && !scan.oversized &&
          scan.line_start - scan.message_start > options_.max_message_bytes) {
        scan.oversized = true;
      }
      size_t keep_from = (scan.message_start != io::kNoMessage && !scan.oversized) ? scan.message_start
                                                                                  : scan.line_start;
      if (scan.oversized && filled_ - keep_from > kDropLineBytes) {
        keep_from = filled_;
        scan.continuing = true;  // what follows is the rest of a line, not a line of its own
      }
      size_t keep = filled_ - keep_from;
      NewBlock(kBlockBytes, keep);
      if (scan.message_start != io::kNoMessage) {
        scan.message_start = scan.message_start >= keep_from ? scan.message_start - keep_from : 0;
      }
      scan.line_start -= keep_from;
      Fill();
    }
  }

  ByteSource* in_;
  std::string name_;
  uint64_t known_size_;
  const InputOptions& options_;
  InputVisitor* visitor_;
  std::shared_ptr<char[]> block_;
  size_t block_size_ = 0;
  size_t filled_ = 0;
  bool at_end_ = false;
  std::string stream_error_;
  uint64_t counted_ = 0;
};

std::string ErrnoText(int error) { return std::strerror(error); }

// Reads one file (or standard input) whatever its content; takes `fd`.
void ReadStream(int fd, const std::string& name, uint64_t known_size, const InputOptions& options,
                InputVisitor* visitor) {
  ByteSource in(fd);
  StreamReader(&in, name, known_size, options, visitor).Read();
}

void ReadFile(const std::string& path, const struct stat& st, const InputOptions& options, InputVisitor* visitor) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    visitor->Error(path, ErrnoText(errno));
    return;
  }
  ReadStream(fd, path, S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0, options, visitor);
}

struct FolderId {
  dev_t dev;
  ino_t ino;
  std::string path;
};

// Why stat() failed on a path, in words.
std::string StatFailure(const std::string& path, int error) {
  if (error == ELOOP) return "symbolic link loop; not read";
  struct stat lst;
  if (error == ENOENT && lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    return "broken symbolic link (its target does not exist)";
  }
  return ErrnoText(error);
}

// What a file that is neither a folder nor a regular file is, in words.
const char* SpecialFileKind(mode_t mode) {
  if (S_ISFIFO(mode)) return "named pipe (FIFO)";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  return "special file";
}

class FolderWalker {
 public:
  FolderWalker(const InputOptions& options, InputVisitor* visitor) : options_(options), visitor_(visitor) {}

  void Walk(const std::string& path, const struct stat& st) {
    for (const FolderId& f : open_folders_) {
      if (f.dev == st.st_dev && f.ino == st.st_ino) {
        visitor_->Error(path, "symbolic link loop (leads back to " + f.path + "); not read");
        return;
      }
    }
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) {
      visitor_->Error(path, "cannot read folder: " + ErrnoText(errno));
      return;
    }
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);  // hidden names, "." and ".."
    }
    int read_error = errno;
    closedir(dir);
    if (read_error != 0) visitor_->Error(path, "cannot read folder: " + ErrnoText(read_error));
    std::sort(names.begin(), names.end());
    std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
    // A maildir's tmp/ holds messages still being written.
    bool maildir = std::binary_search(names.begin(), names.end(), "cur") ||
                   std::binary_search(names.begin(), names.end(), "new");
    open_folders_.push_back(FolderId{st.st_dev, st.st_ino, path});
    for (const std::string& name : names) {
      std::string child = prefix + name;
      struct stat cst;
      if (stat(child.c_str(), &cst) != 0) {
        visitor_->Error(child, StatFailure(child, errno));
        continue;
      }
      if (S_ISDIR(cst.st_mode)) {
        if (maildir && name == "tmp") continue;
        Walk(child, cst);
      } else if (S_ISREG(cst.st_mode)) {
        ReadFile(child, cst, options_, visitor_);
      } else {
        // Not mail, and reading a pipe or a device could block or never end;
        // said, not dropped. Named on the command line, such a file is read.
        visitor_->Error(child, std::string(SpecialFileKind(cst.st_mode)) + " inside a folder; not read");
      }
    }
    open_folders_.pop_back();
  }

 private:
  const InputOptions& options_;
  InputVisitor* visitor_;
  std::vector<FolderId> open_folders_;  // the folders being walked, outermost first
};

}  // namespace

void ReadInputs(const std::vector<std::string>& paths, const InputOptions& options, InputVisitor* visitor) {
  for (const std::string& path : paths) {
    if (path == "-") {
      int fd = dup(STDIN_FILENO);
      if (fd < 0) {
        visitor->Error("-", "read error (standard input): " + ErrnoText(errno));
        continue;
      }
      ReadStream(fd, "-", 0, options, visitor);
      continue;
    }
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      visitor->Error(path, StatFailure(path, errno));
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      FolderWalker(options, visitor).Walk(path, st);
    } else {
      ReadFile(path, st, options, visitor);
    }
  }
}

uint64_t KnownInputBytes(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  for (const std::string& path : paths) {
    struct stat st;
    if (path == "-" || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

}  // namespace ndr
