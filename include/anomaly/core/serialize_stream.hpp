#pragma once
// save() and load() over std::ostream / std::istream, on top of the byte versions. Kept apart from
// serialize.hpp so that firmware builds never pull in iostreams.
#include <anomaly/core/serialize.hpp>

#include <istream>
#include <iterator>
#include <ostream>

namespace anomaly {

/// Writes the model's bytes to `out`; raises when the stream fails.
template <Serializable M>
void save(const M& model, std::ostream& out) {
  const auto bytes = save(model);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) raise(Error::make(ErrorCode::corrupt_model, "could not write the model to the stream"));
}

/// Reads the rest of `in` and loads the model saved there.
template <Serializable M>
M load(std::istream& in) {
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return load<M>(std::as_bytes(std::span<const char>(chars)));
}

}  // namespace anomaly
