#pragma once
// The `signed-login` transport (ADR-180, spec §5): connect() POSTs a signed fetch to the URI's URL;
// the answer names another connection string, which goes through the same factory, and from then
// on this transport delegates to the transport it made — events pass through unchanged. A denial
// becomes an ErrorReported{denied, server's text} followed by Disconnected.
//
// The protocol (the signed request, reading the answer, which failure is which error) is
// SignedLoginClientCore (client_core.hpp); this class carries it: the wall clock in, the request out
// through the context's HttpFetcher, the answer back, and the transport the answer names.

#include <memory>

#include "dclcomms/signed_login/client_core.hpp"
#include "dclcomms/transport/event_poster.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::signed_login {

class SignedLoginTransport final : public transport::Transport {
 public:
  /// `factory` makes the transport the server names; it must outlive this transport.
  SignedLoginTransport(const transport::TransportUri& uri, const transport::TransportContext& context,
                       const transport::TransportFactory& factory);
  ~SignedLoginTransport() override;

  std::string_view type() const override { return "signed-login"; }
  transport::Status connect() override;
  void disconnect() override;
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override;

  /// The transport the server named, once it answered (null before).
  const transport::Transport* delegate() const { return delegate_.get(); }

 private:
  void pump();
  void resolve(const std::string& connection_string);
  void end(transport::TransportErrorCode code, const std::string& message);

  transport::TransportContext context_;
  const transport::TransportFactory& factory_;
  SignedLoginClientCore core_;
  transport::TransportPtr delegate_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // the HTTP callback checks it
  bool connect_called_ = false;
  bool ended_ = false;
  transport::EventPoster events_;
};

/// Registers `signed-login` on `factory` (which also makes the transports it resolves to).
/// Without an HTTP fetcher in the context, creation fails with unsupported_type.
void register_signed_login(transport::TransportFactory& factory);

}  // namespace dclcomms::signed_login
