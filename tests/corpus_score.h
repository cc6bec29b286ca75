// Scores `ndr scan --format json` records against ../shared/corpus/sisimai's
// key.tsv the way ../shared/tools/score does: records matched per file as
// multisets, field by field; Sisimai's invented x.0.9xx statuses left out.
#ifndef NDR_TESTS_CORPUS_SCORE_H_
#define NDR_TESTS_CORPUS_SCORE_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "json_check.h"

namespace ndr_test {

struct KeyRow {
  std::string status, reply_code, reason, hard_bounce;
};
// file name -> its expected records
using CorpusKey = std::map<std::string, std::vector<KeyRow>>;
// file name -> the JSON values of its records
using CorpusRecords = std::map<std::string, std::vector<std::map<std::string, std::string>>>;

inline CorpusKey LoadCorpusKey(const std::filesystem::path& key_tsv) {
  CorpusKey key;
  std::ifstream in(key_tsv);
  std::string line;
  std::getline(in, line);  // header: file index status reply_code reason hard_bounce feedback_type origin
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    if (cells.size() < 6) continue;
    key[cells[0]].push_back({cells[2], cells[3], cells[4], cells[5]});
  }
  return key;
}

// Groups JSON Lines by the file name of their `source` ("dir/f.eml#2" -> "f.eml").
// *bad_lines counts lines that are not one JSON object.
inline CorpusRecords GroupRecords(const std::string& json_lines, size_t* bad_lines) {
  CorpusRecords out;
  JsonChecker json;
  std::istringstream in(json_lines);
  std::string line;
  *bad_lines = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (!json.ParseObject(line)) {
      ++*bad_lines;
      continue;
    }
    std::string source = json.values().count("source") ? json.values().at("source") : std::string();
    source = source.substr(0, source.find('#'));
    out[std::filesystem::path(source).filename().string()].push_back(json.values());
  }
  return out;
}

struct CorpusScore {
  size_t files = 0, files_with_record = 0, count_exact = 0;
  size_t reason_hits = 0, reason_total = 0, status_hits = 0, status_total = 0;
  size_t reply_hits = 0, reply_total = 0;
  double Pct(size_t a, size_t b) const { return b == 0 ? 0.0 : 100.0 * a / b; }
  double recognized() const { return Pct(files_with_record, files); }
  double count_exact_pct() const { return Pct(count_exact, files); }
  double reason() const { return Pct(reason_hits, reason_total); }
  double status() const { return Pct(status_hits, status_total); }
  double reply_code() const { return Pct(reply_hits, reply_total); }
};

inline std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline size_t MultisetHits(const std::vector<std::string>& expected, std::vector<std::string> got) {
  size_t hits = 0;
  for (const std::string& e : expected) {
    auto it = std::find(got.begin(), got.end(), e);
    if (it != got.end()) {
      ++hits;
      got.erase(it);
    }
  }
  return hits;
}

// Sisimai writes invented x.0.9xx codes where a bounce carries none.
inline bool PseudoStatus(const std::string& s) {
  return s.size() == 7 && s[1] == '.' && s[2] == '0' && s[3] == '.' && s[4] == '9';
}

inline CorpusScore ScoreCorpus(const CorpusKey& key, const CorpusRecords& records) {
  CorpusScore s;
  for (const auto& [file, expected] : key) {
    ++s.files;
    auto it = records.find(file);
    static const std::vector<std::map<std::string, std::string>> kNone;
    const auto& got = it == records.end() ? kNone : it->second;
    if (!got.empty()) ++s.files_with_record;
    if (got.size() == expected.size()) ++s.count_exact;
    auto field = [&](const std::string& name) {
      std::vector<std::string> values;
      for (const auto& r : got) values.push_back(Lower(r.count(name) ? r.at(name) : std::string()));
      return values;
    };
    std::vector<std::string> reasons, statuses, replies;
    for (const KeyRow& k : expected) {
      reasons.push_back(Lower(k.reason));
      replies.push_back(Lower(k.reply_code));
      if (!k.status.empty() && !PseudoStatus(k.status)) statuses.push_back(Lower(k.status));
    }
    s.reason_total += reasons.size();
    s.reason_hits += MultisetHits(reasons, field("reason"));
    s.reply_total += replies.size();
    s.reply_hits += MultisetHits(replies, field("reply_code"));
    s.status_total += statuses.size();
    s.status_hits += MultisetHits(statuses, field("status"));
  }
  return s;
}

}  // namespace ndr_test

#endif  // NDR_TESTS_CORPUS_SCORE_H_
