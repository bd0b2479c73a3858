// STUN encode/parse for ICE connectivity checks (RFC 8489 message format, RFC 8445 §7 attributes).
// The parser reads through bounds-checked offsets only: every attribute's header and value are
// checked against the header's length (itself checked against the datagram) before they are read.
#include "dclcomms/webrtc/stun.hpp"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::webrtc {

namespace {

constexpr std::uint32_t magic_cookie = 0x2112A442;
constexpr std::size_t header_size = 20;
constexpr std::size_t integrity_attribute_size = 4 + 20;  // header + HMAC-SHA1
constexpr std::size_t fingerprint_attribute_size = 4 + 4;
constexpr std::uint32_t fingerprint_xor = 0x5354554e;

constexpr std::uint16_t attr_username = 0x0006;
constexpr std::uint16_t attr_message_integrity = 0x0008;
constexpr std::uint16_t attr_error_code = 0x0009;
constexpr std::uint16_t attr_xor_mapped_address = 0x0020;
constexpr std::uint16_t attr_priority = 0x0024;
constexpr std::uint16_t attr_use_candidate = 0x0025;
constexpr std::uint16_t attr_software = 0x8022;
constexpr std::uint16_t attr_fingerprint = 0x8028;
constexpr std::uint16_t attr_ice_controlled = 0x8029;
constexpr std::uint16_t attr_ice_controlling = 0x802A;

// Comprehension-required attributes (type < 0x8000) that RFC 8489 defines but a check never needs;
// a classic STUN server's response may carry them, so they are skipped rather than refused.
constexpr bool tolerated_comprehension_required(std::uint16_t type) {
  switch (type) {
    case 0x0001:  // MAPPED-ADDRESS
    case 0x0014:  // REALM
    case 0x0015:  // NONCE
    case 0x001C:  // MESSAGE-INTEGRITY-SHA256 (we key only HMAC-SHA1, as browsers do)
    case 0x001D:  // PASSWORD-ALGORITHM
    case 0x001E:  // USERHASH
      return true;
    default: return false;
  }
}

// RFC 8489 §14.3/§14.4/§14.8: USERNAME < 513 bytes, SOFTWARE < 763 bytes, reason phrase < 763 bytes.
constexpr std::size_t max_username = 512;
constexpr std::size_t max_software = 762;

// CRC-32 as IEEE 802.3 defines it (reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF),
// which is what RFC 8489 §14.7 names; OpenSSL has none, and zlib would be a dependency for 1 KiB.
constexpr std::array<std::uint32_t, 256> make_crc32_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<std::uint32_t, 256> crc32_table = make_crc32_table();

std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  std::uint32_t c = 0xFFFFFFFFU;
  for (const std::uint8_t b : bytes) c = crc32_table[(c ^ b) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}
static_assert(crc32_table[1] == 0x77073096U, "the IEEE table's first non-zero entry");

std::uint16_t read_u16(std::span<const std::uint8_t> b, std::size_t at) { return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]); }
std::uint32_t read_u32(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}
std::uint64_t read_u64(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint64_t{read_u32(b, at)} << 32) | read_u32(b, at + 4);
}

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put_u16(out, static_cast<std::uint16_t>(v >> 16));
  put_u16(out, static_cast<std::uint16_t>(v));
}
void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  put_u32(out, static_cast<std::uint32_t>(v >> 32));
  put_u32(out, static_cast<std::uint32_t>(v));
}
void set_u16(std::vector<std::uint8_t>& out, std::size_t at, std::uint16_t v) {
  out[at] = static_cast<std::uint8_t>(v >> 8);
  out[at + 1] = static_cast<std::uint8_t>(v);
}

std::size_t padded(std::size_t length) { return (length + 3) & ~std::size_t{3}; }

