#include "cli/process.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "ndr/logs.h"
#include "ndr/mailbox.h"

namespace ndr {
namespace cli {

namespace {

using Clock = std::chrono::steady_clock;

// At most this many messages (and bytes) are read ahead of the one being
// written, per job: what bounds memory, whatever the input's size. (Two
// batches' worth: one analyzed while the next is read.)
constexpr size_t kInFlightPerJob = 32;
constexpr size_t kInFlightBytes = 32u << 20;

// One unit of work, in input order: a message, or an input that could not be read.
struct Item {
  InputMessage message;
  std::string error;  // set for an input that could not be read
  size_t bytes = 0;
};

// What one item gave: records and stderr lines, delivered in input order.
struct Outcome {
  enum class Kind { kBounce, kNotBounce, kFailed, kReadError } kind = Kind::kNotBounce;
  std::vector<Record> records;     // emptied once rendered
  size_t record_count = 0;
  bool rendered = false;           // `bytes_out` holds the records, rendered by the sink
  std::string bytes_out;
  std::vector<std::string> notes;  // lines for stderr, without "ndr: "
  size_t bytes = 0;
};

// Renders the outcome's records on the calling thread (a worker's, in
// parallel with the others), so that the write turn only copies bytes. A sink
// that cannot render apart gets the records, under the turn.
void Render(const RecordSink& sink, Outcome* o) {
  o->record_count = o->records.size();
  if (o->records.empty()) return;
  try {
    if (!sink.Render(o->records, &o->bytes_out)) return;
  } catch (const std::exception&) {  // out of memory: the write turn writes the records one by one
    o->bytes_out.clear();
    return;
  }
  o->rendered = true;
  o->records.clear();
  o->records.shrink_to_fit();
}

// The outcome of an item decided before analysis: one that could not be
// read, or a mail server log; false for a message to analyze.
bool OutcomeWithoutAnalysis(const Item& item, const ProcessOptions& options, Outcome* out) {
  out->bytes = item.bytes;
  const std::string& source = item.message.source();
  if (!item.error.empty()) {
    out->kind = Outcome::Kind::kReadError;
    out->notes.push_back(source + ": " + item.error);
    return true;
  }
  // A log read as a message gives nonsense records (queue ids for
  // recipients): say how to read it instead, always, and read no further.
  if (!options.as_text && LooksLikeMailLog(item.message.bytes())) {
    out->kind = Outcome::Kind::kNotBounce;
    out->notes.push_back(source + ": a mail server log, not a message: read logs with 'ndr scan --log'");
    return true;
  }
  return false;
}

// What an analysis gives the writer.
void TakeAnalysis(Analysis a, const std::string& source, const ProcessOptions& options, Outcome* out) {
  // An error inside ndr (out of memory) is always said, and counts as a failure.
  if (options.report_problems || a.failed) {
    for (const Problem& problem : a.problems) out->notes.push_back(source + ": " + problem.ToString());
  }
  if (a.failed) {
    out->kind = Outcome::Kind::kFailed;
    return;
  }
  if (!a.is_bounce()) {
    out->kind = Outcome::Kind::kNotBounce;
    if (options.report_not_bounce) out->notes.push_back(source + ": not a bounce");
    return;
  }
  out->kind = Outcome::Kind::kBounce;
  if (a.records.empty() && options.report_not_bounce) {
    out->notes.push_back(source + ": looks like a bounce, but names no recipient");
  }
  out->records = std::move(a.records);
}

// The outcome of an item that failed beyond the analyzer's own boundary.
Outcome FailedOutcome(const Item& item, const std::exception& e) {
  Outcome out;
  out.bytes = item.bytes;
  out.kind = Outcome::Kind::kFailed;
  out.notes.push_back(item.message.source() + ": analysis failed (" + e.what() + "); skipped");
  return out;
}

// Items are analyzed in batches of up to this many (Analyzer::AnalyzeBatch:
// each stage's tables stay in cache across the batch).
constexpr size_t kBatch = 16;

// The outcomes of `items`, in their order, each rendered by `sink`. One bad
// message never stops a scan.
std::vector<Outcome> AnalyzeItems(const Analyzer& analyzer, const Item* items, size_t count,
                                  const ProcessOptions& options, const RecordSink& sink) {
  std::vector<Outcome> out(count);
  std::vector<Analyzer::BatchMessage> batch;
  std::vector<size_t> batched;  // the item of each batch message
  batch.reserve(count);         // (growing them one item at a time was five moves each per batch)
  batched.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    try {
      if (OutcomeWithoutAnalysis(items[i], options, &out[i])) continue;
      batch.push_back({items[i].message.bytes(), items[i].message.source()});
      batched.push_back(i);
    } catch (const std::exception& e) {
      out[i] = FailedOutcome(items[i], e);
    }
  }
  std::vector<Analysis> analyses;
  try {
    analyses = analyzer.AnalyzeBatch(batch, options.as_text);
  } catch (const std::exception&) {
    analyses.clear();  // (out of memory for the batch's results) one at a time below
  }
  for (size_t k = 0; k < batched.size(); ++k) {
    const Item& item = items[batched[k]];
    Outcome& o = out[batched[k]];
    try {
      Analysis a = k < analyses.size() ? std::move(analyses[k])
                   : options.as_text  ? analyzer.AnalyzeText(item.message.bytes(), item.message.source())
                                      : analyzer.Analyze(item.message.bytes(), item.message.source());
      TakeAnalysis(std::move(a), item.message.source(), options, &o);
    } catch (const std::exception& e) {
      o = FailedOutcome(item, e);
    }
  }
  for (Outcome& o : out) Render(sink, &o);
  return out;
}

// "12,345"
std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The progress line on stderr, redrawn at most every 200 ms.
class Progress {
 public:
  Progress(bool on, uint64_t total_bytes) : on_(on), total_bytes_(total_bytes), start_(Clock::now()) {}

