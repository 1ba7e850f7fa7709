// The built `anomaly` program end to end: exit codes, output rows, --stats JSON, train + score,
// model file errors, bad input messages, and stream printing each score before the input ends.
#include "catch.hpp"

#include <anomaly/detectors.hpp>
#include <anomaly/timeseries/seasonal_decompose.hpp>
#include <anomaly/timeseries/stl.hpp>

#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

/// A fresh directory for one test case, removed afterwards.
class Scratch {
 public:
  Scratch() {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("anomaly_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
    fs::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }
  std::string read(const std::string& name) const {
    std::ifstream file(path(name), std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  /// Runs `anomaly ARGUMENTS` with `input` on stdin, capturing both outputs.
  Result run(const std::string& arguments, const std::string& input = "") const {
    write("stdin.txt", input);
    const std::string command = std::string("'") + ANOMALY_CLI + "' " + arguments + " < '" +
                                path("stdin.txt") + "' > '" + path("stdout.txt") + "' 2> '" +
                                path("stderr.txt") + "'";
    const int status = std::system(command.c_str());
    Result result;
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read("stdout.txt");
    result.err = read("stderr.txt");
    return result;
  }

 private:
  fs::path dir_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// How many times `part` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

/// The whole file at `path`.
std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

/// The last line of stderr that is a JSON object, parsed.
nlohmann::json stats_of(const std::string& err) {
  const auto lines = lines_of(err);
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    if (!line->empty() && line->front() == '{') return nlohmann::json::parse(*line);
  }
  FAIL("no JSON object on stderr: " << err);
  return {};
}

/// Scores column of a `score,is_anomaly` output.
std::vector<double> scores_of(const std::string& out) {
  std::vector<double> scores;
  const auto lines = lines_of(out);
  for (std::size_t i = 1; i < lines.size(); ++i) scores.push_back(std::stod(lines[i]));
  return scores;
}

/// n rows of three smooth features and a label; rows 10, 50 and 150 are far out in feature b.
constexpr int rows = 200;
anomaly::Matrix<double> planted(int offset = 0) {
  anomaly::Matrix<double> X(rows, 3);
  for (int i = 0; i < rows; ++i) {
    const int k = i + offset;
    X(i, 0) = std::sin(0.7 * k) * 2;
    X(i, 1) = std::cos(1.3 * k);
    X(i, 2) = ((k * 37) % 101) / 50.0;
  }
  for (int i : {10, 50, 150}) X(i, 1) = 15 + i / 100.0;
  return X;
}

std::string csv_of(const anomaly::Matrix<double>& X) {
  std::string text = "a,b,c,label\n";
  char cell[64];
  for (anomaly::Index i = 0; i < X.rows(); ++i) {
    for (anomaly::Index j = 0; j < X.cols(); ++j) {
      std::snprintf(cell, sizeof cell, "%.17g,", X(i, j));
      text += cell;
    }
    text += (i == 10 || i == 50 || i == 150) ? "1\n" : "0\n";
  }
  return text;
}

}  // namespace

TEST_CASE("detect writes one score per row in order, equal to the library's, and --stats JSON") {
  const Scratch scratch;
  const auto X = planted();
  const auto data = scratch.write("data.csv", csv_of(X));
  const Result result = scratch.run("detect --algorithm zscore --stats " + data);
  REQUIRE(result.code == 0);
  const auto lines = lines_of(result.out);
  REQUIRE(lines.size() == rows + 1);
  CHECK(lines[0] == "score,is_anomaly");
  const auto expected = anomaly::fit_score(anomaly::ZScore<double>{}, X).scores;
  const auto scores = scores_of(result.out);
  for (int i = 0; i < rows; ++i) REQUIRE(scores[static_cast<std::size_t>(i)] == expected[i]);
  CHECK(lines[11] == lines[11].substr(0, lines[11].find(',')) + ",1");  // row 10 is flagged

  const auto stats = stats_of(result.err);
  CHECK(stats["algorithm"] == "zscore");
  CHECK(stats["n"] == rows);
  CHECK(stats["d"] == 3);
  CHECK(stats["fit_seconds"].get<double>() >= 0);
  CHECK(stats["score_seconds"].get<double>() >= 0);
  CHECK(stats["threshold"] == 3.0);
  CHECK(stats["labelled_anomalies"] == 3);
  CHECK(stats["roc_auc"].get<double>() == 1.0);
  CHECK(stats["average_precision"].get<double>() == 1.0);
}

TEST_CASE(
    "detect --stats without labels has no metrics; --output writes the file instead of stdout") {
  const Scratch scratch;
  const auto data = scratch.write("data.csv", "x\n1\n2\n3\n100\n");
  const Result result = scratch.run("detect -a modified_zscore --stats --output " +
                                    scratch.path("scores.csv") + " " + data);
  REQUIRE(result.code == 0);
  CHECK(result.out.empty());
  CHECK(lines_of(scratch.read("scores.csv")).size() == 5);
  const auto stats = stats_of(result.err);
  CHECK(stats["n"] == 4);
  CHECK_FALSE(stats.contains("roc_auc"));
}

TEST_CASE("detect --top shows the highest rows with their file lines, then ROC-AUC") {
  const Scratch scratch;
  const auto data = scratch.write("data.csv", csv_of(planted()));
  const Result result = scratch.run("detect -a iqr --top 3 " + data);
  REQUIRE(result.code == 0);
  CHECK(contains(result.err, "Top 3 of 200 rows by iqr score"));
  const auto lines = lines_of(result.err);
  // Row 150 has the largest value, so it ranks first; it is on line 152 of the file.
  const auto first = std::find_if(lines.begin(), lines.end(),
                                  [](const std::string& line) { return contains(line, "   1  "); });
  REQUIRE(first != lines.end());
  CHECK(contains(*first, " 152 "));
  CHECK(contains(result.err, "ROC-AUC 1.0000"));
}

TEST_CASE("train then score gives what detect --train gives, for every batch algorithm") {
  const Scratch scratch;
  const auto train = scratch.write("train.csv", csv_of(planted()));
  const auto test = scratch.write("test.csv", csv_of(planted(7)));
  const auto model = scratch.path("model.bin");
  for (const std::string algorithm : {"zscore", "modified_zscore", "iqr", "iforest", "elliptic"}) {
    for (const std::string extra : {"", " --float", " --contamination 0.05"}) {
      INFO(algorithm << extra);
      const Result trained =
          scratch.run("train -a " + algorithm + extra + " --model " + model + " " + train);
      REQUIRE(trained.code == 0);
      const Result scored = scratch.run("score --model " + model + " " + test);
      REQUIRE(scored.code == 0);
      const Result detected =
          scratch.run("detect -a " + algorithm + extra + " --train " + train + " " + test);
      REQUIRE(detected.code == 0);
      CHECK(scored.out == detected.out);
      CHECK(lines_of(scored.out).size() == rows + 1);
    }
  }
}

TEST_CASE("detect --algorithm iforest equals the library's forest with the same settings") {
  const Scratch scratch;
  const auto X = planted();
  const auto data = scratch.write("data.csv", csv_of(X));
  const Result result = scratch.run(
      "detect -a iforest --set seed=5 --set n_trees=30 --set extension_level=1 " + data);
  REQUIRE(result.code == 0);
  const anomaly::IsolationForest<double> forest({.n_trees = 30, .extension_level = 1, .seed = 5});
  const auto expected = anomaly::fit_score(forest, X).scores;
  const auto scores = scores_of(result.out);
  REQUIRE(scores.size() == static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) REQUIRE(scores[static_cast<std::size_t>(i)] == expected[i]);
}

TEST_CASE("detect --algorithm elliptic equals the library's EllipticEnvelope with the same seed") {
  const Scratch scratch;
  const auto X = planted();
  const auto data = scratch.write("data.csv", csv_of(X));
  const Result result = scratch.run("detect -a elliptic --set seed=4 " + data);
  REQUIRE(result.code == 0);
  const auto expected =
      anomaly::fit_score(anomaly::EllipticEnvelope<double>({.seed = 4}), X).scores;
  const auto scores = scores_of(result.out);
  REQUIRE(scores.size() == static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) REQUIRE(scores[static_cast<std::size_t>(i)] == expected[i]);
}

TEST_CASE("detect --contamination sets the threshold at that quantile of the training scores") {
  const Scratch scratch;
  const auto data = scratch.write("data.csv", csv_of(planted()));
  for (const std::string algorithm : {"zscore", "iqr", "rolling_zscore"}) {
    INFO(algorithm);
    const Result result =
        scratch.run("detect -a " + algorithm + " --contamination 0.05 --stats " + data);
    REQUIRE(result.code == 0);
    auto sorted = scores_of(result.out);
    std::sort(sorted.begin(), sorted.end());
    const double position = 0.95 * (rows - 1);  // numpy's linear quantile
    const auto below = static_cast<std::size_t>(position);
    const double quantile = sorted[below] + (position - static_cast<double>(below)) *
                                                (sorted[below + 1] - sorted[below]);
    const auto above =
        std::count_if(sorted.begin(), sorted.end(), [&](double score) { return score > quantile; });
    const auto stats = stats_of(result.err);
    CHECK_THAT(stats["threshold"].get<double>(), Catch::Matchers::WithinRel(quantile, 1e-12));
    CHECK(stats["anomalies"] == above);
    CHECK(above <= 10);  // fewer only where scores tie at the quantile (iqr: most are 0)
  }
}

TEST_CASE("score rejects missing, foreign, corrupt and truncated model files with exit 3") {
  const Scratch scratch;
  const auto data = scratch.write("data.csv", csv_of(planted()));
  const auto model = scratch.path("model.bin");
  REQUIRE(scratch.run("train -a zscore --model " + model + " " + data).code == 0);
  const std::string bytes = scratch.read("model.bin");

  auto result = scratch.run("score --model " + scratch.path("none.bin") + " " + data);
  CHECK(result.code == 3);
  CHECK(contains(result.err, "none.bin: cannot open"));

  result = scratch.run("score --model " + data + " " + data);
  CHECK(result.code == 3);
  CHECK(contains(result.err, "data.csv: not an anomaly model"));

  std::string corrupt = bytes;
  corrupt[corrupt.size() - 5] = static_cast<char>(corrupt[corrupt.size() - 5] ^ 0x40);
  result = scratch.run("score --model " + scratch.write("corrupt.bin", corrupt) + " " + data);
  CHECK(result.code == 3);
  CHECK(contains(result.err, "corrupt.bin: checksum mismatch"));

  result =
      scratch.run("score --model " + scratch.write("short.bin", bytes.substr(0, 30)) + " " + data);
  CHECK(result.code == 3);
  CHECK(contains(result.err, "short.bin: "));

  result = scratch.run("score --model " + scratch.write("empty.bin", "") + " " + data);
  CHECK(result.code == 3);
}

TEST_CASE("score checks the data's columns against the model") {
  const Scratch scratch;
  const auto data = scratch.write("data.csv", csv_of(planted()));
  const auto model = scratch.path("model.bin");
  REQUIRE(scratch.run("train -a iqr --model " + model + " " + data).code == 0);
  const Result result = scratch.run("score --model " + model + " --features a,b " + data);
  CHECK(result.code == 3);
  CHECK(contains(result.err, "2 feature columns, but the model"));
  CHECK(contains(result.err, "was trained on 3"));
}

TEST_CASE("bad input files exit 3 with the file, line and column in the message") {
  const Scratch scratch;
  struct Case {
    std::string text;
    std::string flags;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"a,b\n1,2\n3,oops\n", "", {"bad.csv:3:", "column 2 (b)", "\"oops\" is not a number"}},
      {"a,b,c\n1,2,3\n4,5\n", "", {"bad.csv:3:", "column 3 (c)", "2 cells"}},
      {"a,b\n1,2\n3,4,5\n", "", {"bad.csv:3:", "column 3", "3 cells"}},
      {"a,b\n1,2\nNaN,4\n", "", {"bad.csv:3:", "column 1 (a)", "NaN"}},
      {"a,b\n1,inf\n", "", {"bad.csv:2:", "column 2 (b)", "infinite"}},
      {"", "", {"bad.csv: empty file"}},
      {"a,b\n", "", {"bad.csv:1:", "no data rows"}},
      {"a,b\n1,2\n", "--label-column y", {"bad.csv:1:", "no label column named 'y'"}},
      {"a,b\n1,2\n", "--features a,zz", {"bad.csv:1:", "no feature column named 'zz'"}},
  };
  for (const Case& each : cases) {
    INFO(each.text << " " << each.flags);
    const auto file = scratch.write("bad.csv", each.text);
    const Result result = scratch.run("detect -a zscore " + each.flags + " " + file);
    CHECK(result.code == 3);
    CHECK(result.out.empty());
    for (const std::string& part : each.expected) CHECK(contains(result.err, part));
  }
  const Result missing = scratch.run("detect -a zscore " + scratch.path("absent.csv"));
  CHECK(missing.code == 3);
  CHECK(contains(missing.err, "absent.csv: cannot open"));
}

TEST_CASE("usage errors exit 2 with a message") {
  const Scratch scratch;
  const auto data = scratch.write("data.csv", csv_of(planted()));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "A subcommand is required"},
      {"detect " + data, "--algorithm is required"},
      {"detect -a zscore", "FILE is required"},
      {"detect -a nope " + data, "unknown algorithm 'nope'"},
      {"detect -a zscore --set thresh=3 " + data, "unknown parameter 'thresh'"},
      {"detect -a zscore --set threshold=high " + data, "threshold must be a finite number"},
      {"detect -a zscore --set threshold " + data, "expected KEY=VALUE"},
      {"detect -a iqr --set fence=-2 " + data, "fence"},
      {"detect -a zscore --contamination 0.9 " + data, "contamination"},
      {"detect -a zscore --bogus " + data, "bogus"},
      {"train -a rolling_zscore --model m.bin " + data, "streaming detector"},
      {"stream -a zscore", "rolling_zscore"},
  };
  for (const auto& [arguments, expected] : cases) {
    INFO(arguments);
    const Result result = scratch.run(arguments, "a\n1\n");
    CHECK(result.code == 2);
    CHECK(contains(result.err, expected));
  }
}

