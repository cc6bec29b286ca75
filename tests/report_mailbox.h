// A generated mailbox with known counts for the report and history tests:
// DSNs and a feedback report written here (never corpus files).
#ifndef NDR_TESTS_REPORT_MAILBOX_H_
#define NDR_TESTS_REPORT_MAILBOX_H_

#include <string>

namespace ndr_test {

// One DSN (RFC 3464) for one recipient, as an mbox entry ("From " line first).
inline std::string Dsn(const std::string& id, const std::string& day, const std::string& recipient,
                       const std::string& action, const std::string& status, const std::string& diagnostic,
                       const std::string& subject = "Offers", const std::string& sender = "news@example.org") {
  return "From MAILER-DAEMON " + day + "\n"
         "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
         "To: " + sender + "\n"
         "Subject: Undelivered Mail Returned to Sender\n"
         "Message-ID: <" + id + "@mx.example.org>\n"
         "Date: " + day + "\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
         "--B\nContent-Type: text/plain\n\nThe message could not be delivered.\n\n"
         "--B\nContent-Type: message/delivery-status\n\n"
         "Reporting-MTA: dns; mx.example.org\n\n"
         "Final-Recipient: rfc822; " + recipient + "\n"
         "Action: " + action + "\nStatus: " + status + "\n"
         "Diagnostic-Code: smtp; " + diagnostic + "\n\n"
         "--B\nContent-Type: text/rfc822-headers\n\n"
         "From: " + sender + "\nTo: " + recipient + "\nSubject: " + subject + "\n"
         "Message-ID: <orig-" + id + "@example.org>\n\n"
         "--B--\n\n";
}

// One ARF feedback report (a complaint) about `recipient`.
inline std::string Complaint(const std::string& id, const std::string& day, const std::string& recipient) {
  return "From fbl " + day + "\n"
         "From: Feedback Loop <fbl@isp.example>\n"
         "To: fbl@example.org\n"
         "Subject: complaint\n"
         "Message-ID: <" + id + "@isp.example>\n"
         "Date: " + day + "\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
         "--F\nContent-Type: text/plain\n\nA user marked your message as spam.\n\n"
         "--F\nContent-Type: message/feedback-report\n\n"
         "Feedback-Type: abuse\nUser-Agent: test/1\nVersion: 1\n"
         "Original-Mail-From: <news@example.org>\nOriginal-Rcpt-To: <" + recipient + ">\n\n"
         "--F\nContent-Type: text/rfc822-headers\n\n"
         "From: news@example.org\nTo: " + recipient + "\nSubject: Offers\n\n"
         "--F--\n\n";
}

// The mailbox of the report tests: 7 unknown users at example.com, 5
// refusals naming 192.0.2.7 on Spamhaus ZEN (3 at example.net, 2 at
// example.edu), 3 full mailboxes, 2 delays, 1 complaint; the failures on
// 2026-11-02 and 2026-11-03.
inline std::string KnownCountsMailbox() {
  std::string m;
  int n = 0;
  auto id = [&n]() { return "gen-" + std::to_string(++n); };
  for (int i = 0; i < 7; ++i) {
    m += Dsn(id(), "Mon, 02 Nov 2026 10:00:00 +0000", "nobody" + std::to_string(i) + "@example.com", "failed",
             "5.1.1", "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table");
  }
  for (int i = 0; i < 5; ++i) {
    m += Dsn(id(), "Tue, 03 Nov 2026 10:00:00 +0000",
             "reader" + std::to_string(i) + (i < 3 ? "@example.net" : "@example.edu"), "failed", "5.7.1",
             "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org");
  }
  for (int i = 0; i < 3; ++i) {
    m += Dsn(id(), "Tue, 03 Nov 2026 11:00:00 +0000", "full" + std::to_string(i) + "@example.org", "failed",
             "5.2.2", "552 5.2.2 Mailbox full: quota exceeded");
  }
  for (int i = 0; i < 2; ++i) {
    m += Dsn(id(), "Tue, 03 Nov 2026 12:00:00 +0000", "slow" + std::to_string(i) + "@example.org", "delayed",
             "4.4.1", "connect to mx.example.org[192.0.2.80]:25: Connection timed out");
  }
  m += Complaint(id(), "Wed, 04 Nov 2026 09:00:00 +0000", "angry@example.net");
  return m;
}

}  // namespace ndr_test

#endif  // NDR_TESTS_REPORT_MAILBOX_H_
