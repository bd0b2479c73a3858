#pragma once
// Connection strings ("transport URIs", spec §2): `<type>:<params>`, split at the first ':'.
//
// This layer knows only the generic grammar and the error vocabulary. Each type's own rules are a
// UriValidator that lives in the type's folder (reference/<type>/) and comes to the factory with the
// type's registration; reference/registry's parse_transport_uri() checks any standard type. No
// check touches the network: no socket, no DNS, no thread.

#include <cstddef>
#include <cstdint>
#include <functional>
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
  missing_token,      // a credential the type needs is absent (livekit: access_token)
  bad_token,          // a credential is malformed (livekit: access_token is not a JWT)
  bad_parameter,      // a known parameter with a bad value, or a query that is malformed
  unknown_parameter,  // a parameter the type does not know
  duplicate_parameter,
};
std::string_view to_string(UriErrorCode code);

using UriError = core::Error<UriErrorCode>;

/// A URL already split into parts (for the URL-based types). `query` keeps every parameter in
/// order, percent-decoded.
struct UrlParts {
  std::string scheme;      // lowercase: ws, wss, http, https
  std::string host;        // as written (IPv6 without brackets), lowercased for reg-names
  std::uint16_t port = 0;  // 0 = the scheme's default
  std::string path;        // percent-encoded as written; "/" when empty
  std::vector<std::pair<std::string, std::string>> query;
};

/// A connection string that passed validation.
struct TransportUri {
  std::string type;    // e.g. "ws-room" (as written; types are case-sensitive, like the parsers)
  std::string params;  // everything after the first ':', untouched
  /// Set by a URL-based type's validator: what the transport connects to, normalised (ws-room:
  /// the URL with wss:// prepended when the parameters had no scheme; livekit: scheme://authority/path
  /// without the token; signed-login: the URL to POST to). Empty for the other types.
  std::string endpoint;
  UrlParts url;  // the parts of `endpoint` (URL-based types only)
};

/// A type's own rules: takes what parse_transport_uri_generic() returned and gives the validated
/// form (endpoint and url filled in where the type has them) or the error naming what is wrong.
using UriValidator = std::function<core::Result<TransportUri, UriError>(TransportUri generic)>;

/// Only the generic grammar: the type and the parameters, no per-type rules.
core::Result<TransportUri, UriError> parse_transport_uri_generic(std::string_view uri);

/// Hints for an unsupported type, each starting with "; ": a standard type written in another case
/// ("did you mean 'ws-room'?"), a URL with its '<type>:' prefix missing. Empty when none applies.
std::string unsupported_type_hints(std::string_view type, std::string_view params);

/// The five standard types, in the spec's order.
inline constexpr std::string_view standard_transport_types[] = {"ws-room", "livekit", "signed-login", "offline", "simulator"};

}  // namespace dclcomms::transport