TEST_CASE("help and list exit 0; list shows every algorithm with its defaults") {
  const Scratch scratch;
  CHECK(scratch.run("--help").code == 0);
  CHECK(scratch.run("detect --help").code == 0);
  const Result result = scratch.run("list");
  REQUIRE(result.code == 0);
  for (const std::string name : {"zscore", "modified_zscore", "iqr", "rolling_zscore",
                                 "rolling_mad", "rolling_iqr", "seasonal"}) {
    CHECK(contains(result.out, "\n  " + name + "\n"));
  }
  CHECK(contains(result.out, "--set threshold=3.5"));
  CHECK(contains(result.out, "--set window=1024"));
  CHECK(contains(result.out, "--set fence=1.5"));
}

TEST_CASE("detect runs a rolling algorithm over the rows in order, as stream does") {
  const Scratch scratch;
  const std::string text = csv_of(planted());
  const auto data = scratch.write("data.csv", text);
  const std::string flags = "-a rolling_mad --set window=50 --set min_samples=20";
  const Result detected = scratch.run("detect " + flags + " " + data);
  REQUIRE(detected.code == 0);
  const auto scores = scores_of(detected.out);
  REQUIRE(scores.size() == rows);
  for (std::size_t i = 0; i < 20; ++i) CHECK(scores[i] == 0.0);  // warming up
  CHECK(scores[50] > 3.5);
  const Result streamed = scratch.run("stream " + flags, text);
  REQUIRE(streamed.code == 0);
  CHECK(streamed.out == detected.out);
}

