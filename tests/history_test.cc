// The bounce history: a bounce seen twice is stored once, the schema is
// versioned, and a killed writer leaves a database that opens and holds its
// last committed batch.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "ndr/history.h"
#include "report_mailbox.h"
#include "run_command.h"

namespace {

using ndr_test::Quote;
using ndr_test::RunCommand;

const std::string kBinary = NDR_BINARY;

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ndr_history_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "bounces.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // One integer from the database (-1 on error).
  long long Query(const std::string& sql) {
    sqlite3* db = nullptr;
    long long value = -1;
    if (sqlite3_open_v2(db_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, 5000);
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        value = sqlite3_column_int64(stmt, 0);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return value;
  }
  std::string Text(const std::string& sql) {
    sqlite3* db = nullptr;
    std::string value;
    if (sqlite3_open_v2(db_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(stmt, 0);
        if (t != nullptr) value = reinterpret_cast<const char*>(t);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return value;
  }
  std::filesystem::path dir_;
  std::string db_;
};

ndr::Record Rec(const std::string& recipient, const std::string& source, const std::string& bounce_id) {
  ndr::Record r;
  r.recipient = recipient;
  r.source = source;
  r.action = "failed";
  r.reason = ndr::Reason::kUserUnknown;
  r.bounce_message_id = bounce_id;
  r.bounce_date = "2026-11-02T10:00:00";
  return r;
}

TEST_F(HistoryTest, ABounceSeenTwiceIsStoredOnce) {
  std::string error;
  {
    auto h = ndr::History::Open(db_, &error, 2);
    ASSERT_TRUE(h) << error;
    // The same Message-ID from two folders; the same records without an id
    // (the same bytes) from two files; and one new bounce.
    ASSERT_TRUE(h->AddBounce({Rec("a@example.com", "cur/1", "<b1@mx>"), Rec("b@example.com", "cur/1", "<b1@mx>")}, &error));
    ASSERT_TRUE(h->AddBounce({Rec("a@example.com", "old/1", "<b1@mx>")}, &error));
    ASSERT_TRUE(h->AddBounce({Rec("c@example.com", "x.eml", "")}, &error));
    ASSERT_TRUE(h->AddBounce({Rec("c@example.com", "copy-of-x.eml", "")}, &error));
    ASSERT_TRUE(h->AddBounce({Rec("d@example.com", "y.eml", "")}, &error));
    EXPECT_EQ(h->added(), 3u);
    EXPECT_EQ(h->skipped(), 2u);
    size_t seen = 0;
    ASSERT_TRUE(h->ForEach([&seen](const ndr::Record&) { ++seen; }, &error)) << error;
    EXPECT_EQ(seen, 4u);
  }
  EXPECT_EQ(Query("SELECT count(*) FROM bounces"), 3);
  EXPECT_EQ(Query("SELECT count(*) FROM records"), 4);
  EXPECT_EQ(Text("SELECT value FROM meta WHERE key='schema_version'"), "1");
  EXPECT_EQ(Text("PRAGMA journal_mode"), "wal");
}

TEST_F(HistoryTest, RefusesNewerSchemasAndOtherDatabases) {
  std::string error;
  { ASSERT_TRUE(ndr::History::Open(db_, &error)) << error; }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "UPDATE meta SET value='99' WHERE key='schema_version'", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_FALSE(ndr::History::Open(db_, &error));
  EXPECT_NE(error.find("newer"), std::string::npos) << error;

  std::string other = (dir_ / "other.db").string();
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_FALSE(ndr::History::Open(other, &error));
  EXPECT_NE(error.find("not an ndr history"), std::string::npos) << error;
}

TEST_F(HistoryTest, TwoScansOfTheSameMaildirStoreEachRecordOnce) {
  if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << "ndr binary not built";
  std::string mbox = (dir_ / "bounces.mbox").string();
  std::ofstream(mbox, std::ios::binary) << ndr_test::KnownCountsMailbox();
  std::string scan = Quote(kBinary) + " scan --history " + Quote(db_) + " " + Quote(mbox) + " > /dev/null";
  ASSERT_EQ(RunCommand(scan).exit_code, 0);
  EXPECT_EQ(Query("SELECT count(*) FROM records"), 18);
  ASSERT_EQ(RunCommand(scan).exit_code, 0);
  EXPECT_EQ(Query("SELECT count(*) FROM records"), 18);
  EXPECT_EQ(Query("SELECT count(*) FROM bounces"), 18);
  // The report over the history has the same figures as over the mailbox.
  auto from_history = RunCommand(Quote(kBinary) + " report --format json --history " + Quote(db_));
  ASSERT_EQ(from_history.exit_code, 0);
  nlohmann::json j = nlohmann::json::parse(from_history.out);
  EXPECT_EQ(j["totals"]["failed"], 15);
  EXPECT_EQ(j["totals"]["complaints"], 1);
  EXPECT_EQ(j["actions"][0]["id"], "userunknown");
  EXPECT_EQ(j["actions"][0]["count"], 7);
}

// Kills a scan while it writes, then checks the database opens, passes
// SQLite's integrity check, and holds whole batches of whole bounces; a
// second run completes it without storing anything twice.
TEST_F(HistoryTest, AKilledScanLeavesTheLastCommittedBatch) {
  if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << "ndr binary not built";
  const int kMessages = 20000;
  std::string mbox = (dir_ / "big.mbox").string();
  {
    std::ofstream out(mbox, std::ios::binary);
    for (int i = 0; i < kMessages; ++i) {
      out << ndr_test::Dsn("kill-" + std::to_string(i), "Mon, 02 Nov 2026 10:00:00 +0000",
                           "user" + std::to_string(i) + "@example.com", "failed", "5.1.1", "550 5.1.1 User unknown");
    }
  }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl(kBinary.c_str(), kBinary.c_str(), "scan", "--no-progress", "--history", db_.c_str(), mbox.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for the first committed batch, then kill it mid-write.
  long long stored = 0;
  for (int i = 0; i < 600 && stored <= 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::exists(db_)) stored = Query("SELECT count(*) FROM bounces");
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_GT(stored, 0) << "no batch was committed";
  if (!WIFSIGNALED(status)) GTEST_SKIP() << "the scan finished before it could be killed";

  EXPECT_EQ(Text("PRAGMA integrity_check"), "ok");
  long long bounces = Query("SELECT count(*) FROM bounces");
  EXPECT_GT(bounces, 0);
  EXPECT_LT(bounces, kMessages);
  EXPECT_EQ(bounces % static_cast<long long>(ndr::History::kDefaultBatch), 0) << bounces;
  EXPECT_EQ(Query("SELECT count(*) FROM records"), bounces);  // each bounce whole
  EXPECT_EQ(Query("SELECT count(*) FROM bounces b WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.bounce_id=b.id)"), 0);

  auto again = RunCommand(Quote(kBinary) + " scan --no-progress --history " + Quote(db_) + " " + Quote(mbox) +
                          " > /dev/null");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(Query("SELECT count(*) FROM bounces"), kMessages);
  EXPECT_EQ(Query("SELECT count(*) FROM records"), kMessages);
}

}  // namespace
