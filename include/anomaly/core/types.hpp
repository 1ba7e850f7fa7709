#pragma once
// The matrix and vector types of the public API: rows are samples, columns are features.
#include <anomaly/core/config.hpp>

#include <concepts>
#include <cstdint>

namespace anomaly {

using Index = Eigen::Index;

/// The scalar types every detector is instantiated for.
template <class T>
concept Scalar = std::same_as<T, float> || std::same_as<T, double>;

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T>
using RowVector = Eigen::Matrix<T, 1, Eigen::Dynamic>;

/// Read-only view of a column-major matrix: blocks and Maps pass without a copy.
template <class T>
using MatrixRef = Eigen::Ref<const Matrix<T>>;
/// Read-only view of one sample: any inner stride, so a row of a column-major matrix is not copied.
template <class T>
using RowRef = Eigen::Ref<const RowVector<T>, 0, Eigen::InnerStride<>>;

/// One flag per sample: true = anomaly.
using Labels = Eigen::Array<bool, Eigen::Dynamic, 1>;

}  // namespace anomaly
