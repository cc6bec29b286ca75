// Renderers: JSON Lines contract, the text report, CSV and the Sisimai format.
#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>
#include <sstream>

#include "json_check.h"
#include "ndr/render.h"

namespace ndr {
namespace {

Record SampleRecord() {
  Record r;
  r.source = "box.mbox#2";
  r.recipient = "alice@example.net";
  r.action = "failed";
  r.status = "5.1.1";
  r.reply_code = "550";
  r.reason = Reason::kUserUnknown;
  r.hard_bounce = true;
  r.diagnostic = "550 5.1.1 \"alice\" unknown\tuser\\";
  r.explanation = "The mailbox does not exist.";
  r.details.summary = r.explanation;
  r.advice = "Remove the address.";
  r.details.actor = Actor::kSender;
  r.details.retry = Retry::kNever;
  r.details.suppress = true;
  r.details.status_meaning = "5.1.1: bad destination mailbox address";
  return r;
}

TEST(RenderJson, EveryKeyInContractOrder) {
  std::string json = RecordToJson(SampleRecord());
  const char* keys[] = {"source", "recipient", "original_recipient", "action", "status", "reply_code",
                        "reason", "hard_bounce", "diagnostic", "remote_mta", "receiving_vendor",
                        "reporting_mta", "reporting_vendor", "smtp_command", "sender", "subject",
                        "message_id", "date", "explanation", "advice", "feedback_type", "actor", "retry",
                        "suppress", "evidence", "blocklist", "bounce_message_id", "bounce_date"};
  size_t last = 0;
  for (const char* key : keys) {
    size_t at = json.find(std::string("\"") + key + "\":");
    ASSERT_NE(at, std::string::npos) << key;
    EXPECT_GT(at, last) << key << " out of order";
    last = at;
  }
  ndr_test::JsonChecker check;
  ASSERT_TRUE(check.ParseObject(json)) << json;
  EXPECT_EQ(check.values().at("reason"), "userunknown");
  EXPECT_EQ(check.values().at("hard_bounce"), "true");
  EXPECT_EQ(check.values().at("remote_mta"), "");
  EXPECT_EQ(check.values().at("actor"), "sender");
  EXPECT_EQ(check.values().at("retry"), "never");
  EXPECT_EQ(check.values().at("suppress"), "true");
}

// Each key's lead is copied as a block of fixed size and the line cut after
// it: the line holds the keys and values and nothing else, whether the
// values are empty or not (written here from ForEachRecordField).
TEST(RenderJson, LineIsExactlyTheKeysAndValues) {
  for (const Record& r : {Record(), SampleRecord()}) {
    std::string expected;
    ForEachRecordField(r, [&](const RecordField& f) {
      expected += expected.empty() ? "{" : ",";
      expected += "\"" + std::string(f.key) + "\":";
      if (f.is_bool) {
        expected += std::string(f.value);
      } else {
        std::string quoted;
        AppendJsonString(f.value, &quoted);
        expected += quoted;
      }
    });
    expected += "}";
    EXPECT_EQ(RecordToJson(r), expected);
  }
}

TEST(RenderJson, EscapesQuotesControlsAndBackslashes) {
  std::string out;
  AppendJsonString("a\"b\\c\nd\te\x01", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
}

TEST(RenderJson, InvalidUtf8BecomesReplacementCharacter) {
  std::string out;
  AppendJsonString("caf\xE9 \xC3\xA9 \xF0\x9F\x98\x80 \xED\xA0\x80", &out);
  EXPECT_EQ(out, "\"caf\xEF\xBF\xBD \xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(RenderJson, SinkWritesOneLinePerRecord) {
  std::ostringstream out;
  auto sink = MakeJsonLinesSink(out);
  sink->Write(SampleRecord());
  sink->Write(SampleRecord());
  sink->Finish();
  std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

// Only the text sink shows what a record's codes mean; the analyzer skips
// that work for the others (AnalyzeOptions::code_meanings).
TEST(RenderSinks, OnlyTextShowsCodeMeanings) {
  std::ostringstream out;
  EXPECT_TRUE(MakeTextSink(out)->ShowsCodeMeanings());
  EXPECT_FALSE(MakeJsonLinesSink(out)->ShowsCodeMeanings());
  EXPECT_FALSE(MakeCsvSink(out)->ShowsCodeMeanings());
  EXPECT_FALSE(MakeSisimaiSink(out)->ShowsCodeMeanings());
}

TEST(RenderText, ShowsWhatPeopleNeed) {
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(SampleRecord());
  sink->Finish();
  std::string text = out.str();
  for (const char* expected : {"== box.mbox#2", "alice@example.net", "[failed]", "What happened:",
                               "The mailbox does not exist.", "userunknown (hard bounce: the address does not work)",
                               "Status code:", "Who must act:", "you, the sender", "Send again?:",
                               "no, do not send it again", "Remove address?:", "yes", "What to do:"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
}

TEST(RenderText, ComplaintsAndAutoRepliesAreNotBounces) {
  Record r = SampleRecord();
  r.reason = Reason::kFeedback;
  r.hard_bounce = false;
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(r);
  EXPECT_NE(out.str().find("feedback (not a bounce)"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("Report says:"), std::string::npos) << out.str();
  // Nothing failed, so there is nothing to send again.
  EXPECT_EQ(out.str().find("Send again?"), std::string::npos) << out.str();
}

TEST(RenderText, ADelayIsNotToBeSentAgainYet) {
  Record r = SampleRecord();
  r.action = "delayed";
  r.reason = Reason::kExpired;
  r.hard_bounce = false;
  r.details.retry = Retry::kLater;
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(r);
  // The sending server still retries: sending it again now would deliver it twice.
  EXPECT_NE(out.str().find("Send again?:     not now: the sending server is still retrying it"), std::string::npos)
      << out.str();
  EXPECT_EQ(out.str().find("once the cause is fixed"), std::string::npos) << out.str();
  // Nor is it a bounce, soft or hard, whatever its reason says of the address.
  EXPECT_NE(out.str().find("(not a bounce yet: delivery is still being retried)"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("soft bounce"), std::string::npos) << out.str();
}

TEST(RenderText, NamesTheReceivingSideNeverTheReportingSide) {
  Record r = SampleRecord();
  r.remote_mta = "mx.example.net";
  r.receiving_vendor = "google";
  r.receiving_vendor_name = "Gmail";
  r.reporting_mta = "a1-2.smtp-out.amazonses.com";
  r.reporting_vendor = "amazonses";
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(r);
  EXPECT_NE(out.str().find("Remote server:   mx.example.net (Gmail)"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("amazonses"), std::string::npos) << out.str();
  // No remote server named: the receiving side alone.
  r.remote_mta.clear();
  std::ostringstream alone;
  sink = MakeTextSink(alone);
  sink->Write(r);
  EXPECT_NE(alone.str().find("Remote server:   Gmail\n"), std::string::npos) << alone.str();
}

TEST(RenderText, SaysWhenTheReportNamedALocalPartAlone) {
  auto text_of = [](const Record& r) {
    std::ostringstream out;
    MakeTextSink(out)->Write(r);
    return out.str();
  };
  Record r = SampleRecord();
  r.recipient = "kim@relay.example.org";
  r.original_recipient = "kim";
  const std::string bare = text_of(r);
  EXPECT_NE(bare.find("kim@relay.example.org  [failed]\n  Report names:    kim (without a domain"), std::string::npos)
      << bare;
  // An Original-Recipient with its domain is no such case: it is the
  // address the message was written to (an alias, a forward).
  r.original_recipient = "kim@old.example.org";
  const std::string whole = text_of(r);
  EXPECT_EQ(whole.find("Report names"), std::string::npos) << whole;
  EXPECT_NE(whole.find("kim@relay.example.org  [failed]\n  Sent to:         kim@old.example.org (the address"),
            std::string::npos)
      << whole;
  // The same address in other letters says nothing new.
  r.original_recipient = "Kim@Relay.Example.org";
  const std::string same = text_of(r);
  EXPECT_EQ(same.find("Sent to"), std::string::npos) << same;
}

TEST(RenderJson, VendorsAndOriginalRecipientAreKeys) {
  Record r = SampleRecord();
  r.original_recipient = "alice@old.example.net";
  r.receiving_vendor = "google";
  r.reporting_vendor = "amazonses";
  ndr_test::JsonChecker check;
  ASSERT_TRUE(check.ParseObject(RecordToJson(r)));
  EXPECT_EQ(check.values().at("original_recipient"), "alice@old.example.net");
  EXPECT_EQ(check.values().at("receiving_vendor"), "google");
  EXPECT_EQ(check.values().at("reporting_vendor"), "amazonses");
}

TEST(RenderText, LongValuesWrapUnderTheirLabel) {
  Record r = SampleRecord();
  r.advice = std::string(30, 'a') + " " + std::string(30, 'b') + " " + std::string(30, 'c') + " " +
             std::string(30, 'd');
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(r);
  std::string text = out.str();
  size_t at = text.find(std::string(30, 'c'));  // 19 + 30 + 1 + 30 + 1 + 30 > 100
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(text.substr(at - 20, 20), "\n" + std::string(19, ' ')) << text;
  for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    EXPECT_LE(end - start, 100u) << text.substr(start, end - start);
  }
}


// Issue 6, kind 5: the stage in a helpdesk's words, and the RFC remark about
// a reply that does not fit the stage only with --verbose.
TEST(RenderText, StageInPlainWordsAndTechnicalNoteOnlyWhenVerbose) {
  Record r = SampleRecord();
  r.smtp_command = "RECEIVED DATA";
  r.details.stage = "after the whole message was sent";
  r.details.command_note = "550 is not a reply the RFCs allow for DATA";
  std::ostringstream plain;
  auto sink = MakeTextSink(plain);
  sink->Write(r);
  EXPECT_NE(plain.str().find("Failed at:") + 1, plain.str().find("after the whole message was sent")) << plain.str();
  EXPECT_NE(plain.str().find("after the whole message was sent"), std::string::npos) << plain.str();
  EXPECT_EQ(plain.str().find("RECEIVED DATA"), std::string::npos) << plain.str();
  EXPECT_EQ(plain.str().find("not a reply the RFCs allow"), std::string::npos) << plain.str();
  std::ostringstream verbose;
  sink = MakeTextSink(verbose, true);
  sink->Write(r);
  EXPECT_NE(verbose.str().find("550 is not a reply the RFCs allow"), std::string::npos)
      << verbose.str();
  // JSON never carries the remark.
  EXPECT_EQ(RecordToJson(r).find("not a reply the RFCs allow"), std::string::npos);
}

// --- --format csv and --format sisimai ---

// SampleRecord() with what --format sisimai reads: the Exim sample's sender, recipient and date.
Record SisimaiSample() {
  Record r = SampleRecord();
  r.recipient = "Bob@Example.org";
  r.diagnostic = "550 5.1.1 <bob@example.org>: No such user here";
  r.remote_mta = "mx.example.org";
  r.smtp_command = "RCPT";
  r.sender = "priya@mail.example.com";
  r.subject = "Slides for Thursday";
  r.message_id = "<5d1e2a7c@mail.example.com>";
  r.date = "Tue, 07 Apr 2026 16:47:58 +0200";
  return r;
}

std::vector<std::string> JsonKeys() {
  std::vector<std::string> keys;
  ForEachRecordField(Record(), [&](const RecordField& f) { keys.emplace_back(f.key); });
  return keys;
}

TEST(CsvFormat, QuotesOnlyWhatMustBeQuoted) {
  std::string out;
  AppendCsvField("plain value", &out);
  out += '|';
  AppendCsvField("a,b", &out);
  out += '|';
  AppendCsvField("say \"hi\"", &out);
  out += '|';
  AppendCsvField("two\r\nlines", &out);
  out += '|';
  AppendCsvField("", &out);
  EXPECT_EQ(out, "plain value|\"a,b\"|\"say \"\"hi\"\"\"|\"two\r\nlines\"|");
}

TEST(CsvFormat, HeaderRowThenOneRowPerRecordWithCrlf) {
  std::ostringstream out;
  auto sink = MakeCsvSink(out);
  Record r = SisimaiSample();
  r.diagnostic = "550 \"no\", said the server\nsecond line";
  sink->Write(r);
  sink->Write(SisimaiSample());
  sink->Finish();
  std::string text = out.str();
  std::vector<std::string> keys = JsonKeys();
  std::string header;
  for (const std::string& k : keys) header += (header.empty() ? "" : ",") + k;
  ASSERT_EQ(text.rfind(header + "\r\n", 0), 0u) << text;
  EXPECT_NE(text.find(",\"550 \"\"no\"\", said the server\nsecond line\","), std::string::npos) << text;
  EXPECT_NE(text.find("\r\nbox.mbox#2,Bob@Example.org,,failed,5.1.1,550,userunknown,true,"), std::string::npos);
  size_t rows = 0;
  for (size_t p = text.find("\r\n"); p != std::string::npos; p = text.find("\r\n", p + 2)) ++rows;
  EXPECT_EQ(rows, 3u);
}

TEST(CsvFormat, HeaderRowEvenWithoutRecords) {
  std::ostringstream out;
  auto sink = MakeCsvSink(out);
  sink->Finish();
  EXPECT_EQ(out.str().rfind("source,recipient,original_recipient,action,", 0), 0u);
  EXPECT_EQ(out.str().find("\r\n"), out.str().size() - 2);
}

// Sisimai::Data::damn's keys (Sisimai 4.25): what `Sisimai->dump` writes.
const std::set<std::string> kSisimaiKeys = {
    "token", "lhost", "rhost", "listid", "alias", "reason", "subject", "messageid", "smtpagent",
    "smtpcommand", "destination", "diagnosticcode", "senderdomain", "deliverystatus", "timezoneoffset",
    "feedbacktype", "diagnostictype", "action", "replycode", "catch", "softbounce", "origin", "addresser",
    "recipient", "timestamp"};

TEST(SisimaiFormat, FieldNamesAndValueForms) {
  std::string json = RecordToSisimaiJson(SisimaiSample());
  ndr_test::JsonChecker checker;
  ASSERT_TRUE(checker.ParseObject(json)) << json;
  std::set<std::string> keys;
  for (const auto& kv : checker.values()) keys.insert(kv.first);
  EXPECT_EQ(keys, kSisimaiKeys);
  EXPECT_NE(json.find("\"timestamp\":1775573278"), std::string::npos) << json;  // a number, UTC
  EXPECT_NE(json.find("\"softbounce\":0"), std::string::npos);                  // hard
  EXPECT_NE(json.find("\"catch\":null"), std::string::npos);
  EXPECT_NE(json.find("\"timezoneoffset\":\"+0200\""), std::string::npos);
  EXPECT_NE(json.find("\"messageid\":\"5d1e2a7c@mail.example.com\""), std::string::npos);
  EXPECT_NE(json.find("\"destination\":\"Example.org\""), std::string::npos);
  EXPECT_NE(json.find("\"senderdomain\":\"mail.example.com\""), std::string::npos);
  EXPECT_NE(json.find("\"deliverystatus\":\"5.1.1\""), std::string::npos);
  EXPECT_NE(json.find("\"replycode\":\"550\""), std::string::npos);
  EXPECT_NE(json.find("\"diagnostictype\":\"SMTP\""), std::string::npos);
  EXPECT_NE(json.find("\"origin\":\"box.mbox#2\""), std::string::npos);
  // Sisimai::String->token: SHA-1 of STX sender RS recipient RS epoch ETX, addresses lower-cased;
  // the value Sisimai 4.25 printed for the same sender, recipient and date.
  EXPECT_NE(json.find("\"token\":\"4689c7cc879951d413fb560d23f2d555b7763b7f\""), std::string::npos) << json;
}

TEST(SisimaiFormat, DateFormsAndSoftBounce) {
  Record r = SisimaiSample();
  r.date = "7 Apr 26 14:47:58 GMT";
  r.hard_bounce = false;
  std::string json = RecordToSisimaiJson(r);
  EXPECT_NE(json.find("\"timestamp\":1775573278"), std::string::npos) << json;
  EXPECT_NE(json.find("\"timezoneoffset\":\"+0000\""), std::string::npos);
  EXPECT_NE(json.find("\"softbounce\":1"), std::string::npos);
  r.date = "2026-04-07T09:47:58-05:00";  // a log line's time
  json = RecordToSisimaiJson(r);
  EXPECT_NE(json.find("\"timestamp\":1775573278"), std::string::npos) << json;
  EXPECT_NE(json.find("\"timezoneoffset\":\"-0500\""), std::string::npos);
  r.date = "not a date";
  r.bounce_date = "Tue, 07 Apr 2026 16:47:58 +0200";  // then the bounce's own Date
  EXPECT_NE(RecordToSisimaiJson(r).find("\"timestamp\":1775573278"), std::string::npos);
  r.reason = Reason::kFeedback;
  json = RecordToSisimaiJson(r);
  EXPECT_NE(json.find("\"softbounce\":-1"), std::string::npos);
  EXPECT_NE(json.find("\"diagnostictype\":\"\""), std::string::npos);
  r.reason = Reason::kMailerError;
  EXPECT_NE(RecordToSisimaiJson(r).find("\"diagnostictype\":\"X-UNIX\""), std::string::npos);
}

TEST(SisimaiFormat, OneJsonArrayWithoutDeliveredRecords) {
  std::ostringstream empty;
  MakeSisimaiSink(empty)->Finish();
  EXPECT_EQ(empty.str(), "[]\n");
  std::ostringstream out;
  auto sink = MakeSisimaiSink(out);
  Record delivered = SisimaiSample();
  delivered.action = "delivered";
  delivered.reason = Reason::kDelivered;
  Record relayed = SisimaiSample();
  relayed.action = "relayed";
  relayed.status = "2.0.0";
  sink->Write(SisimaiSample());
  sink->Write(delivered);
  sink->Write(relayed);
  sink->Write(SisimaiSample());
  sink->Finish();
  std::string text = out.str();
  ASSERT_EQ(text.front(), '[');
  EXPECT_EQ(text.substr(text.size() - 3), "}]\n");
  size_t objects = 0;
  for (size_t p = text.find("{\"token\""); p != std::string::npos; p = text.find("{\"token\"", p + 1)) ++objects;
  EXPECT_EQ(objects, 2u);
  EXPECT_EQ(text.find("\"reason\":\"delivered\""), std::string::npos);
}

// Render (on any thread) and WriteRendered (in order) give the bytes Write
// gives: what `ndr scan --jobs N` relies on. Batches as one message's records
// come: several, one, none; delivered records that Sisimai leaves out first.
std::string WrittenByWrite(RecordSink* sink, const std::vector<std::vector<Record>>& batches, std::ostringstream* out) {
  for (const auto& batch : batches) {
    for (const Record& r : batch) sink->Write(r);
  }
  sink->Finish();
  return out->str();
}

std::string WrittenRendered(RecordSink* sink, const std::vector<std::vector<Record>>& batches, std::ostringstream* out) {
  for (const auto& batch : batches) {
    std::string bytes;
    EXPECT_TRUE(sink->Render(batch, &bytes));
    sink->WriteRendered(bytes);
  }
  sink->Finish();
  return out->str();
}

using Batches = std::vector<std::vector<Record>>;

template <typename Make>
void ExpectRenderedAsWritten(Make make, const std::vector<Batches>& cases) {
  for (size_t c = 0; c < cases.size(); ++c) {
    std::ostringstream one, two;
    auto by_write = make(one);
    auto rendered = make(two);
    std::string expected = WrittenByWrite(by_write.get(), cases[c], &one);
    EXPECT_EQ(WrittenRendered(rendered.get(), cases[c], &two), expected) << "case " << c;
  }
}

TEST(RenderApart, RenderAndWriteRenderedGiveWhatWriteGives) {
  Record delivered = SisimaiSample();
  delivered.action = "delivered";
  delivered.reason = Reason::kDelivered;
  Record odd = SisimaiSample();
  odd.diagnostic = "550 \"no\", said\r\nthe \x1b[31m server \xC3\xA9 \xFF";
  std::vector<std::vector<std::vector<Record>>> cases = {
      {},
      {{}},
      {{delivered}, {}, {SisimaiSample(), odd}, {delivered, SampleRecord()}},
      {{SampleRecord()}, {delivered}, {odd}},
  };
  using Make = std::unique_ptr<RecordSink> (*)(std::ostream&);
  auto text = [](std::ostream& out) { return MakeTextSink(out); };
  for (Make make : {static_cast<Make>(MakeJsonLinesSink), static_cast<Make>(MakeCsvSink),
                    static_cast<Make>(MakeSisimaiSink), static_cast<Make>(text)}) {
    ExpectRenderedAsWritten(make, cases);
  }
}

// The text report: a heading when the source changes, none when the same
// source goes on from one batch to the next, a blank line between sources,
// and a source that is "" (no heading at all while it lasts).
TEST(RenderApart, TextReportGivesWhatWriteGivesWhateverCameBefore) {
  Record a = SampleRecord();
  Record a2 = SisimaiSample();  // the same source as `a`
  Record b = SampleRecord();    // a log line's record
  b.source = "other.eml";
  b.subject = b.sender = "";
  b.queue_id = "4Q1X2Y";
  Record none = SampleRecord();
  none.source = "";
  const std::vector<Batches> cases = {
      {{a, a2}, {a2}, {b}, {}, {b, a}, {a}},
      {{none}, {none, a}, {none}, {b, none, none}},
      {{b}, {b}, {none, none}, {a2, b, a}},
  };
  for (bool verbose : {false, true}) {
    ExpectRenderedAsWritten([&](std::ostream& out) { return MakeTextSink(out, verbose); }, cases);
  }
  // What the cases are for: a heading per change of source (three in the first case), a log line's own.
  std::ostringstream out;
  std::string text = WrittenByWrite(MakeTextSink(out).get(), cases[0], &out);
  EXPECT_EQ(text.rfind("== box.mbox#2\n", 0), 0u) << text;
  EXPECT_NE(text.find("\n\n== other.eml\n   logged queue id 4Q1X2Y\n"), std::string::npos) << text;
  size_t headings = 0;
  for (size_t p = text.find("== "); p != std::string::npos; p = text.find("\n== ", p + 1)) ++headings;
  EXPECT_EQ(headings, 3u) << text;
}

// The JSON writer copies the keys as they are: they must need no escaping.
TEST(RenderJson, KeysArePlainIdentifiers) {
  for (const std::string& key : JsonKeys()) {
    std::string quoted;
    AppendJsonString(key, &quoted);
    EXPECT_EQ(quoted, "\"" + key + "\"");
    EXPECT_EQ(key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << key;
  }
}

// The escapers skip plain ASCII sixteen and eight bytes at a time, and look
// at the last bytes of a longer text as the sixteen that end it: a character
// to escape is found at every offset in those and at the text's end.
TEST(RenderJson, EscapesWhateverItsOffset) {
  const std::pair<std::string, std::string> json_cases[] = {
      {"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {"\x01", "\\u0001"}, {"\x1f", "\\u001f"},
      {"\x7f", "\\u007f"}, {"\xFF", "\xEF\xBF\xBD"}, {"\xC3\xA9", "\xC3\xA9"}, {"\xE2\x80\xAE", "\\u202e"},
      {"~", "~"}, {" ", " "}};
  const std::pair<std::string, std::string> terminal_cases[] = {
      {"\"", "\""}, {"\\", "\\"}, {"\x1b", "\\x1b"}, {"\x7f", "\\x7f"}, {"\xFF", "\\xff"},
      {"\xC2\x9B", "\\u009b"}, {"\xC3\xA9", "\xC3\xA9"}};
  const std::string filler = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (size_t before = 0; before <= 33; ++before) {
    for (size_t after : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{15}, size_t{16}}) {
      std::string head = filler.substr(0, before), tail = filler.substr(0, after);
      for (const auto& [raw, escaped] : json_cases) {
        std::string out;
        AppendJsonString(head + raw + tail, &out);
        EXPECT_EQ(out, "\"" + head + escaped + tail + "\"") << before << " " << after;
      }
      for (const auto& [raw, escaped] : terminal_cases) {
        EXPECT_EQ(TerminalSafe(head + raw + tail), head + escaped + tail) << before << " " << after;
      }
    }
  }
}

// The record's line is written to a buffer sized for every value escaped at
// its longest: a record past the small buffer's size, and values that grow
// the most (a control byte becomes six bytes), come out as AppendJsonString
// writes them.
TEST(RenderJson, RecordValuesAreWrittenAsJsonStringsWhateverTheirSize) {
  for (size_t count : {size_t{1}, size_t{2000}, size_t{5000}}) {
    Record r = SampleRecord();
    r.diagnostic = std::string(count, '\x01');
    r.subject.clear();
    for (size_t i = 0; i < count; ++i) r.subject += "\xE2\x80\xAE\xFF\"";
    std::string json = RecordToJson(r);
    for (const std::pair<std::string, const std::string*> field :
         {std::pair<std::string, const std::string*>{"diagnostic", &r.diagnostic}, {"subject", &r.subject}}) {
      std::string want = "\"" + field.first + "\":";
      AppendJsonString(*field.second, &want);
      EXPECT_NE(json.find(want), std::string::npos) << field.first << " " << count;
    }
    ndr_test::JsonChecker check;
    EXPECT_TRUE(check.ParseObject(json)) << count;
  }
}

// A plain value is copied as it is read, 16 or 8 bytes at a time: every
// length, with and without a byte to escape at each place (first, last, in
// the overlap of the last block), comes out as AppendJsonString writes it.
TEST(RenderJson, ValuesOfEveryShortLengthAreCopiedOrEscapedAlike) {
  const std::string filler = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
  for (size_t size = 0; size <= 40; ++size) {
    std::vector<std::string> values = {filler.substr(0, size)};
    for (size_t at = 0; at < size; ++at) {
      for (char odd : {'"', '\\', '\x01', '\x7f', '\xC3'}) {
        std::string v = filler.substr(0, size);
        v[at] = odd;
        values.push_back(v);
      }
    }
    for (const std::string& v : values) {
      Record r = SampleRecord();
      r.diagnostic = v;
      std::string want = "\"diagnostic\":";
      AppendJsonString(v, &want);
      EXPECT_NE(RecordToJson(r).find(want + ","), std::string::npos) << size << " " << v;
    }
  }
}

// A bounce's text is written by whoever made the message come back: terminal
// escape sequences in it must never reach a person's terminal raw.
TEST(TerminalSafe, ControlCharactersBecomeVisibleEscapes) {
  EXPECT_EQ(TerminalSafe("550 \x1b]0;owned\x07 \x1b[31mred\x1b[0m"),
            "550 \\x1b]0;owned\\x07 \\x1b[31mred\\x1b[0m");
  EXPECT_EQ(TerminalSafe("a\rb\nc\x7f" "d\x01"), "a\\x0db\\x0ac\\x7f" "d\\x01");
  EXPECT_EQ(TerminalSafe("col1\tcol2"), "col1 col2");
  EXPECT_EQ(TerminalSafe("csi \xC2\x9B" "31m nel \xC2\x85"), "csi \\u009b31m nel \\u0085");
}

TEST(TerminalSafe, BidiControlsAndLineSeparatorsAreEscaped) {
  EXPECT_EQ(TerminalSafe("user\xE2\x80\xAEgpj.exe"), "user\\u202egpj.exe");
  EXPECT_EQ(TerminalSafe("\xE2\x80\xAA\xE2\x81\xA6x\xE2\x81\xA9\xE2\x80\xA8"), "\\u202a\\u2066x\\u2069\\u2028");
}

TEST(TerminalSafe, InvalidUtf8IsShownAsBytesAndValidTextKept) {
  EXPECT_EQ(TerminalSafe("caf\xC3\xA9 \xF0\x9F\x98\x80 \xE6\x97\xA5"), "caf\xC3\xA9 \xF0\x9F\x98\x80 \xE6\x97\xA5");
  EXPECT_EQ(TerminalSafe("bad \xFF\xC3 end"), "bad \\xff\\xc3 end");
  EXPECT_EQ(TerminalSafe("surrogate \xED\xA0\x80"), "surrogate \\xed\\xa0\\x80");
  EXPECT_EQ(TerminalSafe("cut \xE2\x80"), "cut \\xe2\\x80");
  EXPECT_EQ(TerminalSafe(std::string("nul\0x", 5)), "nul\\x00x");
}

TEST(RenderJson, EscapesC1ControlsAndBidiOverrides) {
  std::string out;
  AppendJsonString("\x1b[31m \xC2\x9B \xE2\x80\xAE \xE2\x81\xA9 \xE2\x80\xA9 \x7f \xC3\xA9", &out);
  EXPECT_EQ(out, "\"\\u001b[31m \\u009b \\u202e \\u2069 \\u2029 \\u007f \xC3\xA9\"");
}

TEST(RenderText, EscapeSequencesInEveryFieldNeverReachTheTerminal) {
  Record r = SampleRecord();
  const std::string hostile = "x\x1b]0;retitled\x07y\x1b[31mz\xC2\x9B\xE2\x80\xAE\xFF";
  r.source = "box" + hostile;
  r.recipient = "alice" + hostile + "@example.net";
  r.action = "failed" + hostile;
  r.subject = "Hello" + hostile;
  r.sender = "bob" + hostile + "@example.com";
  r.date = "Mon" + hostile;
  r.diagnostic = "550 5.1.1 " + hostile;
  r.remote_mta = "mx" + hostile;
  r.receiving_vendor_name = "Vendor" + hostile;
  r.feedback_type = "abuse" + hostile;
  r.details.evidence = "wording: " + hostile;
  std::ostringstream out;
  auto sink = MakeTextSink(out, true);
  sink->Write(r);
  r.source = "log" + hostile;
  r.subject.clear();
  r.sender.clear();
  r.queue_id = "Q" + hostile;
  sink->Write(r);
  sink->Finish();
  const std::string text = out.str();
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u == '\n' || (u >= 0x20 && u != 0x7f)) << "raw control byte " << int(u);
  }
  EXPECT_EQ(text.find("\xC2\x9B"), std::string::npos);
  EXPECT_EQ(text.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_EQ(text.find('\xFF'), std::string::npos);
  EXPECT_NE(text.find("550 5.1.1 x\\x1b]0;retitled\\x07y\\x1b[31mz\\u009b\\u202e\\xff"), std::string::npos) << text;
  EXPECT_NE(text.find("queue id Qx\\x1b]0;"), std::string::npos) << text;
}

}  // namespace
}  // namespace ndr
