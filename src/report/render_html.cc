// The report as one self-contained HTML page: inline CSS, SVG charts drawn
// here, no script, nothing loaded from the network. Every text taken from a
// bounce goes through HtmlText, and a Content-Security-Policy forbids scripts
// besides, so nothing a bounce carries can run in the page.
#include <algorithm>
#include <ostream>
#include <sstream>

#include "ndr/report.h"
#include "report/render_common.h"

namespace ndr {
namespace {

using internal::HtmlText;

// Addresses listed under one figure, and rows of the suppression table: the
// page stays small on a mailbox of 100,000 bounces (JSON and CSV list all).
constexpr size_t kListShown = 200;
constexpr size_t kSuppressShown = 2000;

const char* const kColors[] = {"#2f6db5", "#d9822b", "#3a9a5b", "#c0392b", "#8e5bb5",
                               "#7f8c8d", "#b5a22f", "#2fa5b5", "#b52f7d", "#555555"};

constexpr const char* kStyle = R"(
:root{--fg:#1d2329;--muted:#5b6670;--line:#d8dee4;--bg:#fff;--accent:#2f6db5}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:980px;padding:16px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
.muted{color:var(--muted)}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:12px 0}
.figure{border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.figure b{display:block;font-size:1.4em}
ol.actions li{margin:0 0 12px}
.sentence{font-weight:600}
.evidence{color:var(--muted);font-size:.92em;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:3px 6px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
td.n,th.n{text-align:right;white-space:nowrap}
details{margin:2px 0}summary{cursor:pointer;color:var(--accent)}
ul.who{margin:4px 0 8px;padding-left:20px;font-size:.92em}
svg{width:100%;height:auto;max-width:760px;display:block}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
nav a{margin-right:10px}
@media (max-width:600px){body{padding:8px;font-size:14px}th,td{padding:2px 3px}summary{font-size:.9em}}
@media print{body{max-width:none}summary{color:var(--fg)}nav{display:none}}
)";

std::string Num(size_t n) { return std::to_string(n); }

// Horizontal bars, one per group, labelled; the figure is distinct recipients.
void BarChart(const Breakdown& b, std::ostream& out) {
  size_t n = std::min(b.groups.size(), internal::kGroupsShown);
  if (n == 0) return;
  size_t max = 1;
  for (size_t i = 0; i < n; ++i) max = std::max(max, b.groups[i].recipients.size());
  const int row = 22, label_w = 230, bar_w = 440, width = 740;
  int height = static_cast<int>(n) * row + 8;
  out << "<svg class=\"chart bar\" role=\"img\" aria-label=\"" << HtmlText(b.title) << "\" viewBox=\"0 0 " << width
      << " " << height << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  for (size_t i = 0; i < n; ++i) {
    const ReportGroup& g = b.groups[i];
    int y = static_cast<int>(i) * row + 4;
    int w = static_cast<int>(static_cast<double>(g.recipients.size()) / static_cast<double>(max) * bar_w);
    std::string label = g.label.size() > 34 ? g.label.substr(0, 33) + "\xE2\x80\xA6" : g.label;
    out << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">" << HtmlText(label)
        << "</text><rect x=\"" << label_w << "\" y=\"" << y + 3 << "\" width=\"" << std::max(w, 1)
        << "\" height=\"" << row - 6 << "\" fill=\"" << kColors[0] << "\"/><text x=\"" << label_w + w + 6
        << "\" y=\"" << y + 15 << "\">" << g.recipients.size() << "</text>";
  }
  out << "</svg>\n";
}

// One line per series over the days; the y axis is failures per day.
void LineChart(const Trend& t, std::ostream& out) {
  if (t.days.empty() || t.series.empty()) return;
  size_t max = 1;
  for (const Trend::Series& s : t.series) {
    for (size_t c : s.counts) max = std::max(max, c);
  }
  const int width = 740, height = 240, left = 40, right = 10, top = 10, bottom = 28;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  auto x_of = [&](size_t i) {
    return t.days.size() == 1 ? left + plot_w / 2 : left + plot_w * static_cast<double>(i) / static_cast<double>(t.days.size() - 1);
  };
  auto y_of = [&](size_t c) { return top + plot_h - plot_h * static_cast<double>(c) / static_cast<double>(max); };
  out << "<svg class=\"chart line\" role=\"img\" aria-label=\"" << HtmlText(t.title) << "\" viewBox=\"0 0 " << width
      << " " << height << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  out << "<line x1=\"" << left << "\" y1=\"" << top + plot_h << "\" x2=\"" << width - right << "\" y2=\"" << top + plot_h
      << "\" stroke=\"#999\"/><line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << top + plot_h
      << "\" stroke=\"#999\"/>";
  out << "<text x=\"" << left - 4 << "\" y=\"" << top + 10 << "\" text-anchor=\"end\">" << max << "</text>";
  out << "<text x=\"" << left - 4 << "\" y=\"" << top + plot_h << "\" text-anchor=\"end\">0</text>";
  out << "<text x=\"" << left << "\" y=\"" << height - 8 << "\">" << HtmlText(t.days.front()) << "</text>";
  if (t.days.size() > 1) {
    out << "<text x=\"" << width - right << "\" y=\"" << height - 8 << "\" text-anchor=\"end\">"
        << HtmlText(t.days.back()) << "</text>";
  }
  for (size_t s = 0; s < t.series.size(); ++s) {
    const char* color = kColors[s % (sizeof kColors / sizeof kColors[0])];
    std::ostringstream points;
    for (size_t i = 0; i < t.series[s].counts.size(); ++i) {
      points << (i ? " " : "") << x_of(i) << "," << y_of(t.series[s].counts[i]);
    }
    if (t.days.size() == 1) {
      out << "<circle cx=\"" << x_of(0) << "\" cy=\"" << y_of(t.series[s].counts[0]) << "\" r=\"4\" fill=\"" << color
          << "\"/>";
    } else {
      out << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\"" << points.str() << "\"/>";
    }
  }
  out << "</svg>\n<p class=\"legend\">";
  for (size_t s = 0; s < t.series.size(); ++s) {
    out << "<span><i style=\"background:" << kColors[s % (sizeof kColors / sizeof kColors[0])] << "\"></i>"
        << HtmlText(t.series[s].label) << "</span>";
  }
  out << "</p>\n";
}

void Who(const Report& r, const std::vector<size_t>& who, const std::string& id, std::ostream& out) {
  out << "<details" << (id.empty() ? "" : " id=\"" + id + "\"") << "><summary>" << who.size()
      << (who.size() == 1 ? " recipient" : " recipients") << "</summary><ul class=\"who\">";
  for (size_t n = 0; n < who.size() && n < kListShown; ++n) {
    const ReportRecipient& p = r.recipients[who[n]];
    out << "<li>" << HtmlText(p.address) << " <span class=\"muted\">" << HtmlText(std::string(ReasonName(p.reason)));
    if (!p.status.empty()) out << " " << HtmlText(p.status);
    if (!p.day.empty()) out << ", " << HtmlText(p.day);
    if (!p.subject.empty()) out << ", subject: " << HtmlText(p.subject);
    out << "</span>";
    if (!p.diagnostic.empty()) out << "<br><span class=\"evidence\">" << HtmlText(p.diagnostic) << "</span>";
    out << "</li>";
  }
  if (who.size() > kListShown) {
    out << "<li class=\"muted\">and " << (who.size() - kListShown)
        << " more (the JSON report and --details list all)</li>";
  }
  out << "</ul></details>\n";
}

}  // namespace

void RenderReportHtml(const Report& r, std::ostream& os) {
  std::ostringstream out;
  const ReportTotals& t = r.totals;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>Bounce report</title><style>"
      << kStyle << "</style></head><body>\n";
  out << "<h1>Bounce report</h1>\n<p class=\"muted\">" << HtmlText(internal::Headline(t)) << "</p>\n";
  out << "<nav><a href=\"#actions\">What to do</a>";
  for (const Breakdown& b : r.breakdowns) {
    if (!b.groups.empty()) out << "<a href=\"#b-" << b.id << "\">" << HtmlText(b.title) << "</a>";
  }
  out << "<a href=\"#trend\">Trend</a><a href=\"#suppress\">Stop mailing</a></nav>\n";
  out << "<div class=\"figures\">";
  for (const auto& [label, value] : internal::HeadlineFigures(t)) {
    out << "<div class=\"figure\"><b>" << HtmlText(value) << "</b>" << HtmlText(label) << "</div>";
  }
  out << "</div>\n";

  out << "<h2 id=\"actions\">What to do first</h2>\n";
  if (r.actions.empty()) out << "<p>Nothing: no failures.</p>\n";
  else out << "<ol class=\"actions\">\n";
  for (size_t i = 0; i < r.actions.size(); ++i) {
    const ActionItem& a = r.actions[i];
    out << "<li id=\"a-" << i << "\"><div class=\"sentence\">" << HtmlText(a.sentence) << "</div>";
    if (!a.evidence.empty()) out << "<div class=\"evidence\">Evidence: " << HtmlText(a.evidence) << "</div>";
    out << "<div>Next step: " << HtmlText(a.next_step) << "</div>";
    Who(r, a.recipients, "", out);
    out << "</li>\n";
  }
  if (!r.actions.empty()) out << "</ol>\n";

  for (const Breakdown& b : r.breakdowns) {
    if (b.groups.empty()) continue;
    out << "<section id=\"b-" << b.id << "\"><h2>" << HtmlText(b.title) << "</h2>\n";
    BarChart(b, out);
    out << "<table><thead><tr><th>" << HtmlText(b.id) << "</th><th class=\"n\">recipients</th><th class=\"n\">bounces</th>"
        << "<th>who</th></tr></thead><tbody>\n";
    size_t n = std::min(b.groups.size(), internal::kGroupsShown);
    for (size_t g = 0; g < n; ++g) {
      const ReportGroup& group = b.groups[g];
      out << "<tr><td>" << HtmlText(group.label) << "</td><td class=\"n\">" << group.recipients.size()
          << "</td><td class=\"n\">" << group.bounces << "</td><td>";
      Who(r, group.recipients, "g-" + b.id + "-" + Num(g), out);
      out << "</td></tr>\n";
    }
    if (b.groups.size() > n) {
      out << "<tr><td colspan=\"4\" class=\"muted\">" << (b.groups.size() - n)
          << " more (the JSON report lists all)</td></tr>\n";
    }
    out << "</tbody></table></section>\n";
  }

  out << "<section id=\"trend\"><h2>Trend</h2>\n";
  if (r.trends.empty()) out << "<p class=\"muted\">The records carry no dates.</p>\n";
  for (const Trend& trend : r.trends) {
    out << "<h3>" << HtmlText(trend.title) << "</h3>\n";
    LineChart(trend, out);
  }
  out << "</section>\n";

  out << "<section id=\"suppress\"><h2>To stop mailing (" << r.suppression.size() << ")</h2>\n";
  if (!r.suppression.empty()) {
    out << "<table><thead><tr><th>address</th><th>reason</th><th>last date</th><th>evidence</th></tr></thead><tbody>\n";
    for (size_t n = 0; n < r.suppression.size() && n < kSuppressShown; ++n) {
      const ReportRecipient& p = r.recipients[r.suppression[n]];
      out << "<tr><td>" << HtmlText(p.address) << "</td><td>" << HtmlText(p.suppress_reason) << "</td><td>"
          << HtmlText(p.day) << "</td><td class=\"evidence\">" << HtmlText(p.evidence) << "</td></tr>\n";
    }
    if (r.suppression.size() > kSuppressShown) {
      out << "<tr><td colspan=\"4\" class=\"muted\">and " << (r.suppression.size() - kSuppressShown)
          << " more (--suppress FILE.csv writes all)</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n<p class=\"muted\">Written by ndr report.</p>\n</body></html>\n";
  std::string page = out.str();
  os.write(page.data(), static_cast<std::streamsize>(page.size()));
}

}  // namespace ndr
