// The extraction stage, the part that fills what interpretation reads from a
// Finding (report kind, diagnostic type, Status comment, context) and the
// failed address itself.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include <re2/re2.h>

#include "extract/extractor_impl.h"
#include "extract/text_util.h"
#include "smtp/reply_text.h"
#include "ndr/bounce.h"
#include "ndr/finding.h"

namespace ndr {
namespace {

const Extractor& TheExtractor() {
  static const std::unique_ptr<Extractor> instance = Extractor::Create(nullptr);
  return *instance;
}

Headers Group(std::initializer_list<std::pair<const char*, const char*>> fields) {
  Headers h;
  for (const auto& [name, value] : fields) h.Add(name, value);
  return h;
}

TEST(ExtractRecord, DsnFieldsInterpretationNeeds) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  parts.bounce_from = "Mail Delivery System <MAILER-DAEMON@mail.example.com>";
  parts.per_recipient = {Group({{"Final-Recipient", "rfc822; jo@example.org"},
                                {"Action", "failed"},
                                {"Status", "5.0.0 (mailbox unavailable)"},
                                {"Diagnostic-Code", "X-Unix; procmail: quota exceeded"}})};
  parts.human_text = "Your message could not be delivered.";
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].report_kind, BounceKind::kDeliveryReport);
  EXPECT_EQ(f[0].diagnostic_type, "x-unix");
  EXPECT_EQ(f[0].status_comment, "mailbox unavailable");
  EXPECT_EQ(f[0].report_from, "MAILER-DAEMON@mail.example.com");
  EXPECT_EQ(f[0].context, parts.human_text);  // the only recipient: the text is its own
}

TEST(ExtractRecord, NoContextWhenTheReportNamesSeveralRecipients) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  parts.per_recipient = {Group({{"Final-Recipient", "rfc822; ann@example.org"}, {"Status", "4.0.0"}}),
                         Group({{"Final-Recipient", "rfc822; jo@example.net"}, {"Status", "4.0.0"}})};
  parts.human_text = "ann@example.org: mailbox is full";
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_TRUE(f[0].context.empty());
  EXPECT_TRUE(f[1].context.empty());
  EXPECT_TRUE(f[1].status_comment.empty());
  EXPECT_TRUE(f[1].diagnostic_type.empty());
}

TEST(ExtractRecord, FeedbackTypeIsLowerCase) {
  BounceParts parts;
  parts.kind = BounceKind::kFeedbackReport;
  parts.feedback.Add("Feedback-Type", " Abuse ");
  parts.feedback.Add("Original-Rcpt-To", "jo@example.org");
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].report_kind, BounceKind::kFeedbackReport);
  EXPECT_EQ(f[0].feedback_type, "abuse");
}

