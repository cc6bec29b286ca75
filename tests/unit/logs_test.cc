// The log stage: data/log_formats.tsv, time stamps, and every format's sample
// log in samples/logs/ read end to end through Analyzer::RecordFor.
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <zlib.h>

#include <fstream>
#include <sstream>

#include "knowledge/embedded.h"
#include "knowledge/tsv.h"
#include "logs/log_formats_impl.h"
#include "ndr/analyzer.h"
#include "ndr/logs.h"
#include "ndr/mailbox.h"
#include "run_command.h"
#include "shared_analyzer.h"

namespace ndr {
namespace {

constexpr int64_t kNov30Noon = 1796040000;  // 2026-11-30T12:00:00Z

using ndr_test::TheAnalyzer;

std::shared_ptr<const LogFormats> Formats() {
  std::string error;
  auto formats = LogFormats::Load(&error);
  EXPECT_NE(formats, nullptr) << error;
  return formats;
}

std::string ReadFile(const std::string& path) {
  std::string data, error;
  EXPECT_TRUE(ReadWholeFile(path, &data, &error)) << error;
  return data;
}

// Reads `text` as one log stream and turns every event into a record, the
// way ScanLog does (source "LINE").
std::vector<Record> ReadLog(const std::string& text, LogStats* stats = nullptr) {
  auto formats = Formats();
  LogOptions options;
  options.reference_time = kNov30Noon;
  LogReader reader(*formats, TheAnalyzer().extractor(), options);
  std::vector<Record> records;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::vector<LogEvent> events;
    reader.Read(line, &events);
    for (LogEvent& e : events) {
      ReportContext report;
      report.date = e.date;
      Record r = TheAnalyzer().RecordFor(std::move(e.finding), std::to_string(number), report);
      r.queue_id = e.queue_id;
      records.push_back(std::move(r));
    }
  }
  if (stats != nullptr) *stats = reader.stats();
  return records;
}

struct Expected {
  std::string line;
  std::string recipient;
  std::string original_recipient;
  std::string action;
  std::string status;
  std::string reply_code;
  std::string command;
  std::string remote_mta;
  std::string diagnostic;
  std::string reason;
  std::string date;
  std::string queue_id;
};

void ExpectRecords(const std::vector<Record>& got, const std::vector<Expected>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const Record& r = got[i];
    const Expected& w = want[i];
    SCOPED_TRACE("line " + w.line + " " + w.recipient);
    EXPECT_EQ(r.source, w.line);
    EXPECT_EQ(r.recipient, w.recipient);
    EXPECT_EQ(r.original_recipient, w.original_recipient);
    EXPECT_EQ(r.action, w.action);
    EXPECT_EQ(r.status, w.status);
    EXPECT_EQ(r.reply_code, w.reply_code);
    EXPECT_EQ(r.smtp_command, w.command);
    EXPECT_EQ(r.remote_mta, w.remote_mta);
    EXPECT_EQ(r.diagnostic, w.diagnostic);
    EXPECT_EQ(ReasonName(r.reason), w.reason);
    EXPECT_EQ(r.date, w.date);
    EXPECT_EQ(r.queue_id, w.queue_id);
  }
}

std::string Sample(const std::string& name) { return ReadFile(std::string(NDR_SOURCE_DIR) + "/samples/logs/" + name); }

// ---------------------------------------------------------------- the table