  void Update(const ProcessStats& stats, uint64_t bytes_read, bool force = false) {
    if (!on_) return;
    Clock::time_point now = Clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    char line[200];
    int n = std::snprintf(line, sizeof line, "\rndr: %s messages, %.1f MB, %s messages/s", Grouped(stats.messages).c_str(),
                          static_cast<double>(bytes_read) / 1e6,
                          Grouped(seconds > 0 ? static_cast<uint64_t>(stats.messages / seconds) : 0).c_str());
    std::string text(line, static_cast<size_t>(std::max(n, 0)));
    if (total_bytes_ > 0 && bytes_read > 0 && seconds > 0.5) {
      double left = seconds * (static_cast<double>(total_bytes_) / static_cast<double>(bytes_read) - 1);
      if (left < 0) left = 0;
      auto s = static_cast<unsigned long>(left + 0.5);
      std::snprintf(line, sizeof line, ", ETA %lu:%02lu", s / 60, s % 60);
      text += line;
    }
    text += "\33[K";  // clear what a longer line left
    std::cerr << text << std::flush;
    shown_ = true;
  }

  // Takes the line away before other lines are written to stderr.
  void Clear() {
    if (!shown_) return;
    std::cerr << "\r\33[K" << std::flush;
    shown_ = false;
  }

 private:
  bool on_;
  uint64_t total_bytes_;
  Clock::time_point start_;
  Clock::time_point last_;
  bool shown_ = false;
};

// Delivers outcomes in input order: stderr lines, records to the sink, counts.
class Writer {
 public:
  Writer(RecordSink* sink, ProcessStats* stats, Progress* progress)
      : sink_(sink), stats_(stats), progress_(progress) {}

  const RecordSink& sink() const { return *sink_; }

  void Deliver(Outcome& o) {
    if (!o.notes.empty()) {
      progress_->Clear();
      // Notes carry sources and a bounce's words: never raw to the terminal.
      for (const std::string& note : o.notes) std::cerr << "ndr: " << TerminalSafe(note) << "\n";
    }
    switch (o.kind) {
      case Outcome::Kind::kReadError:
        ++stats_->read_errors;
        return;
      case Outcome::Kind::kFailed:
        ++stats_->messages;
        ++stats_->failed;
        return;
      case Outcome::Kind::kNotBounce:
        ++stats_->messages;
        ++stats_->not_bounces;
        return;
      case Outcome::Kind::kBounce:
        ++stats_->messages;
        ++stats_->bounces;
        if (o.record_count == 0) ++stats_->bounces_without_records;
        stats_->records += o.record_count;
        if (o.rendered) {
          sink_->WriteRendered(o.bytes_out);
          return;
        }
        for (const Record& r : o.records) sink_->Write(r);
        return;
    }
  }

