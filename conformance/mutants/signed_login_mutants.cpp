// Mutants: the reference signed-login transport with one deliberate flaw each, made by changing
// what it is built with (its signer, its HTTP client) rather than copying it.
#include "signed_login_mutants.hpp"

#include <nlohmann/json.hpp>

#include "../src/reference_capabilities.hpp"
#include "dclcomms/signed_login/signed_login_transport.hpp"
#include "dclcomms/signed_login/signed_login_uri.hpp"
#include "dclcomms/transport/forwarding_transport.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"

namespace dclcomms::conformance {
namespace {

using ContextChange = std::function<void(transport::TransportContext&)>;

TransportUnderTest signed_login_mutant(const std::string& name, ContextChange change) {
  Capabilities capabilities = ws_room_capabilities();
  capabilities.types = {"signed-login"};
  capabilities.targeted_sends = false;
  return TransportUnderTest{name, capabilities, [change](transport::TransportFactory& factory, const HarnessServices&) {
                              factory.register_type(
                                  "signed-login",
                                  [change, &factory](const transport::TransportUri& uri, const transport::TransportContext& context)
                                      -> core::Result<transport::TransportPtr, transport::UriError> {
                                    transport::TransportContext changed = context;
                                    change(changed);
                                    return transport::TransportPtr(
                                        std::make_unique<signed_login::SignedLoginTransport>(uri, changed, factory));
                                  },
                                  signed_login::validate_signed_login_uri);  // the flaw is elsewhere: its URIs follow the type's rules
                              ws_room::register_ws_room(factory);
                            }};
}

// The flaw: the signature covers "method:path:timestamp:" only, so the metadata (intent, signer)
// travels unauthenticated and can be swapped by anyone who replays the request.
void sign_without_metadata(transport::TransportContext& context) {
  if (!context.identity) return;
  auto inner = context.identity->sign_payload;
  context.identity->sign_payload = [inner](std::string_view payload) {
    std::size_t cut = 0;
    for (int colons = 0; colons < 3 && cut != std::string_view::npos; ++colons) cut = payload.find(':', cut == 0 ? 0 : cut + 1);
    return inner(cut == std::string_view::npos ? payload : payload.substr(0, cut + 1));
  };
}

// The flaw: any answer naming an adapter is followed, whatever its status — a 403 that also carries
// "fixedAdapter" lets the user in.
void ignore_status(transport::TransportContext& context) {
  auto inner = context.http;
  context.http = [inner](transport::HttpRequest request, const transport::HttpClientOptions& options,
                         std::function<void(core::Result<transport::HttpResult, transport::HttpError>)> done) {
    inner(std::move(request), options, [done](core::Result<transport::HttpResult, transport::HttpError> result) {
      if (result) {
        const auto body = nlohmann::json::parse(result->body, nullptr, false);
        if (body.is_object() && body.contains("fixedAdapter")) result->status = 200;
      }
      done(std::move(result));
    });
  };
}

// The flaw (an adapter that awaits the login before it has anything to close): a disconnect() made
// while the signed POST is in flight does nothing, so the answer still leads into the room.
class IgnoresDisconnectWhileLoggingIn final : public transport::ForwardingTransport {
 public:
  explicit IgnoresDisconnectWhileLoggingIn(transport::TransportPtr inner) : ForwardingTransport(std::move(inner)) {}
  transport::Status connect() override {
    connecting_ = true;
    return ForwardingTransport::connect();
  }
  void disconnect() override {
    if (connecting_ && !settled_) return;  // the flaw: "nothing to close yet"
    ForwardingTransport::disconnect();
  }

 private:
  void on_inner_event(const transport::TransportEvent& event) override {
    settled_ = true;
    emit(event);
  }
  bool connecting_ = false;
  bool settled_ = false;  // the inner transport reported anything (it has a session to close)
};

TransportUnderTest ignores_disconnect_while_logging_in(const std::string& name) {
  auto made = signed_login_mutant(name, [](transport::TransportContext&) {});
  made.register_types = [](transport::TransportFactory& factory, const HarnessServices&) {
    factory.register_type(
        "signed-login",
        [&factory](const transport::TransportUri& uri,
                   const transport::TransportContext& context) -> core::Result<transport::TransportPtr, transport::UriError> {
          return transport::TransportPtr(std::make_unique<IgnoresDisconnectWhileLoggingIn>(
              std::make_unique<signed_login::SignedLoginTransport>(uri, context, factory)));
        },
        signed_login::validate_signed_login_uri);
    ws_room::register_ws_room(factory);
  };
  return made;
}

}  // namespace

std::vector<Mutant> signed_login_mutants() {
  return {
      {signed_login_mutant("mutant-signed-login-unsigned-metadata", sign_without_metadata), "signedlogin.request.signed_headers_verify",
       "signs method:path:timestamp: without the metadata"},
      {signed_login_mutant("mutant-signed-login-ignores-status", ignore_status), "signedlogin.denial.no_connection",
       "connects to an adapter named in a refusal (403)"},
      {ignores_disconnect_while_logging_in("mutant-signed-login-ignores-disconnect-while-logging-in"),
       "signedlogin.lifecycle.connect_then_disconnect_in_one_tick",
       "ignores a disconnect() made while the signed POST is in flight and joins the room anyway"},
  };
}

}  // namespace dclcomms::conformance
