// `ndr scan` over every kind of input at once: stdin, mixed paths, gzip,
// unreadable and looping folders, --jobs, --quiet, and a mailbox built from
// the corpus (skipped when ../shared/corpus is absent). Inputs are written by
// the tests (samples/ are the project's own invented bounces).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "run_command.h"

namespace {

namespace fs = std::filesystem;
using ndr_test::Lines;
using ndr_test::Quote;
using ndr_test::RunCommand;
using ndr_test::RunCommandWithStderr;

const std::string kBinary = NDR_BINARY;
const fs::path kSamples = fs::path(NDR_SOURCE_DIR) / "samples";
const fs::path kCorpus = fs::path(NDR_SOURCE_DIR) / ".." / "shared" / "corpus" / "sisimai" / "maildir";
const char kPostmark[] = "From MAILER-DAEMON Mon Jan  5 10:00:00 2026\n";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A message as an mbox entry, the way mbox writers store it: a postmark,
// "From " lines quoted (mboxrd), a final newline, an empty line. A file that
// is an mbox already (it starts with a postmark) is appended as it is.
std::string MboxEntry(std::string message) {
  if (message.compare(0, 5, "From ") == 0) {
    if (message.back() != '\n') message += '\n';
    return message + "\n";
  }
  std::string out = kPostmark;
  size_t pos = 0;
  while (pos < message.size()) {
    size_t eol = message.find('\n', pos);
    size_t next = eol == std::string::npos ? message.size() : eol + 1;
    size_t q = pos;
    while (q < next && message[q] == '>') ++q;
    if (message.compare(q, 5, "From ") == 0) out += '>';
    out.append(message, pos, next - pos);
    pos = next;
  }
  if (out.back() != '\n') out += '\n';
  return out + "\n";
}

// The sample bounces, sorted by name, each once.
std::vector<fs::path> SampleFiles() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kSamples)) {
    if (e.path().extension() == ".eml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A record line without its "source" value (the first key).
std::string WithoutSource(const std::string& line) {
  size_t start = line.find("\"source\":\"");
  size_t end = line.find("\",", start + 10);
  if (start == std::string::npos || end == std::string::npos) return line;
  return line.substr(0, start) + line.substr(end + 2);
}

class ScanCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kBinary)) GTEST_SKIP() << "ndr binary not built: " << kBinary;
    // The process id keeps test runs of several work trees at once apart.
    dir_ = fs::path(::testing::TempDir()) / ("ndr_scan_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                                             "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Ndr(const std::string& args) { return Quote(kBinary) + " " + args; }
  fs::path dir_;
};

TEST_F(ScanCliTest, StdinMailboxAndMixedPathsInOrder) {
  std::string box = MboxEntry(Slurp(kSamples / "qmail-failure.eml")) + MboxEntry(Slurp(kSamples / "exim-failed.eml"));
  Write(dir_ / "box.mbox", box);
  Write(dir_ / "folder" / "new" / "1", Slurp(kSamples / "qmail-failure.eml"));
  fs::copy_file(kSamples / "exim-failed.eml", dir_ / "one.eml");
  auto r = RunCommandWithStderr(Ndr("scan --quiet - " + Quote((dir_ / "one.eml").string()) + " " +
                                    Quote((dir_ / "folder").string()) + " < " + Quote((dir_ / "box.mbox").string())));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_NE(lines[0].find("{\"source\":\"-#1\""), std::string::npos);
  EXPECT_NE(lines[1].find("{\"source\":\"-#2\""), std::string::npos);
  EXPECT_NE(lines[2].find("{\"source\":\"" + (dir_ / "one.eml").string() + "\""), std::string::npos);
  EXPECT_NE(lines[3].find("{\"source\":\"" + (dir_ / "folder" / "new" / "1").string() + "\""), std::string::npos);
  EXPECT_EQ(r.err, "");
}