TEST(CleanAddress, TypesBracketsQuotesAndSourceRoutes) {
  using internal::CleanAddress;
  EXPECT_EQ(CleanAddress("rfc822; <jo@example.org>"), "jo@example.org");
  EXPECT_EQ(CleanAddress("rfc/822;jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("RFC822; SMTP=jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("smtp:jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("Jo Doe <jo@example.org>"), "jo@example.org");
  EXPECT_EQ(CleanAddress("jo@example.org (Jo Doe)"), "jo@example.org");
  EXPECT_EQ(CleanAddress("rfc822; jo@example.org (alias of ann)"), "jo@example.org");
  // The word that holds the '@', between blanks or tabs (or the text's ends).
  EXPECT_EQ(CleanAddress("to\tjo@example.org\tnow"), "jo@example.org");
  EXPECT_EQ(CleanAddress("mail for jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("a b\tjo@example.org c\td"), "jo@example.org");
  EXPECT_EQ(CleanAddress("\"jo..x.\"@example.org"), "jo..x.@example.org");
  EXPECT_EQ(CleanAddress("\"jo doe\"@example.org"), "\"jo doe\"@example.org");  // quotes needed there
  EXPECT_EQ(CleanAddress("<@relay.example.net:jo@example.org>"), "jo@example.org");
  EXPECT_EQ(CleanAddress("@a.example,@b.example:jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("jo@example.org."), "jo@example.org");
  // Addresses that merely contain '=' keep it (SRS, VERP).
  EXPECT_EQ(CleanAddress("SRS0=ab12=CD=example.net=jo@fwd.example.org"), "SRS0=ab12=CD=example.net=jo@fwd.example.org");
  EXPECT_EQ(CleanAddress("x400; /S=jo/OU=sales/O=example/"), "/S=jo/OU=sales/O=example/");
}

// An address with nothing to clean comes back as it is (told from its bytes
// before any rule runs); one byte that a rule reads sends it through them all.
TEST(CleanAddress, NothingToCleanOrOneByteThatARuleReads) {
  using internal::CleanAddress;
  for (const char* clean : {"jo@example.org", "SRS0=ab12=CD=example.net=jo@fwd.example.org", "jo.o'neil@example.org",
                            "x@y", "/S=jo/OU=sales/O=example/", "smtpjo@example.org", "j\"o@example.org"}) {
    EXPECT_EQ(CleanAddress(clean), clean);
    std::string in_place = clean;
    const char* before = in_place.data();
    internal::CleanAddressInPlace(&in_place);
    EXPECT_EQ(in_place, clean);
    EXPECT_EQ(in_place.data(), before) << "copied: " << clean;
  }
  EXPECT_EQ(CleanAddress("jo@example.org;"), "jo@example.org");
  EXPECT_EQ(CleanAddress("jo@example.org)"), "jo@example.org");
  EXPECT_EQ(CleanAddress("'jo@example.org'"), "jo@example.org");
  EXPECT_EQ(CleanAddress("(jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("x;jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("smtp=jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("SMTP:jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("jo<jo@example.org>x"), "jo@example.org");
  EXPECT_EQ(CleanAddress("@relay:jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("\tjo@example.org\n"), "jo@example.org");
  EXPECT_EQ(CleanAddress("rfc822;jo@example.org"), "jo@example.org");
  EXPECT_EQ(CleanAddress("rfc822;\"jo.\"@example.org"), "jo.@example.org");
}

// NothingToClean reads long addresses sixteen bytes at a time: a byte a rule
// reads (a blank, ';', '<') is seen at every place, in a sixteen-byte step or
// in the tail after them; a byte >= 0x80 is none.
TEST(CleanAddress, ARuleByteAnywhereInALongAddress) {
  using internal::CleanAddress;
  const std::string clean = "jo.long.name+tag@mail.example.org";  // 33 bytes: two steps and a tail
  EXPECT_EQ(CleanAddress(clean), clean);
  EXPECT_EQ(CleanAddress("j\xC3\xB6rg.long.name+tag@mail.example.org"), "j\xC3\xB6rg.long.name+tag@mail.example.org");
  // A blank: the word that holds the '@' is taken.
  for (size_t at = 1; at + 1 < clean.size(); ++at) {
    if (clean[at] == '@') continue;
    for (char c : {' ', '\t'}) {
      std::string dirty = clean;
      dirty[at] = c;
      std::string word = at < clean.find('@') ? clean.substr(at + 1) : clean.substr(0, at);
      if (word.back() == '.') word.pop_back();  // (a dot that ends a sentence)
      EXPECT_EQ(CleanAddress(dirty), word) << at << " " << static_cast<int>(c);
    }
  }
  // '<' of a display name's brackets, and ';' after an address type.
  for (size_t k = 1; k < 36; ++k) {
    EXPECT_EQ(CleanAddress(std::string(k, 'x') + "<jo@example.org>yy"), "jo@example.org") << k;
  }
  for (size_t k = 1; k < 23; ++k) {
    EXPECT_EQ(CleanAddress(std::string(k, 'x') + ";jo.long.name+tag@mail.example.org"), clean) << k;
  }
}

TEST(CleanAddress, InPlaceGivesTheSame) {
  for (const char* raw : {"jo@example.org", "rfc822; <jo@example.org>", "\"jo..x.\"@example.org", " jo@example.org.",
                          "\"jo doe\"@example.org", "@a.example,@b.example:jo@example.org", "", "x400; /S=jo/"}) {
    std::string address = raw;
    internal::CleanAddressInPlace(&address);
    EXPECT_EQ(address, internal::CleanAddress(raw)) << raw;
  }
}

TEST(CleanAddress, HostOfAnMtaField) {
  using internal::HostFromField;
  EXPECT_EQ(HostFromField("dns; mx.example.net"), "mx.example.net");
  EXPECT_EQ(HostFromField("dns;ms1.example.net (TCP|192.0.2.5|41502|192.0.2.6|25)"), "ms1.example.net");
  EXPECT_EQ(HostFromField("dns; gmail-smtp-in.l.google.com. (192.0.2.9, the server for the domain)"),
            "gmail-smtp-in.l.google.com");
  EXPECT_EQ(HostFromField("dns; [192.0.2.5]"), "192.0.2.5");
  // The host ends at a blank, a tab or a parenthesis.
  EXPECT_EQ(HostFromField("dns;mx.example.net\t(192.0.2.5)"), "mx.example.net");
  EXPECT_EQ(HostFromField("dns;mx.example.net(192.0.2.5)"), "mx.example.net");
  EXPECT_EQ(HostFromField("dns;<mx.example.net> x"), "mx.example.net");
}

TEST(CleanAddress, AddressListsOnly) {
  EXPECT_TRUE(internal::IsAddressList("a@example.net,"));
  EXPECT_TRUE(internal::IsAddressList("a@example.net, <b@example.org>;"));
  EXPECT_FALSE(internal::IsAddressList(""));
  EXPECT_FALSE(internal::IsAddressList("To: a@example.net,"));
  EXPECT_FALSE(internal::IsAddressList("mail for a@example.net"));
  EXPECT_FALSE(internal::IsAddressList("\"Ann\" a@example.net"));
}

TEST(CleanAddress, InternetAddressesOnly) {
  using internal::IsInternetAddress;
  EXPECT_TRUE(IsInternetAddress("jo@example.org"));
  EXPECT_FALSE(IsInternetAddress("jo@ims-ms-daemon"));
  EXPECT_FALSE(IsInternetAddress("/S=jo/OU=sales/@example.org"));
  EXPECT_FALSE(IsInternetAddress("/var/spool/mail/jo"));
  EXPECT_FALSE(IsInternetAddress("jo@example."));
  EXPECT_FALSE(IsInternetAddress("jo doe@example.org"));
  EXPECT_FALSE(IsInternetAddress("jo@example.org\tx"));
  EXPECT_TRUE(IsInternetAddress("jo\n@example.org"));  // only blanks and tabs rule it out
}

// A one-recipient DSN with these Final- and Original-Recipient fields.
Finding DsnRecipient(const char* final_recipient, const char* original) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  Headers g;
  g.Add("Final-Recipient", final_recipient);
  if (*original != '\0') g.Add("Original-Recipient", original);
  g.Add("Action", "failed");
  g.Add("Status", "5.1.1");
  parts.per_recipient = {g};
  std::vector<Finding> f = TheExtractor().Extract(parts);
  EXPECT_EQ(f.size(), 1u);
  return f.empty() ? Finding() : f[0];
}

TEST(ExtractRecord, RecipientIsTheAddressTheSenderWrote) {
  // Same domain: the Final-Recipient (an alias resolved at the recipient's side).
  Finding f = DsnRecipient("rfc822; robert@example.org", "rfc822;bob@example.org");
  EXPECT_EQ(f.recipient, "robert@example.org");
  EXPECT_EQ(f.original_recipient, "bob@example.org");
  // X.400 and local rewrites: the Original-Recipient.
  EXPECT_EQ(DsnRecipient("x400; /S=jo/OU=sales/O=example/", "rfc822;jo@example.org").recipient, "jo@example.org");
  EXPECT_EQ(DsnRecipient("rfc822; jo@ims-ms-daemon", "rfc822;jo@example.org").recipient, "jo@example.org");
  EXPECT_EQ(DsnRecipient("rfc822;@mx.example.org:jo@server", "rfc822;jo@example.org").recipient,
            "jo@example.org");
  // An internal rewrite to another domain.
  EXPECT_EQ(DsnRecipient("rfc822; jo@example.mail.onmicrosoft.com", "rfc822; jo@example.org").recipient,
            "jo@example.org");
  // No Original-Recipient: the Final-Recipient, cleaned.
  f = DsnRecipient("rfc/822; <SMTP=jo@example.org>", "");
  EXPECT_EQ(f.recipient, "jo@example.org");
  EXPECT_EQ(f.original_recipient, "");
}

TEST(ExtractRecord, OneFindingPerAddress) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  parts.per_recipient = {Group({{"Final-Recipient", "rfc822; SMTP=jo@example.org"}, {"Action", "failed"}}),
                         Group({{"Final-Recipient", "rfc822; <Jo@Example.org>"},
                                {"Action", "failed"},
                                {"Status", "5.1.1"},
                                {"Remote-MTA", "dns; mx.example.org"},
                                {"Diagnostic-Code", "smtp; 550 5.1.1 no such user"}}),
                         Group({{"Final-Recipient", "rfc822; ann@example.org"}, {"Action", "failed"}})};
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].recipient, "Jo@Example.org");  // the most informative of the two
  EXPECT_EQ(f[0].reply_code, 550);
  EXPECT_EQ(f[0].remote_mta, "mx.example.org");
  EXPECT_EQ(f[1].recipient, "ann@example.org");
}

// Whether every multi-byte UTF-8 sequence in s is whole.
bool WholeUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// A report's own words are cut to a bound at a character, never inside one
// (a Japanese notice without codes showed half a character at its end).
TEST(ExtractRecord, ReportWordsAreCutAtACharacter) {
  BounceParts parts;
  parts.kind = BounceKind::kPlainText;
  parts.human_text = "jo@example.net\n\n";
  for (int i = 0; i < 400; ++i) parts.human_text += "\xE3\x81\x82";  // U+3042, three bytes
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].diagnostic.empty());
  EXPECT_TRUE(WholeUtf8(f[0].diagnostic)) << f[0].diagnostic.size();
}

// FindAddresses runs the address pattern only around each '@' (the local
// part holds none): the answers are those of a search over the whole text.
TEST(FindAddresses, SearchesAroundEachAt) {
  std::string error;
  internal::ExtractorPatterns p(internal::SmtpText::Load(&error));
  auto found = [&](std::string_view text, size_t max = 512) {
    std::vector<std::string> out;
    for (const auto& hit : internal::FindAddresses(p, text, max)) {
      EXPECT_EQ(text.substr(hit.begin, hit.end - hit.begin), hit.address);
      out.push_back(hit.address);
    }
    return out;
  };
  EXPECT_TRUE(found("no address here, only text").empty());
  EXPECT_TRUE(found("an @ alone, user@ and @example.net").empty());
  // An '@' that gives no address, then one whose local part starts right after it.
  EXPECT_EQ(found("x@y_z+w@example.com"), (std::vector<std::string>{"y_z+w@example.com"}));
  EXPECT_EQ(found("<a@example.net>: b@example.org, c.d@example.co.jp"),
            (std::vector<std::string>{"a@example.net", "b@example.org", "c.d@example.co.jp"}));
  EXPECT_EQ(found("mail to jo@example.net.", 1), (std::vector<std::string>{"jo@example.net"}));
  EXPECT_EQ(found("\xE7\x8C\xAB@example.jp"), (std::vector<std::string>{"\xE7\x8C\xAB@example.jp"}));
  EXPECT_EQ(found("'jo@example.net' is unknown"), (std::vector<std::string>{"jo@example.net"}));
}

// In an ASCII window around an '@' (the local-part bytes before it, the
// domain bytes after it) FindAddresses reads the address pattern by hand:
// the same match as RE2's, on generated windows of the bytes that matter
// (dots, quotes and the bytes only some classes hold, hyphens in domains).
TEST(FindAddresses, AsciiReadingIsThePatterns) {
  std::string error;
  internal::ExtractorPatterns p(internal::SmtpText::Load(&error));
  const std::string local_bytes = "aZ9.'`{|}~!#-_=";
  const std::string domain_bytes = "aZ9.-";
  std::mt19937 random(11);
  for (int n = 0; n < 20000; ++n) {
    std::string window;
    for (size_t i = random() % 7; i > 0; --i) window += local_bytes[random() % local_bytes.size()];
    const size_t at = window.size();
    window += '@';
    for (size_t i = random() % 12; i > 0; --i) window += domain_bytes[random() % domain_bytes.size()];
    re2::StringPiece match;
    bool expected = p.address->Match(window, 0, window.size(), RE2::UNANCHORED, &match, 1);
    size_t begin = 0;
    size_t end = 0;
    ASSERT_EQ(internal::AsciiAddressAt(window, 0, at, window.size(), &begin, &end), expected) << window;
    if (expected) {
      ASSERT_EQ(begin, static_cast<size_t>(match.data() - window.data())) << window;
      ASSERT_EQ(end, begin + match.size()) << window;
    }
  }
}

// A transcript's result lines ("550 5.1.1 <a@b>... User unknown") are read
// by hand when ASCII: the same address and words as RE2's captures of the
// patterns, on the samples and on lines generated from the pieces that
// matter (codes, statuses, brackets, '@', dots, blanks).
TEST(Transcript, AsciiResultLineIsThePatterns) {
  std::string error;
  internal::ExtractorPatterns p(internal::SmtpText::Load(&error));
  auto same_as_pattern = [&](const std::string& line) {
    for (bool local_parts : {false, true}) {
      const RE2& re = local_parts ? *p.transcript_local_result : *p.transcript_result;
      std::string code, address, words;
      const bool expected = RE2::FullMatch(line, re, &code, &address, &words);
      std::string_view got_address, got_words;
      ASSERT_EQ(internal::AsciiResultLine(line, local_parts, &got_address, &got_words), expected)
          << line << " local_parts=" << local_parts;
      if (expected) {
        ASSERT_EQ(got_address, address) << line;
        ASSERT_EQ(got_words, words) << line;
      }
    }
  };
  for (const char* line : {"550 5.1.1 <jo@example.org>... User unknown", "554 <kim@example.org>... 550 Host unknown",
                           "550 kim... User unknown", "550-5.1.1 jo@x.org>...", "550 a@b@c... x", "550 a@b...c@d",
                           "550 a@b....x", "550 5.1.1 ....", "550 5.1.1 ... x", "550 <a@b>>... x", "550 5.1.1234 a@b... x",
                           "451 4.4.1 <a@b>...\t \r words\r", "550 <>... x", "550 @b... x", "550 a@... x"}) {
    same_as_pattern(line);
  }
  const std::vector<std::string> pieces = {"550", "5", "4", "2", "0", "1", "123", ".", "...", " ", "-", "\t", "<", ">",
                                           "@", "a", "b.c", "5.1.1", "4.7.10", "\r", "\f", ":"};
  std::mt19937 random(7);
  for (int n = 0; n < 40000; ++n) {
    std::string line = random() % 4 == 0 ? "" : "550 ";
    for (size_t i = random() % 10; i > 0; --i) line += pieces[random() % pieces.size()];
    same_as_pattern(line);
  }
}

// Only a transcript's ">>> " lines name commands: without one, no address
// gets a command from it (FromDsn then skips parsing the text).
TEST(Transcript, CommandsOnlyFromClientLines) {
  std::string error;
  internal::ExtractorPatterns p(internal::SmtpText::Load(&error));
  const std::string session =
      "... while talking to mx.example.org.:\n"
      "<<< 550 5.1.1 <jo@example.org>... User unknown\n"
      "550 5.1.1 <jo@example.org>... User unknown\n"
      "554 <kim@example.org>... 550 Host unknown\n";
  EXPECT_FALSE(internal::TranscriptNamesCommands(session));
  internal::Transcript t = internal::ParseTranscript(p, session);
  EXPECT_EQ(t.entries.size(), 2u);
  for (const char* address : {"jo@example.org", "kim@example.org", "ann@example.org"}) {
    EXPECT_EQ(internal::TranscriptCommandFor(t, address), SmtpCommand::kUnknown) << address;
  }
  const std::string with_rcpt = "... while talking to mx.example.org.:\n>>> RCPT To:<jo@example.org>\n" +
                                session.substr(session.find('\n') + 1);
  EXPECT_TRUE(internal::TranscriptNamesCommands(with_rcpt));
  EXPECT_EQ(internal::TranscriptCommandFor(internal::ParseTranscript(p, with_rcpt), "jo@example.org"),
            SmtpCommand::kRcpt);
}

// A quoted local part (RFC 5321 Quoted-string) is part of the address; words
// in quotes that merely stand before an '@' in prose are not.
TEST(FindAddresses, QuotedLocalParts) {
  std::string error;
  internal::ExtractorPatterns p(internal::SmtpText::Load(&error));
  auto found = [&](std::string_view text) {
    std::vector<std::string> out;
    for (const auto& hit : internal::FindAddresses(p, text)) {
      // The span is the address as written (its quotes), ending at its domain.
      std::string_view span = text.substr(hit.begin, hit.end - hit.begin);
      EXPECT_EQ(span.substr(span.rfind('@')), std::string_view(hit.address).substr(hit.address.rfind('@')));
      out.push_back(hit.address);
    }
    return out;
  };
  EXPECT_EQ(found("<\"john doe\"@example.net>: User unknown"), (std::vector<std::string>{"\"john doe\"@example.net"}));
  EXPECT_EQ(found("to \"a\\\"b\"@example.org."), (std::vector<std::string>{"\"a\\\"b\"@example.org"}));
  // Quotes that the local part does not need go, as in a DSN field's address.
  EXPECT_EQ(found("\"jo..x\"@example.net, kim@example.org"),
            (std::vector<std::string>{"jo..x@example.net", "kim@example.org"}));
  // Not after a letter, not empty, not without a domain, not across a line.
  EXPECT_TRUE(found("word\"x\"@example.net").empty());
  EXPECT_TRUE(found("<\"\"@example.net>").empty());
  EXPECT_TRUE(found("she said \"hi\"@ noon").empty());
  EXPECT_TRUE(found("\"two\nlines\"@example.net").empty());
}

}  // namespace
}  // namespace ndr
