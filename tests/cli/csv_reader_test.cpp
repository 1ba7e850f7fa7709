// The CLI's CSV reader: values, labels and column selection on good input; on bad input an
// InputError whose message names the file, the line and the column.
#include "csv_reader.hpp"
#include "catch.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using anomaly::cli::CsvOptions;
using anomaly::cli::InputError;
using anomaly::cli::parse_csv;

namespace {

/// The message parse_csv throws for `text`, or "" when it does not throw.
std::string error_of(const std::string& text, const CsvOptions& options = {}) {
  try {
    parse_csv<double>(text, "data.csv", options);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("parse_csv reads features column by column and labels apart") {
  const auto table = parse_csv<double>("a,b,label\n1,2,0\n-3.5,4e2,1\n+5,0.25,0\n", "data.csv", {});
  REQUIRE(table.rows == 3);
  REQUIRE(table.cols() == 2);
  REQUIRE(table.feature_names == std::vector<std::string>{"a", "b"});
  const anomaly::Matrix<double> X = table.features();
  CHECK(X(0, 0) == 1.0);
  CHECK(X(1, 0) == -3.5);
  CHECK(X(1, 1) == 400.0);
  CHECK(X(2, 0) == 5.0);
  CHECK(X(2, 1) == 0.25);
  REQUIRE(table.labels.has_value());
  CHECK_FALSE((*table.labels)(0));
  CHECK((*table.labels)(1));
  CHECK_FALSE((*table.labels)(2));
}

TEST_CASE("parse_csv parses the shortest round-trip text back to the same double") {
  const double value = 0.1 + 0.2;  // 0.30000000000000004
  const auto table = parse_csv<double>("x\n0.30000000000000004\n", "data.csv", {});
  CHECK(table.features()(0, 0) == value);
  const auto single = parse_csv<float>("x\n0.1\n", "data.csv", {});
  CHECK(single.features()(0, 0) == 0.1f);
}

TEST_CASE("parse_csv picks --features in the order given and ignores other columns") {
  CsvOptions options;
  options.features = {"c", "a"};
  const auto table = parse_csv<double>("a,b,c\n1,x,3\n4,y,6\n", "data.csv", options);
  REQUIRE(table.cols() == 2);
  CHECK(table.feature_names == std::vector<std::string>{"c", "a"});
  CHECK(table.features()(0, 0) == 3.0);
  CHECK(table.features()(1, 1) == 4.0);
  CHECK_FALSE(table.labels.has_value());
}

TEST_CASE("parse_csv takes a named label column, CRLF, spaces, quotes, a BOM and blank lines") {
  CsvOptions options;
  options.label_column = "y";
  options.label_required = true;
  const std::string text = "\xEF\xBB\xBF\"a\", y \r\n 1 ,1\r\n\r\n2, 0\r\n\n3,0";
  const auto table = parse_csv<double>(text, "data.csv", options);
  REQUIRE(table.rows == 3);
  CHECK(table.feature_names == std::vector<std::string>{"a"});
  CHECK(table.features()(2, 0) == 3.0);
  CHECK((*table.labels)(0));
  // Lines: 1 header, 2 row 0, 3 blank, 4 row 1, 5 blank, 6 row 2.
  CHECK(table.line_number(0) == 2);
  CHECK(table.line_number(1) == 4);
  CHECK(table.line_number(2) == 6);
}

TEST_CASE("a non-numeric cell names the file, line and column") {
  const auto message = error_of("a,b\n1,2\n3,abc\n");
  CHECK(contains(message, "data.csv:3:"));
  CHECK(contains(message, "column 2 (b)"));
  CHECK(contains(message, "\"abc\" is not a number"));
}

TEST_CASE("numbers followed by text are rejected, not truncated") {
  CHECK(contains(error_of("a\n12abc\n"), "\"12abc\" is not a number"));
  CHECK(contains(error_of("a\n1 2\n"), "is not a number"));
}

TEST_CASE("NaN and infinite cells are rejected with their place") {
  auto message = error_of("a,b\n1,2\nnan,3\n");
  CHECK(contains(message, "data.csv:3: column 1 (a)"));
  CHECK(contains(message, "NaN"));
  message = error_of("a,b\n1,-inf\n");
  CHECK(contains(message, "data.csv:2: column 2 (b)"));
  CHECK(contains(message, "infinite"));
  CHECK(contains(error_of("a\n1e999\n"), "out of range"));
}

TEST_CASE("an empty cell is rejected") {
  const auto message = error_of("a,b,c\n1,,3\n");
  CHECK(contains(message, "data.csv:2: column 2 (b)"));
  CHECK(contains(message, "empty cell"));
}

TEST_CASE("a ragged row names the missing or the extra column") {
  auto message = error_of("a,b,c\n1,2,3\n4,5\n");
  CHECK(contains(message, "data.csv:3: column 3 (c)"));
  CHECK(contains(message, "2 cells but the header has 3"));
  message = error_of("a,b\n1,2\n3,4,5\n");
  CHECK(contains(message, "data.csv:3: column 3"));
  CHECK(contains(message, "3 cells but the header has 2"));
}

TEST_CASE("an ignored column is still counted for raggedness") {
  CsvOptions options;
  options.features = {"a"};
  CHECK(contains(error_of("a,b\n1\n", options), "data.csv:2: column 2 (b)"));
}

TEST_CASE("empty files and header-only files are rejected") {
  CHECK(contains(error_of(""), "data.csv: empty file"));
  CHECK(contains(error_of(" \n\n"), "data.csv: empty file"));
  CHECK(contains(error_of("a,b\n"), "data.csv:1: the file has a header but no data rows"));
  CHECK(contains(error_of("a,b\n\n\n"), "no data rows"));
}

TEST_CASE("a missing label column is an error only when it was asked for") {
  CsvOptions options;
  options.label_column = "target";
  CHECK(error_of("a,b\n1,2\n", options).empty());
  options.label_required = true;
  const auto message = error_of("a,b\n1,2\n", options);
  CHECK(contains(message, "data.csv:1:"));
  CHECK(contains(message, "no label column named 'target' (columns: a, b)"));
}

TEST_CASE("unknown, repeated or label feature names are rejected") {
  CsvOptions options;
  options.features = {"a", "zz"};
  CHECK(contains(error_of("a,b,label\n1,2,0\n", options),
                 "data.csv:1: no feature column named 'zz' (columns: a, b, label)"));
  options.features = {"a", "a"};
  CHECK(contains(error_of("a,b\n1,2\n", options), "listed twice"));
  options.features = {"label"};
  CHECK(contains(error_of("a,label\n1,0\n", options), "label column"));
}

TEST_CASE("NAB's files: the time stamp and the labelled windows are not features") {
  const std::string text =
      "timestamp,value,window,label\n1396310400,19.5,0,0\n1396310700,20.25,1,0\n"
      "1396311000,80,1,1\n";
  const auto table = parse_csv<double>(text, "nab.csv", {});
  REQUIRE(table.feature_names == std::vector<std::string>{"value"});
  CHECK(table.features()(2, 0) == 80);
  REQUIRE(table.windows);
  CHECK((*table.windows)(0) == false);
  CHECK((*table.windows)(1) == true);
  CHECK((*table.windows)(2) == true);
  CHECK((*table.labels)(2) == true);
  // The time stamp may be a feature when named; the windows never.
  CsvOptions options;
  options.features = {"timestamp", "value"};
  CHECK(parse_csv<double>(text, "nab.csv", options).features()(0, 0) == 1396310400);
  options.features = {"value", "window"};
  CHECK(contains(error_of(text, options), "'window' is the label column, the labelled-windows"));
  // Other names through the options; a file without them reads as before.
  options = {};
  options.window_column = "incident";
  options.time_column = "t";
  const auto renamed = parse_csv<double>("t,x,incident\n1,2,0\n2,3,1\n", "r.csv", options);
  CHECK(renamed.feature_names == std::vector<std::string>{"x"});
  CHECK((*renamed.windows)(1) == true);
  CHECK_FALSE(parse_csv<double>("a,b\n1,2\n", "p.csv", {}).windows.has_value());
  CHECK(contains(error_of("timestamp,value,window\n1,2,maybe\n"), "column 3 (window)"));
}

TEST_CASE("time stamps: the first and last rows' cells, when the file has a time column") {
  const auto table = parse_csv<double>(
      "timestamp,value\n\"2014-04-01 00:00\",1\n\n 2014-04-01 00:05 ,2\n", "t.csv", {});
  REQUIRE(table.time_span);
  CHECK(table.time_span->first == "2014-04-01 00:00");   // unquoted
  CHECK(table.time_span->second == "2014-04-01 00:05");  // trimmed; the blank line skipped
  CHECK_FALSE(parse_csv<double>("a,b\n1,2\n", "p.csv", {}).time_span.has_value());
  CsvOptions options;
  options.features = {"timestamp", "value"};  // a feature now, not a time column
  CHECK_FALSE(parse_csv<double>("timestamp,value\n1,2\n", "p.csv", options).time_span);
}

TEST_CASE("missing values: empty or nan feature cells where allowed, errors elsewhere") {
  const std::string text = "a,b,label\n1,,0\n nan ,NaN,1\nNAN,4,0\n5,6,0\n";
  CHECK(contains(error_of(text), "data.csv:2: column 2 (b): empty cell"));
  CsvOptions options;
  options.allow_missing = true;
  const auto table = parse_csv<double>(text, "m.csv", options);
  REQUIRE(table.rows == 4);
  CHECK(table.features()(0, 0) == 1);
  CHECK(std::isnan(table.features()(0, 1)));
  CHECK(std::isnan(table.features()(1, 0)));
  CHECK(std::isnan(table.features()(1, 1)));
  CHECK(std::isnan(table.features()(2, 0)));
  CHECK(table.features()(3, 1) == 6);
  CHECK((*table.labels)(1) == true);
  // Labels must still be numbers; "nano" and infinity are not missing values.
  CHECK(contains(error_of("a,label\n1,\n", options), "column 2 (label): empty cell"));
  CHECK(contains(error_of("a\nnano\n", options), "\"nano\" is not a number"));
  CHECK(contains(error_of("a\ninf\n", options), "infinite"));
}

TEST_CASE("a file with only a label column has no features") {
  CHECK(contains(error_of("label\n1\n"), "no feature columns"));
}

TEST_CASE("duplicate column names are rejected") {
  CHECK(contains(error_of("a,b,a\n1,2,3\n"), "column 3 (a) has the same name as column 1"));
}

TEST_CASE("a non-numeric label is rejected with its place") {
  const auto message = error_of("a,label\n1,0\n2,yes\n");
  CHECK(contains(message, "data.csv:3: column 2 (label)"));
}

TEST_CASE("read_csv names a missing file") {
  try {
    anomaly::cli::read_csv<double>("/nonexistent/data.csv", {});
    FAIL("no error");
  } catch (const InputError& error) {
    CHECK(contains(error.what(), "/nonexistent/data.csv: cannot open"));
  }
}

TEST_CASE("every decimal form parses to the correctly rounded double, as strtod gives") {
  std::string text = "x\n";
  std::vector<std::string> cells = {"1.",
                                    ".5",
                                    "-0",
                                    "-0.0",
                                    "007.250",
                                    "123456789012345",
                                    "1234567890123456",
                                    "0.000000000000001",
                                    "-9.87654321098765",
                                    "1e-05",
                                    "2.5E3",
                                    "0.1",
                                    "-.75"};
  // Values with 1 to 17 significant digits, both sides of the 15-digit fast path.
  std::uint64_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double value = static_cast<double>(state >> 11) / 9007199254740992.0 * 2000.0 - 1000.0;
    char cell[64];
    std::snprintf(cell, sizeof cell, "%.*g", 1 + i % 17, value);
    cells.emplace_back(cell);
  }
  for (const auto& cell : cells) text += cell + "\n";
  const auto table = parse_csv<double>(text, "data.csv", {});
  REQUIRE(table.rows == static_cast<anomaly::Index>(cells.size()));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    INFO(cells[i]);
    const double expected = std::strtod(cells[i].c_str(), nullptr);
    const double parsed = table.features()(static_cast<anomaly::Index>(i), 0);
    REQUIRE(std::memcmp(&parsed, &expected, sizeof parsed) == 0);  // bit for bit, -0 included
  }
}
