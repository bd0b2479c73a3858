#pragma once
// signed-login connection strings (spec §2): `signed-login:https://host/worlds/x.dcl.eth/comms`.

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::signed_login {

/// The type's UriValidator: fills `endpoint` (the URL to POST to) and `url`.
core::Result<transport::TransportUri, transport::UriError> validate_signed_login_uri(transport::TransportUri uri);

}  // namespace dclcomms::signed_login
