// Keccak-256 via Crypto++: OpenSSL 3.0 has only NIST SHA3-256 (different padding), see build notes G7.
#include <cryptopp/keccak.h>

#include <string>

#include "dclcomms/auth/detail/eth.hpp"
#include "dclcomms/core/assert.hpp"

namespace dclcomms::auth::detail {

Hash32 keccak256(std::span<const std::uint8_t> bytes) {
  CryptoPP::Keccak_256 hash;
  static_assert(CryptoPP::Keccak_256::DIGESTSIZE == 32);
  hash.Update(bytes.data(), bytes.size());
  Hash32 out{};
  hash.Final(out.data());
  return out;
}

Hash32 keccak256(std::string_view bytes) { return keccak256(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())); }

Hash32 personal_message_hash(std::string_view message) {
  // Split literal: "\x19E" would otherwise be read as a single (out of range) hex escape.
  std::string prefixed =
      "\x19"
      "Ethereum Signed Message:\n";
  prefixed += std::to_string(message.size());  // the UTF-8 *byte* length, in decimal
  prefixed.append(message);
  return keccak256(std::string_view(prefixed));
}

}  // namespace dclcomms::auth::detail
