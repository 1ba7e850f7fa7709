#pragma once
// Generic behaviour written once over the concepts: labels, probabilities, outlier-mode scores.
#include <anomaly/core/concepts.hpp>
#include <anomaly/core/threshold.hpp>

#include <algorithm>
#include <cmath>

namespace anomaly {

/// Labels for the rows of X: true where the score is above the model's threshold.
template <Model M>
Labels predict(const M& model, const MatrixRef<typename M::Scalar>& X) {
  return Labels(model.score(X).array() > model.threshold);
}

/// How predict_proba maps a score to [0, 1], using the model's training-score summary.
enum class Scaling {
  linear,  ///< min-max over the training scores, clipped (PyOD's "linear")
  unify,   ///< Gaussian scaling, erf((s - mean) / (stddev sqrt 2)) clipped at 0 (Kriegel et al.
           ///< 2011)
  rank,    ///< fraction of training scores at or below the score
};

/// Probability-like anomaly scores in [0, 1] for the rows of X.
template <Model M>
Vector<typename M::Scalar> predict_proba(const M& model, const MatrixRef<typename M::Scalar>& X,
                                         Scaling scaling = Scaling::linear) {
  using T = typename M::Scalar;
  Vector<T> scores = model.score(X);
  const auto& summary = model.training_summary;
  for (Index i = 0; i < scores.size(); ++i) {
    const double s = static_cast<double>(scores[i]);
    double p = 0;
    switch (scaling) {
      case Scaling::linear: {
        const double range = static_cast<double>(summary.max) - static_cast<double>(summary.min);
        p = range > 0 ? (s - summary.min) / range : (s > summary.max ? 1.0 : 0.0);
        break;
      }
      case Scaling::unify: {
        const double spread = static_cast<double>(summary.stddev) * std::sqrt(2.0);
        p = spread > 0 ? std::erf((s - summary.mean) / spread) : (s > summary.mean ? 1.0 : 0.0);
        break;
      }
      case Scaling::rank:
        p = summary.rank(scores[i]);
        break;
    }
    scores[i] = static_cast<T>(std::clamp(p, 0.0, 1.0));
  }
  return scores;
}

/// A copy of `model` whose threshold follows `rule` (e.g. Threshold::contamination(0.05)).
template <Model M>
M with_threshold(M model, const Threshold& rule) {
  raise_if(check(rule));
  model.threshold = resolve(rule, model.training_summary);
  return model;
}

/// Outlier mode: fits on X and scores X's own rows, leave-one-out where the detector defines it
/// (a detector with a fit_score member, like LocalOutlierFactor, is asked directly).
template <Detector D>
FitScore<typename D::Model> fit_score(const D& detector, const MatrixRef<typename D::Scalar>& X) {
  if constexpr (requires {
                  { detector.fit_score(X) } -> std::same_as<FitScore<typename D::Model>>;
                }) {
    return detector.fit_score(X);
  } else {
    auto model = detector.fit(X);
    auto scores = model.score(X);
    return {std::move(model), std::move(scores)};
  }
}

}  // namespace anomaly
