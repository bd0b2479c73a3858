#include <gtest/gtest.h>

#include "auth_test_support.hpp"
#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/auth/detail/eth.hpp"

namespace dclcomms::auth {
namespace {

using test::key;
using test::key_bytes;

TEST(PrivateKey, BuildNotesVectorAddress) {
  EXPECT_EQ(key("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318").address(),
            "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
}

TEST(PrivateKey, InteropKeys) {
  EXPECT_EQ(test::small_key(1).address(), "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  EXPECT_EQ(test::small_key(2).address(), "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF");
}

TEST(PrivateKey, RejectsZeroAndKeysNotBelowTheOrder) {
  const char* bad[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",  // n
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",  // n + 1
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  };
  for (const char* hex : bad) {
    auto k = PrivateKey::from_bytes(key_bytes(hex));
    ASSERT_FALSE(k.ok()) << hex;
    EXPECT_EQ(k.error().code, AuthErrorCode::bad_key);
    EXPECT_FALSE(k.error().message.empty());
  }
  EXPECT_TRUE(PrivateKey::from_bytes(key_bytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")).ok());
}

TEST(Eip55, ChecksumsTheSpecExamples) {
  // From the EIP-55 specification's test cases.
  const char* cases[] = {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                         "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
                         "0x52908400098527886E0F7030069857D2E4169EE7", "0xde709f2102306220921060314715629080e2fb77"};
  for (const char* address : cases) {
    auto bytes = core::from_hex(address);
    ASSERT_TRUE(bytes && bytes->size() == 20);
    EXPECT_EQ(detail::checksum_address(std::span<const std::uint8_t, 20>(bytes->data(), 20)), address);
  }
}

TEST(Address, Recognises0xAnd40HexDigitsOfAnyCase) {
  EXPECT_TRUE(detail::is_address("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"));
  EXPECT_TRUE(detail::is_address("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"));
  EXPECT_FALSE(detail::is_address("7e5f4552091a69125d5dfcb7b8c2659029395bdf"));
  EXPECT_FALSE(detail::is_address("0X7e5f4552091a69125d5dfcb7b8c2659029395bdf"));
  EXPECT_FALSE(detail::is_address("0x7e5f4552091a69125d5dfcb7b8c2659029395bd"));
  EXPECT_FALSE(detail::is_address("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf0"));
  EXPECT_FALSE(detail::is_address("0x7e5f4552091a69125d5dfcb7b8c2659029395bdg"));
  EXPECT_FALSE(detail::is_address(""));
}

}  // namespace
}  // namespace dclcomms::auth
