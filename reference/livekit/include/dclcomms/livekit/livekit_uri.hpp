#pragma once
// livekit connection strings (spec §2): `livekit:wss://host?access_token=<JWT>`.

#include <string>

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::livekit {

/// A livekit connection string, checked: where to connect and with which token.
struct LivekitUri {
  std::string endpoint;      // scheme://authority/path without the query: what the SDK connects to
  std::string access_token;  // shaped like a JWT (not verified: the server holds the key)
  transport::UrlParts url;   // the parts of `endpoint`; `query` keeps every parameter but the token
};

core::Result<LivekitUri, transport::UriError> parse_livekit_uri(const transport::TransportUri& generic);

/// The type's UriValidator: parse_livekit_uri() without the token, which stays out of the generic
/// TransportUri (the maker reads it again with parse_livekit_uri()).
core::Result<transport::TransportUri, transport::UriError> validate_livekit_uri(transport::TransportUri uri);

}  // namespace dclcomms::livekit
