// libFuzzer harness for load(): raw bytes, payloads wrapped in a valid header and checksum so
// that the fuzzer reaches each model's reader, and real forests, elliptic envelopes and local
// outlier factors with fuzzed bytes over them. Any crash, sanitizer report or non-finite score of a
// model that loaded is a bug.
#include <anomaly/anomaly.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

template <class M>
std::vector<std::byte> wrap(const std::uint8_t* data, std::size_t size) {
  // Header of a real empty-payload file, then the fuzzer's bytes as the payload.
  anomaly::ByteWriter header;
  for (char c : anomaly::detail::model_magic) header.write(c);
  header.write(anomaly::model_format_version);
  header.write(static_cast<std::uint8_t>(sizeof(typename M::Scalar)));
  const std::string_view tag = M::serial_tag;
  header.write(static_cast<std::uint8_t>(tag.size()));
  for (char c : tag) header.write(c);
  header.write(static_cast<std::uint64_t>(size));
  const auto* payload = reinterpret_cast<const std::byte*>(data);
  header.write(anomaly::detail::crc32(std::span<const std::byte>(payload, size)));
  auto bytes = std::move(header.buffer());
  bytes.insert(bytes.end(), payload, payload + size);
  return bytes;
}

template <class M>
void exercise(std::span<const std::byte> bytes) {
  M model;
  if (anomaly::try_load(bytes, model)) return;
  using T = typename M::Scalar;
  if (model.n_features() > 4096) return;  // valid, but too wide to allocate a test row for
  const anomaly::Matrix<T> X = anomaly::Matrix<T>::Ones(3, model.n_features());
  const auto scores = model.score(X);
  if (!scores.allFinite()) std::abort();
}

template <class M>
void run(bool wrapped, const std::uint8_t* data, std::size_t size) {
  if (wrapped) {
    const auto bytes = wrap<M>(data, size);
    exercise<M>(bytes);
  } else {
    exercise<M>(std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size));
  }
}

/// One of `payloads` (real models' payloads), with the fuzzer's bytes XORed over it from a
/// position they choose, then wrapped with a valid checksum: random bytes alone would almost never
/// get past the first counts and shapes of a model's reader.
template <class M>
void run_mutated(const std::vector<std::vector<std::uint8_t>>& payloads, std::size_t which,
                 const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> payload = payloads[which];
  if (size < 2) return;
  const std::size_t start = (std::size_t{data[0]} << 8 | data[1]) % payload.size();
  for (std::size_t i = 2; i < size && start + i - 2 < payload.size(); ++i) {
    payload[start + i - 2] ^= data[i];
  }
  if (size > payload.size()) payload.resize(size % (2 * payload.size()));  // cut or pad
  run<M>(true, payload.data(), payload.size());
}

/// The payload bytes save() would write for `model`.
template <class M>
std::vector<std::uint8_t> payload_of(const M& model) {
  anomaly::ByteWriter writer;
  model.write(writer);
  std::vector<std::uint8_t> bytes(writer.buffer().size());
  std::memcpy(bytes.data(), writer.buffer().data(), bytes.size());
  return bytes;
}

/// 40 x 3 seeded standard normal rows: what the real models are fitted on.
template <class T>
anomaly::Matrix<T> normal_rows() {
  anomaly::Random random(5);
  anomaly::Matrix<T> X(40, 3);
  for (anomaly::Index i = 0; i < X.rows(); ++i) {
    for (anomaly::Index j = 0; j < X.cols(); ++j) X(i, j) = anomaly::normal<T>(random);
  }
  return X;
}

/// A small real forest (3 trees, axis-parallel or extended), mutated.
template <class T>
void run_mutated_forest(bool extended, const std::uint8_t* data, std::size_t size) {
  static const auto payloads = [] {
    std::vector<std::vector<std::uint8_t>> result;
    for (const int level : {0, 2}) {
      result.push_back(payload_of(
          anomaly::IsolationForest<T>({.n_trees = 3, .max_samples = 16, .extension_level = level})
              .fit(normal_rows<T>())));
    }
    return result;
  }();
  run_mutated<anomaly::IsolationForestModel<T>>(payloads, extended ? 1 : 0, data, size);
}

/// A real elliptic envelope of 3 features, mutated.
template <class T>
void run_mutated_envelope(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::vector<std::uint8_t>> payloads{
      payload_of(anomaly::EllipticEnvelope<T>().fit(normal_rows<T>()))};
  run_mutated<anomaly::EllipticEnvelopeModel<T>>(payloads, 0, data, size);
}

/// A real local outlier factor of 3 features (its training rows and tree), mutated.
template <class T>
void run_mutated_lof(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::vector<std::uint8_t>> payloads{
      payload_of(anomaly::LocalOutlierFactor<T>({.n_neighbors = 5}).fit(normal_rows<T>()))};
  run_mutated<anomaly::LocalOutlierFactorModel<T>>(payloads, 0, data, size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const bool wrapped = (selector & 0x80u) == 0;
  ++data;
  --size;
  switch (selector % 20) {
    case 0:
      run<anomaly::ZScoreModel<double>>(wrapped, data, size);
      break;
    case 1:
      run<anomaly::ZScoreModel<float>>(wrapped, data, size);
      break;
    case 2:
      run<anomaly::ModifiedZScoreModel<double>>(wrapped, data, size);
      break;
    case 3:
      run<anomaly::ModifiedZScoreModel<float>>(wrapped, data, size);
      break;
    case 4:
      run<anomaly::InterquartileRangeModel<double>>(wrapped, data, size);
      break;
    case 5:
      run<anomaly::InterquartileRangeModel<float>>(wrapped, data, size);
      break;
    case 6:
      run<anomaly::IsolationForestModel<double>>(wrapped, data, size);
      break;
    case 7:
      run<anomaly::IsolationForestModel<float>>(wrapped, data, size);
      break;
    case 8:
    case 9:
      run_mutated_forest<double>(selector % 16 == 9, data, size);
      break;
    case 10:
    case 11:
      run_mutated_forest<float>(selector % 16 == 11, data, size);
      break;
    case 12:
      run<anomaly::EllipticEnvelopeModel<double>>(wrapped, data, size);
      break;
    case 13:
      run<anomaly::EllipticEnvelopeModel<float>>(wrapped, data, size);
      break;
    case 14:
      run_mutated_envelope<double>(data, size);
      break;
    case 15:
      run_mutated_envelope<float>(data, size);
      break;
    case 16:
      run<anomaly::LocalOutlierFactorModel<double>>(wrapped, data, size);
      break;
    case 17:
      run<anomaly::LocalOutlierFactorModel<float>>(wrapped, data, size);
      break;
    case 18:
      run_mutated_lof<double>(data, size);
      break;
    default:
      run_mutated_lof<float>(data, size);
      break;
  }
  return 0;
}
