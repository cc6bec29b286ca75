// RuleSet matches through a prefilter of literal words (rule_set.cc); its
// answer must be exactly that of one RE2::Set over the same patterns. These
// tests compare the two on hand-written patterns and texts, and on every
// pattern table that RuleSet serves, with each row's sample as the text.
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "knowledge/rule_set.h"
#include "knowledge/tsv.h"
#include "plain_set.h"

namespace ndr {
namespace {

using ndr_test::PlainSet;

internal::RuleSet Compiled(const std::vector<std::string>& patterns) {
  internal::RuleSet set;
  std::string error;
  for (size_t i = 0; i < patterns.size(); ++i) {
    EXPECT_EQ(set.Add(patterns[i], &error), static_cast<int>(i)) << patterns[i] << ": " << error;
  }
  EXPECT_TRUE(set.Compile(&error)) << error;
  return set;
}

void ExpectSameAsPlainSet(const std::vector<std::string>& patterns, const std::vector<std::string>& texts,
                          const std::string& where) {
  internal::RuleSet set = Compiled(patterns);
  PlainSet plain(patterns);
  for (const std::string& text : texts) {
    bool failed = false;
    std::vector<int> hits = set.Match(text, &failed);
    EXPECT_EQ(hits, plain.Match(text)) << where << ": text '" << text << "'";
    EXPECT_FALSE(failed);
    // The prefilter's rows hold every hit (ascending).
    std::vector<int> potentials = set.Potentials(text, &failed);
    EXPECT_FALSE(failed);
    EXPECT_TRUE(std::is_sorted(potentials.begin(), potentials.end()));
    EXPECT_TRUE(std::includes(potentials.begin(), potentials.end(), hits.begin(), hits.end()))
        << where << ": text '" << text << "'";
    // The words of each hit: those of the pattern's one capture group around it.
    for (int hit : hits) {
      RE2::Options o;
      o.set_case_sensitive(false);
      RE2 captured("(" + patterns[static_cast<size_t>(hit)] + ")", o);
      re2::StringPiece group;
      ASSERT_TRUE(RE2::PartialMatch(text, captured, &group)) << patterns[static_cast<size_t>(hit)];
      std::string_view words = set.FirstMatch(hit, text);
      EXPECT_EQ(words, std::string_view(group.data(), group.size())) << where << ": text '" << text << "'";
      EXPECT_EQ(words.data(), group.data());
    }
    for (size_t i = 0; i < patterns.size(); ++i) {
      bool hit = std::find(hits.begin(), hits.end(), static_cast<int>(i)) != hits.end();
      if (!hit) EXPECT_EQ(set.FirstMatch(static_cast<int>(i), text).data(), nullptr) << patterns[i];
      // Matches says the same as FirstMatch, without the words.
      EXPECT_EQ(set.Matches(static_cast<int>(i), text), hit) << where << ": " << patterns[i] << " in '" << text << "'";
    }
  }
}

TEST(RuleSet, PrefilteredMatchIsThatOfOneSet) {
  // Literal words, alternations, word boundaries, bounded gaps, patterns the
  // prefilter cannot reduce to words (short or no literals), anchors, and
  // letters outside ASCII that fold case.
  std::vector<std::string> patterns = {
      R"(\bmail ?(box|folder) (is )?full\b)",
      R"(\b(user|mailbox) (unknown|not found)\b)",
      R"(\baccount\b[^.;]{0,20}\b(disabled|suspended)\b)",
      R"([45][0-9][0-9][ -][245]\.[0-9]{1,3}\.[0-9]{1,3})",
      R"(^ok\b)",
      R"((?m)^>>> rcpt to)",
      R"(bo[iî]te pleine|postfach (ist )?voll)",
      R"(ÉCHEC DE LA REMISE)",
      R"(x|yz)",
      R"(straße)",
      R"(spam)",
  };
  std::vector<std::string> texts = {
      "",
      "550 5.2.2 Mailbox is FULL",
      "mailfolder full",
      "User Unknown in virtual table",
      "the ACCOUNT jo@example.org has been Suspended",
      "the account; was suspended",
      "452-4.2.2 over quota",
      "OK, mailbox unknown",
      "ok",
      "line one\n>>> RCPT TO:<jo@example.org>",
      "the BOÎTE pleine",
      "Postfach VOLL",
      "échec de la remise",
      "nothing at all",
      "Y Z yz",
      "STRASSE und Straße",
      "SPAM and more spam",
  };
  // ASCII texts have their words found by WordFinder, the others by an
  // RE2::Set of the words: the same answers either way.
  ExpectSameAsPlainSet(patterns, texts, "hand-written");
  internal::RuleSet set = Compiled(patterns);
  EXPECT_EQ(set.Match("550 5.2.2 mailbox is full; user unknown"), (std::vector<int>{0, 1, 3, 8}));
  EXPECT_EQ(set.FirstMatch(1, "550 5.1.1 Mailbox not found, user unknown"), "Mailbox not found");
  EXPECT_EQ(set.FirstMatch(1, "nothing").data(), nullptr);
  EXPECT_EQ(set.FirstMatch(99, "user unknown").data(), nullptr);
  EXPECT_FALSE(set.Matches(99, "user unknown"));
  EXPECT_FALSE(set.Matches(-1, "user unknown"));
}

// A word that triggers no clause of the prefilter ("no", beside the rarer
// "mailbox") is not looked for by the word pass: only when a clause asks,
// in the text as the pass read it. The rows let through stay the same.
TEST(RuleSet, ShortWordsAreLookedForOnlyWhenAClauseAsks) {
  std::vector<std::string> patterns = {R"(\bno\b.{0,20}\bmailbox)", R"(mailbox (is )?full)", R"(\bto\b.*quota)"};
  internal::RuleSet set = Compiled(patterns);
  EXPECT_EQ(set.Potentials("NO such Mailbox"), (std::vector<int>{0}));
  EXPECT_EQ(set.Potentials("the mailbox is full"), (std::vector<int>{1}));
  EXPECT_EQ(set.Potentials("no, to you"), (std::vector<int>{}));
  EXPECT_EQ(set.Potentials("over quota: mail to Jo"), (std::vector<int>{2}));
  std::string long_text(1500, '.');
  EXPECT_EQ(set.Potentials(long_text + "MAILBOX ... no"), (std::vector<int>{0}));
  EXPECT_EQ(set.Potentials("n\xC3\xA9o mailbox"), (std::vector<int>{}));
  ExpectSameAsPlainSet(patterns, {"NO such Mailbox", "no. mailbox", "mailbox no", "sent TO him: over QUOTA", "n\xC3\xA9o mailbox"},
                       "short words");
}

// The prefilter's words with a byte >= 0x80 are found by an RE2::Set of
// their own (Unicode case folding), the others by WordFinder, in texts with
// such bytes too; a text with a letter that folds to ASCII goes to the
// RE2::Set of every word. Each literal pattern is one word of the prefilter,
// so Potentials is exactly the words found.
TEST(RuleSet, WordsOutsideAsciiAreFoundWithUnicodeCase) {
  std::vector<std::string> patterns = {"Empf\xC3\xA4nger", "mailbox", "user unknown", "\xC3\xA9" "chec", "key",
                                       "\xE9\x85\x8D\xE4\xBF\xA1", "stra\xC3\x9F" "e", "voll"};
  internal::RuleSet set = Compiled(patterns);
  EXPECT_EQ(set.Potentials("EMPF\xC3\x84NGER unbekannt, Mailbox VOLL"), (std::vector<int>{0, 1, 7}));
  EXPECT_EQ(set.Potentials("empf\xC3\xA4nger"), (std::vector<int>{0}));
  EXPECT_EQ(set.Potentials("EMPFANGER, \xC3\x89" "CHEC"), (std::vector<int>{3}));
  EXPECT_EQ(set.Potentials("\xE9\x85\x8D\xE4\xBF\xA1 user unknown"), (std::vector<int>{2, 5}));
  EXPECT_EQ(set.Potentials("STRA\xE1\xBA\x9E" "E"), (std::vector<int>{6}));  // U+1E9E, the capital of U+00DF
  EXPECT_EQ(set.Potentials("\xE2\x84\xAA" "EY \xC3\xA9" "chec"), (std::vector<int>{3, 4}));  // U+212A ~ 'k'
  EXPECT_EQ(set.Potentials("\xFFmailbox\x80\xC3"), (std::vector<int>{1}));
  // Only the text near the bytes >= 0x80 is searched for those words: far
  // from them, in long texts, and matched by case variants of other lengths
  // (U+1E9E is three bytes, U+00DF two).
  const std::string far(3000, '.');
  EXPECT_EQ(set.Potentials(far + "STRA\xE1\xBA\x9E" "E" + far + "\xC3\xA4"), (std::vector<int>{6}));
  EXPECT_EQ(set.Potentials("\xC3\xA4" + far + "STRA\xE1\xBA\x9E" "E" + far), (std::vector<int>{6}));
  EXPECT_EQ(set.Potentials("x\xE1\xBA\x9E" "e" + far + "voll " + far + "Empf\xC3\x84nger"), (std::vector<int>{0, 7}));
  // As many ASCII letters before or after the one letter outside ASCII as
  // there can be: all the word's letters but it.
  internal::RuleSet edges = Compiled({"\xC3\xA9tranger", "d\xC3\xA9", "inconnu \xC3\xA0"});
  EXPECT_EQ(edges.Potentials(far + "\xC3\x89TRANGER" + far), (std::vector<int>{0}));
  EXPECT_EQ(edges.Potentials(far + "\xC3\xA9tranger." + far + "D\xC3\x89"), (std::vector<int>{0, 1}));
  EXPECT_EQ(edges.Potentials("\xC3\xA0" + far + "INCONNU \xC3\x80" + far), (std::vector<int>{2}));
  EXPECT_EQ(edges.Potentials(far + "INCONNU \xC3\x80" + far), (std::vector<int>{2}));
  EXPECT_EQ(edges.Potentials("\xC3\xA9trange inconnu d"), std::vector<int>{});
  ExpectSameAsPlainSet(patterns,
                       {"EMPF\xC3\x84NGER unbekannt, Mailbox VOLL", "\xE2\x84\xAA" "ey", "MI\xC5\xBF KEY",
                        "\xC3\x89" "CHEC \xE9\x85\x8D\xE4\xBF\xA1", "empfanger", "\xC3\xA4 user\xFF unknown"},
                       "words outside ASCII");
}

// Generated texts of ASCII pieces, letters of other scripts in either case,
// the letters that fold to ASCII and bytes that are no UTF-8: Potentials of
// literal patterns (the words found) and Match are what one RE2::Set says.
TEST(RuleSet, WordsFoundAreThoseOfOneSetInGeneratedTexts) {
  std::vector<std::string> patterns = {"Empf\xC3\xA4nger", "mailbox", "box full", "key", "sk", "ss", "\xC3\xA9t\xC3\xA9",
                                       "stra\xC3\x9F" "e", "\xCF\x83\xCE\xB1\xCF\x82", "\xE6\x9C\xAC\xE6\x96\x87",
                                       "unknown", "st"};
  internal::RuleSet set = Compiled(patterns);
  PlainSet plain(patterns);
  std::vector<std::string> pieces = {"Empf", "\xC3\xA4", "\xC3\x84", "nger", "mail", "BOX", " full", "K", "e", "y",
                                     "s", "S", "\xC3\xA9", "\xC3\x89", "t", "stra", "\xC3\x9F", "\xE1\xBA\x9E",
                                     "\xCF\x83", "\xCE\xA3", "\xCE\xB1", "\xCF\x82", "\xE6\x9C\xAC", "\xE6\x96\x87",
                                     "un", "known", "\xE2\x84\xAA", "\xC5\xBF", "\x80", "\xFF", "\xC3", " ",
                                     std::string(20, '-'), std::string(45, ' ')};
  std::mt19937 random(1212);
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    size_t count = random() % 16;
    for (size_t k = 0; k < count; ++k) text += pieces[random() % pieces.size()];
    const std::vector<int> expected = plain.Match(text);
    ASSERT_EQ(set.Potentials(text), expected) << "text '" << text << "'";
    ASSERT_EQ(set.Match(text), expected) << "text '" << text << "'";
  }
}

// RuleSet reads each pattern's prefilter from RE2's answers (rule_set.cc):
// alternatives in a row give many sets of words (then each top-level
// alternative is read alone, or groups of words are kept), a '|' inside a
// class or escaped is no alternative, and a leading flag group applies to
// every alternative. The answers stay those of one RE2::Set.
TEST(RuleSet, PatternsWithAlternativesInARowMatchAsOneSet) {
  std::vector<std::string> patterns = {
      R"(\b(boite|postfach|mailbox|buzon|casella|caixa)\b[^.;]*\b(voll|full|pleine|llena|piena|cheia)\b|\bquota (exceeded|full)\b)",
      R"(\b(one|two|three|four|five|six)\b (red|green|blue|cyan|pink|gray)\b)",
      R"([|a-c]x\|y|zz(q|r)ww)",
      R"((?i)alpha beta|gamma delta)",
      R"(^(?:error|failure)s?:|^reason(s)?:)",
  };
  std::vector<std::string> texts = {
      "",
      "the mailbox is full",
      "Postfach ist VOLL",
      "mailbox; full",
      "full mailbox",
      "quota exceeded",
      "quota",
      "two green apples",
      "green two",
      "six gray",
      "|x|y and bx|y",
      "zzqww zzrww zzsww",
      "x|y",
      "ALPHA BETA",
      "gamma delta",
      "alpha delta",
      "Errors: none",
      "reasons: many",
      "no error: here",
  };
  ExpectSameAsPlainSet(patterns, texts, "alternatives in a row");
  internal::RuleSet set = Compiled(patterns);
  // The words of one alternative without those of its other half let
  // nothing through.
  EXPECT_TRUE(set.Potentials("mailbox").empty());
  EXPECT_TRUE(set.Potentials("green").empty());
  EXPECT_EQ(set.Potentials("mailbox full, two green"), (std::vector<int>{0, 1}));
}

// A text with none of the prefilter's words: only the patterns that have no
// word (the prefilter cannot reduce them) are let through.
TEST(RuleSet, TextWithoutWordsLetsThroughOnlyPatternsWithoutWords) {
  internal::RuleSet set = Compiled({"mailbox full", "[0-9]+", "user unknown", "x"});
  EXPECT_EQ(set.Potentials("12 34"), (std::vector<int>{1, 3}));
  EXPECT_EQ(set.Potentials(""), (std::vector<int>{1, 3}));
  EXPECT_EQ(set.Potentials("the MAILBOX FULL"), (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(set.Match("12 34"), (std::vector<int>{1}));
}

// An alternative without words that is anchored at the start of the text
// ("mailer error|...|^[0-9]{1,3}$") is tested alone instead of letting its
// pattern through on every text: the pattern passes on a text without its
// words only when that start matches. Answers stay those of one RE2::Set,
// words included; a wordless alternative elsewhere, or a leading flag group
// ('^' may then be a line's start), still lets the pattern through.
TEST(RuleSet, WordlessAlternativeAnchoredAtStartIsTestedAlone) {
  std::vector<std::string> patterns = {
      R"(mailer error|unknown mailer error|exit (status|code) [0-9]+|^[0-9]{1,3}$)",
      R"(^ok$|^done\b|spam)",
      R"(quota|\A[0-9]+ ?[a-z]?$)",
      R"(^[0-9]{1,3}$)",
      R"(mailer error|[0-9]{4})",
      R"((?m)^[0-9]{1,3}$|mailer error)",
      R"(fatal|^)",
      // A flag set in one alternative holds in the next: this '^' is
      // multi-line, so the alternative is not tested alone at the start.
      R"(bounced(?m)|^[0-9]{2}$)",
  };
  std::vector<std::string> texts = {
      "",         "75",           "1234",          "75 x",      "unknown mailer error 75", "exit status 1",
      "exit 75",  "ok",           "OK",            "not ok",    "done. ok",                "Done",
      "12 b",     "quota 12",     "line\n12",      "spam 1234", "FATAL",                   "x 75",
  };
  ExpectSameAsPlainSet(patterns, texts, "anchored without words");
  internal::RuleSet set = Compiled(patterns);
  // Words of no alternative and a start that does not match: only the
  // patterns still let through whatever the words (and "fatal|^", whose
  // start matches every text).
  EXPECT_EQ(set.Potentials("exit 75"), (std::vector<int>{4, 5, 6, 7}));
  EXPECT_EQ(set.Potentials("75"), (std::vector<int>{0, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(set.Potentials("ok"), (std::vector<int>{1, 4, 5, 6, 7}));
  EXPECT_EQ(set.Potentials(""), (std::vector<int>{4, 5, 6, 7}));
  EXPECT_EQ(set.Match("75"), (std::vector<int>{0, 2, 3, 5, 6, 7}));
  EXPECT_EQ(set.Match("line\n12"), (std::vector<int>{5, 6, 7}));
  EXPECT_EQ(set.FirstMatch(0, "75"), "75");
  EXPECT_EQ(set.FirstMatch(0, "Unknown mailer error 75"), "Unknown mailer error");
  EXPECT_EQ(set.FirstMatch(0, "exit 75").data(), nullptr);
}

// The RE2::Set of every word (for the texts WordFinder leaves: a letter that
// folds to ASCII) is compiled when such a text first comes, once, however
// many threads bring one at the same time; every thread gets its answer.
// (Its name says Thread: CI runs such tests under ThreadSanitizer.)
TEST(RuleSet, ThreadsThatFirstNeedTheSetOfEveryWordBuildItOnce) {
  const internal::RuleSet set = Compiled({"user unknown", "mailbox full", "ke[yi]"});
  const std::string folded = "\xE2\x84\xAA" "EY: User unknown";  // U+212A ~ 'k'
  std::vector<std::thread> threads;
  std::vector<std::vector<int>> answers(4);
  for (size_t t = 0; t < answers.size(); ++t) {
    threads.emplace_back([&set, &folded, &answers, t] {
      for (int n = 0; n < 50; ++n) answers[t] = set.Match(n % 2 ? folded : "mailbox FULL");
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::vector<int>& answer : answers) EXPECT_EQ(answer, (std::vector<int>{0, 2}));
  EXPECT_EQ(set.Match("mailbox full"), (std::vector<int>{1}));
}

// Candidates: the rows the prefilter allows (the caller's own search says
// which match), or every row when matching failed (a set used before Compile
// stands for that failure), so a failure never hides a row.
TEST(RuleSet, CandidatesAreEveryRowWhenMatchingFails) {
  internal::RuleSet set;
  std::string error;
  ASSERT_EQ(set.Add("mailbox full", &error), 0);
  ASSERT_EQ(set.Add("no such user", &error), 1);
  EXPECT_EQ(set.Candidates("550 no such user"), (std::vector<int>{0, 1}));
  ASSERT_TRUE(set.Compile(&error)) << error;
  EXPECT_EQ(set.Candidates("550 no such user"), (std::vector<int>{1}));
  EXPECT_TRUE(set.Candidates("250 ok").empty());
  // The words are there but not in the pattern's order: a candidate that
  // does not match.
  internal::RuleSet apart;
  ASSERT_EQ(apart.Add("mailbox.*full", &error), 0);
  ASSERT_TRUE(apart.Compile(&error)) << error;
  EXPECT_EQ(apart.Candidates("full, said the mailbox"), (std::vector<int>{0}));
  EXPECT_TRUE(apart.Match("full, said the mailbox").empty());
}

TEST(RuleSet, EmptySetMatchesNothing) {
  internal::RuleSet set;
  std::string error;
  ASSERT_TRUE(set.Compile(&error)) << error;
  bool failed = false;
  EXPECT_TRUE(set.Match("anything", &failed).empty());
  EXPECT_FALSE(failed);
}

TEST(RuleSet, BadPatternIsRefusedWithRe2sWords) {
  internal::RuleSet set;
  std::string error;
  EXPECT_EQ(set.Add("(unclosed", &error), -1);
  EXPECT_NE(error.find("missing )"), std::string::npos) << error;
  EXPECT_EQ(set.Add("closed", &error), 0);
  EXPECT_EQ(set.size(), 1u);
}

// A caller that reads a pattern's groups runs the set's own compiled
// pattern (Compiled) instead of compiling it again: a row added with
// Groups::kKeep has its groups there, one added as usual has none; both
// match (and prefilter) as before.
TEST(RuleSet, KeptGroupsAreInTheCompiledPattern) {
  internal::RuleSet set;
  std::string error;
  const int kept = set.Add("host (?P<host>[a-z.]+) said: (.+)", &error, internal::RuleSet::Groups::kKeep);
  const int dropped = set.Add("host ([a-z.]+) refused", &error);
  ASSERT_EQ(kept, 0) << error;
  ASSERT_EQ(dropped, 1) << error;
  EXPECT_EQ(set.Compiled(kept, true).NumberOfCapturingGroups(), 2);
  EXPECT_EQ(set.Compiled(kept, true).NamedCapturingGroups().at("host"), 1);
  EXPECT_EQ(set.Compiled(dropped, true).NumberOfCapturingGroups(), 0);
  ASSERT_TRUE(set.Compile(&error)) << error;
  const std::string text = "Host mx.example.org said: 550 no such user; host relay.example.net refused";
  EXPECT_EQ(set.Match(text), (std::vector<int>{0, 1}));
  EXPECT_EQ(set.FirstMatch(kept, text), "Host mx.example.org said: 550 no such user; host relay.example.net refused");
  EXPECT_EQ(set.FirstMatch(dropped, text), "host relay.example.net refused");
  std::string host;
  EXPECT_TRUE(RE2::PartialMatch(text, set.Compiled(kept, true), &host));
  EXPECT_EQ(host, "mx.example.org");
}

// A pattern written in ASCII is compiled to match bytes for ASCII texts
// (smaller, faster automata); on a text with other bytes it runs as written,
// in UTF-8, where '.' or '[^;]' is one character and a counted repeat counts
// characters: its answers are the same as one RE2::Set's either way.
TEST(RuleSet, AsciiPatternsMatchAsWrittenInTextsWithOtherCharacters) {
  EXPECT_TRUE(internal::MatchableAsBytes("user.s mailbox [^;]{0,4} full"));
  EXPECT_FALSE(internal::MatchableAsBytes("\\bp\\p{L}+"));
  EXPECT_FALSE(internal::MatchableAsBytes("x\\PLy"));
  EXPECT_FALSE(internal::MatchableAsBytes("it\\x{2019}s"));
  EXPECT_FALSE(internal::MatchableAsBytes("bo\xC3\xAEte pleine"));
  std::vector<std::string> patterns = {"user.s mailbox", "account\\b[^.;]{0,4}\\bdisabled", "^.{3}$", "(?P<who>[^ ]) is full"};
  internal::RuleSet set = Compiled(patterns);
  EXPECT_EQ(set.Match("the user's mailbox"), (std::vector<int>{0}));
  EXPECT_EQ(set.Match("the user\xE2\x80\x99s mailbox"), (std::vector<int>{0}));  // U+2019: one character, three bytes
  EXPECT_EQ(set.Match("account \xD0\xB6\xD0\xB6 disabled"), (std::vector<int>{1}));  // four characters, six bytes
  EXPECT_EQ(set.Match("account jo__ disabled"), std::vector<int>{});
  EXPECT_EQ(set.Match("\xC3\xA9t\xC3\xA9"), (std::vector<int>{2}));
  EXPECT_EQ(set.Match("abc"), (std::vector<int>{2}));
  EXPECT_EQ(set.FirstMatch(0, "User\xE2\x80\x99s Mailbox"), "User\xE2\x80\x99s Mailbox");
  // The compiled pattern a caller runs itself is the one for its text.
  internal::RuleSet kept;
  std::string error;
  ASSERT_EQ(kept.Add("(?P<who>[^ ]) is full", &error, internal::RuleSet::Groups::kKeep), 0) << error;
  ASSERT_TRUE(kept.Compile(&error)) << error;
  EXPECT_EQ(kept.Compiled(0, true).options().encoding(), RE2::Options::EncodingLatin1);
  EXPECT_EQ(kept.Compiled(0, false).options().encoding(), RE2::Options::EncodingUTF8);
  EXPECT_EQ(kept.Compiled(0, false).NamedCapturingGroups(), kept.Compiled(0, true).NamedCapturingGroups());
  std::string who;
  EXPECT_TRUE(RE2::PartialMatch("\xC3\x89 is full", kept.Compiled(0, false), &who));
  EXPECT_EQ(who, "\xC3\x89");
  ExpectSameAsPlainSet(patterns,
                       {"user\xE2\x80\x99s mailbox", "account \xD0\xB6\xD0\xB6 disabled", "\xC3\xA9t\xC3\xA9", "ab\xC3\xA9",
                        "account \xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6 disabled", "\xE2\x84\xAA is full"},
                       "ASCII patterns, texts with other characters");
}

// Threads that first meet a text with bytes >= 0x80 compile a pattern's
// UTF-8 form once, and each gets the same answer (run under TSan too).
TEST(RuleSet, ThreadsThatFirstNeedAPatternInUtf8CompileItOnce) {
  internal::RuleSet set = Compiled({"user.s mailbox", "mailbox.is full"});
  std::vector<std::thread> threads;
  std::vector<std::vector<int>> answers(4);
  for (size_t t = 0; t < answers.size(); ++t) {
    threads.emplace_back([&set, &answers, t] { answers[t] = set.Match("user\xE2\x80\x99s mailbox\xC2\xA0is full"); });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& answer : answers) EXPECT_EQ(answer, (std::vector<int>{0, 1}));
}

// Every table RuleSet serves, its own rows' samples as texts: each sample
// against the whole table, prefiltered and as one set.
TEST(RuleSet, PrefilteredMatchIsThatOfOneSetOnEveryTable) {
  struct Table {
    const char* name;
    const char* pattern_column;
    const char* sample_column;
  };
  for (const Table& t : {Table{"reason_rules.tsv", "pattern", "sample"}, Table{"smtp_phrases.tsv", "pattern", "sample"},
                         Table{"blocklists.tsv", "pattern", "sample"}}) {
    internal::TsvTable table;
    std::string error;
    ASSERT_TRUE(internal::LoadEmbeddedTsv(t.name, {t.pattern_column, t.sample_column}, &table, &error)) << error;
    std::vector<std::string> patterns, samples;
    for (const internal::TsvRow& row : table.rows) {
      patterns.emplace_back(table.Cell(row, t.pattern_column));
      samples.emplace_back(table.Cell(row, t.sample_column));
    }
    ASSERT_GT(patterns.size(), 10u) << t.name;
    ExpectSameAsPlainSet(patterns, samples, t.name);
  }
}

}  // namespace
}  // namespace ndr
