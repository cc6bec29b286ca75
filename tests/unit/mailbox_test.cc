// Reading inputs: mbox cutting, the stream reader (gzip, >From, sizes), folders
// and maildirs. Every input is written by the test itself.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <random>

#include "ndr/mailbox.h"

namespace ndr {
namespace {

namespace fs = std::filesystem;

const char kPostmark[] = "From MAILER-DAEMON Mon Jan  5 10:00:00 2026\n";

// What ReadInputs reported, in order: "source|bytes" for messages, "source!what" for errors.
class Collect : public InputVisitor {
 public:
  void Message(InputMessage m) override { events.push_back(m.source() + "|" + std::string(m.bytes())); }
  void Error(const std::string& source, const std::string& what) override {
    events.push_back(source + "!" + what);
  }
  std::vector<std::string> events;
};

std::vector<std::string> Read(const std::vector<std::string>& paths, InputOptions options = InputOptions()) {
  Collect c;
  ReadInputs(paths, options, &c);
  return c.events;
}

// A new empty folder for one test, removed when the test ends. The process
// id keeps test runs of several work trees at once apart.
struct TempFolder {
  explicit TempFolder(const std::string& name)
      : path(fs::path(::testing::TempDir()) / ("ndr_inputs_" + name + "_" + std::to_string(getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  fs::path path;
};

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void WriteGzip(const fs::path& path, const std::string& text) {
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(out);
}

TEST(Mbox, SplitsAtSeparatorsAfterEmptyLines) {
  auto m = SplitMbox("From a@x Mon Jan  5 10:00:00 2026\nSubject: 1\n\nbody\n\nFrom b@x Mon Jan  5 10:01:00 2026\n"
                     "Subject: 2\n\nbody\n");
  ASSERT_EQ(m.size(), 2u);
  // The empty line before a separator belongs to the separator, not to the message.
  EXPECT_EQ(m[0], "Subject: 1\n\nbody\n");
  EXPECT_EQ(m[1], "Subject: 2\n\nbody\n");
}

// Regression: an LF mbox whose messages are not separated by an empty line
// was read as one message.
TEST(Mbox, SplitsAtPostmarkWithoutEmptyLine) {
  auto m = SplitMbox("From a@x Mon Jan  5 10:00:00 2026\nSubject: 1\n\nbody\nFrom b@x Mon Jan  5 10:01:00 2026\n"
                     "Subject: 2\n\nbody\n");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "Subject: 1\n\nbody\n");
}

TEST(Mbox, BodyLineStartingWithFromDoesNotSplit) {
  auto m = SplitMbox("From a@x Mon Jan  5 10:00:00 2026\nSubject: 1\n\nFrom here on, we will meet weekly.\n");
  ASSERT_EQ(m.size(), 1u);
}

TEST(Mbox, CrlfSeparators) {
  auto m = SplitMbox("From a@x Mon Jan  5 10:00:00 2026\r\nSubject: 1\r\n\r\nbody\r\n\r\nFrom b@x Mon Jan  5 "
                     "10:01:00 2026\r\nSubject: 2\r\n\r\nbody\r\n");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "Subject: 1\r\n\r\nbody\r\n");
}

TEST(Mbox, Detection) {
  EXPECT_TRUE(LooksLikeMbox("From MAILER-DAEMON Mon Jan  5 10:00:00 2026\n"));
  EXPECT_FALSE(LooksLikeMbox("From: someone@example.com\n"));
  EXPECT_TRUE(SplitMbox("").empty());
}

TEST(Mbox, UnquotesOneLevelOfFromQuoting) {
  EXPECT_EQ(UnquoteFromLines("a\n>From x\n>>From y\n> From z\n>Fromage\nFrom w"),
            "a\nFrom x\n>From y\n> From z\n>Fromage\nFrom w");
}

// UnquoteFromLines looks only at lines that start with '>': it must give
// what taking one '>' off every quoted "From " line, line by line, gives.
TEST(Mbox, UnquotingAgreesWithTheLineByLineRule) {
  auto line_by_line = [](std::string_view text) {
    std::string out;
    for (size_t pos = 0; pos < text.size();) {
      size_t eol = text.find('\n', pos);
      size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
      std::string_view line = text.substr(pos, next - pos);
      size_t quotes = line.find_first_not_of('>');
      if (quotes != 0 && quotes != std::string_view::npos && line.substr(quotes, 5) == "From ") line.remove_prefix(1);
      out.append(line);
      pos = next;
    }
    return out;
  };
  const std::vector<std::string> pieces = {">From a\n", ">>From b\n", ">From", ">", "\n", "From c\n", "> From d\n",
                                           ">Fromage\n", "text > From\n", "a long line of plain text, over 64 bytes "
                                           "so that the search skips a whole step of it\n", ">\n"};
  std::mt19937 rng(20261203);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (int i = static_cast<int>(rng() % 30); i > 0; --i) text += pieces[rng() % pieces.size()];
    EXPECT_EQ(UnquoteFromLines(text), line_by_line(text)) << text;
  }
}

TEST(Inputs, MboxMessagesAreNumberedAndUnquoted) {
  TempFolder folder("mbox");
  const fs::path& dir = folder.path;
  Write(dir / "box", std::string(kPostmark) + "Subject: 1\n\n>From the start\n>>From quoted\n\n" + kPostmark +
                         "Subject: 2\n\nbody\n");
  auto events = Read({(dir / "box").string()});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (dir / "box").string() + "#1|Subject: 1\n\nFrom the start\n>From quoted\n");
  EXPECT_EQ(events[1], (dir / "box").string() + "#2|Subject: 2\n\nbody\n");
}

// Content-Length is not trusted: a wrong one neither swallows the next
// message nor cuts this one short.
TEST(Inputs, MboxIgnoresContentLength) {
  TempFolder folder("clen");
  const fs::path& dir = folder.path;
  Write(dir / "box", std::string(kPostmark) + "Subject: 1\nContent-Length: 99999\n\nshort\n\n" + kPostmark +
                         "Subject: 2\nContent-Length: 1\n\nlonger body\n");
  auto events = Read({(dir / "box").string()});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_NE(events[0].find("short\n"), std::string::npos);
  EXPECT_NE(events[1].find("longer body\n"), std::string::npos);
}

TEST(Inputs, LastMessageWithoutFinalNewline) {
  TempFolder folder("nonl");
  const fs::path& dir = folder.path;
  Write(dir / "box", std::string(kPostmark) + "Subject: 1\n\none\n\n" + kPostmark + "Subject: 2\n\ntwo");
  auto events = Read({(dir / "box").string()});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1], (dir / "box").string() + "#2|Subject: 2\n\ntwo");
}

