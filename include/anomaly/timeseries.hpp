#pragma once
// Umbrella of timeseries/: decompositions (STL, moving averages), period estimation and the
// generalized ESD test.
#include <anomaly/timeseries/generalized_esd.hpp>
#include <anomaly/timeseries/period.hpp>
#include <anomaly/timeseries/seasonal_decompose.hpp>
#include <anomaly/timeseries/series.hpp>
#include <anomaly/timeseries/stl.hpp>
