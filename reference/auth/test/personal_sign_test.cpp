#include <gtest/gtest.h>

#include "auth_test_support.hpp"
#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/auth/detail/eth.hpp"

namespace dclcomms::auth {
namespace {

const char* const notes_key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const char* const notes_address = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
const char* const some_data_signature =
    "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d"
    "18a5f5d4300f8e1a0291c";

std::string with_v(std::string signature, const char* v) { return signature.replace(130, 2, v); }

// s' = n - s and v flipped: the same signature in its high-s twin form.
std::string malleate(const std::string& signature) {
  auto bytes = core::from_hex(signature);
  DCL_ASSERT(bytes && bytes->size() == 65);
  static const std::uint8_t n[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                                     0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = n[i] - (*bytes)[32 + i] - borrow;
    borrow = d < 0 ? 1 : 0;
    (*bytes)[32 + i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
  }
  (*bytes)[64] = (*bytes)[64] == 27 ? 28 : 27;
  return "0x" + core::to_hex(*bytes);
}

TEST(PersonalSign, BuildNotesSomeDataVector) { EXPECT_EQ(personal_sign(test::key(notes_key), "Some data"), some_data_signature); }

TEST(PersonalSign, EmptyAndHelloStartLikeTheBuildNotes) {
  EXPECT_EQ(personal_sign(test::key(notes_key), "hello").substr(0, 10), "0xa5d58782");
  EXPECT_EQ(personal_sign(test::key(notes_key), "").substr(0, 10), "0x8a68b4e6");
  EXPECT_EQ(personal_sign(test::key(notes_key), "").substr(126), "fe7d1b");
}

TEST(PersonalSign, IsLowercaseDeterministicLowS) {
  const std::string sig = personal_sign(test::small_key(7), "determinism");
  EXPECT_EQ(sig, personal_sign(test::small_key(7), "determinism"));
  ASSERT_EQ(sig.size(), 132u);
  EXPECT_EQ(sig, detail::ascii_lower(sig));
  // low-s: the first byte of s is at most 0x7f (n/2 = 0x7fffffff...).
  EXPECT_LE(std::stoi(sig.substr(66, 2), nullptr, 16), 0x7f);
}

TEST(RecoverPersonalSigner, RecoversTheNotesAddress) {
  auto who = recover_personal_signer("Some data", some_data_signature);
  ASSERT_TRUE(who.ok()) << who.error().message;
  EXPECT_EQ(*who, notes_address);
}

TEST(RecoverPersonalSigner, AcceptsV0And1AndUppercaseHex) {
  const std::string sig = some_data_signature;  // v = 0x1c
  EXPECT_EQ(*recover_personal_signer("Some data", with_v(sig, "01")), notes_address);
  std::string upper = "0x" + sig.substr(2);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
  EXPECT_EQ(*recover_personal_signer("Some data", upper), notes_address);
  // v 0 instead of 1 is the other recovery id: a valid but different key.
  auto other = recover_personal_signer("Some data", with_v(sig, "00"));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, notes_address);
}

TEST(RecoverPersonalSigner, RejectsOtherV) {
  for (const char* v : {"02", "1d", "25", "26", "ff"}) {
    auto r = recover_personal_signer("Some data", with_v(some_data_signature, v));
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_EQ(r.error().code, AuthErrorCode::bad_signature_format);
    EXPECT_NE(r.error().message.find("v="), std::string::npos) << r.error().message;
  }
}

TEST(RecoverPersonalSigner, RejectsBadText) {
  const std::string sig = some_data_signature;
  const std::string cases[] = {
      sig.substr(2),         // no 0x
      "0X" + sig.substr(2),  // wrong prefix case
      sig.substr(0, 130),    // 64 bytes
      sig + "00",            // 66 bytes
      sig.substr(0, 131),    // odd digit count
      sig.substr(0, 20) + "zz" + sig.substr(22),
      sig.substr(0, 20) + " " + sig.substr(21),
      "",
      "0x",
  };
  for (const std::string& text : cases) {
    auto r = recover_personal_signer("Some data", text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, AuthErrorCode::bad_signature_format) << text;
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(RecoverPersonalSigner, RejectsSignaturesThatCannotRecover) {
  const std::string sig = some_data_signature;
  const std::string zero_r = "0x" + std::string(64, '0') + sig.substr(66);
  const std::string huge_s = sig.substr(0, 66) + std::string(64, 'f') + sig.substr(130);
  for (const std::string& text : {zero_r, huge_s}) {
    auto r = recover_personal_signer("Some data", text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, AuthErrorCode::bad_signature_format);
  }
}

TEST(RecoverPersonalSigner, AcceptsHighSMalleatedSignaturesLikeUpstream) {
  // Decision (docs/authchain.md): upstream @dcl/crypto accepts high-s, so we do too.
  const std::string high = malleate(some_data_signature);
  ASSERT_NE(high, some_data_signature);
  EXPECT_GE(std::stoi(high.substr(66, 2), nullptr, 16), 0x80);
  auto who = recover_personal_signer("Some data", high);
  ASSERT_TRUE(who.ok()) << who.error().message;
  EXPECT_EQ(*who, notes_address);
}

TEST(RecoverPersonalSigner, TamperedMessageRecoversSomeoneElse) {
  auto who = recover_personal_signer("Some datA", some_data_signature);
  ASSERT_TRUE(who.ok());
  EXPECT_NE(*who, notes_address);
}

}  // namespace
}  // namespace dclcomms::auth
