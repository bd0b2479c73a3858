// libFuzzer target for the connection-string layer: the full parser, the generic parser, the
// simulator parameter parser and the realm /about helpers, with the invariants every caller
// relies on. Built only with -DDCLCOMMS_FUZZ=ON and clang; seeds in fixtures/fuzz/transport_uri/.
//
//   fuzz_transport_uri -max_len=9000 -timeout=5 fixtures/fuzz/transport_uri
//
// Invariants (a violation aborts, which libFuzzer reports with the input):
//   * ok  => the type is non-empty, type + ':' + params is the input, and the generic parser
//            agrees on both; URL types have an endpoint, the others none;
//   * err => the message is non-empty and valid UTF-8 (callers put it into JSON);
//   * parsing is a pure function: the same input gives the same verdict twice.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dclcomms/core/utf8.hpp"
#include "dclcomms/livekit/livekit_uri.hpp"
#include "dclcomms/registry/reference_transports.hpp"
#include "dclcomms/simulator_transport/simulator_params.hpp"
#include "dclcomms/transport/realm_about.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_transport_uri: invariant broken: %s\n", what);
    std::abort();
  }
}

/// Messages end up in JSON, which needs strict UTF-8.
using dclcomms::core::is_valid_utf8;

void check_uri(std::string_view input) {
  using namespace dclcomms::transport;
  using dclcomms::registry::parse_transport_uri;
  const auto full = parse_transport_uri(input);
  const auto generic = parse_transport_uri_generic(input);
  if (full.ok()) {
    require(!full->type.empty(), "accepted with an empty type");
    require(full->type + ":" + full->params == input, "type:params is not the input");
    require(generic.ok(), "full parser accepts what the generic parser rejects");
    require(generic->type == full->type && generic->params == full->params, "parsers disagree on the split");
    const bool url_type = full->type == "ws-room" || full->type == "livekit" || full->type == "signed-login";
    require(url_type == !full->endpoint.empty(), "endpoint presence does not match the type");
    if (url_type) require(!full->url.host.empty() && !full->url.scheme.empty(), "URL type without host/scheme");
    if (full->type == "livekit") {
      const auto livekit = dclcomms::livekit::parse_livekit_uri(*full);
      require(livekit.ok() && !livekit->access_token.empty(), "livekit without a token");
    }
  } else {
    require(!full.error().message.empty(), "error without a message");
    require(is_valid_utf8(full.error().message), "error message is not valid UTF-8");
  }
  if (!generic.ok()) require(!generic.error().message.empty(), "generic error without a message");

  const auto again = parse_transport_uri(input);
  require(again.ok() == full.ok(), "verdict changed on a second parse");
  if (again.ok()) {
    require(again->endpoint == full->endpoint, "endpoint changed on a second parse");
  } else {
    require(again.error().code == full.error().code && again.error().message == full.error().message, "error changed on a second parse");
  }
}

void check_simulator(std::string_view input) {
  using namespace dclcomms::simulator_transport;
  const auto params = parse_simulator_params(input);
  if (params.ok()) {
    require(params->peers <= simulator_peers_max, "peers over the limit");
    require(params->time_scale > 0.0 && params->time_scale <= simulator_time_scale_max, "time_scale out of range");
    require(!(params->scenario_path && params->scenario_path->empty()), "empty scenario path");
  } else {
    require(!params.error().message.empty(), "simulator error without a message");
    require(is_valid_utf8(params.error().message), "simulator message is not valid UTF-8");
  }
}

void check_realm(std::string_view input) {
  using namespace dclcomms::transport;
  const auto from_json = resolve_realm_adapter_from_about(input);
  if (from_json.ok()) {
    require(!from_json->connection_string.empty(), "empty connection string from /about");
  } else {
    require(!from_json.error().message.empty(), "realm error without a message");
    require(is_valid_utf8(from_json.error().message), "realm message is not valid UTF-8");
  }
  const auto from_field = resolve_realm_adapter(input, std::nullopt);
  if (from_field.ok()) {
    require(parse_transport_uri_generic(from_field->connection_string).ok(), "resolved string fails the grammar");
  } else {
    require(!from_field.error().message.empty(), "realm field error without a message");
    require(is_valid_utf8(from_field.error().message), "realm field message is not valid UTF-8");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_uri(input);
  check_simulator(input);
  // Also as the parameters of a simulator string, where most of the simulator branches are.
  if (input.size() < 10'000) check_uri("simulator:" + std::string(input));
  check_realm(input);
  return 0;
}