TEST_CASE("stream -a seasonal scores a sample against its phase of the period") {
  const Scratch scratch;
  // A period-4 pattern, gently noisy; row 61 takes the value of the opposite phase.
  std::string text = "value\n";
  const double pattern[] = {10, 14, 10, 6};
  for (int t = 0; t < 80; ++t) {
    const double value = t == 61 ? pattern[(t + 2) % 4] : pattern[t % 4] + 0.1 * ((t * 7) % 5 - 2);
    text += std::to_string(value) + "\n";
  }
  const Result streamed = scratch.run("stream -a seasonal --set period=4 --set min_cycles=3", text);
  REQUIRE(streamed.code == 0);
  const auto scores = scores_of(streamed.out);
  REQUIRE(scores.size() == 80);
  for (std::size_t t = 0; t < 12; ++t) CHECK(scores[t] == 0.0);  // three cycles of warm-up
  CHECK(scores[61] > 10);
  std::size_t flagged = 0;
  for (std::size_t t = 12; t < scores.size(); ++t) flagged += scores[t] > 3.5;
  CHECK(flagged <= 3);  // row 61, and at most the two rows its clipped residual disturbs
  // The streaming detector's own parameters are not the whole-series one's, and back.
  CHECK(scratch.run("stream -a seasonal --set max_anomalies=3", text).code == 2);
  CHECK(scratch.run("detect -a seasonal --set min_cycles=3 " + scratch.write("s.csv", text)).code ==
        2);
}

