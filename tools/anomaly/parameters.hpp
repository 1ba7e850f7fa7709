#pragma once
// How --set KEY=VALUE reaches a Params aggregate: each algorithm lists its fields once as
// field(name, &Params::member, meaning); parsing, defaults and `anomaly list` all come from that.
#include "algorithms.hpp"

#include <anomaly/core/threshold.hpp>
#include <anomaly/detail/fence_scores.hpp>

#include <charconv>
#include <cmath>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace anomaly::cli {

/// One settable field of Params, of type V.
template <class Params, class V>
struct Field {
  std::string_view name;
  V Params::*member;
  std::string_view meaning;
};

/// Describes a field: field("threshold", &ZScoreParams::threshold, "scores above ...").
template <class Params, class V>
constexpr Field<Params, V> field(std::string_view name, V Params::*member,
                                 std::string_view meaning) {
  return {name, member, meaning};
}

// Each field type parses from text (returning what was expected when it fails) and formats back.

inline std::optional<std::string> parse_value(std::string_view text, double& out) {
  const auto [stop, status] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (status != std::errc() || stop != text.data() + text.size() || !std::isfinite(out)) {
    return "a finite number";
  }
  return std::nullopt;
}

template <std::integral I>
requires(!std::same_as<I, bool>) std::optional<std::string> parse_value(std::string_view text,
                                                                        I& out) {
  const auto [stop, status] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (status != std::errc() || stop != text.data() + text.size()) {
    return std::is_signed_v<I> ? "an integer" : "a non-negative integer";
  }
  return std::nullopt;
}

inline std::optional<std::string> parse_value(std::string_view text, bool& out) {
  if (text == "true" || text == "1") {
    out = true;
  } else if (text == "false" || text == "0") {
    out = false;
  } else {
    return "true or false";
  }
  return std::nullopt;
}

/// A threshold given as a number is a fixed cutoff (--contamination sets the other rule).
inline std::optional<std::string> parse_value(std::string_view text, Threshold& out) {
  double cutoff = 0;
  if (parse_value(text, cutoff)) return "a finite number (the score cutoff)";
  out = Threshold::fixed(cutoff);
  return std::nullopt;
}

inline std::optional<std::string> parse_value(std::string_view text, FeatureCombine& out) {
  if (text == "max") {
    out = FeatureCombine::max;
  } else if (text == "mean") {
    out = FeatureCombine::mean;
  } else {
    return "max or mean";
  }
  return std::nullopt;
}

inline std::string format_value(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}
template <std::integral I>
std::string format_value(I value) {
  if constexpr (std::same_as<I, bool>) {
    return value ? "true" : "false";
  } else {
    return std::to_string(value);
  }
}
inline std::string format_value(const Threshold& value) {
  if (value.rule == Threshold::Rule::contamination) {
    return "contamination " + format_value(value.value);
  }
  return format_value(value.value);
}
inline std::string format_value(FeatureCombine value) {
  return value == FeatureCombine::max ? "max" : "mean";
}

/// Sets `params` from `settings`; throws UsageError for an unknown key or a bad value.
template <class Params, class... V>
void apply(Params& params, std::span<const Setting> settings,
           const std::tuple<Field<Params, V>...>& fields) {
  for (const Setting& setting : settings) {
    bool known = false;
    std::apply(
        [&](const auto&... each) {
          const auto set = [&](const auto& one) {
            if (known || one.name != setting.key) return;
            known = true;
            if (auto expected = parse_value(setting.value, params.*one.member)) {
              throw UsageError("--set " + setting.key + "=" + setting.value + ": " + setting.key +
                               " must be " + *expected);
            }
          };
          (set(each), ...);
        },
        fields);
    if (!known) {
      std::string names;
      std::apply(
          [&](const auto&... each) {
            ((names += (names.empty() ? "" : ", "), names += each.name), ...);
          },
          fields);
      throw UsageError("--set " + setting.key + "=" + setting.value + ": unknown parameter '" +
                       setting.key + "' (parameters: " + names + ")");
    }
  }
}

/// The fields as `anomaly list` prints them, defaults read from a default-constructed Params.
template <class Params, class... V>
std::vector<ParameterInfo> describe(const std::tuple<Field<Params, V>...>& fields) {
  const Params defaults{};
  std::vector<ParameterInfo> out;
  std::apply(
      [&](const auto&... each) {
        (out.push_back({std::string(each.name), format_value(defaults.*each.member),
                        std::string(each.meaning)}),
         ...);
      },
      fields);
  return out;
}

}  // namespace anomaly::cli
