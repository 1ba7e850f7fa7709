#pragma once
// Umbrella of timeseries/: decompositions (STL, moving averages) and period estimation.
#include <anomaly/timeseries/period.hpp>
#include <anomaly/timeseries/seasonal_decompose.hpp>
#include <anomaly/timeseries/series.hpp>
#include <anomaly/timeseries/stl.hpp>