TEST_CASE("stream --stats reports what detect --stats does for the same streaming run") {
  const Scratch scratch;
  std::string text = "timestamp,value,window,label\n";
  for (int t = 0; t < 120; ++t) {
    const bool window = t >= 70 && t < 80;
    const double value = t == 75 ? 40 : t == 30 ? -30 : ((t * 37) % 11) * 0.1;
    text += std::to_string(t) + "," + std::to_string(value) + "," + (window ? "1," : "0,") +
            (t == 75 ? "1" : "0") + "\n";
  }
  const std::string flags = "-a rolling_zscore --set window=20 --set min_samples=10 --stats";
  const Result streamed = scratch.run("stream " + flags, text);
  const Result detected = scratch.run("detect " + flags + " " + scratch.write("w.csv", text));
  REQUIRE(streamed.code == 0);
  REQUIRE(detected.code == 0);
  CHECK(streamed.out == detected.out);
  const auto from_stream = stats_of(streamed.err), from_detect = stats_of(detected.err);
  for (const char* key :
       {"n", "d", "threshold", "anomalies", "labelled_anomalies", "roc_auc", "windows",
        "windows_flagged", "flags_outside_windows", "window_roc_auc"}) {
    INFO(key);
    CHECK(from_stream[key] == from_detect[key]);
  }
  CHECK(from_stream["windows_flagged"] == 1);
  CHECK(from_stream["flags_outside_windows"].get<int>() >= 1);  // row 30
}

