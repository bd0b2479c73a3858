#include <gtest/gtest.h>

#include "dclcomms/auth/detail/eth.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::auth::detail {
namespace {

std::string hex(const Hash32& h) { return core::to_hex(h); }

TEST(Keccak256, EmptyInputIsEthereumsNotNistSha3) {
  EXPECT_EQ(hex(keccak256(std::string_view())), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  // NIST SHA3-256("") would be a7ffc6f8bf1ed766...
  EXPECT_NE(hex(keccak256(std::string_view())).substr(0, 8), "a7ffc6f8");
}

TEST(Keccak256, Abc) {
  EXPECT_EQ(hex(keccak256(std::string_view("abc"))), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(Keccak256, SpanAndStringViewAgree) {
  const std::string text = "héllo";
  EXPECT_EQ(keccak256(std::string_view(text)), keccak256(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
}

TEST(PersonalMessageHash, UsesTheByteLengthInDecimal) {
  // "é" is 2 bytes: the prefix must say 2, not 1.
  const std::string message = "é";
  const std::string manual = std::string(
                                 "\x19"
                                 "Ethereum Signed Message:\n") +
                             "2" + message;
  EXPECT_EQ(personal_message_hash(message), keccak256(std::string_view(manual)));
  EXPECT_EQ(hex(personal_message_hash("")), hex(keccak256(std::string_view("\x19"
                                                                           "Ethereum Signed Message:\n0"))));
}

}  // namespace
}  // namespace dclcomms::auth::detail
