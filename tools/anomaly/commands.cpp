#include "commands.hpp"

#include "algorithms.hpp"
#include "csv_reader.hpp"
#include "plot.hpp"
#include "report.hpp"

#include <anomaly/core.hpp>
#include <anomaly/timeseries/period.hpp>
#include <anomaly/timeseries/seasonal_decompose.hpp>
#include <anomaly/timeseries/stl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>

namespace anomaly::cli {
namespace {

/// Wall-clock time since construction or the previous lap().
class Stopwatch {
 public:
  double lap() noexcept {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    start_ = now;
    return seconds;
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::vector<Setting> parse_settings(const Options& options) {
  std::vector<Setting> settings;
  for (const std::string& text : options.settings) settings.push_back(parse_setting(text));
  return settings;
}

CsvOptions csv_options(const Options& options) {
  return {options.features, options.label_column, options.label_column_given, options.window_column,
          options.time_column};
}

/// The --contamination rule, checked before any data is read.
std::optional<Threshold> contamination_rule(const Options& options) {
  if (!options.contamination) return std::nullopt;
  const Threshold rule = Threshold::contamination(*options.contamination);
  if (auto error = check(rule)) throw UsageError(std::string("--") + error->message());
  return rule;
}

template <Scalar T>
Stats start_stats(const std::string& algorithm) {
  Stats stats;
  stats.algorithm = algorithm;
  stats.scalar = std::is_same_v<T, float> ? "float" : "double";
  return stats;
}

std::vector<double> values_of(const auto& column) {
  std::vector<double> values(static_cast<std::size_t>(column.size()));
  for (Index i = 0; i < column.size(); ++i)
    values[static_cast<std::size_t>(i)] = static_cast<double>(column[i]);
  return values;
}

/// A decomposition of the first feature, for --plot.
template <Scalar T>
struct PlotParts {
  StlResult<T> parts;
  std::string how;  ///< e.g. "robust STL, period 24"
};

/// Fills in what --stats reports about finished scores and their flags.
template <Scalar T>
void complete_stats(Stats& stats, const Vector<T>& scores, const Labels& flags,
                    std::optional<double> threshold, const std::optional<Labels>& labels,
                    const std::optional<Labels>& windows) {
  stats.n = scores.size();
  stats.threshold = threshold;
  stats.anomalies = flags.count();
  stats.evaluation = evaluate(scores, labels);
  stats.windows = evaluate_windows(scores, flags, windows);
}

/// --plot: the first three features with the flagged rows ringed, the scores and the threshold,
/// the labelled windows shaded; with `decomposed`, the first feature's parts too.
template <Scalar T>
void plot_run(const std::string& path, const CsvTable<T>& data, const Vector<T>& scores,
              const Labels& flags, std::optional<double> threshold, const std::string& algorithm,
              const std::optional<PlotParts<T>>& decomposed) {
  Plot plot;
  plot.rows = data.rows;
  plot.shaded = data.windows;
  plot.x_span = data.time_span;
  std::vector<Index> flagged;
  for (Index row = 0; row < data.rows; ++row) {
    if (flags[row]) flagged.push_back(row);
  }
  const std::string file = data.source.substr(data.source.find_last_of('/') + 1);
  plot.title = "anomaly detect -a " + algorithm + ": " + file + ", " + std::to_string(data.rows) +
               " rows, " + std::to_string(flagged.size()) + " flagged" +
               (data.windows ? " (labelled windows shaded)" : "");
  for (Index j = 0; j < std::min<Index>(data.cols(), 3); ++j) {
    const std::string& name = data.feature_names[static_cast<std::size_t>(j)];
    plot.panels.push_back(
        {name, {{name, values_of(data.features().col(j)), "#1f77b4"}}, {}, flagged});
  }
  plot.panels.push_back({threshold ? "score (threshold dashed)" : "score",
                         {{algorithm, values_of(scores), "#444444"}},
                         threshold,
                         {}});
  if (decomposed) {
    const auto& parts = decomposed->parts;
    const std::string of = " of " + data.feature_names[0] + " (" + decomposed->how + ")";
    plot.panels.push_back({"trend" + of, {{"trend", values_of(parts.trend), "#2ca02c"}}, {}, {}});
    plot.panels.push_back(
        {"seasonal" + of, {{"seasonal", values_of(parts.seasonal), "#9467bd"}}, {}, {}});
    plot.panels.push_back(
        {"remainder" + of, {{"remainder", values_of(parts.remainder), "#8c564b"}}, {}, flagged});
  }
  write_svg(path, plot);
}

/// Writes the scores, then --stats, --top and --plot, for a finished run over `data`.
template <Scalar T>
void finish(const Options& options, const CsvTable<T>& data, const Vector<T>& scores,
            const Labels& flags, std::optional<double> threshold, Stats stats,
            const std::optional<PlotParts<T>>& decomposed = std::nullopt) {
  write_scores(options.output, scores, flags);
  if (!options.plot_file.empty()) {
    plot_run(options.plot_file, data, scores, flags, threshold, stats.algorithm, decomposed);
  }
  if (!options.stats && options.top == 0) return;
  stats.d = data.cols();
  complete_stats(stats, scores, flags, threshold, data.labels, data.windows);
  if (options.stats) print_stats(stats);
  if (options.top > 0) {
    print_top(data, scores, flags, threshold, static_cast<Index>(options.top), stats.algorithm,
              stats.evaluation);
  }
}

/// finish() for the scores of a detector that flags those above `threshold`.
template <Scalar T>
void finish(const Options& options, const CsvTable<T>& data, const Vector<T>& scores, T threshold,
            Stats stats, const std::optional<PlotParts<T>>& decomposed = std::nullopt) {
  finish(options, data, scores, flags_above(scores, threshold), static_cast<double>(threshold),
         std::move(stats), decomposed);
}

/// The period the settings give, if any (already checked by the detector's parameters).
std::optional<Index> period_of(const std::vector<Setting>& settings) {
  for (const Setting& setting : settings) {
    if (setting.key == "period") return static_cast<Index>(std::stoll(setting.value));
  }
  return std::nullopt;
}

/// Whether `algorithm` has a period and the settings leave it to the data.
bool needs_period(const Algorithm& algorithm, const std::vector<Setting>& settings) {
  const auto& parameters = algorithm.parameters;
  const bool has = std::any_of(parameters.begin(), parameters.end(),
                               [](const ParameterInfo& info) { return info.name == "period"; });
  const bool set = std::any_of(settings.begin(), settings.end(),
                               [](const Setting& setting) { return setting.key == "period"; });
  return has && !set;
}

/// The period of the first feature of `table` (anomaly::estimate_period); InputError when none.
template <Scalar T>
Index estimated_period(const CsvTable<T>& table) {
  const auto found = estimate_period(table.features().col(0));
  if (found.period == 0) {
    throw InputError(located(table.source, 0,
                             "no period found in column '" + table.feature_names[0] +
                                 "' (its autocorrelation has no clear peak): set one with --set "
                                 "period=P"));
  }
  return found.period;
}

/// The robust STL of the first feature for --plot, when there is a period and two cycles of data.
template <Scalar T>
std::optional<PlotParts<T>> plot_parts(const Options& options, const CsvTable<T>& data,
                                       std::optional<Index> period) {
  if (options.plot_file.empty() || !period || data.rows < 2 * *period) return std::nullopt;
  return PlotParts<T>{stl(data.features().col(0), {.period = *period, .robust = true}),
                      "robust STL, period " + std::to_string(*period)};
}

/// detect with a detector of whole series: each feature column is one series (empty or nan
/// cells are missing values); a row scores the largest of its columns' scores (NaN when it is
/// missing in all), and is flagged when any column flags it.
template <Scalar T>
void detect_series(const Options& options, const Algorithm& algorithm) {
  const auto settings = parse_settings(options);
  const auto rule = contamination_rule(options);
  const auto scorer = make_series<T>(algorithm, settings);
  if (!options.train_file.empty()) {
    throw UsageError(options.algorithm +
                     " detects in whole series: --train does not apply (give the whole series "
                     "as FILE)");
  }
  Stats stats = start_stats<T>(options.algorithm);
  Stopwatch clock;
  CsvOptions data_options = csv_options(options);
  data_options.allow_missing = true;
  const CsvTable<T> data = read_csv<T>(options.file, data_options);
  stats.parse_seconds = clock.lap();
  Vector<T> scores = Vector<T>::Constant(data.rows, std::numeric_limits<T>::quiet_NaN());
  Labels flags = Labels::Constant(data.rows, false);
  std::optional<PlotParts<T>> decomposed;
  for (Index j = 0; j < data.cols(); ++j) {
    const std::string& name = data.feature_names[static_cast<std::size_t>(j)];
    SeasonalDetection<T> found;
    try {
      found = scorer->detect(data.features().col(j));
    } catch (const anomaly::Exception& error) {
      // The parameters were checked before reading: what remains is a period not found.
      const bool period = error.code() == ErrorCode::invalid_parameter;
      throw InputError(located(
          data.source, 0,
          "column '" + name + "': " + error.what() + (period ? " (here: --set period=P)" : "")));
    }
    for (Index row = 0; row < data.rows; ++row) {
      const T score = found.scores[row];
      if (!std::isnan(score) && (std::isnan(scores[row]) || score > scores[row])) {
        scores[row] = score;
      }
    }
    for (const Index row : found.anomalies) flags[row] = true;
    if (j > 0) continue;
    stats.period = found.period;
    if (!options.plot_file.empty()) {
      decomposed = PlotParts<T>{std::move(found.parts),
                                "the detector's STL, period " + std::to_string(found.period)};
    }
  }
  std::optional<double> threshold = scorer->threshold();
  if (rule) {
    Vector<T> scored(data.rows);
    const auto end = std::copy_if(scores.begin(), scores.end(), scored.begin(),
                                  [](T score) { return !std::isnan(score); });
    scored.conservativeResize(end - scored.begin());
    const T cutoff = resolve(*rule, ScoreSummary<T>::of(scored));
    threshold = static_cast<double>(cutoff);
    flags = flags_above(scores, cutoff);
  }
  stats.fit_seconds = clock.lap();  // as outlier mode: detecting is fitting and scoring at once
  finish(options, data, scores, flags, threshold, std::move(stats), decomposed);
}

template <Scalar T>
void detect(const Options& options) {
  const Algorithm& algorithm = find_algorithm(options.algorithm);
  if (algorithm.series()) return detect_series<T>(options, algorithm);
  auto settings = parse_settings(options);
  const auto rule = contamination_rule(options);
  // Made before reading so that usage errors come first; remade below with the real width.
  std::optional<AnyDetector<T>> detector;
  if (algorithm.streaming()) {
    make_stream<T>(algorithm, settings, 1);
  } else {
    detector = make_detector<T>(algorithm, settings);
  }
  Stats stats = start_stats<T>(options.algorithm);
  Stopwatch clock;
  std::optional<CsvTable<T>> train;
  CsvOptions data_options = csv_options(options);
  if (!options.train_file.empty()) {
    train = read_csv<T>(options.train_file, data_options);
    data_options.features = train->feature_names;  // the same columns, by name
    stats.n_train = train->rows;
  }
  const CsvTable<T> data = read_csv<T>(options.file, data_options);
  stats.parse_seconds = clock.lap();
  if (needs_period(algorithm, settings)) {
    const CsvTable<T>& source = train ? *train : data;
    stats.period = estimated_period(source);
    settings.push_back({"period", std::to_string(*stats.period)});
  }
  Vector<T> scores;
  T threshold = 0;
  if (algorithm.streaming()) {
    const auto scorer = make_stream<T>(algorithm, settings, data.cols());
    if (train) scorer->update_all(train->features());  // warms the window up
    stats.fit_seconds = clock.lap();
    scores = scorer->update_all(data.features());
    threshold = rule ? resolve(*rule, ScoreSummary<T>::of(scores)) : scorer->threshold();
    stats.score_seconds = clock.lap();
  } else if (train) {
    AnyModel<T> model = detector->fit(train->features());
    if (rule) model = with_threshold(std::move(model), *rule);
    stats.fit_seconds = clock.lap();
    scores = model.score(data.features());
    threshold = model.threshold;
    stats.score_seconds = clock.lap();
  } else {
    // Outlier mode: fit_score scores the training rows as it fits, so fit_seconds covers both.
    auto fitted = detector->fit_score(data.features());
    threshold = rule ? with_threshold(fitted.model, *rule).threshold : fitted.model.threshold;
    scores = std::move(fitted.scores);
    stats.fit_seconds = clock.lap();
    stats.score_seconds = clock.lap();
  }
  finish(options, data, scores, threshold, std::move(stats),
         plot_parts(options, data, period_of(settings)));
}

template <Scalar T>
void train(const Options& options) {
  const Algorithm& algorithm = find_algorithm(options.algorithm);
  const AnyDetector<T> detector = make_detector<T>(algorithm, parse_settings(options));
  const auto rule = contamination_rule(options);
  Stats stats = start_stats<T>(options.algorithm);
  Stopwatch clock;
  const CsvTable<T> data = read_csv<T>(options.file, csv_options(options));
  stats.parse_seconds = clock.lap();
  // The training rows' scores only feed --stats: without it, fit() may skip them (IsolationForest
  // then scores at most 4096 rows instead of all).
  auto fitted = options.stats ? detector.fit_score(data.features())
                              : FitScore<AnyModel<T>>{detector.fit(data.features()), {}};
  if (rule) fitted.model = with_threshold(std::move(fitted.model), *rule);
  stats.fit_seconds = clock.lap();
  const std::vector<std::byte> bytes = fitted.model.save();
  std::FILE* file = std::fopen(options.model_file.c_str(), "wb");
  const bool written = file != nullptr &&
                       std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() &&
                       std::fclose(file) == 0;
  if (!written) {
    throw InputError(located(options.model_file, 0, "cannot write the model file"));
  }
  if (options.stats) {
    stats.d = data.cols();
    complete_stats(stats, fitted.scores, flags_above(fitted.scores, fitted.model.threshold),
                   static_cast<double>(fitted.model.threshold), data.labels, data.windows);
    print_stats(stats);
  }
}

template <Scalar T>
void score(const Options& options, const Algorithm& algorithm, std::span<const std::byte> bytes) {
  const auto rule = contamination_rule(options);
  AnyModel<T> model = [&] {
    try {
      return algorithm.makers<T>().load(bytes);
    } catch (const anomaly::Exception& error) {
      throw InputError(located(options.model_file, 0, error.what()));
    }
  }();
  if (rule) model = with_threshold(std::move(model), *rule);
  Stats stats = start_stats<T>(std::string(algorithm.name));
  Stopwatch clock;
  const CsvTable<T> data = read_csv<T>(options.file, csv_options(options));
  stats.parse_seconds = clock.lap();
  if (data.cols() != model.n_features()) {
    throw InputError(located(data.source, 1,
                             std::to_string(data.cols()) + " feature columns, but the model in " +
                                 options.model_file + " was trained on " +
                                 std::to_string(model.n_features())));
  }
  const Vector<T> scores = model.score(data.features());
  stats.score_seconds = clock.lap();
  finish(options, data, scores, model.threshold, std::move(stats));
}

template <Scalar T>
void stream(const Options& options) {
  const Algorithm& algorithm = find_streaming(options.algorithm);
  const auto settings = parse_settings(options);
  make_stream<T>(algorithm, settings, 1);  // usage errors before waiting for input
  std::ios::sync_with_stdio(false);        // std::cin reads in blocks, not byte by byte
  std::string line;
  if (!std::getline(std::cin, line)) {
    throw InputError(located("<stdin>", 0, "empty input: expected a header line"));
  }
  const RowParser<T> parser(line, "<stdin>", csv_options(options));
  const auto scorer = make_stream<T>(algorithm, settings, parser.n_features());
  const T threshold = scorer->threshold();
  std::vector<T> row(static_cast<std::size_t>(parser.n_features()));
  bool label = false, window = false;
  // --stats keeps every score, label and window flag until the input ends; without it, nothing.
  std::vector<T> scores;
  std::vector<bool> labels, windows;
  Stats stats = start_stats<T>(std::string(algorithm.name));
  Stopwatch clock;
  std::fputs("score,is_anomaly\n", stdout);
  std::fflush(stdout);
  char buffer[64];
  for (Index line_number = 2; std::getline(std::cin, line); ++line_number) {
    if (blank_line(line)) continue;
    parser.parse(line, line_number, row.data(), 1, &label, &window);
    const T score = scorer->update(row.data());
    const char* end = append_score_line(buffer, score, score > threshold);
    std::fwrite(buffer, 1, static_cast<std::size_t>(end - buffer), stdout);
    std::fflush(stdout);  // each score leaves as soon as its row arrived
    if (!options.stats) continue;
    scores.push_back(score);
    labels.push_back(label);
    windows.push_back(window);
  }
  if (!options.stats) return;
  stats.score_seconds = clock.lap();  // reading, scoring and writing: the stream's pace
  const auto n = static_cast<Index>(scores.size());
  const auto marks = [n](const std::vector<bool>& marked, bool present) -> std::optional<Labels> {
    if (!present) return std::nullopt;
    Labels out(n);
    for (Index i = 0; i < n; ++i) out[i] = marked[static_cast<std::size_t>(i)];
    return out;
  };
  const Vector<T> all = Eigen::Map<const Vector<T>>(scores.data(), n);
  stats.d = parser.n_features();
  complete_stats(stats, all, flags_above(all, threshold), static_cast<double>(threshold),
                 marks(labels, parser.has_labels()), marks(windows, parser.has_windows()));
  print_stats(stats);
}

template <Scalar T>
void decompose(const Options& options) {
  const CsvTable<T> data = read_csv<T>(options.file, csv_options(options));
  if (data.cols() != 1) {
    std::string names;
    for (const std::string& name : data.feature_names) names += (names.empty() ? "" : ", ") + name;
    throw UsageError("decompose takes one series; " + options.file + " has " +
                     std::to_string(data.cols()) + " feature columns (" + names +
                     "): pick one with --features NAME");
  }
  const Index period = options.period > 0 ? options.period : estimated_period(data);
  Decomposition<T> parts;
  if (options.classical) {
    parts = seasonal_decompose(data.features().col(0), {.period = period});
  } else {
    auto fitted = stl(data.features().col(0), {.period = period, .robust = options.robust});
    parts = Decomposition<T>{std::move(fitted.trend), std::move(fitted.seasonal),
                             std::move(fitted.remainder)};
  }
  write_decomposition(options.output, parts);
  if (options.plot_file.empty()) return;
  const std::string& name = data.feature_names[0];
  Plot plot;
  plot.rows = data.rows;
  plot.shaded = data.windows;
  plot.x_span = data.time_span;
  plot.title = "anomaly decompose: " + name + ", " + std::to_string(data.rows) + " rows, period " +
               std::to_string(period) +
               (options.classical ? " (moving averages)"
                : options.robust  ? " (robust STL)"
                                  : " (STL)");
  plot.panels = {{name, {{name, values_of(data.features().col(0)), "#1f77b4"}}, {}, {}},
                 {"trend", {{"trend", values_of(parts.trend), "#2ca02c"}}, {}, {}},
                 {"seasonal", {{"seasonal", values_of(parts.seasonal), "#9467bd"}}, {}, {}},
                 {"remainder", {{"remainder", values_of(parts.remainder), "#8c564b"}}, {}, {}}};
  write_svg(options.plot_file, plot);
}

}  // namespace

void run_decompose(const Options& options) {
  options.use_float ? decompose<float>(options) : decompose<double>(options);
}

void run_detect(const Options& options) {
  options.use_float ? detect<float>(options) : detect<double>(options);
}

void run_train(const Options& options) {
  options.use_float ? train<float>(options) : train<double>(options);
}

void run_score(const Options& options) {
  const std::string text = read_file(options.model_file);
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(text.data()),
                                         text.size());
  ModelInfo info;
  if (auto error = inspect(bytes, info)) {
    throw InputError(located(options.model_file, 0, error->message()));
  }
  const Algorithm* algorithm = find_by_model_tag(info.tag_view());
  if (algorithm == nullptr) {
    throw InputError(located(
        options.model_file, 0,
        "holds a '" + std::string(info.tag_view()) + "' model, which this program cannot score"));
  }
  info.scalar_size == 4 ? score<float>(options, *algorithm, bytes)
                        : score<double>(options, *algorithm, bytes);
}

void run_stream(const Options& options) {
  options.use_float ? stream<float>(options) : stream<double>(options);
}

void run_list() {
  const auto print = [](auto wanted) {
    for (const Algorithm& algorithm : algorithms()) {
      if (!wanted(algorithm)) continue;
      std::printf("\n  %s\n      %.*s\n", std::string(algorithm.name).c_str(),
                  static_cast<int>(algorithm.summary.size()), algorithm.summary.data());
      for (const ParameterInfo& parameter : algorithm.parameters) {
        const std::string setting = parameter.name + "=" + parameter.default_value;
        std::printf("      --set %-22s %s\n", setting.c_str(), parameter.meaning.c_str());
      }
    }
  };
  std::printf(
      "Batch detectors (detect, train, score): fitted on rows, scoring rows; the univariate\n"
      "ones score each feature on its own and combine them (combine=max by default):\n");
  print([](const Algorithm& a) { return !a.streaming() && !a.series(); });
  std::printf(
      "\nDetectors of whole series (detect): each feature column is one time series, seen\n"
      "whole; the row's score is the largest of its columns':\n");
  print([](const Algorithm& a) { return a.series(); });
  std::printf(
      "\nStreaming detectors (detect, stream): one detector per feature column, each row\n"
      "scored against the rows before it; the row's score is the largest of them:\n");
  print([](const Algorithm& a) { return a.streaming(); });
  std::printf(
      "\nDefaults are shown after '='. Scores above the threshold are anomalies;\n"
      "--contamination C instead flags the share C of the training rows.\n");
}

}  // namespace anomaly::cli
