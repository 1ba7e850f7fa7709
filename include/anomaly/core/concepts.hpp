#pragma once
// The whole plug-in contract: what a detector, a fitted model, a streaming detector and a
// serializable model must offer. Generic code (predict, Ensemble, the contract tests) uses only
// this.
#include <anomaly/core/bytes.hpp>
#include <anomaly/core/score_summary.hpp>
#include <anomaly/core/types.hpp>

#include <concepts>
#include <string_view>

namespace anomaly {

/// A fitted, immutable model. Satisfied by every XModel<T>: scores rows (higher = more anomalous),
/// one row without allocating, and knows its threshold and training-score summary.
template <class M>
concept Model = Scalar<typename M::Scalar> &&
    requires(const M& model, const MatrixRef<typename M::Scalar>& X,
             const RowRef<typename M::Scalar>& x) {
  { model.score(X) } -> std::same_as<Vector<typename M::Scalar>>;
  { model.score_one(x) } -> std::same_as<typename M::Scalar>;
  { model.n_features() } -> std::convertible_to<Index>;
  { model.threshold } -> std::convertible_to<typename M::Scalar>;
  { model.training_summary } -> std::convertible_to<const ScoreSummary<typename M::Scalar>&>;
};

/// A fitted model with the scores of its own training rows.
template <class M>
struct FitScore {
  M model;
  Vector<typename M::Scalar> scores;
};

/// A recipe: Params in, fit(X) out. Satisfied by every X<T> whose fit returns a Model.
template <class D>
concept Detector = Model<typename D::Model> &&
    std::same_as<typename D::Scalar, typename D::Model::Scalar> &&
    requires(const D& detector, const MatrixRef<typename D::Scalar>& X) {
  typename D::Params;
  { detector.fit(X) } -> std::same_as<typename D::Model>;
  { detector.params() } -> std::convertible_to<const typename D::Params&>;
};

/// A detector that learns as it goes, one sample at a time, in fixed memory. Satisfied by the
/// rolling detectors: update() scores a sample against the window before it, then adds it.
template <class S>
concept StreamingDetector = Scalar<typename S::Scalar> &&
    requires(S& detector, const S& view, typename S::Scalar x) {
  { detector.update(x) }
  noexcept->std::same_as<typename S::Scalar>;
  { detector.reset() }
  noexcept;
  { view.ready() }
  noexcept->std::same_as<bool>;
  { view.size() }
  noexcept->std::convertible_to<Index>;
};

/// A model that save() and load() accept: a tag naming its format, and its payload both ways.
/// read() reports problems through the reader (ByteReader::fail) and never reads past the end.
template <class M>
concept Serializable = requires(const M& model, ByteWriter& writer, ByteReader& reader) {
  { M::serial_tag } -> std::convertible_to<std::string_view>;
  { model.write(writer) } -> std::same_as<void>;
  { M::read(reader) } -> std::same_as<M>;
};

}  // namespace anomaly