 private:
  RecordSink* sink_;
  ProcessStats* stats_;
  Progress* progress_;
};

// --jobs 1: read, analyze and write on the calling thread.
class InlineRun : public InputVisitor {
 public:
  InlineRun(const Analyzer& analyzer, const ProcessOptions& options, Writer* writer, Progress* progress,
            const ProcessStats* stats, const std::atomic<uint64_t>* bytes_read)
      : analyzer_(analyzer), options_(options), writer_(writer), progress_(progress), stats_(stats),
        bytes_read_(bytes_read) {}

  // Each item is made in its place in the batch: not moved there from the stack.
  void Message(InputMessage message) override {
    Item& item = batch_.emplace_back();
    item.bytes = message.bytes().size();
    item.message = std::move(message);
    Added(item.bytes);
  }
  void Error(const std::string& source, const std::string& what) override {
    Item item;  // (rare: made whole before it joins the batch)
    item.message = InputMessage(source, std::string());
    item.error = what;
    batch_.push_back(std::move(item));
    Added(0);
  }
  // Analyzes and writes the items held back (after the last input).
  void Flush() {
    if (batch_.empty()) return;
    std::vector<Outcome> outcomes = AnalyzeItems(analyzer_, batch_.data(), batch_.size(), options_, writer_->sink());
    batch_.clear();
    bytes_ = 0;
    for (Outcome& o : outcomes) {
      writer_->Deliver(o);
      progress_->Update(*stats_, bytes_read_->load(std::memory_order_relaxed));
    }
  }

 private:
  // Items wait for a batch (kBatch items, or the in-flight bytes' bound).
  void Added(size_t bytes) {
    bytes_ += bytes;
    if (batch_.size() >= kBatch || bytes_ >= kInFlightBytes) Flush();
  }
  const Analyzer& analyzer_;
  const ProcessOptions& options_;
  Writer* writer_;
  Progress* progress_;
  const ProcessStats* stats_;
  const std::atomic<uint64_t>* bytes_read_;
  std::vector<Item> batch_;
  size_t bytes_ = 0;
};

// --jobs N: N threads analyze: N - 1 workers, and the calling thread, which
// reads and cuts the messages and, while too many are in flight (read but not
// yet written), analyzes a batch of them itself instead of waiting. A reader
// thread of its own beside N workers was N + 1 busy threads on N cores: on 2
// cores a scan made 10,000 context switches and took 1.4x the CPU time of
// --jobs 1 (perf: wake-ups, the reader pre-empting a worker, a cold cache
// after each switch) for 1.57x its speed.
class PooledRun : public InputVisitor {
 public:
  PooledRun(const Analyzer& analyzer, const ProcessOptions& options, unsigned jobs)
      : analyzer_(analyzer), options_(options), jobs_(jobs), max_in_flight_(kInFlightPerJob * jobs) {}

  // No thread only waits: the one that finishes the next outcome in input
  // order writes it and those ready after it. A separate writer thread cost a
  // hand-over (a context switch) per message.
  void Run(const std::vector<std::string>& paths, const InputOptions& input_options, Writer* writer,
           Progress* progress, const ProcessStats* stats, const std::atomic<uint64_t>* bytes_read) {
    writer_ = writer;
    progress_ = progress;
    stats_ = stats;
    bytes_read_ = bytes_read;
    std::vector<std::thread> workers;
    for (unsigned i = 1; i < jobs_; ++i) workers.emplace_back([this] { Work(); });
    try {
      ReadInputs(paths, input_options, this);
    } catch (const Stopped&) {
      // the output failed: read no further
    } catch (const std::exception& e) {
      try {
        Error("-", std::string("reading stopped: ") + e.what());
      } catch (const Stopped&) {
        // the output failed too: the failure of the output is the one reported
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      reading_done_ = true;
      todo_ready_.notify_all();
    }
    Work();  // what is still to analyze, beside the workers
    {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [&] { return stopping_ || next_ == pushed_; });
    }
    for (std::thread& t : workers) t.join();
    if (output_failure_) std::rethrow_exception(output_failure_);
  }

