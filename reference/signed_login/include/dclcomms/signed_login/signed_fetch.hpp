#pragma once
// Signed fetch (ADR-44, spec §5.1): the headers that prove who sends an HTTP request.
//   x-identity-auth-chain-0..N : the AuthChain, one link per header (compact JSON)
//   x-identity-timestamp       : Unix time in milliseconds
//   x-identity-metadata        : the metadata JSON, byte for byte as signed (before lowercasing)
// The chain's final link signs lowercase(method + ":" + path + ":" + timestamp + ":" + metadata).

#include <cstdint>
#include <string>
#include <string_view>

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/http_client.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::signed_login {

inline constexpr std::string_view comms_handshake_intent = "dcl:explorer:comms-handshake";
inline constexpr std::string_view explorer_signer = "dcl:explorer";

/// The string the final link signs: lowercase(method:path:timestamp:metadata), whole.
std::string signed_fetch_payload(std::string_view method, std::string_view path, std::int64_t timestamp_ms, std::string_view metadata_json);
/// The same with the timestamp exactly as its header carries it (what a verifier must use: the
/// signer signed the text, e.g. "1790000000000.5" or "" when the header is absent).
std::string signed_fetch_payload(std::string_view method, std::string_view path, std::string_view timestamp_text,
                                 std::string_view metadata_json);

/// Explorer metadata for a comms handshake (bevy/godot key order):
/// {"intent":"dcl:explorer:comms-handshake","signer":"dcl:explorer","isGuest":false,"origin":"<origin>"}
std::string comms_handshake_metadata(std::string_view origin);

enum class SignedFetchErrorCode : std::uint8_t {
  not_an_auth_chain,  // the identity's signer returned something that does not parse as an AuthChain
};
using SignedFetchError = core::Error<SignedFetchErrorCode>;

/// The signed-fetch headers for one request. Fails when the signer's output is not an AuthChain.
core::Result<transport::HttpHeaders, SignedFetchError> signed_fetch_headers(const transport::SigningIdentity& identity,
                                                                            std::string_view method, std::string_view path,
                                                                            std::int64_t timestamp_ms, std::string_view metadata_json);

}  // namespace dclcomms::signed_login