TEST(LogFormatsTable, EveryRowsSampleReadsAsItsRowSays) {
  auto formats = Formats();
  ASSERT_NE(formats, nullptr);
  const LogFormats::Impl& impl = formats->impl();
  for (const LogFormatRow& row : impl.rows) {
    SCOPED_TRACE(row.id);
    if (row.kind == LogRowKind::kText) {
      EXPECT_TRUE(RE2::PartialMatch(row.sample, *row.pattern)) << row.sample;
      continue;
    }
    // Header rows first: a row line is read with its format's header.
    std::string header;
    for (const LogFormatRow& h : impl.rows) {
      if (h.kind == LogRowKind::kHeader && h.format == row.format && row.kind == LogRowKind::kRow) header = h.sample;
    }
    EXPECT_FALSE(impl.prefilter.Match(row.sample).empty()) << "the prefilter lets the sample through";
    LogOptions options;
    options.reference_time = kNov30Noon;
    LogReader reader(*formats, TheAnalyzer().extractor(), options);
    std::vector<LogEvent> events;
    if (!header.empty()) reader.Read(header, &events);
    size_t n = reader.Read(row.sample, &events);
    if (row.kind == LogRowKind::kHeader) {
      EXPECT_EQ(n, 0u);
      EXPECT_EQ(reader.stats().other, 1u);
      continue;
    }
    if (row.kind == LogRowKind::kDelivered) {
      EXPECT_EQ(n, 0u);
      EXPECT_EQ(reader.stats().delivered, 1u);
      continue;
    }
    ASSERT_EQ(n, 1u) << row.sample;
    EXPECT_EQ(events[0].format, row.format);
    EXPECT_EQ(events[0].finding.recipient, "ana@example.net");
    EXPECT_EQ(events[0].finding.action, "failed");
    EXPECT_EQ(events[0].finding.status.ToString(), "5.1.1");
    EXPECT_EQ(events[0].date.substr(0, 19), "2026-11-30T08:12:01");
  }
}

TEST(LogFormatsTable, BadRowsAreRefusedWithTheirLine) {
  const std::string head = "id\tformat\tkind\tprefilter\tpattern\tcolumns\toutcomes\tfixed\tsample\n";
  std::string error;
  EXPECT_EQ(LogFormats::FromTable("t.tsv", head + "a\tf\tline\tx\t(?P<nonsense>x)\t\tx=failed\t\tx\n", &error), nullptr);
  EXPECT_NE(error.find("t.tsv:2: unknown field in pattern: nonsense"), std::string::npos) << error;
  EXPECT_EQ(LogFormats::FromTable("t.tsv", head + "a\tf\tline\t\t(?P<recipient>x)\t\tx=failed\t\tx\n", &error), nullptr);
  EXPECT_NE(error.find("needs a prefilter"), std::string::npos) << error;
  EXPECT_EQ(LogFormats::FromTable("t.tsv", head + "a\tf\tline\tx\t(?P<recipient>x)\t\tx=bounced\t\tx\n", &error), nullptr);
  EXPECT_NE(error.find("not failed, delayed, delivered or other"), std::string::npos) << error;
  EXPECT_EQ(LogFormats::FromTable("t.tsv", head + "a\tf\trow\tx\t\trecipient=rcpt\tx=failed\tcommand=FROB\tx\n", &error), nullptr);
  EXPECT_NE(error.find("unknown command FROB"), std::string::npos) << error;
  EXPECT_NE(LogFormats::FromTable("t.tsv", head + "a\tf\trow\tx\t\trecipient=rcpt\tx=failed\t\tx\n", &error), nullptr) << error;
}

TEST(LogReader, LinesThatAreNoDeliveryResultAreCountedAndSkipped) {
  LogStats stats;
  std::vector<Record> r = ReadLog(
      "Nov 30 08:00:00 mx1 postfix/smtpd[1]: connect from a.example[192.0.2.1]\n"
      "\n"
      "garbage \xff\xfe\n"
      // The shape of a Postfix result without a recipient: not a delivery.
      "Nov 30 08:00:01 mx1 postfix/qmgr[2]: ABC: from=<a@example.com>, status=expired, returned to sender\n"
      // PowerMTA rows before any header row are not read.
      "b,2026-11-30 08:00:00+0000,a@example.com,b@example.net\n",
      &stats);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(stats.lines, 5u);
  EXPECT_EQ(stats.other, 5u);
  EXPECT_EQ(stats.failed + stats.delayed + stats.delivered, 0u);
}

// ---------------------------------------------------------------- time stamps

TEST(LogTime, SyslogGetsTheYearThatKeepsItBeforeTheReference) {
  EXPECT_EQ(LogTimeToIso("Nov 30 08:12:01", kNov30Noon), "2026-11-30T08:12:01");
  EXPECT_EQ(LogTimeToIso("Nov  3 08:12:01", kNov30Noon), "2026-11-03T08:12:01");
  // Read on 30 November, a December line is from the year before.
  EXPECT_EQ(LogTimeToIso("Dec 31 23:59:59", kNov30Noon), "2025-12-31T23:59:59");
  EXPECT_EQ(LogTimeToIso("Foo 31 23:59:59", kNov30Noon), "");
  EXPECT_EQ(LogTimeToIso("Nov 31 25:00:00", kNov30Noon), "");
}