  void Message(InputMessage message) override {
    Item item;
    item.bytes = message.bytes().size();
    item.message = std::move(message);
    Push(std::move(item));
  }
  void Error(const std::string& source, const std::string& what) override {
    Item item;
    item.message = InputMessage(source, std::string());
    item.error = what;
    Push(std::move(item));
  }

 private:
  // Thrown into the reader when the output failed, to end ReadInputs.
  struct Stopped {};

  void Push(Item item) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (stopping_) throw Stopped();
      if (in_flight_ == 0 || (in_flight_ < max_in_flight_ && in_flight_bytes_ + item.bytes <= kInFlightBytes)) break;
      if (todo_.empty()) {
        room_.wait(lock);  // every message in flight is being analyzed or waits for its turn to be written
      } else {
        AnalyzeTurn(lock);
      }
    }
    ++in_flight_;
    in_flight_bytes_ += item.bytes;
    todo_.emplace_back(pushed_++, std::move(item));
    todo_ready_.notify_one();
  }

  void Work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      todo_ready_.wait(lock, [&] { return !todo_.empty() || reading_done_ || stopping_; });
      if (todo_.empty() || stopping_) return;
      AnalyzeTurn(lock);
    }
  }

  // Takes a batch from the queue, analyzes it without the lock, and writes
  // the outcomes ready in input order when no other thread is writing.
  // Called and returns with `lock` held. A message's own failure is its
  // outcome (AnalyzeItems); should the batch's bookkeeping itself run out of
  // memory, the program ends (noexcept), as it does in a worker thread,
  // instead of the reader going on without the batch's messages and the
  // scan waiting for them forever.
  void AnalyzeTurn(std::unique_lock<std::mutex>& lock) noexcept {
    // A batch of what is there (not waiting for more: the others work
    // meanwhile, and a slow input's messages are not held back).
    const uint64_t first = todo_.front().first;  // the input number of items[0]; the others follow it
    const size_t share = std::max<size_t>(1, std::min(kBatch, todo_.size() / jobs_));
    std::vector<Item> items;
    items.reserve(share);
    while (!todo_.empty() && items.size() < share) {
      items.push_back(std::move(todo_.front().second));
      todo_.pop_front();
    }
    lock.unlock();
    std::vector<Outcome> outcomes = AnalyzeItems(analyzer_, items.data(), items.size(), options_, writer_->sink());
    items.clear();  // let go of the read blocks before the outcomes wait for their turn
    lock.lock();
    if (stopping_) return;
    for (size_t k = 0; k < outcomes.size(); ++k) done_.emplace(first + k, std::move(outcomes[k]));
    // Another thread is writing (it will come to these), or an earlier
    // outcome is still being analyzed (its thread will write these too).
    if (writing_ || first != next_) return;
    WriteReady(lock);
  }

  // Writes the outcomes ready in input order; called with `lock` held, and
  // only one thread at a time (writing_).
  void WriteReady(std::unique_lock<std::mutex>& lock) {
    writing_ = true;
    for (auto it = done_.find(next_); it != done_.end(); it = done_.find(next_)) {
      Outcome o = std::move(it->second);
      done_.erase(it);
      ++next_;
      --in_flight_;
      in_flight_bytes_ -= o.bytes;
      // The reader refills in bursts, from half empty: a wake-up per message
      // costs more than the work of a small one.
      if (in_flight_ <= max_in_flight_ / 2) room_.notify_one();
      lock.unlock();
      try {
        writer_->Deliver(o);
        progress_->Update(*stats_, bytes_read_->load(std::memory_order_relaxed));
      } catch (...) {
        lock.lock();
        output_failure_ = std::current_exception();
        stopping_ = true;  // the reader and the workers end without finishing
        room_.notify_all();
        todo_ready_.notify_all();
        finished_.notify_all();
        writing_ = false;
        return;
      }
      o = Outcome();  // its memory goes back outside the lock
      lock.lock();
    }
    writing_ = false;
    if (reading_done_ && next_ == pushed_) finished_.notify_all();
  }

  const Analyzer& analyzer_;
  const ProcessOptions& options_;
  unsigned jobs_;
  size_t max_in_flight_;
  Writer* writer_ = nullptr;
  Progress* progress_ = nullptr;
  const ProcessStats* stats_ = nullptr;
  const std::atomic<uint64_t>* bytes_read_ = nullptr;
  std::mutex mutex_;
  std::condition_variable todo_ready_, room_, finished_;
  std::deque<std::pair<uint64_t, Item>> todo_;
  std::unordered_map<uint64_t, Outcome> done_;
  uint64_t pushed_ = 0;
  uint64_t next_ = 0;  // the next outcome to write, in input order
  size_t in_flight_ = 0;
  size_t in_flight_bytes_ = 0;
  bool reading_done_ = false;
  bool writing_ = false;   // a thread is writing outcomes
  bool stopping_ = false;  // the output failed
  std::exception_ptr output_failure_;  // rethrown once every thread is joined
};

}  // namespace

