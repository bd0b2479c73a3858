// Ethereum addresses: keccak256 of the 64-byte public key, last 20 bytes, EIP-55 mixed case.
#include <string>

#include "dclcomms/auth/detail/eth.hpp"
#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/hex.hpp"
#include "secp256k1_support.hpp"

namespace dclcomms::auth::detail {

std::string checksum_address(std::span<const std::uint8_t, 20> address) {
  const std::string lower = core::to_hex(address);
  DCL_ASSERT(lower.size() == 40);
  // EIP-55: hash the lowercase hex *text*; a letter is uppercased when its hash nibble is >= 8.
  const Hash32 hash = keccak256(std::string_view(lower));
  std::string out = "0x";
  for (std::size_t i = 0; i < lower.size(); ++i) {
    const int nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 0x0f);
    char c = lower[i];
    if (c >= 'a' && c <= 'f' && nibble >= 8) c = static_cast<char>(c - 'a' + 'A');
    out += c;
  }
  return out;
}

std::string address_of(const secp256k1_pubkey& pubkey) {
  std::array<std::uint8_t, 65> serialized{};
  std::size_t len = serialized.size();
  const int ok = secp256k1_ec_pubkey_serialize(secp256k1_ctx(), serialized.data(), &len, &pubkey, SECP256K1_EC_UNCOMPRESSED);
  DCL_ASSERT(ok == 1 && len == 65 && serialized[0] == 0x04);
  const Hash32 hash = keccak256(std::span<const std::uint8_t>(serialized).subspan(1));
  return checksum_address(std::span<const std::uint8_t, 20>(hash.data() + 12, 20));
}

}  // namespace dclcomms::auth::detail
