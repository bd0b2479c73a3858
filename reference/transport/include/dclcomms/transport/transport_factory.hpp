#pragma once
// TransportFactory: connection string in, transport out — or a typed error, at once.
//
// create() validates the URI and constructs the transport object; it never opens a socket, resolves
// a name, starts a thread or schedules work. Connecting is the transport's connect(). Clients
// register extra types, replace built-in ones, or opt out of types they do not want to serve.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
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
  core::Runtime* runtime = nullptr;  // required; must outlive the transports
  std::optional<SigningIdentity> identity;  // none: transports that must sign fail at connect
  MessageStreamConnector websocket;  // empty: websocket-based types (ws-room) are not available
  MessageStreamOptions websocket_options;
  HttpFetcher http;                  // empty: signed-login is not available
  HttpClientOptions http_options;
  /// Unix time in ms, for signatures and token checks (empty: the system clock; simulations inject
  /// their own so that runs stay reproducible).
  std::function<std::int64_t()> unix_ms_now;
};

using TransportPtr = std::unique_ptr<Transport>;
using TransportMaker =
    std::function<core::Result<TransportPtr, UriError>(const TransportUri&, const TransportContext&)>;

class TransportFactory {
 public:
  /// Registers every transport type this build implements (see registered_types()).
  explicit TransportFactory(TransportContext context);

  /// Who checks a connection string's type-specific rules.
  enum class Validation : std::uint8_t {
    standard,  // the factory (parse_transport_uri) for the standard types, generic checks for others
    maker,     // only the generic checks; the maker validates (out-of-process transports under test)
  };

  /// Adds or replaces the maker for `type`. Standard types keep their strict URI validation unless
  /// `validation` is Validation::maker; other types get only the generic `<type>:<params>` checks.
  void register_type(std::string type, TransportMaker maker, Validation validation = Validation::standard);

  /// Opts out of a type: create() then fails with unsupported_type for it.
  void unregister_type(std::string_view type);

  bool supports(std::string_view type) const;
  /// Registered types in lexicographic order.
  std::vector<std::string> registered_types() const;

  core::Result<TransportPtr, UriError> create(std::string_view uri) const;

 private:
  TransportContext context_;
  struct Registration {
    TransportMaker maker;
    Validation validation;
  };
  std::map<std::string, Registration, std::less<>> makers_;
};

}  // namespace dclcomms::transport
