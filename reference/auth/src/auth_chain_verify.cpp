// verify_auth_chain: spec §4.4 (upstream Authenticator.validateSignature), offline and clock-free,
// with the deliberate differences listed in docs/authchain.md.
#include <optional>
#include <string>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/auth/detail/ephemeral_payload.hpp"
#include "dclcomms/auth/detail/eth.hpp"
#include "dclcomms/core/utf8.hpp"

namespace dclcomms::auth {
namespace {

using Failure = core::Unexpected<AuthError>;

// Payloads are attacker-chosen and may be long: quote a bounded, valid-UTF-8 prefix in messages.
std::string quoted(std::string_view text) {
  constexpr std::size_t limit = 96;
  std::string out = "\"" + core::to_valid_utf8(text.substr(0, limit));
  out += text.size() > limit ? "\"..." : "\"";
  return out;
}

std::string where(std::size_t index, AuthLinkType type) {
  return "link " + std::to_string(index) + " (" + std::string(to_wire_string(type)) + "): ";
}

Failure fail_at(std::size_t index, AuthLinkType type, AuthErrorCode code, const std::string& what) {
  return core::fail(code, where(index, type) + what);
}

Failure fail_at(std::size_t index, AuthLinkType type, const AuthError& inner) {
  return core::fail(inner.code, where(index, type) + inner.message);
}

bool is_ephemeral(AuthLinkType type) { return type == AuthLinkType::ecdsa_ephemeral || type == AuthLinkType::ecdsa_eip_1654_ephemeral; }

bool is_eip1654(AuthLinkType type) {
  return type == AuthLinkType::ecdsa_eip_1654_ephemeral || type == AuthLinkType::ecdsa_eip_1654_signed_entity;
}

// Checks that `authority` signed `message` with the link's signature; nothing on success.
std::optional<Failure> check_signed_by(std::size_t index, const AuthLink& link, std::string_view authority, std::string_view message,
                                       const Eip1654Verifier* eip1654) {
  if (is_eip1654(link.type)) {
    if (eip1654 == nullptr || !*eip1654) {
      return fail_at(index, link.type, AuthErrorCode::needs_onchain_check,
                     "contract-wallet signature by " + std::string(authority) + " needs an on-chain check and no verifier was given");
    }
    auto valid = (*eip1654)(authority, message, link.signature);
    if (!valid.ok()) return fail_at(index, link.type, valid.error());
    if (!*valid) {
      return fail_at(index, link.type, AuthErrorCode::onchain_check_failed,
                     "contract " + std::string(authority) + " does not accept the signature");
    }
    return std::nullopt;
  }
  auto signer = recover_personal_signer(message, link.signature);
  if (!signer.ok()) return fail_at(index, link.type, signer.error());
  if (detail::ascii_lower(*signer) != detail::ascii_lower(authority)) {
    return fail_at(index, link.type, AuthErrorCode::signer_mismatch,
                   "signed by " + detail::ascii_lower(*signer) + " but the current authority is " + quoted(detail::ascii_lower(authority)));
  }
  return std::nullopt;
}

}  // namespace

core::Result<VerifiedChain, AuthError> verify_auth_chain(const AuthChain& chain, std::string_view expected_payload,
                                                         std::int64_t now_unix_ms, const Eip1654Verifier* eip1654) {
  // 1. Structure, before any cryptography (as upstream's isValidAuthChain).
  if (chain.empty()) return core::fail(AuthErrorCode::empty_chain, "the AuthChain has no links");
  if (chain[0].type != AuthLinkType::signer) {
    return fail_at(0, chain[0].type, AuthErrorCode::missing_signer, "the first link must be SIGNER");
  }
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (chain[i].type == AuthLinkType::signer) {
      return fail_at(i, chain[i].type, AuthErrorCode::signer_not_first, "SIGNER is only allowed as link 0");
    }
  }
  const AuthLink& root = chain[0];
  if (!detail::is_address(root.payload)) {
    return fail_at(0, root.type, AuthErrorCode::bad_address, "payload " + quoted(root.payload) + " is not 0x followed by 40 hex digits");
  }
  if (chain.size() == 1) {
    // Upstream accepts [SIGNER x] for expected == x: nothing was signed, so we refuse it.
    return fail_at(0, root.type, AuthErrorCode::payload_mismatch, "a chain of only SIGNER proves nothing; a signed link must follow");
  }

  // 2. Walk the delegations.
  std::string authority = root.payload;
  for (std::size_t i = 1; i < chain.size(); ++i) {
    const AuthLink& link = chain[i];
    if (is_ephemeral(link.type)) {
      const std::string message = detail::strip_carriage_returns(link.payload);
      auto delegation = detail::parse_ephemeral_payload(message);
      if (!delegation.ok()) return fail_at(i, link.type, delegation.error());
      if (delegation->expiration_unix_ms <= now_unix_ms) {
        return fail_at(i, link.type, AuthErrorCode::expired,
                       "ephemeral key expired at " + format_iso8601_ms(delegation->expiration_unix_ms) + " (" +
                           std::to_string(delegation->expiration_unix_ms) + " ms), validating at " + std::to_string(now_unix_ms) + " ms");
      }
      if (auto failure = check_signed_by(i, link, authority, message, eip1654)) return *failure;
      authority = std::string(delegation->address);
    } else {
      // Signed entities are verified verbatim: upstream strips '\r' only from delegations.
      if (auto failure = check_signed_by(i, link, authority, link.payload, eip1654)) return *failure;
      authority = link.payload;
    }
  }

  // 3. The chain must end in exactly the expected payload (case-sensitive).
  if (authority != expected_payload) {
    return core::fail(AuthErrorCode::payload_mismatch, "link " + std::to_string(chain.size() - 1) + ": final authority " +
                                                           quoted(authority) + " is not the expected payload " + quoted(expected_payload));
  }
  return VerifiedChain{detail::ascii_lower(root.payload)};
}

}  // namespace dclcomms::auth