TEST(LogTime, Rfc3339ShortIsoExchangeAndEpoch) {
  EXPECT_EQ(LogTimeToIso("2026-11-30T08:12:01+0100", 0), "2026-11-30T08:12:01+01:00");  // journald short-iso
  EXPECT_EQ(LogTimeToIso("2026-11-30T08:12:01.123456+01:00", 0), "2026-11-30T08:12:01.123456+01:00");
  EXPECT_EQ(LogTimeToIso("2026-11-30T08:12:01.250Z", 0), "2026-11-30T08:12:01.250Z");
  EXPECT_EQ(LogTimeToIso("2026-11-30 08:12:01 -0500", 0), "2026-11-30T08:12:01-05:00");  // Exim
  EXPECT_EQ(LogTimeToIso("2026-11-30 08:12:01", 0), "2026-11-30T08:12:01");
  EXPECT_EQ(LogTimeToIso("1796026321", 0), "2026-11-30T08:12:01Z");
  EXPECT_EQ(LogTimeToIso("12345", 0), "");
  EXPECT_EQ(LeadingLogTime("2026-11-30T08:12:01+0100 mx1 postfix/smtp[1]: x", 0), "2026-11-30T08:12:01+01:00");
  EXPECT_EQ(LeadingLogTime("Nov 30 08:12:01 mx1 postfix/smtp[1]: x", kNov30Noon), "2026-11-30T08:12:01");
  EXPECT_EQ(LeadingLogTime("mx1 postfix/smtp[1]: x", kNov30Noon), "");
}

// ---------------------------------------------------------------- the formats

TEST(LogFormatsSamples, Postfix) {
  LogStats stats;
  std::vector<Record> r = ReadLog(Sample("postfix.log"), &stats);
  ExpectRecords(r, {
      {"6", "ana@example.net", "ana.old@example.com", "failed", "5.1.1", "550", "RCPT", "mx.example.net",
       "550 5.1.1 <ana@example.net>: Recipient address rejected: User unknown in virtual mailbox table",
       "userunknown", "2026-11-30T08:12:01", "4FhQ2x1Zz3z"},
      {"8", "cleo@example.org", "", "delayed", "4.7.1", "450", "RCPT", "mx.example.org",
       "450 4.7.1 <cleo@example.org>: Recipient address rejected: Greylisted, see https://postgrey.example.org/",
       "blocked", "2026-11-30T08:12:02", "4FhQ2x1Zz3z"},
      {"9", "dan@example.invalid", "", "delayed", "4.4.1", "", "CONNECT", "",
       "connect to mx.example.invalid[192.0.2.99]:25: Connection timed out", "expired", "2026-11-30T08:12:31",
       "4FhQ2x1Zz3z"},
      // A multi-line reply, logged on one line: joined into one reply.
      {"10", "eve@gmail.com", "", "failed", "5.7.26", "550", "RECEIVED DATA", "gmail-smtp-in.l.google.com",
       "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and "
       "has been blocked. The sender must authenticate with at least one of SPF or DKIM. x1si2 - gsmtp",
       "authfailure", "2026-11-30T08:12:04", "4FhQ2x1Zz3z"},
      {"11", "jörg@beispiel.de", "", "failed", "5.2.2", "552", "RECEIVED DATA", "mail.beispiel.de",
       "552 5.2.2 <jörg@beispiel.de> Postfach ist voll – Quota überschritten", "mailboxfull",
       "2026-11-30T08:12:05", "4FhQ2x1Zz3z"},
      {"13", "frank@mx1.example.com", "postmaster-old@example.com", "failed", "5.1.1", "", "", "",
       "unknown user: \"frank\"", "userunknown", "2026-11-30T08:12:06", "4FhQ3y2Ab4c"},
      {"14", "gina@example.net", "", "failed", "5.7.1", "554", "CONNECT", "mx.example.net",
       "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org", "blocked",
       "2026-11-30T08:12:07", "4FhQ4z3Bc5d"},
      // The server never answered (a TCP refusal, no reply code): a delay, not a blocklist refusal.
      {"15", "hal@example.org", "", "delayed", "4.4.1", "", "CONNECT", "",
       "delivery temporarily suspended: connect to mx.example.org[198.51.100.4]:25: Connection refused",
       "expired", "2026-11-30T08:12:08", "4FhQ4z3Bc5d"},
      {"18", "ivan@example.net", "", "failed", "5.1.1", "550", "RCPT", "mx.example.net",
       "550 5.1.1 <ivan@example.net>: Recipient address rejected: User unknown", "userunknown",
       "2026-11-30T08:21:00+01:00", "4FhQ6b7De8f"},
      {"19", "judy@example.com", "", "failed", "5.7.1", "550", "RECEIVED DATA", "mx.example.com",
       "550 5.7.1 Message rejected as spam by Content Filtering.", "spamdetected",
       "2026-11-30T08:22:00.123456+01:00", "4FhQ7c8Ef9g"},
  });
  EXPECT_EQ(stats.lines, 19u);
  EXPECT_EQ(stats.failed, 7u);
  EXPECT_EQ(stats.delayed, 3u);
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(stats.other, 8u);
}