TEST_F(ScanCliTest, OneMessageOnStdinKeepsDashAsSource) {
  auto r = RunCommand(Ndr("scan --quiet - < " + Quote((kSamples / "exim-failed.eml").string())));
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(Lines(r.out).size(), 1u);
  EXPECT_EQ(r.out.rfind("{\"source\":\"-\"", 0), 0u);
}

TEST_F(ScanCliTest, GzipMailboxGivesTheSameRecordsAsThePlainOne) {
  std::string box;
  for (const fs::path& f : SampleFiles()) box += MboxEntry(Slurp(f));
  Write(dir_ / "box.mbox", box);
  gzFile out = gzopen((dir_ / "box.mbox.gz").c_str(), "wb");
  ASSERT_NE(out, nullptr);
  gzwrite(out, box.data(), static_cast<unsigned>(box.size()));
  gzclose(out);
  auto plain = RunCommand(Ndr("scan --quiet " + Quote((dir_ / "box.mbox").string())));
  auto gz = RunCommand(Ndr("scan --quiet " + Quote((dir_ / "box.mbox.gz").string())));
  auto gz_stdin = RunCommand(Ndr("scan --quiet - < " + Quote((dir_ / "box.mbox.gz").string())));
  EXPECT_EQ(gz.exit_code, 0);
  auto a = Lines(plain.out), b = Lines(gz.out), c = Lines(gz_stdin.out);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.size(), c.size());
  ASSERT_GE(a.size(), 18u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(WithoutSource(a[i]), WithoutSource(b[i]));
    EXPECT_EQ(WithoutSource(a[i]), WithoutSource(c[i]));
  }
  EXPECT_EQ(c[0].rfind("{\"source\":\"-#1\"", 0), 0u);
}

TEST_F(ScanCliTest, TruncatedGzipIsAnErrorAndTheRestIsScanned) {
  std::string box;
  for (int i = 0; i < 50; ++i) box += MboxEntry(Slurp(kSamples / "qmail-failure.eml"));
  gzFile out = gzopen((dir_ / "full.gz").c_str(), "wb");
  gzwrite(out, box.data(), static_cast<unsigned>(box.size()));
  gzclose(out);
  std::string gz = Slurp(dir_ / "full.gz");
  Write(dir_ / "cut.mbox.gz", gz.substr(0, gz.size() - 30));  // the trailer and the end of the data are gone
  auto r = RunCommandWithStderr(Ndr("scan " + Quote((dir_ / "cut.mbox.gz").string()) + " " +
                                    Quote((kSamples / "exim-failed.eml").string())));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find((dir_ / "cut.mbox.gz").string() + "#"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("gzip stream truncated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(", 1 errors;"), std::string::npos) << r.err;
  auto lines = Lines(r.out);
  ASSERT_GT(lines.size(), 2u);
  EXPECT_NE(lines.back().find("exim-failed.eml"), std::string::npos);  // the input after it was scanned
}

TEST_F(ScanCliTest, EmptyMailboxIsNoErrorAndNoBounce) {
  Write(dir_ / "empty.mbox", "");
  auto r = RunCommandWithStderr(Ndr("scan " + Quote((dir_ / "empty.mbox").string())));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("ndr scan: 0 messages, 0 bounces, 0 records, 0 not bounces, 0 errors;", 0), 0u) << r.err;
}

TEST_F(ScanCliTest, SymlinkLoopIsReportedAndTheRestScanned) {
  fs::copy_file(kSamples / "exim-failed.eml", dir_ / "a.eml");
  fs::create_directory_symlink(".", dir_ / "loop");
  auto r = RunCommandWithStderr(Ndr("scan --quiet " + Quote(dir_.string())));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Lines(r.out).size(), 1u);
  EXPECT_NE(r.err.find("ndr: " + (dir_ / "loop").string() + ": symbolic link loop"), std::string::npos) << r.err;
}