TEST_CASE("detect -a seasonal runs SeasonalDetector on each column, missing values allowed") {
  const Scratch scratch;
  // Two period-12 columns; a spike at row 100 in `a`, a dip at row 150 in `b`; rows 40-41 of `a`
  // are missing (an empty cell, then "NaN").
  constexpr int n = 240;
  anomaly::Matrix<double> X(n, 2);
  std::string text = "a,b\n";
  char cell[64];
  for (int t = 0; t < n; ++t) {
    X(t, 0) =
        10 * std::sin(2 * std::numbers::pi * t / 12) + 0.3 * ((t * 7) % 5) + (t == 100 ? 25 : 0);
    X(t, 1) =
        4 * std::cos(2 * std::numbers::pi * t / 12) + 0.2 * ((t * 3) % 7) - (t == 150 ? 12 : 0);
    std::snprintf(cell, sizeof cell, "%.17g", X(t, 0));
    text += t == 40 ? "" : t == 41 ? "NaN" : cell;
    std::snprintf(cell, sizeof cell, ",%.17g\n", X(t, 1));
    text += cell;
  }
  X(40, 0) = X(41, 0) = std::numeric_limits<double>::quiet_NaN();
  const auto file = scratch.write("two.csv", text);
  const Result result = scratch.run("detect -a seasonal --stats " + file);
  REQUIRE(result.code == 0);
  CHECK(stats_of(result.err)["period"] == 12);  // estimated from column a
  const anomaly::SeasonalDetector<double> detector({.period = 12});
  const auto a = detector.detect(X.col(0).eval()), b = detector.detect(X.col(1).eval());
  const auto scores = scores_of(result.out);
  const auto lines = lines_of(result.out);
  REQUIRE(scores.size() == static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) {
    INFO("row " << t);
    // The larger column score; row 40-41 has only b's.
    const double expected =
        std::isnan(a.scores[t]) ? b.scores[t] : std::max(a.scores[t], b.scores[t]);
    CHECK(scores[static_cast<std::size_t>(t)] == expected);
    const bool flagged = a.scores[t] > 3.5 || b.scores[t] > 3.5;
    CHECK(lines[static_cast<std::size_t>(t) + 1].back() == (flagged ? '1' : '0'));
  }
  CHECK(scores[100] > 3.5);
  CHECK(scores[150] > 3.5);
  // ESD: the test's own flags, the union of the columns'; no threshold in --stats.
  const Result esd = scratch.run("detect -a seasonal --set max_anomalies=5 --stats " + file);
  REQUIRE(esd.code == 0);
  const anomaly::SeasonalDetector<double> tested({.period = 12, .max_anomalies = 5});
  std::vector<anomaly::Index> expected = tested.detect(X.col(0).eval()).anomalies;
  for (const anomaly::Index row : tested.detect(X.col(1).eval()).anomalies) expected.push_back(row);
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  std::vector<anomaly::Index> flagged_rows;
  const auto esd_lines = lines_of(esd.out);
  for (std::size_t row = 1; row < esd_lines.size(); ++row) {
    if (esd_lines[row].back() == '1') flagged_rows.push_back(static_cast<anomaly::Index>(row - 1));
  }
  CHECK(flagged_rows == expected);
  CHECK(std::find(expected.begin(), expected.end(), 100) != expected.end());
  CHECK(std::find(expected.begin(), expected.end(), 150) != expected.end());
  const auto esd_stats = stats_of(esd.err);
  CHECK_FALSE(esd_stats.contains("threshold"));
  CHECK(esd_stats["anomalies"] == expected.size());
  // --contamination flags the top share of the scored rows instead.
  const Result share = scratch.run("detect -a seasonal --contamination 0.01 --stats " + file);
  REQUIRE(share.code == 0);
  CHECK(stats_of(share.err)["anomalies"] == 3);  // 1% of the 238 rows with a score in a or b
  // What does not apply, and series it cannot use.
  const Result trained = scratch.run("detect -a seasonal --train " + file + " " + file);
  CHECK(trained.code == 2);
  CHECK(contains(trained.err, "--train does not apply"));
  CHECK(scratch.run("train -a seasonal --model m.bin " + file).code == 2);
  const Result aperiodic =
      scratch.run("detect -a seasonal " + scratch.write("line.csv", "value\n1\n2\n3\n4\n5\n6\n"));
  CHECK(aperiodic.code == 3);
  CHECK(contains(aperiodic.err, "column 'value': no period found"));
  CHECK(contains(aperiodic.err, "--set period=P"));
  CHECK(scratch.run("detect -a seasonal --set seasonal=6 " + file).code == 2);  // before reading
  const Result all_missing = scratch.run("detect -a seasonal --set period=2 " +
                                         scratch.write("gone.csv", "v\nnan\nNaN\nNAN\nnan\n"));
  CHECK(all_missing.code == 3);
  CHECK(contains(all_missing.err, "column 'v': every one of the 4 values is missing"));
  // Other detectors still need numbers.
  const Result strict = scratch.run("detect -a zscore " + file);
  CHECK(strict.code == 3);
  CHECK(contains(strict.err, "empty cell"));
}