TEST(LogFormatsSamples, Exim) {
  LogStats stats;
  std::vector<Record> r = ReadLog(Sample("exim.log"), &stats);
  ExpectRecords(r, {
      {"2", "ana@example.net", "", "failed", "5.1.1", "550", "RCPT", "mx.example.net",
       "550 5.1.1 <ana@example.net>: Recipient address rejected: User unknown", "userunknown",
       "2026-11-30T08:12:01", "1vQxYz-000AbC-7d"},
      {"4", "cleo@example.org", "", "delayed", "4.7.1", "451", "RCPT", "mx.example.org",
       "451 4.7.1 Greylisted, please try again later", "blocked", "2026-11-30T08:12:03", "1vQxYz-000AbC-7d"},
      // Exim writes the line breaks of a multi-line reply as "\n".
      {"5", "eve@gmail.com", "", "failed", "5.7.26", "550", "RECEIVED DATA", "gmail-smtp-in.l.google.com",
       "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and "
       "has been blocked. The sender must authenticate with at least one of SPF or DKIM. x1si2 - gsmtp",
       "authfailure", "2026-11-30T08:12:04", "1vQxYz-000AbC-7d"},
      {"6", "jörg@beispiel.de", "info@beispiel.de", "failed", "5.2.2", "552", "RCPT", "mail.beispiel.de",
       "552 5.2.2 Postfach ist voll – Quota überschritten", "mailboxfull", "2026-11-30T08:12:05",
       "1vQxYz-000AbC-7d"},
      {"7", "dan@example.invalid", "", "delayed", "", "", "", "", "host lookup did not complete", "networkerror",
       "2026-11-30T08:12:06", "1vQxYz-000AbC-7d"},
      {"8", "frank@nowhere.example", "", "failed", "", "", "", "", "Unrouteable address", "hostunknown",
       "2026-11-30T08:12:07", "1vQxYz-000AbC-7d"},
      {"10", "gina@example.net", "", "failed", "5.7.1", "554", "CONNECT", "mx.example.net",
       "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org", "blocked",
       "2026-11-30T08:12:09+01:00", "1vQy00-000AbD-8e"},
  });
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(stats.other, 4u);
}

