// Consistency across the data/ tables: every vendor scope used anywhere is a
// vendor of vendors.tsv, and every table compiled into the binary parses.
#include <gtest/gtest.h>

#include <set>

#include "knowledge/embedded.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace {

using internal::TsvTable;

TsvTable Load(std::string_view name, const std::vector<std::string_view>& columns) {
  TsvTable table;
  std::string error;
  EXPECT_TRUE(internal::LoadEmbeddedTsv(name, columns, &table, &error)) << error;
  return table;
}

TEST(Tables, EveryEmbeddedTableParses) {
  ASSERT_GE(internal::EmbeddedTables().size(), 10u);
  for (const internal::EmbeddedTable& t : internal::EmbeddedTables()) {
    TsvTable table;
    std::string error;
    EXPECT_TRUE(internal::ParseTsv(t.name, t.content, {}, &table, &error)) << error;
    EXPECT_FALSE(table.rows.empty()) << t.name;
  }
}

TEST(Tables, EveryScopeIsAKnownVendor) {
  std::set<std::string> vendors;
  TsvTable v = Load("vendors.tsv", {"vendor"});
  for (const auto& row : v.rows) vendors.insert(std::string(v.Cell(row, "vendor")));
  ASSERT_GE(vendors.size(), 20u);
  for (std::string_view name : {"enhanced_status.tsv", "status_defaults.tsv", "reason_rules.tsv"}) {
    TsvTable t = Load(name, {"scope"});
    for (const auto& row : t.rows) {
      std::string scope(t.Cell(row, "scope"));
      if (scope.empty() || scope == "generic") continue;
      EXPECT_EQ(vendors.count(scope), 1u) << t.Where(row, "scope '" + scope + "' is not in vendors.tsv");
    }
  }
}

TEST(Tables, BadTsvRowsAreReportedWithLine) {
  TsvTable table;
  std::string error;
  EXPECT_FALSE(internal::ParseTsv("x.tsv", "# c\na\tb\n1\t2\t3\n", {}, &table, &error));
  EXPECT_EQ(error, "data/x.tsv:3: 3 cells but 2 columns");
  EXPECT_FALSE(internal::ParseTsv("y.tsv", "a\tb\n", {"c"}, &table, &error));
  EXPECT_EQ(error, "data/y.tsv: missing column 'c'");
  EXPECT_TRUE(internal::ParseTsv("z.tsv", "a\tb\r\n1\r\n", {"a"}, &table, &error));
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.Cell(table.rows[0], "a"), "1");
  EXPECT_EQ(table.Cell(table.rows[0], "b"), "");
}

}  // namespace
}  // namespace ndr