void put_attribute(std::vector<std::uint8_t>& out, std::uint16_t type, std::span<const std::uint8_t> value) {
  DCL_ASSERT(value.size() <= 0xFFFF);
  put_u16(out, type);
  put_u16(out, static_cast<std::uint16_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
  out.resize(out.size() + (padded(value.size()) - value.size()), 0);
}

void put_text_attribute(std::vector<std::uint8_t>& out, std::uint16_t type, std::string_view text) {
  put_attribute(out, type, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string hex16(std::uint16_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xF];
  return s;
}

// The checked outline of a message: header fields and where MESSAGE-INTEGRITY sits. Both the parser
// and the integrity check walk attributes through this one function, so they agree on the framing.
struct Outline {
  std::size_t message_size = 0;                 // header + the header's length
  std::optional<std::size_t> integrity_offset;  // the first MESSAGE-INTEGRITY attribute's header
};

core::Result<Outline, StunError> outline(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < header_size) return core::fail(StunErrorCode::not_stun, "shorter than the 20-byte STUN header");
  if ((datagram[0] & 0xC0U) != 0) return core::fail(StunErrorCode::not_stun, "the first two bits are not zero");
  if (read_u32(datagram, 4) != magic_cookie) return core::fail(StunErrorCode::not_stun, "no magic cookie 0x2112a442");
  const std::size_t length = read_u16(datagram, 2);
  if (length % 4 != 0) return core::fail(StunErrorCode::not_stun, "message length " + std::to_string(length) + " is not a multiple of 4");
  if (header_size + length > datagram.size()) {
    return core::fail(StunErrorCode::truncated, "message length " + std::to_string(length) + " runs past the datagram's " +
                                                    std::to_string(datagram.size()) + " bytes");
  }
  // Over UDP one datagram is one message (RFC 8489 §6.2.1); trailing bytes mean it is something else.
  if (header_size + length < datagram.size()) {
    return core::fail(StunErrorCode::not_stun, "message length " + std::to_string(length) + " leaves " +
                                                   std::to_string(datagram.size() - header_size - length) + " bytes of the datagram over");
  }
  Outline result{.message_size = header_size + length};
  for (std::size_t at = header_size; at < result.message_size;) {
    // `at` and the end are multiples of 4, so a whole attribute header is always there.
    const std::uint16_t type = read_u16(datagram, at);
    const std::size_t value_length = read_u16(datagram, at + 2);
    if (at + 4 + padded(value_length) > result.message_size) {
      return core::fail(StunErrorCode::truncated, "attribute " + hex16(type) + " at byte " + std::to_string(at) + " (" +
                                                      std::to_string(value_length) + " bytes) runs past the message");
    }
    if (type == attr_message_integrity && !result.integrity_offset) result.integrity_offset = at;
    at += 4 + padded(value_length);
  }
  return result;
}

std::array<std::uint8_t, 20> hmac_sha1(std::string_view key, std::span<const std::uint8_t> data) {
  std::array<std::uint8_t, 20> digest{};
  unsigned int digest_length = 0;
  // An empty key is legal for HMAC; OpenSSL wants a non-null pointer for it.
  static constexpr std::uint8_t empty_key = 0;
  const void* key_bytes = key.empty() ? static_cast<const void*>(&empty_key) : static_cast<const void*>(key.data());
  const unsigned char* done =
      HMAC(EVP_sha1(), key_bytes, static_cast<int>(key.size()), data.data(), data.size(), digest.data(), &digest_length);
  DCL_ASSERT(done != nullptr && digest_length == digest.size());
  return digest;
}

// The bytes MESSAGE-INTEGRITY covers: the message up to its attribute, with the header's length
// set as if MESSAGE-INTEGRITY were the last attribute (RFC 8489 §14.5).
std::array<std::uint8_t, 20> integrity_over(std::span<const std::uint8_t> message, std::size_t integrity_offset, std::string_view key) {
  std::vector<std::uint8_t> covered(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(integrity_offset));
  set_u16(covered, 2, static_cast<std::uint16_t>(integrity_offset - header_size + integrity_attribute_size));
  return hmac_sha1(key, covered);
}

core::Result<SocketAddress, StunError> parse_xor_address(std::span<const std::uint8_t> value, std::span<const std::uint8_t> header) {
  if (value.size() < 4) return core::fail(StunErrorCode::bad_attribute, "XOR-MAPPED-ADDRESS shorter than 4 bytes");
  const std::uint8_t family = value[1];
  const std::size_t address_size = family == 0x01 ? 4 : family == 0x02 ? 16 : 0;
  if (address_size == 0) return core::fail(StunErrorCode::bad_attribute, "XOR-MAPPED-ADDRESS family " + std::to_string(family));
  if (value.size() != 4 + address_size) {
    return core::fail(StunErrorCode::bad_attribute, "XOR-MAPPED-ADDRESS of " + std::to_string(value.size()) + " bytes for its family");
  }
  SocketAddress address;
  address.port = static_cast<std::uint16_t>(read_u16(value, 2) ^ (magic_cookie >> 16));
  // The address is xored with the cookie, then (IPv6) the transaction id: header bytes 4..19.
  std::array<std::uint8_t, 16> raw{};
  for (std::size_t i = 0; i < address_size; ++i) raw[i] = value[4 + i] ^ header[4 + i];
  char text[INET6_ADDRSTRLEN] = {};
  const char* written = inet_ntop(family == 0x01 ? AF_INET : AF_INET6, raw.data(), text, sizeof text);
  DCL_ASSERT(written != nullptr);
  address.ip = text;
  return address;
}

void put_xor_address(std::vector<std::uint8_t>& out, const SocketAddress& address) {
  std::array<std::uint8_t, 16> raw{};
  std::uint8_t family = 0;
  std::size_t address_size = 0;
  if (inet_pton(AF_INET, address.ip.c_str(), raw.data()) == 1) {
    family = 0x01;
    address_size = 4;
  } else if (inet_pton(AF_INET6, address.ip.c_str(), raw.data()) == 1) {
    family = 0x02;
    address_size = 16;
  }
  // Addresses come from our carrier (a socket's peer), never from a peer's text: a bad one is a bug.
  DCL_ASSERT(address_size != 0);
  std::vector<std::uint8_t> value;
  value.push_back(0);
  value.push_back(family);
  put_u16(value, static_cast<std::uint16_t>(address.port ^ (magic_cookie >> 16)));
  // `out` already holds the header, whose bytes 4..19 are the cookie and the transaction id.
  for (std::size_t i = 0; i < address_size; ++i) value.push_back(raw[i] ^ out[4 + i]);
  put_attribute(out, attr_xor_mapped_address, value);
}

std::string_view reason_phrase(std::uint16_t code) {
  switch (code) {
    case 300: return "Try Alternate";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 420: return "Unknown Attribute";
    case 438: return "Stale Nonce";
    case 487: return "Role Conflict";
    case 500: return "Server Error";
    default: return "";
  }
}

}  // namespace

