// libFuzzer harness for load(): raw bytes, and payloads wrapped in a valid header and checksum so
// that the fuzzer reaches each model's reader. Any crash, sanitizer report or non-finite score of a
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const bool wrapped = (selector & 0x80u) == 0;
  ++data;
  --size;
  switch (selector % 6) {
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
    default:
      run<anomaly::InterquartileRangeModel<float>>(wrapped, data, size);
      break;
  }
  return 0;
}
