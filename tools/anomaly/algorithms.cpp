#include "algorithms.hpp"

#include "parameters.hpp"

#include <anomaly/detectors.hpp>
#include <anomaly/streaming.hpp>

#include <algorithm>
#include <type_traits>
#include <utility>

namespace anomaly::cli {
namespace {

/// Runs `make`, turning the library's parameter checks into usage errors.
template <class Make>
auto checked(Make make) {
  try {
    return make();
  } catch (const anomaly::Exception& error) {
    throw UsageError(std::string("--set: ") + error.what());
  }
}

/// Default Params with `settings` applied to the fields that `Fields{}()` lists.
template <class Params, class Fields>
Params params_from(std::span<const Setting> settings) {
  Params params{};
  apply(params, settings, Fields{}());
  return params;
}

// `class`, not `Scalar`: clang 14 crashes on constrained template template parameters.
template <template <class> class D, class Fields, Scalar T>
Makers<T> batch_makers() {
  Makers<T> makers;
  makers.detector = [](std::span<const Setting> settings) {
    const auto params = params_from<typename D<T>::Params, Fields>(settings);
    return checked([&] { return AnyDetector<T>(D<T>(params)); });
  };
  makers.load = [](std::span<const std::byte> bytes) {
    return AnyModel<T>(anomaly::load<typename D<T>::Model>(bytes));
  };
  return makers;
}

/// One univariate streaming detector S per feature; a row scores the largest of theirs.
template <class S>
class PerColumn final : public StreamScorer<typename S::Scalar> {
  using T = typename S::Scalar;

 public:
  PerColumn(const typename S::Params& params, Index n_features) {
    detectors_.reserve(static_cast<std::size_t>(n_features));
    for (Index j = 0; j < n_features; ++j) detectors_.emplace_back(params);
  }

  T update(const T* row) noexcept override {
    T score = 0;
    for (std::size_t j = 0; j < detectors_.size(); ++j) {
      score = std::max(score, detectors_[j].update(row[j]));
    }
    return score;
  }

  // Column by column: the detectors are independent, so this equals update() row by row.
  Vector<T> update_all(const MatrixRef<T>& X) override {
    const auto rows = static_cast<std::size_t>(X.rows());
    Vector<T> scores = Vector<T>::Zero(X.rows());
    Vector<T> column_scores(X.rows());
    for (std::size_t j = 0; j < detectors_.size(); ++j) {
      const std::span<const T> column(X.col(static_cast<Index>(j)).data(), rows);
      detectors_[j].update(column, std::span<T>(column_scores.data(), rows));
      scores = scores.cwiseMax(column_scores);
    }
    return scores;
  }

  T threshold() const noexcept override {
    return static_cast<T>(detectors_.front().params().threshold);
  }

 private:
  std::vector<S> detectors_;
};

/// SeasonalDetector as a SeriesScorer.
template <Scalar T>
class SeasonalSeries final : public SeriesScorer<T> {
 public:
  using Params = SeasonalDetectorParams;
  explicit SeasonalSeries(const Params& params) : detector_(params) {}

  SeasonalDetection<T> detect(const Vector<T>& series) const override {
    return detector_.detect(series);
  }

  std::optional<double> threshold() const noexcept override {
    if (detector_.params().max_anomalies > 0) return std::nullopt;
    return detector_.params().threshold;
  }

