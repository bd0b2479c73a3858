#pragma once
// AuthChains (spec §4): a JSON array of links that delegates authority from a wallet (SIGNER) through
// ephemeral keys to a final signed payload. Building, parsing, signing and verifying; no I/O.
//
// Time: chains carry ISO-8601 UTC expirations, so verification takes the current Unix time in
// milliseconds as an argument (never a clock read), which keeps it deterministic under simulation.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/result.hpp"

namespace dclcomms::auth {

enum class AuthErrorCode : std::uint8_t {
  malformed_json,  // not a JSON array of {type, payload, signature} objects
  empty_chain,
  missing_signer,    // link 0 is not SIGNER
  signer_not_first,  // a SIGNER link after link 0
  unknown_link_type,
  bad_signature_format,   // not 0x + 130 hex, or v not in {0, 1, 27, 28}
  bad_ephemeral_payload,  // not the three-line "Decentraland Login" payload
  bad_address,            // not 0x + 40 hex
  expired,                // ephemeral expiration <= now
  signer_mismatch,        // a signature recovers to an address other than the current authority
  payload_mismatch,       // the final payload is not the expected one
  needs_onchain_check,    // EIP-1654 link and no verifier was given
  onchain_check_failed,
  bad_key,  // a private key outside [1, n-1]
};
std::string_view to_string(AuthErrorCode code);
using AuthError = core::Error<AuthErrorCode>;

enum class AuthLinkType : std::uint8_t {
  signer,                        // "SIGNER"
  ecdsa_ephemeral,               // "ECDSA_EPHEMERAL"
  ecdsa_signed_entity,           // "ECDSA_SIGNED_ENTITY"
  ecdsa_eip_1654_ephemeral,      // "ECDSA_EIP_1654_EPHEMERAL"
  ecdsa_eip_1654_signed_entity,  // "ECDSA_EIP_1654_SIGNED_ENTITY"
};
std::string_view to_wire_string(AuthLinkType type);

struct AuthLink {
  AuthLinkType type;
  std::string payload;
  std::string signature;  // "" for SIGNER
};
using AuthChain = std::vector<AuthLink>;

/// Compact JSON, keys in the order type, payload, signature (as upstream emits them).
std::string to_json(const AuthChain& chain);
/// One link as JSON (signed-fetch headers carry links one by one).
std::string to_json(const AuthLink& link);
core::Result<AuthChain, AuthError> parse_auth_chain(std::string_view json);

/// A secp256k1 private key. The address is the EIP-55 checksummed Ethereum address.
class PrivateKey {
 public:
  static core::Result<PrivateKey, AuthError> from_bytes(const std::array<std::uint8_t, 32>& bytes);
  const std::array<std::uint8_t, 32>& bytes() const { return bytes_; }
  std::string address() const;  // "0x" + 40 hex, EIP-55 case
 private:
  explicit PrivateKey(const std::array<std::uint8_t, 32>& bytes) : bytes_(bytes) {}
  std::array<std::uint8_t, 32> bytes_;
};

/// EIP-191 personal_sign over Keccak-256: "0x" + r(32) s(32) v(1) hex, v in {27, 28}, low-s,
/// RFC 6979 deterministic.
std::string personal_sign(const PrivateKey& key, std::string_view message);
/// The (EIP-55) address whose key made `signature` over `message`, after the same normalisation the
/// verifier applies (v 0/1 accepted).
core::Result<std::string, AuthError> recover_personal_signer(std::string_view message, std::string_view signature);

/// An explorer's login identity: the wallet's SIGNER link plus an ECDSA_EPHEMERAL delegation, and the
/// ephemeral key that signs payloads from then on.
struct Identity {
  std::string owner_address;  // lowercase
  PrivateKey ephemeral_key;
  AuthChain base_chain;  // [SIGNER, ECDSA_EPHEMERAL]
};

/// Builds an identity whose delegation expires at `expiration_unix_ms` (payload lines:
/// "Decentraland Login", "Ephemeral address: <EIP-55>", "Expiration: <ISO-8601 UTC with ms>").
Identity make_identity(const PrivateKey& owner, const PrivateKey& ephemeral, std::int64_t expiration_unix_ms);

/// The identity's chain plus an ECDSA_SIGNED_ENTITY link over `payload`.
AuthChain sign_payload(const Identity& identity, std::string_view payload);

/// Checks a contract-wallet (EIP-1654/1271) signature; returns whether `signature` is valid for
/// `message` by `contract_address`. Supplied by callers that can reach a chain; none offline.
using Eip1654Verifier =
    std::function<core::Result<bool, AuthError>(std::string_view contract_address, std::string_view message, std::string_view signature)>;

struct VerifiedChain {
  std::string owner_address;  // lowercase payload of the SIGNER link
};

/// Validates `chain` (spec §4.4) so that its final authority equals `expected_payload` exactly.
/// Without an `eip1654` verifier, EIP-1654 links fail with needs_onchain_check — never accepted.
core::Result<VerifiedChain, AuthError> verify_auth_chain(const AuthChain& chain, std::string_view expected_payload,
                                                         std::int64_t now_unix_ms, const Eip1654Verifier* eip1654 = nullptr);

/// ISO-8601 UTC with milliseconds, e.g. "2030-01-01T00:00:00.000Z" (what upstream emits); years
/// outside 0000..9999 as JS writes them ("+010000-..."). Precondition: |unix_ms| <= 8.64e15, the JS
/// Date range (a caller bug otherwise, asserted).
std::string format_iso8601_ms(std::int64_t unix_ms);
/// Parses what JS Date.parse accepts from explorers: "YYYY-MM-DDTHH:MM:SS[.sss]Z" (1-9 fraction
/// digits, truncated to ms; real calendar dates only). Other forms Date.parse reads are refused
/// (docs/authchain.md).
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

}  // namespace dclcomms::auth
