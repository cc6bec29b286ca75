// The bounce history: every record kept in an SQLite database, so that a
// daily run over the same maildir adds only what is new and a report can
// look back over weeks (soft-bounce escalation, trends).
//
// Schema (version 1; `meta.schema_version`; documented in README "The bounce
// history"):
//   meta(key TEXT PRIMARY KEY, value TEXT)          -- schema_version = 1
//   bounces(id INTEGER PRIMARY KEY, key TEXT UNIQUE, source TEXT, day TEXT, stored_at TEXT)
//   records(id INTEGER PRIMARY KEY, bounce_id INTEGER REFERENCES bounces(id),
//           recipient TEXT, day TEXT, reason TEXT, action TEXT, hard INTEGER,
//           record TEXT)                            -- record: the JSON Lines object
// A bounce's key is "mid:" and its own Message-ID, or, when it has none,
// "sha:" and a hash of its records without their source (the same bytes give
// the same records): a bounce seen twice is stored once.
// WAL mode; one transaction per batch of bounces, so an interrupted run
// leaves the database as of its last committed batch.
#ifndef NDR_HISTORY_H_
#define NDR_HISTORY_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ndr/record.h"
#include "ndr/render.h"

namespace ndr {

class History {
 public:
  static constexpr int kSchemaVersion = 1;
  static constexpr size_t kDefaultBatch = 500;  // bounces per transaction

  // Opens or creates the database; null with *error when it cannot be opened,
  // is not an ndr history, or was made by a newer schema.
  static std::unique_ptr<History> Open(const std::string& path, std::string* error,
                                       size_t batch = kDefaultBatch);
  ~History();  // commits what is pending
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // Stores the records of one bounce (they share a source) unless a bounce
  // with the same key is stored already. Commits every `batch` bounces.
  bool AddBounce(const std::vector<Record>& records, std::string* error);
  bool Commit(std::string* error);  // commits the pending batch now

  // Every stored record, by day then order of storing.
  bool ForEach(const std::function<void(const Record&)>& visit, std::string* error) const;

  size_t added() const { return added_; }      // bounces stored by this run
  size_t skipped() const { return skipped_; }  // bounces found stored already

  // The key a bounce is stored under (see above).
  static std::string BounceKey(const std::vector<Record>& records);

  struct Db;

 private:
  History(std::unique_ptr<Db> db, size_t batch);
  std::unique_ptr<Db> db_;
  size_t batch_;
  size_t pending_ = 0;
  size_t added_ = 0, skipped_ = 0;
};

// A sink that stores the records it receives in `history` (consecutive
// records of one source form one bounce) and passes them on to `next` (may
// be null). The first storage error is kept in error(); storing stops then.
class HistorySink : public RecordSink {
 public:
  HistorySink(History* history, RecordSink* next) : history_(history), next_(next) {}
  void Write(const Record& record) override;
  void Finish() override;
  const std::string& error() const { return error_; }

 private:
  void Flush();
  History* history_;
  RecordSink* next_;
  std::vector<Record> bounce_;
  std::string error_;
};

}  // namespace ndr

#endif  // NDR_HISTORY_H_
