#pragma once
// Reading the comms adapter out of a realm's /about (spec §2.2, ADR-110).
//
// Two generations of field exist:
//   comms.fixedAdapter  legacy: a bare connection string ("signed-login:https://…/comms");
//   comms.adapter       newer: a connection string prefixed by how to obtain transports,
//                       "fixed-adapter:signed-login:https://…" or
//                       "archipelago:archipelago:wss://peer.decentraland.zone/archipelago/ws".
// Precedence: `adapter` wins over `fixedAdapter` when both are present (bevy-explorer's order; the
// newer field is the one servers keep up to date). A present-but-broken `adapter` is an error, not
// a silent fall-back to `fixedAdapter`: a realm that publishes garbage should be noticed.
// The same prefix rules apply to both fields, so a legacy field holding a prefixed string still
// works; a bare string comes back as AdapterKind::plain.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dclcomms/core/result.hpp"

namespace dclcomms::transport {

/// How the client obtains its transports.
enum class AdapterKind : std::uint8_t {
  fixed_adapter,  // "fixed-adapter:<connection string>": one static transport
  archipelago,    // "archipelago:<connection string>": island assignment over Archipelago
  plain,          // no prefix: the field is the connection string (legacy fixedAdapter)
};
std::string_view to_string(AdapterKind kind);

/// The adapter a realm asks for: what kind, and the connection string without the kind prefix.
/// For archipelago the connection string is usually itself "archipelago:wss://…" (the catalysts
/// write the word twice: the first is the kind, the second the type of the connection string).
struct RealmAdapter {
  AdapterKind kind = AdapterKind::plain;
  std::string connection_string;
  friend bool operator==(const RealmAdapter&, const RealmAdapter&) = default;
};

enum class RealmAboutErrorCode : std::uint8_t {
  too_large,                // the /about text is over realm_about_bytes_max
  bad_json,                 // not JSON, or not a JSON object at the top
  bad_field_type,           // comms is not an object, or adapter/fixedAdapter is not a string
  no_adapter,               // resolve_realm_adapter(): neither field given
  empty_connection_string,  // a field is "" or only a prefix ("fixed-adapter:")
  nested_prefix,            // "fixed-adapter:fixed-adapter:…": no recursion, like the kernel
  bad_connection_string,    // what remains fails the generic connection-string grammar
};
std::string_view to_string(RealmAboutErrorCode code);
using RealmAboutError = core::Error<RealmAboutErrorCode>;

/// Bounds the JSON we are willing to parse; real /about documents are a few KiB.
inline constexpr std::size_t realm_about_bytes_max = 1024 * 1024;

/// The connection string used when /about names no adapter at all (hammurabi and unity-explorer).
inline constexpr std::string_view realm_default_connection_string = "offline:offline";

/// Resolves the two /about fields (nullopt = absent). Strips one `fixed-adapter:` or `archipelago:`
/// prefix and checks the remainder with parse_transport_uri_generic() (only the generic grammar:
/// whether the type is supported is the factory's call). Errors: no_adapter when both are absent.
core::Result<RealmAdapter, RealmAboutError> resolve_realm_adapter(std::optional<std::string_view> adapter,
                                                                  std::optional<std::string_view> fixed_adapter);

/// The same, from the /about JSON text. A missing or null `comms`, or a `comms` with neither
/// field (or both null), gives {plain, "offline:offline"}.
core::Result<RealmAdapter, RealmAboutError> resolve_realm_adapter_from_about(std::string_view about_json);

}  // namespace dclcomms::transport
