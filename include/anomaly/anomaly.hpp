#pragma once
// Umbrella: the core, every detector, the combinators, the streaming detectors, the metrics, the
// nearest-neighbour index and the time-series building blocks.
#include <anomaly/combinators.hpp>
#include <anomaly/core.hpp>
#include <anomaly/detectors.hpp>
#include <anomaly/metrics.hpp>
#include <anomaly/neighbors.hpp>
#include <anomaly/streaming.hpp>
#include <anomaly/timeseries.hpp>
