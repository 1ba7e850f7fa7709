#pragma once
// Umbrella of combinators/: detectors built from other detectors.
#include <anomaly/combinators/any_detector.hpp>
