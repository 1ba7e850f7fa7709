// The plug-in contract at compile time: what satisfies the concepts, and what must not.
#include <anomaly/anomaly.hpp>

#include "catch.hpp"

namespace {
struct NotAModel {
  using Scalar = double;
};
}  // namespace

static_assert(anomaly::Detector<anomaly::ZScore<double>>);
static_assert(anomaly::Detector<anomaly::ModifiedZScore<float>>);
static_assert(anomaly::Detector<anomaly::InterquartileRange<double>>);
static_assert(anomaly::Model<anomaly::ZScoreModel<float>>);
static_assert(anomaly::Serializable<anomaly::InterquartileRangeModel<float>>);
static_assert(!anomaly::Detector<anomaly::ZScoreModel<double>>);
static_assert(!anomaly::Model<anomaly::ZScore<double>>);
static_assert(!anomaly::Model<NotAModel>);
static_assert(!anomaly::Serializable<NotAModel>);
static_assert(!anomaly::Scalar<int>);

TEST_CASE("The concepts accept the detectors and reject the rest (checked at compile time)",
          "[concepts]") {
  SUCCEED("static_asserts above");
}
