#pragma once
// Umbrella of core/: types, errors, concepts, randomness, thresholds, prediction, save/load.
#include <anomaly/core/bytes.hpp>
#include <anomaly/core/concepts.hpp>
#include <anomaly/core/config.hpp>
#include <anomaly/core/detector_base.hpp>
#include <anomaly/core/error.hpp>
#include <anomaly/core/predict.hpp>
#include <anomaly/core/random.hpp>
#include <anomaly/core/score_summary.hpp>
#include <anomaly/core/serialize.hpp>
#include <anomaly/core/statistics.hpp>
#include <anomaly/core/threshold.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>