TEST(LogFormatsSamples, Sendmail) {
  LogStats stats;
  std::vector<Record> r = ReadLog(Sample("sendmail.log"), &stats);
  ExpectRecords(r, {
      {"3", "ana@example.net", "", "failed", "5.1.1", "", "", "mx.example.net", "User unknown", "userunknown",
       "2026-11-30T08:12:01", "5AU8BxaB005150"},
      // One line, two recipients: one record each.
      {"5", "cleo@example.org", "", "delayed", "4.7.1", "451", "", "mx.example.org",
       "451 4.7.1 Greylisted, please try again later", "blocked", "2026-11-30T08:12:03", "5AU8BxaB005150"},
      {"5", "dora@example.org", "", "delayed", "4.7.1", "451", "", "mx.example.org",
       "451 4.7.1 Greylisted, please try again later", "blocked", "2026-11-30T08:12:03", "5AU8BxaB005150"},
      {"6", "dan@example.invalid", "", "delayed", "4.4.3", "", "", "",
       "Name server: example.invalid: host name lookup failure", "networkerror", "2026-11-30T08:12:04",
       "5AU8BxaB005150"},
      {"7", "jörg@beispiel.de", "", "failed", "5.2.2", "", "", "mail.beispiel.de", "Postfach ist voll",
       "mailboxfull", "2026-11-30T08:12:05", "5AU8BxaB005150"},
      {"9", "gina@example.net", "", "failed", "5.0.0", "", "", "mx.example.net", "Service unavailable", "onhold",
       "2026-11-30T08:12:08", "5AU8C3aB005153"},
  });
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(stats.other, 4u);  // from=, the "<addr>... User unknown" line, done, stat=queued
}

TEST(LogFormatsSamples, PowerMtaAccountingCsv) {
  LogStats stats;
  std::vector<Record> r = ReadLog(Sample("pmta-acct.csv"), &stats);
  ExpectRecords(r, {
      // A quoted cell keeps its comma.
      {"4", "ana@example.net", "ana.old@example.com", "failed", "5.1.1", "550", "", "mx.example.net",
       "550 5.1.1 <ana@example.net>: Recipient address rejected: User unknown, sorry", "userunknown",
       "2026-11-30T08:12:01+01:00", "env-7731"},
      {"5", "cleo@example.org", "", "delayed", "4.7.1", "451", "", "mx.example.org",
       "451 4.7.1 Greylisted; please try again later", "blocked", "2026-11-30T08:12:02+01:00", "env-7732"},
      {"6", "eve@gmail.com", "", "failed", "5.7.26", "550", "", "gmail-smtp-in.l.google.com",
       "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and "
       "has been blocked. The sender must authenticate with at least one of SPF or DKIM. x1si2 - gsmtp",
       "authfailure", "2026-11-30T08:12:04+01:00", "env-7733"},
      {"7", "jörg@beispiel.de", "", "failed", "5.2.2", "552", "", "mail.beispiel.de",
       "552 5.2.2 Postfach ist voll – Quota überschritten", "mailboxfull", "2026-11-30T08:12:05+01:00",
       "env-7734"},
  });
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(stats.other, 2u);  // the header row and the reception row
}

// Found by log_fuzz under UBSan: a float past int64 was cast to an integer.
TEST(LogReader, HugeFloatInAKumoRecordIsNoUndefinedBehaviour) {
  std::vector<Record> r = ReadLog(
      "{\"type\":\"Bounce\",\"id\":\"x1\",\"recipient\":\"ana@example.net\",\"response\":{\"code\":4.4e21,"
      "\"enhanced_code\":{\"class\":5e300,\"subject\":1,\"detail\":1},\"content\":\"User unknown\"},"
      "\"timestamp\":-9e30}\n");
  ASSERT_LE(r.size(), 1u);
  if (!r.empty()) EXPECT_EQ(r[0].reply_code, "");
}

