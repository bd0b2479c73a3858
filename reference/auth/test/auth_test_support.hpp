#pragma once
// Helpers shared by the auth tests: keys from hex, the repository's fixture path.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::auth::test {

inline std::array<std::uint8_t, 32> key_bytes(std::string_view hex) {
  auto bytes = core::from_hex(hex);
  std::array<std::uint8_t, 32> out{};
  if (!bytes || bytes->size() != 32) {
    ADD_FAILURE() << "bad test key " << hex;
    return out;
  }
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

inline PrivateKey key(std::string_view hex) {
  auto k = PrivateKey::from_bytes(key_bytes(hex));
  if (!k.ok()) {
    ADD_FAILURE() << "invalid test key " << hex;
    std::array<std::uint8_t, 32> one{};
    one[31] = 1;
    return *PrivateKey::from_bytes(one);
  }
  return *k;
}

/// The key whose big-endian value is `n` (n >= 1).
inline PrivateKey small_key(std::uint8_t n) {
  std::array<std::uint8_t, 32> bytes{};
  bytes[31] = n;
  return *PrivateKey::from_bytes(bytes);
}

inline std::string read_source_file(std::string_view relative) {
  std::ifstream in(std::string(DCLCOMMS_SOURCE_DIR) + "/" + std::string(relative), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// 2030-01-01T00:00:00.000Z and two validation times around it (as in fixtures/authchain/vectors.json).
inline constexpr std::int64_t expiration_2030_ms = 1'893'456'000'000;
inline constexpr std::int64_t june_2029_ms = 1'874'966'400'000;
inline constexpr std::int64_t jan_2031_ms = 1'924'992'000'000;

}  // namespace dclcomms::auth::test
