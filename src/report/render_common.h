// Helpers the report renderers share: the headline's figures (one list, so
// every format shows the same ones) and escaping for each format.
#ifndef NDR_SRC_REPORT_RENDER_COMMON_H_
#define NDR_SRC_REPORT_RENDER_COMMON_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ndr/report.h"

namespace ndr {
namespace internal {

// Rows of a breakdown shown in text, Markdown and HTML (JSON holds all).
constexpr size_t kGroupsShown = 25;

// "1200 messages read, 1100 bounces; 900 records, 2026-11-01 to 2026-11-30".
std::string Headline(const ReportTotals& totals);
// (label, value) pairs of the headline, in order.
std::vector<std::pair<std::string, std::string>> HeadlineFigures(const ReportTotals& totals);

// Text from a bounce for Markdown: characters with a meaning there escaped,
// '<' and '>' as entities (so no HTML from a bounce survives a Markdown
// viewer), line breaks as spaces.
std::string MarkdownText(std::string_view text);
// Text for HTML element content and quoted attribute values.
std::string HtmlText(std::string_view text);

std::string PadRight(std::string_view text, size_t width);
std::string PadLeft(std::string_view text, size_t width);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_REPORT_RENDER_COMMON_H_
