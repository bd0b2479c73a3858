#pragma once
// Connection strings ("transport URIs", spec §2): `<type>:<params>`, split at the first ':'.
//
// parse_transport_uri() checks the generic grammar and then the rules of the standard type named
// (ws-room, livekit, signed-login, offline, simulator). It never touches the network: no socket,
// no DNS, no thread, and it allocates nothing beyond a few copies of the input.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dclcomms/core/result.hpp"

namespace dclcomms::transport {

/// The longest connection string accepted, in bytes. Real ones (livekit URLs with a JWT) are under
/// 2 KiB; 8 KiB leaves room for long tokens while bounding what a parser has to look at.
inline constexpr std::size_t transport_uri_bytes_max = 8192;

enum class UriErrorCode : std::uint8_t {
  empty,              // nothing at all
  too_long,           // over transport_uri_bytes_max
  invalid_utf8,       // not valid UTF-8
  control_character,  // a C0/C1 control character or DEL
  whitespace,         // a space, tab, NBSP or other Unicode white space
  missing_separator,  // no ':' between type and parameters
  bad_type,           // the type does not match [A-Za-z][A-Za-z0-9-]+
  unsupported_type,   // a well-formed type that no registered transport serves
  empty_params,       // nothing after ':' where the type needs something
  bad_url,            // the parameters are not a URL of the right form
  bad_scheme,         // a URL scheme the type does not accept
  missing_host,
  bad_host,
  bad_port,
  bad_path,
  userinfo_not_allowed,
  fragment_not_allowed,
  missing_token,      // livekit: no access_token
  bad_token,          // livekit: access_token is not a well-formed JWT
  bad_parameter,      // simulator: a known parameter with a bad value, or a query that is malformed
  unknown_parameter,  // simulator: a parameter it does not know
  duplicate_parameter,
};
std::string_view to_string(UriErrorCode code);

using UriError = core::Error<UriErrorCode>;

/// A URL already split into parts (for the URL-based types). `query` keeps every parameter in
/// order, percent-decoded.
struct UrlParts {
  std::string scheme;  // lowercase: ws, wss, http, https
  std::string host;    // as written (IPv6 without brackets), lowercased for reg-names
  std::uint16_t port = 0;  // 0 = the scheme's default
  std::string path;        // percent-encoded as written; "/" when empty
  std::vector<std::pair<std::string, std::string>> query;
};

/// A connection string that passed validation.
struct TransportUri {
  std::string type;    // e.g. "ws-room" (as written; types are case-sensitive, like the parsers)
  std::string params;  // everything after the first ':', untouched
  /// ws-room: the URL to open, with wss:// prepended when the parameters had no scheme;
  /// livekit: scheme://authority/path without the query (what the SDK connects to);
  /// signed-login: the URL to POST to; offline, simulator, unknown types: empty.
  std::string endpoint;
  UrlParts url;              // the parts of `endpoint` (URL-based types only)
  std::string access_token;  // livekit only
};

/// Parses and validates. Types outside the five standard ones are checked only for the generic
/// grammar and then rejected with `unsupported_type`; TransportFactory decides about extra types.
core::Result<TransportUri, UriError> parse_transport_uri(std::string_view uri);

/// Only the generic grammar: the type and the parameters, no per-type rules. Used by the factory
/// for types registered by clients.
core::Result<TransportUri, UriError> parse_transport_uri_generic(std::string_view uri);

/// The five standard types, in the spec's order.
inline constexpr std::string_view standard_transport_types[] = {"ws-room", "livekit", "signed-login",
                                                               "offline", "simulator"};

}  // namespace dclcomms::transport
