// The report as plain text (terminal) and as Markdown: the same sections in
// the same order, from the same Report.
#include <ostream>
#include <sstream>

#include "ndr/report.h"
#include "report/render_common.h"

namespace ndr {
namespace internal {

std::string Headline(const ReportTotals& t) {
  std::string s;
  if (t.messages > 0) {
    s += std::to_string(t.messages) + " messages read, " + std::to_string(t.bounces) + " bounces";
    if (t.not_bounces) s += " (" + std::to_string(t.not_bounces) + " not bounces)";
    s += "; ";
  }
  s += std::to_string(t.records) + " records";
  if (!t.first_day.empty()) s += ", " + t.first_day + " to " + t.last_day;
  return s;
}

std::vector<std::pair<std::string, std::string>> HeadlineFigures(const ReportTotals& t) {
  return {{"failed recipients", std::to_string(t.failed)},
          {"hard / soft", std::to_string(t.hard) + " / " + std::to_string(t.soft)},
          {"distinct recipients", std::to_string(t.recipients)},
          {"recipient domains", std::to_string(t.domains)},
          {"delays", std::to_string(t.delayed)},
          {"complaints", std::to_string(t.complaints)},
          {"auto-replies", std::to_string(t.auto_replies)},
          {"to stop mailing", std::to_string(t.suppress) +
                                  (t.escalated ? " (" + std::to_string(t.escalated) + " repeated soft bounces)" : "")}};
}

}  // namespace internal

namespace {

using internal::kGroupsShown;

void WriteAddresses(const Report& r, const std::vector<size_t>& who, const std::string& indent, bool markdown,
                    std::ostream& out) {
  for (size_t i : who) {
    const ReportRecipient& p = r.recipients[i];
    out << indent << (markdown ? "- " : "") << (markdown ? internal::MarkdownText(p.address) : p.address);
    std::string what = std::string(ReasonName(p.reason));
    if (!p.status.empty()) what += " " + p.status;
    if (!p.day.empty()) what += ", " + p.day;
    out << "  (" << (markdown ? internal::MarkdownText(what) : what) << ")\n";
  }
}

void Text(const Report& r, const RenderOptions& options, std::ostream& out) {
  const ReportTotals& t = r.totals;
  out << "ndr report: " << internal::Headline(t) << "\n";
  for (const auto& [label, value] : internal::HeadlineFigures(t)) {
    out << "  " << label << ": " << value << "\n";
  }
  out << "\nWhat to do first\n";
  if (r.actions.empty()) out << "  nothing: no failures\n";
  for (size_t i = 0; i < r.actions.size(); ++i) {
    const ActionItem& a = r.actions[i];
    out << "  " << (i + 1) << ". " << a.sentence << "\n";
    if (!a.evidence.empty()) out << "     Evidence: " << a.evidence << "\n";
    out << "     Next step: " << a.next_step << "\n";
    if (options.details) WriteAddresses(r, a.recipients, "       ", false, out);
  }
  for (const Breakdown& b : r.breakdowns) {
    if (b.groups.empty()) continue;
    out << "\n" << b.title << " (recipients, bounces)\n";
    size_t shown = 0;
    for (const ReportGroup& g : b.groups) {
      if (shown++ == kGroupsShown && !options.details) {
        out << "  ... " << (b.groups.size() - kGroupsShown) << " more (--details or --format json lists all)\n";
        break;
      }
      out << "  " << internal::PadRight(g.label, 32) << " " << internal::PadLeft(std::to_string(g.recipients.size()), 7)
          << " " << internal::PadLeft(std::to_string(g.bounces), 7) << "\n";
      if (options.details) WriteAddresses(r, g.recipients, "      ", false, out);
    }
  }
  out << "\nTo stop mailing: " << r.suppression.size() << " addresses";
  out << (r.suppression.empty() ? "\n" : " (--suppress FILE.csv writes them)\n");
  if (options.details) WriteAddresses(r, r.suppression, "  ", false, out);
}

void Markdown(const Report& r, const RenderOptions& options, std::ostream& out) {
  using internal::MarkdownText;
  const ReportTotals& t = r.totals;
  out << "# Bounce report\n\n" << MarkdownText(internal::Headline(t)) << "\n\n";
  out << "| figure | value |\n|---|---:|\n";
  for (const auto& [label, value] : internal::HeadlineFigures(t)) {
    out << "| " << label << " | " << MarkdownText(value) << " |\n";
  }
  out << "\n## What to do first\n\n";
  if (r.actions.empty()) out << "Nothing: no failures.\n";
  for (size_t i = 0; i < r.actions.size(); ++i) {
    const ActionItem& a = r.actions[i];
    out << (i + 1) << ". **" << MarkdownText(a.sentence) << "**  \n";
    if (!a.evidence.empty()) out << "   Evidence: " << MarkdownText(a.evidence) << "  \n";
    out << "   Next step: " << MarkdownText(a.next_step) << "\n";
    if (options.details) WriteAddresses(r, a.recipients, "   ", true, out);
  }
  for (const Breakdown& b : r.breakdowns) {
    if (b.groups.empty()) continue;
    out << "\n## " << b.title << "\n\n| " << b.id << " | recipients | bounces |\n|---|---:|---:|\n";
    size_t shown = 0;
    for (const ReportGroup& g : b.groups) {
      if (shown++ == kGroupsShown && !options.details) {
        out << "| ... " << (b.groups.size() - kGroupsShown) << " more | | |\n";
        break;
      }
      out << "| " << MarkdownText(g.label) << " | " << g.recipients.size() << " | " << g.bounces << " |\n";
    }
  }
  out << "\n## To stop mailing\n\n" << r.suppression.size() << " addresses.\n";
  if (options.details && !r.suppression.empty()) {
    out << "\n";
    WriteAddresses(r, r.suppression, "", true, out);
  }
}

}  // namespace

void RenderReportText(const Report& report, const RenderOptions& options, std::ostream& out) {
  std::ostringstream text;
  Text(report, options, text);
  // Text from bounces is in it: every line made safe for a terminal.
  std::string all = text.str(), safe;
  safe.reserve(all.size());
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find('\n', pos);
    if (end == std::string::npos) end = all.size();
    AppendTerminalSafe(std::string_view(all).substr(pos, end - pos), &safe);
    if (end < all.size()) safe.push_back('\n');
    pos = end + 1;
  }
  out << safe;
}

void RenderReportMarkdown(const Report& report, const RenderOptions& options, std::ostream& out) {
  Markdown(report, options, out);
}

}  // namespace ndr