TEST(Inputs, EmptyFilesHoldNoMessage) {
  TempFolder folder("empty");
  const fs::path& dir = folder.path;
  Write(dir / "empty.mbox", "");
  Write(dir / "postmark-only.mbox", kPostmark);
  EXPECT_TRUE(Read({(dir / "empty.mbox").string(), (dir / "postmark-only.mbox").string()}).empty());
}

TEST(Inputs, SingleMessageKeepsItsPathAsSource) {
  TempFolder folder("single");
  const fs::path& dir = folder.path;
  Write(dir / "one.eml", "Subject: x\n\nFrom the desk of\n");
  auto events = Read({(dir / "one.eml").string()});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], (dir / "one.eml").string() + "|Subject: x\n\nFrom the desk of\n");
}

TEST(Inputs, GzipMboxIsReadAsAStream) {
  TempFolder folder("gzip");
  const fs::path& dir = folder.path;
  WriteGzip(dir / "box.gz", std::string(kPostmark) + "Subject: 1\n\na\n\n" + kPostmark + "Subject: 2\n\nb\n");
  WriteGzip(dir / "one.eml.gz", "Subject: 3\n\nc\n");
  auto events = Read({(dir / "box.gz").string(), (dir / "one.eml.gz").string()});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], (dir / "box.gz").string() + "#1|Subject: 1\n\na\n");
  EXPECT_EQ(events[1], (dir / "box.gz").string() + "#2|Subject: 2\n\nb\n");
  EXPECT_EQ(events[2], (dir / "one.eml.gz").string() + "|Subject: 3\n\nc\n");
}

