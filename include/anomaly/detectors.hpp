#pragma once
// Umbrella of detectors/.
#include <anomaly/detectors/elliptic_envelope.hpp>
#include <anomaly/detectors/interquartile_range.hpp>
#include <anomaly/detectors/isolation_forest.hpp>
#include <anomaly/detectors/local_outlier_factor.hpp>
#include <anomaly/detectors/modified_z_score.hpp>
#include <anomaly/detectors/seasonal.hpp>
#include <anomaly/detectors/z_score.hpp>
