#pragma once
// Umbrella of metrics/: ranking and classification metrics for evaluating detectors.
#include <anomaly/metrics/average_precision.hpp>
#include <anomaly/metrics/f1_score.hpp>
#include <anomaly/metrics/precision_at_k.hpp>
#include <anomaly/metrics/roc_auc.hpp>