std::string_view to_string(StunErrorCode code) {
  switch (code) {
    case StunErrorCode::not_stun: return "not_stun";
    case StunErrorCode::truncated: return "truncated";
    case StunErrorCode::bad_attribute: return "bad_attribute";
    case StunErrorCode::bad_fingerprint: return "bad_fingerprint";
    case StunErrorCode::bad_integrity: return "bad_integrity";
    case StunErrorCode::bad_username: return "bad_username";
    case StunErrorCode::unexpected: return "unexpected";
  }
  return "?";
}

bool looks_like_stun(std::span<const std::uint8_t> datagram) { return !datagram.empty() && datagram[0] <= 3; }

core::Result<StunMessage, StunError> parse_stun(std::span<const std::uint8_t> datagram) {
  auto framed = outline(datagram);
  if (!framed) return core::Unexpected<StunError>{framed.error()};
  const std::size_t end = framed->message_size;
  const std::span<const std::uint8_t> header = datagram.first(header_size);

  StunMessage message;
  message.type = read_u16(datagram, 0);
  std::memcpy(message.transaction_id.data(), datagram.data() + 8, message.transaction_id.size());

  auto bad = [](std::string what) { return core::fail(StunErrorCode::bad_attribute, std::move(what)); };
  for (std::size_t at = header_size; at < end;) {
    const std::uint16_t type = read_u16(datagram, at);
    const std::size_t length = read_u16(datagram, at + 2);
    const std::span<const std::uint8_t> value = datagram.subspan(at + 4, length);
    const std::size_t next = at + 4 + padded(length);

    if (message.has_fingerprint) return bad("attribute " + hex16(type) + " after FINGERPRINT");
    if (type == attr_fingerprint) {
      if (length != 4) return bad("FINGERPRINT of " + std::to_string(length) + " bytes");
      if (next != end) return bad("FINGERPRINT is not the last attribute");
      // The header's length already covers FINGERPRINT, as §14.7 wants, because it is the last one.
      const std::uint32_t expected = crc32(datagram.first(at)) ^ fingerprint_xor;
      if (read_u32(value, 0) != expected) return core::fail(StunErrorCode::bad_fingerprint, "FINGERPRINT does not match the message");
      message.has_fingerprint = true;
    } else if (message.has_integrity) {
      // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are not covered
      // by it, so they are ignored rather than believed.
    } else {
      switch (type) {
        case attr_message_integrity:
          if (length != 20) return bad("MESSAGE-INTEGRITY of " + std::to_string(length) + " bytes");
          message.has_integrity = true;
          break;
        case attr_username:
          if (length > max_username) return bad("USERNAME of " + std::to_string(length) + " bytes");
          // §14: only the first of a repeated attribute counts.
          if (!message.username) message.username.emplace(reinterpret_cast<const char*>(value.data()), value.size());
          break;
        case attr_software:
          if (length > max_software) return bad("SOFTWARE of " + std::to_string(length) + " bytes");
          if (!message.software) message.software.emplace(reinterpret_cast<const char*>(value.data()), value.size());
          break;
        case attr_priority:
          if (length != 4) return bad("PRIORITY of " + std::to_string(length) + " bytes");
          if (!message.priority) message.priority = read_u32(value, 0);
          break;
        case attr_use_candidate:
          if (length != 0) return bad("USE-CANDIDATE of " + std::to_string(length) + " bytes");
          message.use_candidate = true;
          break;
        case attr_ice_controlled:
          if (length != 8) return bad("ICE-CONTROLLED of " + std::to_string(length) + " bytes");
          if (!message.ice_controlled) message.ice_controlled = read_u64(value, 0);
          break;
        case attr_ice_controlling:
          if (length != 8) return bad("ICE-CONTROLLING of " + std::to_string(length) + " bytes");
          if (!message.ice_controlling) message.ice_controlling = read_u64(value, 0);
          break;
        case attr_xor_mapped_address: {
          auto address = parse_xor_address(value, header);
          if (!address) return core::Unexpected<StunError>{address.error()};
          if (!message.xor_mapped_address) message.xor_mapped_address = std::move(*address);
          break;
        }
        case attr_error_code: {
          if (length < 4) return bad("ERROR-CODE shorter than 4 bytes");
          const unsigned error_class = value[2] & 0x07U;
          const unsigned number = value[3];
          if (error_class < 3 || error_class > 6 || number > 99) {
            return bad("ERROR-CODE class " + std::to_string(error_class) + " number " + std::to_string(number));
          }
          if (!message.error_code) message.error_code = static_cast<std::uint16_t>(error_class * 100 + number);
          break;
        }
        default:
          if (type < 0x8000 && !tolerated_comprehension_required(type)) {
            // RFC 8489 §7.3.1/§7.3.3: an unknown comprehension-required attribute ends processing.
            return bad("unknown comprehension-required attribute " + hex16(type));
          }
          break;
      }
    }
    at = next;
  }
  return message;
}

