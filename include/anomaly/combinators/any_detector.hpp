#pragma once
// AnyDetector and AnyModel: a detector chosen at run time (as the CLI does), behind one virtual
// call per batch. Code that knows its detector at compile time should use it directly.
#include <anomaly/core.hpp>

#include <concepts>
#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace anomaly {

/// AnyDetector has no parameters of its own: the wrapped detector's are fixed when it is wrapped.
struct AnyDetectorParams {};

/// A fitted model of any type behind one interface. Immutable: copies share the wrapped model, and
/// score() and score_one() are safe from many threads at once. `threshold` is its own field, so
/// with_threshold() works as on any model; save() writes the wrapped model with that threshold.
template <Scalar T = double>
class AnyModel {
 public:
  using Scalar = T;

  T threshold = 0;                   ///< scores above this are anomalies
  ScoreSummary<T> training_summary;  ///< the wrapped model's training-score summary

  /// Wraps `model`, taking its threshold and training-score summary.
  template <Model M>
  requires(!std::same_as<M, AnyModel> &&
           std::same_as<typename M::Scalar, T>) explicit AnyModel(M model)
      : threshold(model.threshold),
        training_summary(model.training_summary),
        self_(std::make_shared<const Holder<M>>(std::move(model))) {}

  /// One score per row of X, higher = more anomalous: one virtual call for the whole batch.
  Vector<T> score(const MatrixRef<T>& X) const { return self_->score(X); }
  /// The score of one row.
  T score_one(const RowRef<T>& x) const { return self_->score_one(x); }
  /// Number of features the wrapped model was fitted on.
  Index n_features() const { return self_->n_features(); }
  /// The wrapped model's serial tag, or an empty view when it cannot be saved.
  std::string_view tag() const noexcept { return self_->tag(); }
  /// The wrapped model, with this threshold, as anomaly::save() bytes; raises invalid_parameter
  /// when the wrapped model is not Serializable.
  std::vector<std::byte> save() const { return self_->save(threshold); }
  /// The wrapped model if it is an M (with the threshold it had when wrapped), else nullptr.
  template <Model M>
  const M* target() const noexcept;

 private:
  struct Interface {
    virtual ~Interface() = default;
    virtual Vector<T> score(const MatrixRef<T>& X) const = 0;
    virtual T score_one(const RowRef<T>& x) const = 0;
    virtual Index n_features() const = 0;
    virtual std::string_view tag() const noexcept = 0;
    virtual std::vector<std::byte> save(T cutoff) const = 0;
    virtual const void* type() const noexcept = 0;
  };
  template <class M>
  struct Holder;
  /// A distinct address per wrapped type: identifies it without RTTI (firmware builds lack it).
  template <class M>
  static const void* type_id() noexcept {
    static constexpr char id = 0;
    return &id;
  }

  std::shared_ptr<const Interface> self_;
};

/// A detector of any type behind one interface; fit() returns an AnyModel.
template <Scalar T = double>
class AnyDetector {
 public:
  using Scalar = T;
  using Params = AnyDetectorParams;
  using Model = AnyModel<T>;

  /// Wraps `detector`, whose parameters are fixed from now on.
  template <Detector D>
  requires(!std::same_as<D, AnyDetector> &&
           std::same_as<typename D::Scalar, T>) explicit AnyDetector(D detector)
      : self_(std::make_shared<const Holder<D>>(std::move(detector))) {}

  /// No parameters of its own (see AnyDetectorParams).
  const Params& params() const noexcept { return params_; }
  /// Fits the wrapped detector: one virtual call.
  Model fit(const MatrixRef<T>& X) const { return self_->fit(X); }
  /// The wrapped detector's fit_score (outlier mode, leave-one-out where it defines it).
  FitScore<Model> fit_score(const MatrixRef<T>& X) const { return self_->fit_score(X); }

 private:
  struct Interface {
    virtual ~Interface() = default;
    virtual Model fit(const MatrixRef<T>& X) const = 0;
    virtual FitScore<Model> fit_score(const MatrixRef<T>& X) const = 0;
  };
  template <class D>
  struct Holder;

  std::shared_ptr<const Interface> self_;
  Params params_;
};

/// save() for an AnyModel: the wrapped model's bytes (see AnyModel::save).
template <Scalar T>
std::vector<std::byte> save(const AnyModel<T>& model) {
  return model.save();
}

// ---------------------------------------------------------------------------------------------

template <Scalar T>
template <class M>
struct AnyModel<T>::Holder final : AnyModel<T>::Interface {
  M model;
  explicit Holder(M wrapped) : model(std::move(wrapped)) {}

  Vector<T> score(const MatrixRef<T>& X) const override { return model.score(X); }
  T score_one(const RowRef<T>& x) const override { return model.score_one(x); }
  Index n_features() const override { return model.n_features(); }
  std::string_view tag() const noexcept override {
    if constexpr (Serializable<M>) return M::serial_tag;
    return {};
  }
  std::vector<std::byte> save(T cutoff) const override {
    if constexpr (Serializable<M>) {
      M copy = model;
      copy.threshold = cutoff;
      return anomaly::save(copy);
    } else {
      raise(Error::make(ErrorCode::invalid_parameter, "this model type cannot be saved"));
    }
  }
  const void* type() const noexcept override { return type_id<M>(); }
};

template <Scalar T>
template <Model M>
const M* AnyModel<T>::target() const noexcept {
  if (self_->type() != type_id<M>()) return nullptr;
  return &static_cast<const Holder<M>&>(*self_).model;
}

template <Scalar T>
template <class D>
struct AnyDetector<T>::Holder final : AnyDetector<T>::Interface {
  D detector;
  explicit Holder(D wrapped) : detector(std::move(wrapped)) {}

  Model fit(const MatrixRef<T>& X) const override { return Model(detector.fit(X)); }
  FitScore<Model> fit_score(const MatrixRef<T>& X) const override {
    auto fitted = anomaly::fit_score(detector, X);
    return {Model(std::move(fitted.model)), std::move(fitted.scores)};
  }
};

static_assert(Model<AnyModel<double>> && Model<AnyModel<float>>);
static_assert(Detector<AnyDetector<double>> && Detector<AnyDetector<float>>);

}  // namespace anomaly