unsigned EffectiveJobs(unsigned jobs) {
  if (jobs > 0) return jobs;
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

bool MakeSink(const std::string& format, bool verbose, std::unique_ptr<RecordSink>* sink) {
  if (format == "json" || format == "jsonl") {
    *sink = MakeJsonLinesSink(std::cout);
    return true;
  }
  if (format == "text") {
    *sink = MakeTextSink(std::cout, verbose);
    return true;
  }
  if (format == "csv") {
    *sink = MakeCsvSink(std::cout);
    return true;
  }
  if (format == "sisimai") {
    *sink = MakeSisimaiSink(std::cout);
    return true;
  }
  return false;
}

ProcessStats ProcessInputs(const Analyzer& analyzer, const std::vector<std::string>& paths,
                           const ProcessOptions& options, RecordSink* sink) {
  Clock::time_point start = Clock::now();
  std::vector<std::string> inputs = paths.empty() ? std::vector<std::string>{"-"} : paths;
  for (const std::string& p : inputs) {
    if (p == "-" && isatty(STDIN_FILENO)) {
      std::cerr << "ndr: reading one message from standard input (end it with Ctrl-D; "
                   "or name files, see --help)\n";
      break;
    }
  }
  ProcessStats stats;
  std::atomic<uint64_t> bytes_read{0};
  InputOptions input_options;
  input_options.split_mailboxes = !options.as_text;
  input_options.max_message_bytes = analyzer.options().limits.max_message_bytes;
  input_options.bytes_read = &bytes_read;
  Progress progress(options.progress, KnownInputBytes(inputs));
  Writer writer(sink, &stats, &progress);
  unsigned jobs = EffectiveJobs(options.jobs);
  if (jobs <= 1) {
    InlineRun run(analyzer, options, &writer, &progress, &stats, &bytes_read);
    ReadInputs(inputs, input_options, &run);
    run.Flush();
  } else {
    PooledRun run(analyzer, options, jobs);
    run.Run(inputs, input_options, &writer, &progress, &stats, &bytes_read);
  }
  progress.Clear();
  sink->Finish();
  stats.bytes = bytes_read.load();
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return stats;
}

std::string SummaryLine(const char* command, const ProcessStats& stats) {
  double seconds = stats.seconds > 0 ? stats.seconds : 1e-9;
  char tail[160];
  std::snprintf(tail, sizeof tail, "; %.2f s, %.0f messages/s, %.1f MB/s", stats.seconds,
                static_cast<double>(stats.messages) / seconds, static_cast<double>(stats.bytes) / 1e6 / seconds);
  std::string line = std::string(command) + ": " + std::to_string(stats.messages) + " messages, " +
                     std::to_string(stats.bounces) + " bounces, " + std::to_string(stats.records) + " records, " +
                     std::to_string(stats.not_bounces) + " not bounces";
  if (stats.bounces_without_records) {
    line += ", " + std::to_string(stats.bounces_without_records) + " bounces naming no recipient";
  }
  line += ", " + std::to_string(stats.errors()) + " errors" + tail;
  return line;
}

}  // namespace cli
}  // namespace ndr