bool stun_integrity_ok(std::span<const std::uint8_t> datagram, std::string_view key) {
  auto framed = outline(datagram);
  if (!framed || !framed->integrity_offset) return false;
  const std::size_t at = *framed->integrity_offset;
  if (read_u16(datagram, at + 2) != 20) return false;
  const auto expected = integrity_over(datagram, at, key);
  return CRYPTO_memcmp(expected.data(), datagram.data() + at + 4, expected.size()) == 0;
}

std::vector<std::uint8_t> encode_stun(const StunMessage& message, std::string_view integrity_key, bool fingerprint) {
  DCL_ASSERT((message.type & 0xC000U) == 0);
  std::vector<std::uint8_t> out;
  out.reserve(128);
  put_u16(out, message.type);
  put_u16(out, 0);  // the length, set below
  put_u32(out, magic_cookie);
  out.insert(out.end(), message.transaction_id.begin(), message.transaction_id.end());

  // This order is RFC 5769's samples' (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME; SOFTWARE,
  // XOR-MAPPED-ADDRESS), so that parsing a sample and encoding it again lays it out the same.
  if (message.software) {
    DCL_ASSERT(message.software->size() <= max_software);
    put_text_attribute(out, attr_software, *message.software);
  }
  if (message.priority) {
    std::vector<std::uint8_t> value;
    put_u32(value, *message.priority);
    put_attribute(out, attr_priority, value);
  }
  if (message.ice_controlled) {
    std::vector<std::uint8_t> value;
    put_u64(value, *message.ice_controlled);
    put_attribute(out, attr_ice_controlled, value);
  }
  if (message.ice_controlling) {
    std::vector<std::uint8_t> value;
    put_u64(value, *message.ice_controlling);
    put_attribute(out, attr_ice_controlling, value);
  }
  if (message.use_candidate) put_attribute(out, attr_use_candidate, {});
  if (message.username) {
    DCL_ASSERT(message.username->size() <= max_username);
    put_text_attribute(out, attr_username, *message.username);
  }
  if (message.xor_mapped_address) put_xor_address(out, *message.xor_mapped_address);
  if (message.error_code) {
    const unsigned code = *message.error_code;
    DCL_ASSERT(code >= 300 && code <= 699);
    std::vector<std::uint8_t> value = {0, 0, static_cast<std::uint8_t>(code / 100), static_cast<std::uint8_t>(code % 100)};
    const std::string_view phrase = reason_phrase(static_cast<std::uint16_t>(code));
    value.insert(value.end(), phrase.begin(), phrase.end());
    put_attribute(out, attr_error_code, value);
  }

  if (!integrity_key.empty()) {
    const std::size_t at = out.size();
    const auto digest = integrity_over(out, at, integrity_key);
    put_attribute(out, attr_message_integrity, digest);
  }
  if (fingerprint) {
    set_u16(out, 2, static_cast<std::uint16_t>(out.size() - header_size + fingerprint_attribute_size));
    std::vector<std::uint8_t> value;
    put_u32(value, crc32(out) ^ fingerprint_xor);
    put_attribute(out, attr_fingerprint, value);
  }
  DCL_ASSERT(out.size() - header_size <= 0xFFFF);
  set_u16(out, 2, static_cast<std::uint16_t>(out.size() - header_size));
  return out;
}

}  // namespace dclcomms::webrtc
