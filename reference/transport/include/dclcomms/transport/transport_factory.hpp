#pragma once
// TransportFactory: connection string in, transport out — or a typed error, at once.
//
// create() validates the URI and constructs the transport object; it never opens a socket, resolves
// a name, starts a thread or schedules work. Connecting is the transport's connect().
//
// A new factory serves nothing. Each type's folder registers its maker and its URI rules
// (ws_room::register_ws_room(factory), ...); reference/registry's register_reference_transports()
// is the one place that registers every standard type. Clients add their own types, replace a
// type's maker, or opt out of a type.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/runtime.hpp"
#include "dclcomms/transport/http_client.hpp"
#include "dclcomms/transport/message_stream.hpp"
#include "dclcomms/transport/transport.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::transport {

/// The user's identity as transports need it: the address they announce, and a signer that returns
/// the AuthChain JSON whose final link signs `payload` (ws-room challenges, signed-login fetches).
struct SigningIdentity {
  std::string address;  // lowercase 0x… of the chain's owner
  std::function<std::string(std::string_view payload)> sign_payload;
  /// What an explorer holds and hands to an out-of-process transport (conformance drivers): the
  /// delegation chain [SIGNER, ECDSA_EPHEMERAL] as JSON and the ephemeral key that signs with it.
  std::string base_chain_json;
  std::string ephemeral_key_hex;
};

/// What every transport is built with: the runtime, and the outside world as interfaces (so the
/// simulator can stand in for the network).
struct TransportContext {
  core::Runtime* runtime = nullptr;         // required; must outlive the transports
  std::optional<SigningIdentity> identity;  // none: transports that must sign fail at connect
  MessageStreamConnector websocket;         // empty: websocket-based types (ws-room) are not available
  MessageStreamOptions websocket_options;
  HttpFetcher http;  // empty: signed-login is not available
  HttpClientOptions http_options;
  /// Unix time in ms, for signatures and token checks (empty: the system clock; simulations inject
  /// their own so that runs stay reproducible).
  std::function<std::int64_t()> unix_ms_now;
};

using TransportMaker = std::function<core::Result<TransportPtr, UriError>(const TransportUri&, const TransportContext&)>;

class TransportFactory {
 public:
  /// Serves no type until one is registered.
  explicit TransportFactory(TransportContext context);
  // Pinned: makers may keep a reference to their factory (signed-login creates its delegate there).
  TransportFactory(const TransportFactory&) = delete;
  TransportFactory& operator=(const TransportFactory&) = delete;

  /// Adds or replaces the maker for `type`, with the type's URI rules. An empty `validator` means
  /// only the generic `<type>:<params>` checks run and the maker judges the rest (a transport under
  /// test whose own URI checks are being tested, e.g. through a conformance driver).
  void register_type(std::string type, TransportMaker maker, UriValidator validator = {});

  /// Opts out of a type: create() then fails with unsupported_type for it. The type's URI rules
  /// stay, so a malformed string of that type still gets its precise error first.
  void unregister_type(std::string_view type);

  bool supports(std::string_view type) const;
  /// Registered types in lexicographic order.
  std::vector<std::string> registered_types() const;

  /// The generic checks and the type's rules, without constructing anything: what create() would
  /// accept, or its error (unsupported_type for a type with no maker).
  core::Result<TransportUri, UriError> validate(std::string_view uri) const;

  core::Result<TransportPtr, UriError> create(std::string_view uri) const;

 private:
  TransportContext context_;
  std::map<std::string, TransportMaker, std::less<>> makers_;
  std::map<std::string, UriValidator, std::less<>> validators_;  // outlive unregister_type()
};

}  // namespace dclcomms::transport