TEST(LogFormatsSamples, KumoMtaJson) {
  LogStats stats;
  std::vector<Record> r = ReadLog(Sample("kumo.jsonl"), &stats);
  ExpectRecords(r, {
      {"2", "ana@example.net", "", "failed", "5.1.1", "550", "RCPT", "mx.example.net",
       "550 5.1.1 <ana@example.net>: Recipient address rejected: User unknown", "userunknown",
       "2026-11-30T08:12:01Z", "5e1f0c2a8f3111ef9a0c52540012ab34"},
      {"4", "cleo@example.org", "", "delayed", "4.7.1", "451", "RCPT", "mx.example.org",
       "451 4.7.1 Greylisted, please try again later", "blocked", "2026-11-30T08:12:03Z",
       "5e1f0c2a8f3111ef9a0c52540012ab36"},
      // KumoMTA keeps the reply's lines apart ("\n" in the JSON string).
      {"5", "eve@gmail.com", "", "failed", "5.7.26", "550", "RECEIVED DATA", "gmail-smtp-in.l.google.com",
       "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and "
       "has been blocked. The sender must authenticate with at least one of SPF or DKIM. x1si2 - gsmtp",
       "authfailure", "2026-11-30T08:12:04Z", "5e1f0c2a8f3111ef9a0c52540012ab37"},
      {"6", "jörg@beispiel.de", "", "failed", "5.2.2", "552", "RCPT", "mail.beispiel.de",
       "552 5.2.2 Postfach ist voll – Quota überschritten", "mailboxfull", "2026-11-30T08:12:05Z",
       "5e1f0c2a8f3111ef9a0c52540012ab38"},
      {"7", "dan@example.invalid", "", "delayed", "4.4.1", "451", "CONNECT", "",
       "451 4.4.1 KumoMTA internal: failed to connect to any candidate hosts: connect to 192.0.2.99:25: "
       "Connection timed out",
       "expired",
       "2026-11-30T08:12:06Z", "5e1f0c2a8f3111ef9a0c52540012ab39"},
  });
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(stats.other, 1u);  // the Reception record
}

TEST(LogFormatsSamples, ExchangeMessageTracking) {
  LogStats stats;
  std::vector<Record> r = ReadLog(Sample("exchange.log"), &stats);
  ExpectRecords(r, {
      {"8", "ana@example.net", "", "failed", "5.1.1", "550", "", "",
       "550 5.1.1 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", "userunknown",
       "2026-11-30T08:12:02.000Z", "90112"},
      // The DEFER event's recipient status wraps the reply and names the host.
      {"9", "cleo@example.org", "", "delayed", "4.7.1", "451", "", "mx.example.org",
       "451 4.7.1 Greylisted, please try again later", "blocked", "2026-11-30T08:12:03.000Z", "90112"},
      {"10", "jörg@beispiel.de", "", "failed", "5.2.2", "552", "", "",
       "552 5.2.2 Postfach ist voll – Quota überschritten", "mailboxfull", "2026-11-30T08:12:04.000Z", "90112"},
  });
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(stats.other, 7u);  // 5 header lines, RECEIVE, DSN
}

TEST(LogFormatsSamples, PostfixWordsWithoutAReplyNameTheCommandTheyMention) {
  std::vector<Record> r = ReadLog(
      "Nov 30 09:00:01 mx1 postfix/virtual[77]: 5B1: to=<kim@example.com>, relay=virtual, delay=0.1, "
      "delays=0/0/0/0.1, dsn=5.2.2, status=bounced (cannot update mailbox /var/mail/vhosts/example.com/kim "
      "for user kim. error writing message: File too large)\n"
      "Nov 30 09:00:02 mx1 postfix/smtp[78]: 5B2: to=<lea@example.net>, relay=mx.example.net[192.0.2.10]:25, "
      "delay=30, delays=0/0/0/30, dsn=4.4.2, status=deferred (lost connection with mx.example.net[192.0.2.10] "
      "while sending RCPT TO)\n"
      "Nov 30 09:00:03 mx1 postfix/smtp[79]: 5B3: to=<max@example.net>, relay=mx.example.net[192.0.2.10]:25, "
      "delay=300, delays=0/0/300/0, dsn=4.4.2, status=deferred (conversation with mx.example.net[192.0.2.10] "
      "timed out while receiving the initial server greeting)\n");
  ExpectRecords(r, {
      {"1", "kim@example.com", "", "failed", "5.2.2", "", "", "",
       "cannot update mailbox /var/mail/vhosts/example.com/kim for user kim. error writing message: File too large",
       "mailboxfull", "2026-11-30T09:00:01", "5B1"},
      {"2", "lea@example.net", "", "delayed", "4.4.2", "", "RCPT", "mx.example.net",
       "lost connection with mx.example.net[192.0.2.10] while sending RCPT TO",
       "networkerror", "2026-11-30T09:00:02", "5B2"},
      {"3", "max@example.net", "", "delayed", "4.4.2", "", "CONNECT", "mx.example.net",
       "conversation with mx.example.net[192.0.2.10] timed out while receiving the initial server greeting",
       "expired", "2026-11-30T09:00:03", "5B3"},
  });
}

