#pragma once
// The recipe half of the three nouns, written once: a detector holds its Params (checked when it
// is built) and fit() keeps the model of its fit_score(). Detectors derive from DetectorBase.
#include <anomaly/core/concepts.hpp>
#include <anomaly/core/error.hpp>
#include <anomaly/core/validate.hpp>

#include <concepts>
#include <optional>

namespace anomaly {

/// Why `params` cannot be fitted to `X`: the parameters' own check(params), then X (empty, NaN,
/// infinity). Detectors that need more rows than one overload it for their Params.
template <class P, class Derived>
requires requires(const P& params) {
  { check(params) } -> std::same_as<std::optional<Error>>;
}
std::optional<Error> check(const P& params, const Eigen::DenseBase<Derived>& X) {
  if (auto error = check(params)) return error;
  return check_training_data(X, 1);
}

namespace detail {

/// Base of a detector `Derived` with Params P and Model M: construction raises check(params);
/// Derived provides fit_score(X), and fit(X) is its model.
template <class Derived, class P, class M>
class DetectorBase {
 public:
  using Scalar = typename M::Scalar;
  using Params = P;
  using Model = M;

  explicit DetectorBase(Params params) : params_(params) { raise_if(check(params_)); }

  /// Its hyper-parameters.
  const Params& params() const noexcept { return params_; }
  /// The model fitted to X (rows are samples).
  Model fit(const MatrixRef<Scalar>& X) const {
    return static_cast<const Derived&>(*this).fit_score(X).model;
  }

 protected:
  Params params_;
};

}  // namespace detail
}  // namespace anomaly