TEST(Inputs, TruncatedGzipIsReportedAfterTheMessagesBeforeIt) {
  TempFolder folder("truncated");
  const fs::path& dir = folder.path;
  std::string text;
  for (int i = 0; i < 200; ++i) text += std::string(kPostmark) + "Subject: " + std::to_string(i) + "\n\nbody\n\n";
  WriteGzip(dir / "full.gz", text);
  std::ifstream in(dir / "full.gz", std::ios::binary);
  std::string gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Write(dir / "cut.gz", gz.substr(0, gz.size() - 40));  // the gzip trailer and some data are gone
  auto events = Read({(dir / "cut.gz").string()});
  ASSERT_FALSE(events.empty());
  EXPECT_NE(events.back().find("!gzip stream truncated"), std::string::npos) << events.back();
  EXPECT_GT(events.size(), 100u);  // the messages before the damage were read
  EXPECT_EQ(events[0], (dir / "cut.gz").string() + "#1|Subject: 0\n\nbody\n");
}

TEST(Inputs, TooLargeMessagesAreReportedAndSkipped) {
  TempFolder folder("large");
  const fs::path& dir = folder.path;
  std::string big(5000, 'x');
  Write(dir / "box", std::string(kPostmark) + "Subject: 1\n\n" + big + "\n\n" + kPostmark + "Subject: 2\n\nsmall\n");
  Write(dir / "big.eml", "Subject: 3\n\n" + big + "\n");
  InputOptions options;
  options.max_message_bytes = 1000;
  auto events = Read({(dir / "box").string(), (dir / "big.eml").string()}, options);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].rfind((dir / "box").string() + "#1!message larger than 1000 bytes", 0), 0u) << events[0];
  EXPECT_EQ(events[1], (dir / "box").string() + "#2|Subject: 2\n\nsmall\n");
  EXPECT_EQ(events[2].rfind((dir / "big.eml").string() + "!larger than", 0), 0u) << events[2];
}

// A mailbox larger than the read blocks: the stream reader cuts it as the
// whole-buffer cutter does, also where a message spans two blocks, and drops
// a too-large message while reading it.
TEST(Inputs, StreamCutsLikeTheWholeBufferAcrossBlocks) {
  TempFolder folder("blocks");
  const fs::path& dir = folder.path;
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text += std::string(kPostmark) + "Subject: " + std::to_string(i) + "\n\n" + std::string(static_cast<size_t>(i % 97) * 40, 'y') +
            "\n>From quoted\n\n";
    if (i == 1500) text += std::string(kPostmark) + "Subject: huge\n\n" + std::string(9u << 20, 'z') + "\n\n";
  }
  Write(dir / "box", text);
  auto whole = SplitMbox(text);
  InputOptions options;
  options.max_message_bytes = 8u << 20;
  auto events = Read({(dir / "box").string()}, options);
  ASSERT_EQ(events.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    std::string source = (dir / "box").string() + "#" + std::to_string(i + 1);
    if (whole[i].size() > options.max_message_bytes) {
      EXPECT_EQ(events[i].rfind(source + "!message larger than 8 MB", 0), 0u);
    } else {
      ASSERT_EQ(events[i], source + "|" + UnquoteFromLines(whole[i])) << i;
    }
  }
}

TEST(Inputs, MaildirReadsCurAndNewNotTmp) {
  TempFolder folder("maildir");
  const fs::path& dir = folder.path;
  Write(dir / "cur" / "2:2,S", "Subject: cur\n\nx\n");
  Write(dir / "new" / "1", "Subject: new\n\nx\n");
  Write(dir / "tmp" / "0", "Subject: tmp\n\nx\n");
  Write(dir / ".hidden" / "h", "Subject: hidden\n\nx\n");
  auto events = Read({dir.string()});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (dir / "cur" / "2:2,S").string() + "|Subject: cur\n\nx\n");
  EXPECT_EQ(events[1], (dir / "new" / "1").string() + "|Subject: new\n\nx\n");
}