// Root reads every folder: the test then runs ndr as the user nobody.
TEST_F(ScanCliTest, UnreadableFolderAndFileAreReportedAndTheRestScanned) {
  fs::copy_file(kSamples / "exim-failed.eml", dir_ / "a.eml");
  Write(dir_ / "locked" / "b.eml", Slurp(kSamples / "exim-failed.eml"));
  Write(dir_ / "secret.eml", Slurp(kSamples / "exim-failed.eml"));
  chmod(dir_.c_str(), 0755);
  chmod((dir_ / "a.eml").c_str(), 0644);
  chmod((dir_ / "secret.eml").c_str(), 0);
  chmod((dir_ / "locked").c_str(), 0);
  std::string prefix;
  if (geteuid() == 0) {
    if (!fs::exists("/usr/bin/setpriv")) GTEST_SKIP() << "running as root without setpriv";
    prefix = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  auto r = RunCommandWithStderr(prefix + Ndr("scan --quiet " + Quote(dir_.string())));
  chmod((dir_ / "locked").c_str(), 0700);
  if (r.err.find("Permission denied") == std::string::npos && r.exit_code == 126) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 1u);
  EXPECT_NE(r.err.find("ndr: " + (dir_ / "locked").string() + ": cannot read folder: Permission denied"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("ndr: " + (dir_ / "secret.eml").string() + ": Permission denied"), std::string::npos) << r.err;
}

TEST_F(ScanCliTest, QuietLeavesStderrEmptyAndTheSummaryCountsEverything) {
  fs::copy_file(kSamples / "exim-failed.eml", dir_ / "a.eml");
  fs::copy_file(kSamples / "not-a-bounce.eml", dir_ / "b.eml");
  auto quiet = RunCommandWithStderr(Ndr("scan --quiet " + Quote(dir_.string())));
  EXPECT_EQ(quiet.err, "");
  auto loud = RunCommandWithStderr(Ndr("scan " + Quote(dir_.string())));
  EXPECT_EQ(loud.out, quiet.out);
  EXPECT_EQ(loud.err.rfind("ndr scan: 2 messages, 1 bounces, 1 records, 1 not bounces, 0 errors; ", 0), 0u)
      << loud.err;
  EXPECT_NE(loud.err.find(" messages/s, "), std::string::npos);
  EXPECT_NE(loud.err.find(" MB/s"), std::string::npos);
  EXPECT_EQ(loud.err.find('\r'), std::string::npos);  // no progress line: stderr is not a terminal
}

// The mailbox holds more messages than two or four jobs keep in flight (32 a
// job), so the reading thread also analyzes batches while the queue is full.
TEST_F(ScanCliTest, OutputIsTheSameForOneTwoAndFourJobs) {
  std::string box;
  for (int round = 0; round < 6; ++round) {
    for (const fs::path& f : SampleFiles()) box += MboxEntry(Slurp(f));
  }
  Write(dir_ / "box.mbox", box);
  ASSERT_GT(SampleFiles().size() * 6, 128u);
  std::string inputs = Quote((dir_ / "box.mbox").string()) + " " + Quote(kSamples.string());
  // Every format: JSON, CSV and Sisimai's are rendered on the workers, text on the writing thread.
  for (const char* format : {"json", "csv", "sisimai", "text"}) {
    auto one = RunCommandWithStderr(Ndr(std::string("scan -v --format ") + format + " --jobs 1 " + inputs));
    EXPECT_EQ(one.exit_code, 0);
    EXPECT_GT(one.out.size(), 1000u);
    for (const char* jobs : {"2", "4"}) {
      auto many = RunCommandWithStderr(Ndr(std::string("scan -v --format ") + format + " --jobs " + jobs + " " + inputs));
      EXPECT_EQ(one.out, many.out) << format << ", --jobs " << jobs;
      // The stderr lines (not a bounce, ...) come in input order too; only the timing differs.
      EXPECT_EQ(one.err.substr(0, one.err.rfind("ndr scan:")), many.err.substr(0, many.err.rfind("ndr scan:")))
          << format << ", --jobs " << jobs;
    }
  }
}

// The done-when of issue 8: records from a mailbox built from the corpus are
// the records of the single files (but for their source), with any --jobs.
TEST_F(ScanCliTest, CorpusMailboxGivesTheRecordsOfTheSingleFiles) {
  if (!fs::exists(kCorpus)) GTEST_SKIP() << "corpus not present at " << kCorpus;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    if (e.is_regular_file() && e.path().filename().string()[0] != '.') files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 100u);
  {
    std::ofstream box(dir_ / "corpus.mbox", std::ios::binary);
    for (const fs::path& f : files) box << MboxEntry(Slurp(f));
  }
  auto single = RunCommand(Ndr("scan --quiet --jobs 1 " + Quote(kCorpus.string())));
  auto mbox4 = RunCommand(Ndr("scan --quiet --jobs 4 " + Quote((dir_ / "corpus.mbox").string())));
  auto mbox1 = RunCommand(Ndr("scan --quiet --jobs 1 " + Quote((dir_ / "corpus.mbox").string())));
  EXPECT_EQ(mbox1.out, mbox4.out);
  auto a = Lines(single.out), b = Lines(mbox4.out);
  ASSERT_EQ(a.size(), b.size());
  size_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (WithoutSource(a[i]) != WithoutSource(b[i])) {
      ++differ;
      ADD_FAILURE() << "record " << i << " differs:\n" << a[i] << "\n" << b[i];
      if (differ > 3) break;
    }
  }
}

}  // namespace

