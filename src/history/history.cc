// The bounce history in SQLite (schema in include/ndr/history.h).
#include "ndr/history.h"

#include <sqlite3.h>

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "ndr/report.h"

namespace ndr {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS bounces(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
    " source TEXT NOT NULL, day TEXT NOT NULL, stored_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS records(id INTEGER PRIMARY KEY,"
    " bounce_id INTEGER NOT NULL REFERENCES bounces(id), recipient TEXT NOT NULL, day TEXT NOT NULL,"
    " reason TEXT NOT NULL, action TEXT NOT NULL, hard INTEGER NOT NULL, record TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS records_recipient ON records(recipient);"
    "CREATE INDEX IF NOT EXISTS records_day ON records(day);";

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return stmt_; }
  void Text(int i, const std::string& s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
  void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

std::string Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

struct History::Db {
  sqlite3* db = nullptr;
  std::unique_ptr<Statement> find, add_bounce, add_record;
  bool in_transaction = false;
  ~Db() {
    find.reset();
    add_bounce.reset();
    add_record.reset();
    if (db != nullptr) sqlite3_close(db);
  }
  bool Exec(const char* sql, std::string* error) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    *error = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return false;
  }
  std::string Error() const { return sqlite3_errmsg(db); }
};

std::unique_ptr<History> History::Open(const std::string& path, std::string* error, size_t batch) {
  auto db = std::make_unique<Db>();
  if (sqlite3_open_v2(path.c_str(), &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    *error = path + ": " + (db->db != nullptr ? db->Error() : std::string("cannot open"));
    return nullptr;
  }
  sqlite3_busy_timeout(db->db, 10000);  // another run (a cron job) may be writing
  std::string why;
  // WAL: readers never block the writer, and a killed writer leaves the last
  // committed transaction intact. synchronous=NORMAL is durable against a
  // killed process (only a power loss may lose the last transactions).
  if (!db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", &why)) {
    *error = path + ": not an SQLite database, or unwritable (" + why + ")";
    return nullptr;
  }
  {
    Statement version(db->db, "SELECT value FROM meta WHERE key='schema_version'");
    if (version.ok() && version.Step() == SQLITE_ROW) {
      int v = sqlite3_column_int(version.get(), 0);
      if (v > kSchemaVersion) {
        *error = path + ": history schema version " + std::to_string(v) + " is newer than this ndr's (" +
                 std::to_string(kSchemaVersion) + ")";
        return nullptr;
      }
    } else {
      Statement tables(db->db, "SELECT count(*) FROM sqlite_master WHERE type='table'");
      if (tables.ok() && tables.Step() == SQLITE_ROW && sqlite3_column_int(tables.get(), 0) > 0 && !version.ok()) {
        *error = path + ": an SQLite database, but not an ndr history";
        return nullptr;
      }
    }
  }
  if (!db->Exec("BEGIN IMMEDIATE", &why) || !db->Exec(kSchema, &why) ||
      !db->Exec("INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '1')", &why) ||
      !db->Exec("COMMIT", &why)) {
    *error = path + ": cannot create the history tables: " + why;
    return nullptr;
  }
  db->find = std::make_unique<Statement>(db->db, "SELECT 1 FROM bounces WHERE key=?1");
  db->add_bounce = std::make_unique<Statement>(
      db->db, "INSERT INTO bounces(key, source, day, stored_at) VALUES(?1, ?2, ?3, ?4)");
  db->add_record = std::make_unique<Statement>(
      db->db,
      "INSERT INTO records(bounce_id, recipient, day, reason, action, hard, record) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!db->find->ok() || !db->add_bounce->ok() || !db->add_record->ok()) {
    *error = path + ": " + db->Error();
    return nullptr;
  }
  return std::unique_ptr<History>(new History(std::move(db), batch == 0 ? 1 : batch));
}

History::History(std::unique_ptr<Db> db, size_t batch) : db_(std::move(db)), batch_(batch) {}

History::~History() {
  std::string error;
  Commit(&error);
}

std::string History::BounceKey(const std::vector<Record>& records) {
  if (!records.empty() && !records[0].bounce_message_id.empty()) return "mid:" + records[0].bounce_message_id;
  uint64_t hash = 1469598103934665603ull;  // FNV-1a, 64 bits
  for (const Record& r : records) {
    Record copy = r;
    copy.source.clear();
    for (char c : RecordToJson(copy) + "\n") {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ull;
    }
  }
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%016" PRIx64, hash);
  return std::string("sha:") + buffer;
}

bool History::AddBounce(const std::vector<Record>& records, std::string* error) {
  if (records.empty()) return true;
  Db& d = *db_;
  if (!d.in_transaction) {
    if (!d.Exec("BEGIN IMMEDIATE", error)) return false;
    d.in_transaction = true;
  }
  std::string key = BounceKey(records);
  d.find->Reset();
  d.find->Text(1, key);
  int rc = d.find->Step();
  if (rc == SQLITE_ROW) {
    ++skipped_;
    return true;
  }
  if (rc != SQLITE_DONE) {
    *error = d.Error();
    return false;
  }
  std::string bounce_day = RecordDay(records[0]);
  d.add_bounce->Reset();
  d.add_bounce->Text(1, key);
  d.add_bounce->Text(2, records[0].source);
  d.add_bounce->Text(3, bounce_day);
  d.add_bounce->Text(4, Now());
  if (d.add_bounce->Step() != SQLITE_DONE) {
    *error = d.Error();
    return false;
  }
  int64_t bounce_id = sqlite3_last_insert_rowid(d.db);
  for (const Record& r : records) {
    d.add_record->Reset();
    d.add_record->Int(1, bounce_id);
    d.add_record->Text(2, r.recipient);
    d.add_record->Text(3, RecordDay(r));
    d.add_record->Text(4, std::string(ReasonName(r.reason)));
    d.add_record->Text(5, r.action);
    d.add_record->Int(6, r.hard_bounce ? 1 : 0);
    d.add_record->Text(7, RecordToJson(r));
    if (d.add_record->Step() != SQLITE_DONE) {
      *error = d.Error();
      return false;
    }
  }
  ++added_;
  if (++pending_ >= batch_) return Commit(error);
  return true;
}

bool History::Commit(std::string* error) {
  Db& d = *db_;
  pending_ = 0;
  if (!d.in_transaction) return true;
  d.in_transaction = false;
  return d.Exec("COMMIT", error);
}

bool History::ForEach(const std::function<void(const Record&)>& visit, std::string* error) const {
  Statement all(db_->db, "SELECT record FROM records ORDER BY day, id");
  if (!all.ok()) {
    *error = db_->Error();
    return false;
  }
  int rc;
  std::string why;
  while ((rc = all.Step()) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(all.get(), 0);
    int size = sqlite3_column_bytes(all.get(), 0);
    Record r;
    if (text == nullptr ||
        !RecordFromJson(std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(size)), &r, &why)) {
      *error = "a stored record is unreadable: " + why;
      return false;
    }
    visit(r);
  }
  if (rc != SQLITE_DONE) {
    *error = db_->Error();
    return false;
  }
  return true;
}

void HistorySink::Flush() {
  if (bounce_.empty()) return;
  if (error_.empty()) history_->AddBounce(bounce_, &error_);
  bounce_.clear();
}

void HistorySink::Write(const Record& record) {
  if (!bounce_.empty() && bounce_.back().source != record.source) Flush();
  bounce_.push_back(record);
  if (next_ != nullptr) next_->Write(record);
}

void HistorySink::Finish() {
  Flush();
  if (error_.empty()) history_->Commit(&error_);
  if (next_ != nullptr) next_->Finish();
}

}  // namespace ndr