// Greylisting and a refused TCP connection are deferrals whose usual account
// ("your IP is on a blocklist") would mislead: the rows' own summaries stand.
TEST(LogFormatsSamples, GreylistingAndRefusedConnectionsSayWhatHappened) {
  std::vector<Record> r = ReadLog(
      "Nov 30 09:10:01 mx1 postfix/smtp[80]: 6C1: to=<ann@example.org>, relay=mx.example.org[192.0.2.20]:25, "
      "delay=2, delays=0/0/1/1, dsn=4.7.1, status=deferred (host mx.example.org[192.0.2.20] said: 450 4.7.1 "
      "<ann@example.org>: Recipient address rejected: Greylisted for 5 minutes (in reply to RCPT TO command))\n"
      "Nov 30 09:10:02 mx1 sm-mta[82]: 5AU9AaB0082: to=<bo@example.org>, delay=00:00:01, xdelay=00:00:01, "
      "mailer=esmtp, pri=120385, relay=mx.example.org. [192.0.2.20], dsn=4.0.0, "
      "stat=Deferred: Connection refused by mx.example.org.\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].details.actor, Actor::kNobody);
  EXPECT_NE(r[0].explanation.find("greylisting"), std::string::npos) << r[0].explanation;
  EXPECT_EQ(r[0].explanation.find("blocklist"), std::string::npos) << r[0].explanation;
  EXPECT_EQ(r[0].advice.find("blocklist"), std::string::npos) << r[0].advice;
  EXPECT_NE(r[1].explanation.find("was down"), std::string::npos) << r[1].explanation;
  EXPECT_EQ(r[1].advice.find("the blocklist the bounce names"), std::string::npos) << r[1].advice;
  for (const Record& rec : r) EXPECT_FALSE(rec.details.suppress) << rec.recipient;
}

TEST(LogFormatsSamples, OneStreamMayMixFormats) {
  std::string mixed = Sample("exim.log") + Sample("postfix.log") + Sample("kumo.jsonl");
  EXPECT_EQ(ReadLog(mixed).size(), 7u + 10u + 5u);
}

// ---------------------------------------------------------------- files, gzip, CLI

TEST(ScanLog, GzipAndPlainGiveTheSameRecords) {
  std::string plain = std::string(NDR_SOURCE_DIR) + "/samples/logs/postfix.log";
  std::string gz = testing::TempDir() + "/ndr-postfix.log.1.gz";
  {
    std::string text = ReadFile(plain);
    gzFile out = gzopen(gz.c_str(), "wb");
    ASSERT_NE(out, nullptr);
    ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
    gzclose(out);
  }
  auto formats = Formats();
  struct Collect : RecordSink {
    std::vector<Record> records;
    void Write(const Record& r) override { records.push_back(r); }
  };
  Collect a, b;
  LogStats sa, sb;
  std::string error;
  ASSERT_TRUE(ScanLog(TheAnalyzer(), *formats, plain, &a, &sa, &error)) << error;
  ASSERT_TRUE(ScanLog(TheAnalyzer(), *formats, gz, &b, &sb, &error)) << error;
  ASSERT_EQ(a.records.size(), 10u);
  ASSERT_EQ(b.records.size(), a.records.size());
  EXPECT_EQ(a.records[0].source, plain + ":6");
  EXPECT_EQ(b.records[0].source, gz + ":6");
  for (size_t i = 0; i < a.records.size(); ++i) {
    EXPECT_EQ(a.records[i].recipient, b.records[i].recipient);
    EXPECT_EQ(a.records[i].diagnostic, b.records[i].diagnostic);
  }
  EXPECT_EQ(sb.lines, 19u);
  EXPECT_FALSE(ScanLog(TheAnalyzer(), *formats, gz + ".missing", &a, &sa, &error));
  EXPECT_NE(error.find(".missing"), std::string::npos);
  // A gzip file cut short: the lines before the cut are read, then the error.
  std::string cut = testing::TempDir() + "/ndr-postfix-cut.log.gz";
  {
    std::string whole = ReadFile(gz);
    std::ofstream out(cut, std::ios::binary);
    out.write(whole.data(), static_cast<std::streamsize>(whole.size() / 2));
  }
  Collect c;
  LogStats sc;
  error.clear();
  EXPECT_FALSE(ScanLog(TheAnalyzer(), *formats, cut, &c, &sc, &error));
  EXPECT_NE(error.find("ndr-postfix-cut.log.gz: "), std::string::npos) << error;
  EXPECT_GT(sc.lines, 0u);
  EXPECT_LT(sc.lines, 19u);
}

TEST(ScanLogCli, StdinJsonAndSummary) {
  std::string cmd = std::string("cat ") + NDR_SOURCE_DIR + "/samples/logs/kumo.jsonl | " + NDR_BINARY +
                    " scan --log -";
  ndr_test::CommandResult r = ndr_test::RunCommandWithStderr(cmd);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"source\":\"<stdin>:2\",\"recipient\":\"ana@example.net\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"queue_id\":\"5e1f0c2a8f3111ef9a0c52540012ab34\""), std::string::npos);
  EXPECT_NE(r.err.find("7 lines, 5 records (3 failed, 2 delayed); skipped 1 successful deliveries and 1 other lines"),
            std::string::npos)
      << r.err;
  // No failure in the log: exit status 1, as scan's "no bounce found".
  ndr_test::CommandResult none =
      ndr_test::RunCommandWithStderr(std::string("echo 'Nov 30 08:00:00 mx1 postfix/smtpd[1]: connect' | ") +
                                     NDR_BINARY + " scan --log -");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(none.out.empty());
}

