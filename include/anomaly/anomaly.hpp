#pragma once
// Umbrella: the core, every detector, the combinators, the streaming detectors and the metrics.
#include <anomaly/combinators.hpp>
#include <anomaly/core.hpp>
#include <anomaly/detectors.hpp>
#include <anomaly/metrics.hpp>
#include <anomaly/streaming.hpp>
