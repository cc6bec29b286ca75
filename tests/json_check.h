// A strict little JSON checker for tests: is a line one valid JSON object,
// and what are its top-level string/bool values.
#ifndef NDR_TESTS_JSON_CHECK_H_
#define NDR_TESTS_JSON_CHECK_H_

#include <map>
#include <string>
#include <string_view>

namespace ndr_test {

class JsonChecker {
 public:
  // True when `text` is exactly one JSON object (whitespace around allowed).
  // Top-level string values land in strings(), booleans as "true"/"false".
  bool ParseObject(std::string_view text) {
    s_ = text;
    i_ = 0;
    values_.clear();
    Ws();
    if (!Object(true)) return false;
    Ws();
    return i_ == s_.size();
  }
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool Lit(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  bool String(std::string* out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++i_;
        if (i_ >= s_.size()) return false;
        char e = s_[i_];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k) {
            if (i_ + k >= s_.size() || !isxdigit(static_cast<unsigned char>(s_[i_ + k]))) return false;
          }
          i_ += 5;
          if (out) out->push_back('?');
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) return false;
        if (out) out->push_back(e == 'n' ? '\n' : e);
        ++i_;
        continue;
      }
      if (out) out->push_back(static_cast<char>(c));
      ++i_;
    }
    return false;
  }
  bool Number() {
    size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    while (i_ < s_.size() && (isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' ||
                              s_[i_] == 'e' || s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-')) {
      ++i_;
    }
    return i_ > start;
  }
  bool Value(std::string* out, int depth) {
    if (depth > 64 || i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '"') return String(out);
    if (c == '{') return Object(false, depth + 1);
    if (c == '[') {
      ++i_;
      Ws();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return true;
      }
      while (true) {
        Ws();
        if (!Value(nullptr, depth + 1)) return false;
        Ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') {
          ++i_;
          return true;
        }
        return false;
      }
    }
    if (Lit("true")) {
      if (out) *out = "true";
      return true;
    }
    if (Lit("false")) {
      if (out) *out = "false";
      return true;
    }
    if (Lit("null")) return true;
    return Number();
  }
  bool Object(bool top, int depth = 0) {
    if (i_ >= s_.size() || s_[i_] != '{') return false;
    ++i_;
    Ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    while (true) {
      Ws();
      std::string key;
      if (!String(&key)) return false;
      Ws();
      if (i_ >= s_.size() || s_[i_] != ':') return false;
      ++i_;
      Ws();
      std::string value;
      if (!Value(top ? &value : nullptr, depth)) return false;
      if (top) values_[key] = value;
      Ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return true;
      }
      return false;
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  std::map<std::string, std::string> values_;
};

}  // namespace ndr_test

#endif  // NDR_TESTS_JSON_CHECK_H_