TEST(LooksLikeMailLog, EverySampleLogIsALog) {
  for (const char* name : {"postfix.log", "exim.log", "sendmail.log", "pmta-acct.csv", "kumo.jsonl", "exchange.log"}) {
    EXPECT_TRUE(LooksLikeMailLog(Sample(name))) << name;
  }
  EXPECT_TRUE(LooksLikeMailLog("2026-11-30T08:00:01+01:00 mx exim[1]: a\n2026-11-30T08:00:02+01:00 mx exim[1]: b\n"
                               "2026-11-30T08:00:03+01:00 mx exim[1]: c\n"));
}

TEST(LooksLikeMailLog, BouncesAndPastedTextAreNoLog) {
  EXPECT_FALSE(LooksLikeMailLog(""));
  EXPECT_FALSE(LooksLikeMailLog("Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.net\nSubject: Undelivered\n\nx\n"));
  EXPECT_FALSE(LooksLikeMailLog("This is the mail system at host mx.example.net.\n\n<jo@example.net>: host "
                                "mx.example.net said: 550 5.1.1 unknown\n"));
  // One log line pasted with a question is a bounce text, not a log.
  EXPECT_FALSE(LooksLikeMailLog("Why did this fail?\nNov 30 08:12:01 mx postfix/smtp[1]: AB: to=<jo@example.net>, "
                                "status=bounced (host said: 550 5.1.1 unknown)\nThanks, Jo\n"));
  EXPECT_FALSE(LooksLikeMailLog("Dear team, a, b, c, d, e went wrong.\nPlease help.\n"));
}

// Reading stops once no sign can be on 3 of the first 5 lines: two lines
// without a stamp still leave room for three with one, three do not.
TEST(LooksLikeMailLog, StopsOnlyWhenThreeLinesMissEverySign) {
  const std::string stamped = "Nov 30 08:12:01 mx postfix/smtp[1]: AB: status=sent\n";
  EXPECT_TRUE(LooksLikeMailLog("Note one\nNote two\n" + stamped + stamped + stamped));
  EXPECT_FALSE(LooksLikeMailLog("Note one\nNote two\nNote three\n" + stamped + stamped));
  const std::string json = "{\"type\":\"Bounce\"}\n";
  EXPECT_TRUE(LooksLikeMailLog(stamped + stamped + json + json + json));
}

TEST(ScanLogCli, ALogReadAsMessagesSaysToUseLogAndGivesNoRecords) {
  std::string cmd = std::string(NDR_BINARY) + " scan --format json " + NDR_SOURCE_DIR + "/samples/logs/postfix.log";
  ndr_test::CommandResult r = ndr_test::RunCommandWithStderr(cmd);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("postfix.log: a mail server log, not a message: read logs with 'ndr scan --log'"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace ndr
