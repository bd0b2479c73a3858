// signed-login connection strings: `signed-login:<http(s) URL>` (spec §2, ADR-180): the URL the
// signed POST goes to.
#include "dclcomms/signed_login/signed_login_uri.hpp"

#include "dclcomms/transport/url_check.hpp"

namespace dclcomms::signed_login {

core::Result<transport::TransportUri, transport::UriError> validate_signed_login_uri(transport::TransportUri uri) {
  if (uri.params.empty()) {
    return transport::empty_params_error(uri.type, "an http(s) URL to POST to, e.g. signed-login:https://host/worlds/x.dcl.eth/comms");
  }
  static constexpr transport::UrlRules rules{"signed-login", transport::http_url_schemes, "http:// or https://"};
  auto checked = transport::check_url(uri.params, static_cast<std::ptrdiff_t>(uri.type.size() + 1), rules);
  if (!checked) return core::Unexpected<transport::UriError>{checked.error()};
  uri.endpoint = checked->origin + checked->encoded_path + (checked->has_query ? "?" + checked->encoded_query : "");
  uri.url = std::move(checked->parts);
  return uri;
}

}  // namespace dclcomms::signed_login