 private:
  SeasonalDetector<T> detector_;
};

/// The makers of S<T>, which has no model to fit or save: a scorer of whole series if it is a
/// SeriesScorer, else a streaming detector run on each feature column.
template <template <class> class S, class Fields, Scalar T>
Makers<T> scorer_makers() {
  Makers<T> makers;
  if constexpr (std::is_base_of_v<SeriesScorer<T>, S<T>>) {
    makers.series = [](std::span<const Setting> settings) {
      const auto params = params_from<typename S<T>::Params, Fields>(settings);
      return checked(
          [&]() -> std::unique_ptr<SeriesScorer<T>> { return std::make_unique<S<T>>(params); });
    };
  } else {
    makers.stream = [](std::span<const Setting> settings, Index n_features) {
      const auto params = params_from<typename S<T>::Params, Fields>(settings);
      return checked([&]() -> std::unique_ptr<StreamScorer<T>> {
        return std::make_unique<PerColumn<S<T>>>(params, n_features);
      });
    };
  }
  return makers;
}

/// A registry entry for the streaming detector or series scorer template S (no model);
/// `fields` lists its settable fields.
template <template <class> class S, class Fields>
Algorithm scorer(std::string_view name, std::string_view summary, Fields fields) {
  return {name,
          summary,
          {},
          describe(fields()),
          scorer_makers<S, Fields, double>(),
          scorer_makers<S, Fields, float>()};
}

// The streaming detectors with their state allocated at run time, as one-parameter templates.
template <Scalar T>
using RollingZScoreOf = RollingZScore<T>;
template <Scalar T>
using RollingMedianAbsoluteDeviationOf = RollingMedianAbsoluteDeviation<T>;
template <Scalar T>
using RollingInterquartileRangeOf = RollingInterquartileRange<T>;
template <Scalar T>
using StreamingSeasonalOf = StreamingSeasonal<T>;

/// A registry entry for the batch detector template D; `fields` lists its settable Params fields.
template <template <class> class D, class Fields>
Algorithm batch(std::string_view name, std::string_view summary, Fields fields) {
  return {name,
          summary,
          D<double>::Model::serial_tag,
          describe(fields()),
          batch_makers<D, Fields, double>(),
          batch_makers<D, Fields, float>()};
}

constexpr std::string_view combine_meaning =
    "max or mean: how the features' scores make the row's score";
constexpr std::string_view window_meaning = "samples each value is scored against";
constexpr std::string_view warm_up_meaning =
    "warm-up: scores are 0 until the window holds this many";
constexpr std::string_view threshold_meaning = "a row is anomalous when its score is above this";
constexpr std::string_view fence_meaning = "k: 1.5 flags outliers, 3 flags far-out values";

std::vector<Algorithm> make_registry() {
  std::vector<Algorithm> registry;
  registry.push_back(batch<ZScore>(
      "zscore", "distance from the training mean in standard deviations, feature by feature", [] {
        return std::tuple{field("threshold", &ZScoreParams::threshold, threshold_meaning),
                          field("combine", &ZScoreParams::combine, combine_meaning)};
      }));
  registry.push_back(batch<ModifiedZScore>(
      "modified_zscore",
      "robust z-score of Iglewicz and Hoaglin: 0.6745 |x - median| / MAD, feature by feature", [] {
        return std::tuple{field("threshold", &ModifiedZScoreParams::threshold, threshold_meaning),
                          field("combine", &ModifiedZScoreParams::combine, combine_meaning)};
      }));
  registry.push_back(batch<InterquartileRange>(
      "iqr", "Tukey's fences: distance outside [Q1 - k IQR, Q3 + k IQR] in IQR units", [] {
        return std::tuple{
            field("fence", &InterquartileRangeParams::fence, fence_meaning),
            field("threshold", &InterquartileRangeParams::threshold,
                  "a row is anomalous when its distance outside the fences is above this"),
            field("combine", &InterquartileRangeParams::combine, combine_meaning)};
      }));
  registry.push_back(batch<IsolationForest>(
      "iforest",
      "isolation forest (Liu et al. 2008): s = 2^(-mean path length / c(psi)), in (0, 1]; "
      "extension_level > 0 gives the extended forest",
      [] {
        using P = IsolationForestParams;
        return std::tuple{
            field("n_trees", &P::n_trees, "trees in the forest"),
            field("max_samples", &P::max_samples, "rows per tree (psi); min(this, rows) is used"),
            field("max_features", &P::max_features,
                  "fraction of the features each tree sees, in (0, 1]"),
            field("bootstrap", &P::bootstrap, "draw each tree's rows with replacement"),
            field("extension_level", &P::extension_level,
                  "0: axis-parallel splits; k: oblique splits on k + 1 features"),
            field("seed", &P::seed, "the seed of every random draw"),
            field("threshold", &P::threshold,
                  "a row is anomalous when its score is above this (0.5: scikit-learn's auto)")};
      }));
  registry.push_back(batch<LocalOutlierFactor>(
      "lof",
      "local outlier factor (Breunig et al. 2000): the neighbours' mean density over the row's, "
      "about 1 inside clusters; fitted without --train, each row leaves itself out",
      [] {
        using P = LocalOutlierFactorParams;
        return std::tuple{
            field("n_neighbors", &P::n_neighbors, "k; min(k, rows - 1) is used"),
            field("threshold", &P::threshold,
                  "a row is anomalous when its LOF is above this (1.5: scikit-learn's auto)")};
      }));
  registry.push_back(batch<EllipticEnvelope>(
      "elliptic",
      "elliptic envelope: squared Mahalanobis distance to a robust (FastMCD) location and "
      "covariance, as scikit-learn's EllipticEnvelope draws and fits it for the same seed",
      [] {
        using P = EllipticEnvelopeParams;
        return std::tuple{
            field("support_fraction", &P::support_fraction,
                  "share of the rows in the raw MCD support, in (0, 1]; 0: (n + d + 1) / 2 rows"),
            field("assume_centered", &P::assume_centered,
                  "true: the location is 0 and only the covariance is estimated"),
            field("seed", &P::seed, "the seed of FastMCD's random subsets (random_state)"),
            field("threshold", &P::threshold,
                  "a row is anomalous when its score is above this (default: the top 10% of "
                  "the training rows, scikit-learn's contamination=0.1)")};
      }));
  registry.push_back(scorer<SeasonalSeries>(
      "seasonal",
      "what `detect` runs: STL (robust, seasonal window 2 cycles + 1) of each column, then the "
      "remainder's robust z, |r - median| / (MAD / 0.6745), or the generalized ESD test; empty "
      "or nan cells are missing (scored nan)",
      [] {
        using P = SeasonalDetectorParams;
        return std::tuple{
            field("period", &P::period, "samples per cycle; 0: estimated from each column"),
            field("robust", &P::robust,
                  "STL with robustness weights: anomalies barely bend the fit"),
            field("seasonal", &P::seasonal, "STL's seasonal window (odd); 0: 2 cycles + 1"),
            field("seasonal_jump", &P::seasonal_jump,
                  "the seasonal loess fitted every this many cycles, joined by lines; 0: "
                  "ceil(window / 10)"),
            field("max_anomalies", &P::max_anomalies,
                  "> 0: the generalized ESD test flags at most this many points per column"),
            field("alpha", &P::alpha, "the ESD test's significance level"),
            field("threshold", &P::threshold,
                  "without ESD, a point is flagged when its robust z is above this")};
      }));
  registry.push_back(scorer<RollingZScoreOf>(
      "rolling_zscore", "|x - mean| / stddev of the previous window, O(1) per sample", [] {
        using P = RollingZScoreParams;
        return std::tuple{field("window", &P::window, window_meaning),
                          field("min_samples", &P::min_samples, warm_up_meaning),
                          field("threshold", &P::threshold, threshold_meaning)};
      }));
  registry.push_back(scorer<RollingMedianAbsoluteDeviationOf>(
      "rolling_mad",
      "0.6745 |x - median| / MAD of the previous window, exact, O(log window) per sample", [] {
        using P = RollingMedianAbsoluteDeviationParams;
        return std::tuple{field("window", &P::window, window_meaning),
                          field("min_samples", &P::min_samples, warm_up_meaning),
                          field("threshold", &P::threshold, threshold_meaning)};
      }));
  registry.push_back(scorer<RollingInterquartileRangeOf>(
      "rolling_iqr",
      "distance outside the previous window's Tukey fences in IQR units, O(log window)", [] {
        using P = RollingInterquartileRangeParams;
        return std::tuple{field("window", &P::window, window_meaning),
                          field("min_samples", &P::min_samples, warm_up_meaning),
                          field("fence", &P::fence, fence_meaning),
                          field("threshold", &P::threshold, threshold_meaning)};
      }));
  registry.push_back(scorer<StreamingSeasonalOf>(
      "seasonal",
      "what `stream` runs (`detect` runs the whole-series one): |x - (level + its phase's "
      "value)| in units of the smoothed residual scale, Holt-Winters without a slope, O(1) per "
      "sample; scores are 0 for min_cycles periods",
      [] {
        using P = StreamingSeasonalParams;
        return std::tuple{
            field("period", &P::period, "samples per cycle (24: hourly data, one day)"),
            field("level_rate", &P::level_rate, "share of each residual the level takes"),
            field("seasonal_rate", &P::seasonal_rate,
                  "share of each residual the sample's phase takes (once per cycle)"),
            field("scale_rate", &P::scale_rate, "share of each |residual| the scale takes"),
            field("clip", &P::clip, "residuals beyond this many scales teach as if this large"),
            field("min_cycles", &P::min_cycles, "warm-up: scores are 0 for this many cycles"),
            field("threshold", &P::threshold, threshold_meaning)};
      }));
  return registry;
}

std::string known_names() {
  std::string names;
  for (const Algorithm& algorithm : algorithms()) {
    if (!names.empty()) names += ", ";
    names += algorithm.name;
  }
  return names;
}

}  // namespace

Setting parse_setting(std::string_view text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    throw UsageError("--set " + std::string(text) + ": expected KEY=VALUE");
  }
  return {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

const std::vector<Algorithm>& algorithms() {
  static const std::vector<Algorithm> registry = make_registry();
  return registry;
}

const Algorithm& find_algorithm(std::string_view name) {
  for (const Algorithm& algorithm : algorithms()) {
    if (algorithm.name == name) return algorithm;
  }
  throw UsageError("unknown algorithm '" + std::string(name) + "' (algorithms: " + known_names() +
                   "; `anomaly list` describes them)");
}

const Algorithm& find_streaming(std::string_view name) {
  for (const Algorithm& algorithm : algorithms()) {
    if (algorithm.name == name && algorithm.streaming()) return algorithm;
  }
  return find_algorithm(name);
}

const Algorithm* find_by_model_tag(std::string_view tag) {
  for (const Algorithm& algorithm : algorithms()) {
    if (!algorithm.model_tag.empty() && algorithm.model_tag == tag) return &algorithm;
  }
  return nullptr;
}

template <Scalar T>
AnyDetector<T> make_detector(const Algorithm& algorithm, std::span<const Setting> settings) {
  const auto make = algorithm.makers<T>().detector;
  if (make == nullptr) {
    throw UsageError(std::string(algorithm.name) +
                     (algorithm.series() ? " detects in whole series: it has no model to fit and "
                                           "save (use `anomaly detect` on the whole series)"
                                         : " is a streaming detector: it has no model to fit and "
                                           "save (use `anomaly detect` or `anomaly stream`)"));
  }
  return make(settings);
}

template <Scalar T>
std::unique_ptr<SeriesScorer<T>> make_series(const Algorithm& algorithm,
                                             std::span<const Setting> settings) {
  const auto make = algorithm.makers<T>().series;
  if (make == nullptr) {
    throw UsageError(std::string(algorithm.name) + " does not detect in whole series");
  }
  return make(settings);
}

template <Scalar T>
std::unique_ptr<StreamScorer<T>> make_stream(const Algorithm& algorithm,
                                             std::span<const Setting> settings, Index n_features) {
  const auto make = algorithm.makers<T>().stream;
  if (make == nullptr) {
    std::string streaming;
    for (const Algorithm& each : algorithms()) {
      if (!each.streaming()) continue;
      if (!streaming.empty()) streaming += ", ";
      streaming += each.name;
    }
    throw UsageError(std::string(algorithm.name) +
                     " is a batch detector and cannot score a stream; use a streaming one (" +
                     (streaming.empty() ? std::string("none yet") : streaming) + ")");
  }
  return make(settings, n_features);
}

template AnyDetector<double> make_detector<double>(const Algorithm&, std::span<const Setting>);
template AnyDetector<float> make_detector<float>(const Algorithm&, std::span<const Setting>);
template std::unique_ptr<SeriesScorer<double>> make_series<double>(const Algorithm&,
                                                                   std::span<const Setting>);
template std::unique_ptr<SeriesScorer<float>> make_series<float>(const Algorithm&,
                                                                 std::span<const Setting>);
template std::unique_ptr<StreamScorer<double>> make_stream<double>(const Algorithm&,
                                                                   std::span<const Setting>, Index);
template std::unique_ptr<StreamScorer<float>> make_stream<float>(const Algorithm&,
                                                                 std::span<const Setting>, Index);

}  // namespace anomaly::cli