TEST(Inputs, FoldersAreReadRecursivelyInNameOrderWithMixedKinds) {
  TempFolder folder("folder");
  const fs::path& dir = folder.path;
  Write(dir / "b" / "deep" / "m.eml", "Subject: deep\n\nx\n");
  Write(dir / "a.mbox", std::string(kPostmark) + "Subject: a1\n\nx\n");
  WriteGzip(dir / "c.gz", "Subject: c\n\nx\n");
  auto events = Read({dir.string(), (dir / "missing").string()});
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0], (dir / "a.mbox").string() + "#1|Subject: a1\n\nx\n");
  EXPECT_EQ(events[1], (dir / "b" / "deep" / "m.eml").string() + "|Subject: deep\n\nx\n");
  EXPECT_EQ(events[2], (dir / "c.gz").string() + "|Subject: c\n\nx\n");
  EXPECT_EQ(events[3], (dir / "missing").string() + "!No such file or directory");
}

TEST(Inputs, SymlinkLoopIsReportedNotFollowed) {
  TempFolder folder("loop");
  const fs::path& dir = folder.path;
  Write(dir / "sub" / "m.eml", "Subject: m\n\nx\n");
  fs::create_directory_symlink("..", dir / "sub" / "up");
  fs::create_symlink("self", dir / "self");  // a link to itself: ELOOP
  auto events = Read({dir.string()});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], (dir / "self").string() + "!symbolic link loop; not read");
  EXPECT_EQ(events[1], (dir / "sub" / "m.eml").string() + "|Subject: m\n\nx\n");
  EXPECT_EQ(events[2], (dir / "sub" / "up").string() + "!symbolic link loop (leads back to " + dir.string() +
                           "); not read");
}

TEST(Inputs, PipesAndSocketsInsideAFolderAreReportedNotRead) {
  TempFolder folder("special");
  const fs::path& dir = folder.path;
  Write(dir / "b.eml", "Subject: b\n\nx\n");
  ASSERT_EQ(mkfifo((dir / "a-pipe").c_str(), 0600), 0);  // opening it to read would block
  int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string sock_path = (dir / "c-socket").string();
  ASSERT_LT(sock_path.size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
  ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  auto events = Read({dir.string()});
  close(sock);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], (dir / "a-pipe").string() + "!named pipe (FIFO) inside a folder; not read");
  EXPECT_EQ(events[1], (dir / "b.eml").string() + "|Subject: b\n\nx\n");
  EXPECT_EQ(events[2], sock_path + "!socket inside a folder; not read");
}

TEST(Inputs, UnreadableFolderAndFileAreReported) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every folder (the CLI test covers this as another user)";
  TempFolder folder("unreadable");
  const fs::path& dir = folder.path;
  Write(dir / "locked" / "m.eml", "Subject: m\n\nx\n");
  Write(dir / "secret.eml", "Subject: s\n\nx\n");
  chmod((dir / "locked").c_str(), 0);
  chmod((dir / "secret.eml").c_str(), 0);
  auto events = Read({dir.string()});
  chmod((dir / "locked").c_str(), 0700);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (dir / "locked").string() + "!cannot read folder: Permission denied");
  EXPECT_EQ(events[1], (dir / "secret.eml").string() + "!Permission denied");
}

TEST(Inputs, TextModeNeverCutsAMailbox) {
  TempFolder folder("text");
  const fs::path& dir = folder.path;
  std::string text = std::string(kPostmark) + "Subject: 1\n\na\n\n" + kPostmark + "Subject: 2\n\nb\n";
  Write(dir / "box", text);
  InputOptions options;
  options.split_mailboxes = false;
  auto events = Read({(dir / "box").string()}, options);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], (dir / "box").string() + "|" + text);
}

TEST(Inputs, KnownBytesOnlyForRegularFiles) {
  TempFolder folder("known");
  const fs::path& dir = folder.path;
  Write(dir / "a", "12345");
  Write(dir / "b", "123");
  EXPECT_EQ(KnownInputBytes({(dir / "a").string(), (dir / "b").string()}), 8u);
  EXPECT_EQ(KnownInputBytes({(dir / "a").string(), dir.string()}), 0u);
  EXPECT_EQ(KnownInputBytes({"-"}), 0u);
}

TEST(Inputs, ReadErrorsNameTheFile) {
  std::string data, error;
  EXPECT_FALSE(ReadWholeFile("/nonexistent/ndr/file", &data, &error));
  EXPECT_NE(error.find("/nonexistent/ndr/file"), std::string::npos);
}

}  // namespace
}  // namespace ndr
