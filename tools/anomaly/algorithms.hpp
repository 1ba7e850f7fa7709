#pragma once
// The algorithms the CLI runs, one registry entry each (algorithms.cpp), and the type-erased
// handles the commands use: AnyDetector for batch detectors, SeriesScorer for detectors of whole
// series, StreamScorer for streaming ones.
#include <anomaly/combinators/any_detector.hpp>
#include <anomaly/detectors/seasonal.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace anomaly::cli {

/// Bad command-line usage (exit code 2): unknown algorithm or parameter, bad value, wrong mode.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One --set KEY=VALUE, in command-line order (later ones win).
struct Setting {
  std::string key;
  std::string value;
};

/// Splits "KEY=VALUE"; throws UsageError without an '='.
Setting parse_setting(std::string_view text);

/// One Params field as `anomaly list` shows it.
struct ParameterInfo {
  std::string name;
  std::string default_value;
  std::string meaning;
};

/// A streaming detector over rows of d features: one univariate detector per feature, the row's
/// score is the largest of theirs.
template <Scalar T>
class StreamScorer {
 public:
  virtual ~StreamScorer() = default;
  /// Scores one row (d values) against the window before it, then adds it.
  virtual T update(const T* row) noexcept = 0;
  /// update() over every row of X in order, column by column: one virtual call for the batch.
  virtual Vector<T> update_all(const MatrixRef<T>& X) = 0;
  /// Scores above this are anomalies.
  virtual T threshold() const noexcept = 0;
};

/// A detector of one whole series at a time (each feature column is one): it sees the past and
/// the future of every point, and may flag by a test rather than a threshold.
template <Scalar T>
class SeriesScorer {
 public:
  virtual ~SeriesScorer() = default;
  /// Scores and flags the points of `series` (NaN = missing; scored NaN, never flagged).
  virtual SeasonalDetection<T> detect(const Vector<T>& series) const = 0;
  /// The flags are the scores above this; none when a test (ESD) chooses them.
  virtual std::optional<double> threshold() const noexcept = 0;
};

/// What an algorithm can make for one scalar type; null where the mode does not apply.
template <Scalar T>
struct Makers {
  AnyDetector<T> (*detector)(std::span<const Setting>) = nullptr;
  std::unique_ptr<SeriesScorer<T>> (*series)(std::span<const Setting>) = nullptr;
  std::unique_ptr<StreamScorer<T>> (*stream)(std::span<const Setting>, Index n_features) = nullptr;
  AnyModel<T> (*load)(std::span<const std::byte>) = nullptr;
};

/// One registry entry.
struct Algorithm {
  std::string_view name;
  std::string_view summary;
  std::string_view model_tag;  ///< serial tag of its saved models; empty for streaming ones
  std::vector<ParameterInfo> parameters;
  Makers<double> for_double;
  Makers<float> for_float;

  bool streaming() const noexcept { return for_double.stream != nullptr; }
  bool series() const noexcept { return for_double.series != nullptr; }
  template <Scalar T>
  const Makers<T>& makers() const noexcept {
    if constexpr (std::is_same_v<T, float>) {
      return for_float;
    } else {
      return for_double;
    }
  }
};

/// Every algorithm, batch ones first, then those of whole series, then streaming ones, in the
/// order `anomaly list` prints them. A name may have a series and a streaming entry (seasonal).
const std::vector<Algorithm>& algorithms();

/// The first algorithm called `name` (what `detect` runs); throws UsageError listing the names.
const Algorithm& find_algorithm(std::string_view name);

/// The streaming algorithm called `name` (what `stream` runs), else find_algorithm(name).
const Algorithm& find_streaming(std::string_view name);

/// The batch algorithm whose models carry `tag`, or null.
const Algorithm* find_by_model_tag(std::string_view tag);

/// The batch detector `algorithm` with `settings` applied; UsageError for a streaming algorithm,
/// an unknown key, a bad value or parameters the detector rejects.
template <Scalar T>
AnyDetector<T> make_detector(const Algorithm& algorithm, std::span<const Setting> settings);

/// The series scorer of `algorithm`; UsageError as make_detector.
template <Scalar T>
std::unique_ptr<SeriesScorer<T>> make_series(const Algorithm& algorithm,
                                             std::span<const Setting> settings);

/// The streaming scorer of `algorithm` over `n_features` columns; UsageError as make_detector.
template <Scalar T>
std::unique_ptr<StreamScorer<T>> make_stream(const Algorithm& algorithm,
                                             std::span<const Setting> settings, Index n_features);

}  // namespace anomaly::cli