TEST_CASE("detect --stats counts the labelled windows that get a flag") {
  const Scratch scratch;
  // Windows at rows 20-24 (a spike at 22) and 60-64 (raised, but below the threshold); a false
  // alarm at row 40.
  std::string text = "timestamp,value,window,label\n";
  for (int t = 0; t < 80; ++t) {
    const bool window = (t >= 20 && t < 25) || (t >= 60 && t < 65);
    const double value = t == 22 ? 50 : t == 40 ? -45 : t >= 60 && t < 65 ? 3 : (t * 37) % 11 * 0.1;
    text += std::to_string(1000 + 300 * t) + "," + std::to_string(value) + "," +
            (window ? "1" : "0") + "," + (t == 22 ? "1" : "0") + "\n";
  }
  const Result result = scratch.run("detect -a zscore --stats " + scratch.write("nab.csv", text));
  REQUIRE(result.code == 0);
  const auto stats = stats_of(result.err);
  CHECK(stats["d"] == 1);  // the value only: not the time stamp, not the windows
  CHECK(stats["windows"] == 2);
  CHECK(stats["windows_flagged"] == 1);
  CHECK(stats["flags_outside_windows"] == 1);
  CHECK(stats["window_roc_auc"].get<double>() > 0.7);  // 6 of the 10 window rows rank high
  CHECK(stats["labelled_anomalies"] == 1);
  // --plot: the value and the score panels, both windows shaded on each, the two flags ringed.
  const auto svg_path = scratch.path("run.svg");
  REQUIRE(scratch
              .run("detect -a zscore -o /dev/null --plot " + svg_path + " " +
                   scratch.write("nab2.csv", text))
              .code == 0);
  const std::string svg = read_text(svg_path);
  CHECK(svg.rfind("<svg ", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(count_of(svg, "class=\"panel\"") == 2);
  CHECK(count_of(svg, "class=\"window\"") == 4);
  CHECK(count_of(svg, "<circle class=\"flag\"") == 2);
  CHECK(count_of(svg, "class=\"threshold\"") == 1);
  CHECK(contains(svg, ">1000 (row 0)<"));  // the time column's ends, as written
  CHECK(contains(svg, ">24700 (row 79)<"));
  // With a period, the first feature's decomposition: three more panels.
  REQUIRE(scratch
              .run("detect -a seasonal --set period=10 -o /dev/null --plot " + svg_path + " " +
                   scratch.write("nab3.csv", text))
              .code == 0);
  CHECK(count_of(read_text(svg_path), "class=\"panel\"") == 5);
  // Unix seconds read as UTC dates.
  std::string dated = "timestamp,value\n";
  for (int t = 0; t < 48; ++t) {
    dated += std::to_string(1396310400 + 3600 * t) + "," + std::to_string(t % 24) + "\n";
  }
  REQUIRE(scratch
              .run("detect -a zscore -o /dev/null --plot " + svg_path + " " +
                   scratch.write("dated.csv", dated))
              .code == 0);
  CHECK(contains(read_text(svg_path), ">2014-04-01 00:00 UTC (row 0)<"));
  CHECK(contains(read_text(svg_path), ">2014-04-02 23:00 UTC (row 47)<"));
  const Result unwritable =
      scratch.run("detect -a zscore --plot /nonexistent/dir/p.svg " + scratch.path("nab3.csv"));
  CHECK(unwritable.code == 3);
  CHECK(contains(unwritable.err, "cannot write the plot"));
}

TEST_CASE("decompose writes trend, seasonal and remainder of one series") {
  const Scratch scratch;
  Eigen::VectorXd series(60);
  std::string text = "time,value\n";
  for (int t = 0; t < 60; ++t) {
    series[t] = 5 + 0.1 * t + (t % 6 < 3 ? 2.0 : -2.0) + 0.01 * ((t * 17) % 7);
    char cell[40];
    std::snprintf(cell, sizeof cell, "%.17g", series[t]);
    text += std::to_string(t) + "," + cell + "\n";
  }
  const auto data = scratch.write("series.csv", text);
  // Each method's lines against the library's own result, value for value.
  const auto require_parts = [&](const std::string& flags, const anomaly::Vector<double>& trend,
                                 const anomaly::Vector<double>& seasonal,
                                 const anomaly::Vector<double>& remainder) {
    const Result result = scratch.run("decompose --period 6 --time-column time " + flags + data);
    REQUIRE(result.code == 0);
    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 61);
    CHECK(lines[0] == "trend,seasonal,remainder");
    for (int t = 0; t < 60; ++t) {
      INFO(flags << "row " << t << ": " << lines[static_cast<std::size_t>(t + 1)]);
      std::istringstream row(lines[static_cast<std::size_t>(t + 1)]);
      for (const auto* part : {&trend, &seasonal, &remainder}) {
        std::string cell;
        std::getline(row, cell, ',');
        if (std::isnan((*part)[t])) {
          CHECK(cell == "nan");
        } else {
          CHECK(std::stod(cell) == (*part)[t]);  // shortest round-trip text: exact
        }
      }
    }
    return result.out;
  };
  const auto plain = anomaly::stl(series, {.period = 6});
  const auto default_out = require_parts("", plain.trend, plain.seasonal, plain.remainder);
  const auto robust = anomaly::stl(series, {.period = 6, .robust = true});
  require_parts("--robust ", robust.trend, robust.seasonal, robust.remainder);
  const auto classical = anomaly::seasonal_decompose(series, {.period = 6});
  require_parts("--classical ", classical.trend, classical.seasonal, classical.remainder);
  const Result result{0, default_out, ""};
  // The period estimated, the same parts; a plot of four panels.
  const auto svg = scratch.path("parts.svg");
  const Result estimated = scratch.run("decompose --time-column time --plot " + svg + " " + data);
  REQUIRE(estimated.code == 0);
  CHECK(estimated.out == result.out);
  CHECK(count_of(read_text(svg), "class=\"panel\"") == 4);
  const Result two = scratch.run("decompose --period 6 " + data);  // time is a feature here
  CHECK(two.code == 2);
  CHECK(contains(two.err, "pick one with --features"));
  const Result short_series = scratch.run("decompose --period 40 --time-column time " + data);
  CHECK(short_series.code == 3);
  CHECK(contains(short_series.err, "period 40 needs at least two periods (80)"));
}

TEST_CASE("stream prints each score as soon as its row arrives, before the input ends") {
  std::signal(SIGPIPE, SIG_IGN);
  int to_child[2];
  int from_child[2];
  REQUIRE(::pipe(to_child) == 0);
  REQUIRE(::pipe(from_child) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);
    ::execl(ANOMALY_CLI, "anomaly", "stream", "-a", "rolling_zscore", "--set", "window=4", "--set",
            "min_samples=2", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  // One line of the child's output, waiting at most 20 s: "" on timeout or end of output.
  const auto read_line = [&] {
    std::string line;
    char c = 0;
    while (true) {
      pollfd ready{from_child[0], POLLIN, 0};
      if (::poll(&ready, 1, 20000) <= 0 || ::read(from_child[0], &c, 1) != 1) return std::string();
      if (c == '\n') return line;
      line += c;
    }
  };
  const auto send = [&](const std::string& text) {
    return ::write(to_child[1], text.data(), text.size()) == static_cast<ssize_t>(text.size());
  };
  REQUIRE(send("x\n1\n2\n"));
  CHECK(read_line() == "score,is_anomaly");
  CHECK(read_line() == "0,0");
  CHECK(read_line() == "0,0");
  REQUIRE(send("3\n"));  // scored against {1, 2}: |3 - 1.5| / 0.5 = 3, not above 3
  CHECK(read_line() == "3,0");
  REQUIRE(send("100\n"));
  CHECK(read_line().substr(0, 2) != "0,");
  ::close(to_child[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(from_child[0]);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("stream reports a bad row with its line and exits 3") {
  const Scratch scratch;
  const Result result = scratch.run("stream -a rolling_iqr", "a,b\n1,2\n3,x\n");
  CHECK(result.code == 3);
  CHECK(lines_of(result.out).size() == 2);  // the header and the good row's score
  CHECK(contains(result.err, "<stdin>:3: column 2 (b)"));
}

TEST_CASE("detect runs on the bundled thyroid data set") {
  const Scratch scratch;
  const Result result =
      scratch.run(std::string("detect -a iqr --stats ") + ANOMALY_SOURCE_DIR "/data/thyroid.csv");
  REQUIRE(result.code == 0);
  const auto stats = stats_of(result.err);
  CHECK(stats["n"] == 3772);
  CHECK(stats["d"] == 6);
  CHECK(stats["roc_auc"].get<double>() > 0.5);
  CHECK(stats["roc_auc"].get<double>() <= 1.0);
}