namespace {

// What the real Sisimai 4 writes for a sample and what --format sisimai
// writes for it: the same keys, and the same values where both read the
// bounce alike (skipped when Sisimai is not installed: libsisimai-perl).
TEST_F(ScanCliTest, SisimaiFormatMatchesSisimaiDump) {
  if (RunCommand("perl -MSisimai -e 1").exit_code != 0) GTEST_SKIP() << "Sisimai (libsisimai-perl) not installed";
  std::string sample = (kSamples / "exim-failed.eml").string();
  auto theirs = RunCommand("perl -MSisimai -MJSON::PP -e '"
                           "my $d = JSON::PP->new->decode(Sisimai->dump(shift)); "
                           "for my $k (sort keys %{$d->[0]}) { print $k, \"=\", $d->[0]{$k} // \"null\", \"\\n\" }' " +
                           Quote(sample));
  auto ours = RunCommand(Ndr("scan --quiet --format sisimai " + Quote(sample)) +
                         " | perl -MJSON::PP -e 'local $/; my $d = JSON::PP->new->decode(<STDIN>); "
                         "for my $k (sort keys %{$d->[0]}) { print $k, \"=\", $d->[0]{$k} // \"null\", \"\\n\" }'");
  ASSERT_EQ(theirs.exit_code, 0);
  ASSERT_EQ(ours.exit_code, 0);
  std::map<std::string, std::string> a, b;
  for (const std::string& line : Lines(theirs.out)) a[line.substr(0, line.find('='))] = line.substr(line.find('=') + 1);
  for (const std::string& line : Lines(ours.out)) b[line.substr(0, line.find('='))] = line.substr(line.find('=') + 1);
  std::vector<std::string> keys_a, keys_b;
  for (const auto& kv : a) keys_a.push_back(kv.first);
  for (const auto& kv : b) keys_b.push_back(kv.first);
  EXPECT_EQ(keys_a, keys_b);
  for (const char* key : {"recipient", "addresser", "senderdomain", "destination", "deliverystatus", "replycode",
                          "reason", "action", "smtpcommand", "subject", "messageid", "timestamp", "timezoneoffset",
                          "token", "softbounce", "catch", "origin"}) {
    EXPECT_EQ(a[key], b[key]) << key;
  }
}

}  // namespace
