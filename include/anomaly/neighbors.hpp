#pragma once
// Umbrella of neighbors/.
#include <anomaly/neighbors/kd_tree.hpp>
