#include "algorithms.hpp"

#include "parameters.hpp"

#include <anomaly/detectors.hpp>

#include <algorithm>
#include <utility>

namespace anomaly::cli {
namespace {

/// Builds a detector or stream from its Params, turning the library's parameter checks into usage
/// errors.
template <class Built, class... Arguments>
Built construct(const Arguments&... arguments) {
  try {
    return Built(arguments...);
  } catch (const anomaly::Exception& error) {
    throw UsageError(std::string("--set: ") + error.what());
  }
}

template <template <Scalar> class D, class Fields, Scalar T>
Makers<T> batch_makers() {
  Makers<T> makers;
  makers.detector = [](std::span<const Setting> settings) {
    typename D<T>::Params params{};
    apply(params, settings, Fields{}());
    return AnyDetector<T>(construct<D<T>>(params));
  };
  makers.load = [](std::span<const std::byte> bytes) {
    return AnyModel<T>(anomaly::load<typename D<T>::Model>(bytes));
  };
  return makers;
}

/// A registry entry for the batch detector template D; `fields` lists its settable Params fields.
template <template <Scalar> class D, class Fields>
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

std::vector<Algorithm> make_registry() {
  std::vector<Algorithm> registry;
  registry.push_back(batch<ZScore>(
      "zscore", "distance from the training mean in standard deviations, feature by feature", [] {
        return std::tuple{field("threshold", &ZScoreParams::threshold,
                                "a row is anomalous when its score is above this"),
                          field("combine", &ZScoreParams::combine, combine_meaning)};
      }));
  registry.push_back(batch<ModifiedZScore>(
      "modified_zscore",
      "robust z-score of Iglewicz and Hoaglin: 0.6745 |x - median| / MAD, feature by feature", [] {
        return std::tuple{field("threshold", &ModifiedZScoreParams::threshold,
                                "a row is anomalous when its score is above this"),
                          field("combine", &ModifiedZScoreParams::combine, combine_meaning)};
      }));
  registry.push_back(batch<InterquartileRange>(
      "iqr", "Tukey's fences: distance outside [Q1 - k IQR, Q3 + k IQR] in IQR units", [] {
        return std::tuple{
            field("fence", &InterquartileRangeParams::fence,
                  "k: 1.5 flags outliers, 3 flags far-out values"),
            field("threshold", &InterquartileRangeParams::threshold,
                  "a row is anomalous when its distance outside the fences is above this"),
            field("combine", &InterquartileRangeParams::combine, combine_meaning)};
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
                     " is a streaming detector: it has no model to fit and save (use `anomaly "
                     "detect` or `anomaly stream`)");
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
template std::unique_ptr<StreamScorer<double>> make_stream<double>(const Algorithm&,
                                                                   std::span<const Setting>, Index);
template std::unique_ptr<StreamScorer<float>> make_stream<float>(const Algorithm&,
                                                                 std::span<const Setting>, Index);

}  // namespace anomaly::cli
