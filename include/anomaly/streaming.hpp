#pragma once
// Umbrella of streaming/: detectors that learn one sample at a time in fixed memory.
#include <anomaly/streaming/rolling_interquartile_range.hpp>
#include <anomaly/streaming/rolling_median_absolute_deviation.hpp>
#include <anomaly/streaming/rolling_z_score.hpp>
#include <anomaly/streaming/streaming_seasonal.hpp>
