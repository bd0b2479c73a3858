// Realm /about -> adapter (see realm_about.hpp for the field history and the precedence rule).

#include "dclcomms/transport/realm_about.hpp"
#include "dclcomms/core/ascii.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::transport {

namespace {

constexpr std::string_view fixed_adapter_prefix = "fixed-adapter:";
constexpr std::string_view archipelago_prefix = "archipelago:";

using Fail = core::Unexpected<RealmAboutError>;

/// /about values can hold any bytes: everything outside printable ASCII is escaped, so the
/// message is printable and valid UTF-8 whatever the realm served.
std::string quote(std::string_view text) { return core::quote_printable(text, 80); }

core::Result<RealmAdapter, RealmAboutError> resolve_field(std::string_view field, std::string_view value) {
  RealmAdapter out;
  std::string_view rest = value;
  if (rest.starts_with(fixed_adapter_prefix)) {
    out.kind = AdapterKind::fixed_adapter;
    rest.remove_prefix(fixed_adapter_prefix.size());
    if (rest.starts_with(fixed_adapter_prefix)) {
      return core::fail(RealmAboutErrorCode::nested_prefix,
                        "comms." + std::string(field) + " " + quote(value) +
                            " nests 'fixed-adapter:' twice; a fixed adapter names one connection string");
    }
  } else if (rest.starts_with(archipelago_prefix)) {
    out.kind = AdapterKind::archipelago;
    rest.remove_prefix(archipelago_prefix.size());
  }
  if (rest.empty()) {
    return core::fail(RealmAboutErrorCode::empty_connection_string,
                      "comms." + std::string(field) + " " + quote(value) + " holds no connection string");
  }
  auto checked = parse_transport_uri_generic(rest);
  if (!checked) {
    return core::fail(RealmAboutErrorCode::bad_connection_string, "comms." + std::string(field) + " " + quote(value) + ": " +
                                                                      checked.error().message + " [" +
                                                                      std::string(to_string(checked.error().code)) + "]");
  }
  out.connection_string = std::string(rest);
  return out;
}

/// nullopt for a missing or null field; an error for anything but a string.
core::Result<std::optional<std::string>, RealmAboutError> string_field(const nlohmann::json& comms, const char* name) {
  const auto found = comms.find(name);
  if (found == comms.end() || found->is_null()) return std::optional<std::string>{};
  if (!found->is_string()) {
    return core::fail(RealmAboutErrorCode::bad_field_type,
                      std::string("comms.") + name + " is a JSON " + found->type_name() + ", expected a string");
  }
  return std::optional<std::string>(found->get<std::string>());
}

}  // namespace

std::string_view to_string(AdapterKind kind) {
  switch (kind) {
    case AdapterKind::fixed_adapter: return "fixed_adapter";
    case AdapterKind::archipelago: return "archipelago";
    case AdapterKind::plain: return "plain";
  }
  return "unknown";
}

std::string_view to_string(RealmAboutErrorCode code) {
  switch (code) {
    case RealmAboutErrorCode::too_large: return "too_large";
    case RealmAboutErrorCode::bad_json: return "bad_json";
    case RealmAboutErrorCode::bad_field_type: return "bad_field_type";
    case RealmAboutErrorCode::no_adapter: return "no_adapter";
    case RealmAboutErrorCode::empty_connection_string: return "empty_connection_string";
    case RealmAboutErrorCode::nested_prefix: return "nested_prefix";
    case RealmAboutErrorCode::bad_connection_string: return "bad_connection_string";
  }
  return "unknown";
}

core::Result<RealmAdapter, RealmAboutError> resolve_realm_adapter(std::optional<std::string_view> adapter,
                                                                  std::optional<std::string_view> fixed_adapter) {
  if (adapter) return resolve_field("adapter", *adapter);
  if (fixed_adapter) return resolve_field("fixedAdapter", *fixed_adapter);
  return core::fail(RealmAboutErrorCode::no_adapter, "the realm names neither comms.adapter nor comms.fixedAdapter");
}

core::Result<RealmAdapter, RealmAboutError> resolve_realm_adapter_from_about(std::string_view about_json) {
  if (about_json.size() > realm_about_bytes_max) {
    return core::fail(RealmAboutErrorCode::too_large, "the /about document is " + std::to_string(about_json.size()) +
                                                          " bytes, over the limit of " + std::to_string(realm_about_bytes_max));
  }
  const auto about = nlohmann::json::parse(about_json, nullptr, /*allow_exceptions=*/false);
  if (about.is_discarded()) return core::fail(RealmAboutErrorCode::bad_json, "the /about document is not valid JSON");
  if (!about.is_object()) {
    return core::fail(RealmAboutErrorCode::bad_json,
                      std::string("the /about document is a JSON ") + about.type_name() + ", expected an object");
  }
  const RealmAdapter fallback{AdapterKind::plain, std::string(realm_default_connection_string)};
  const auto comms = about.find("comms");
  if (comms == about.end() || comms->is_null()) return fallback;
  if (!comms->is_object()) {
    return core::fail(RealmAboutErrorCode::bad_field_type, std::string("comms is a JSON ") + comms->type_name() + ", expected an object");
  }
  auto adapter = string_field(*comms, "adapter");
  if (!adapter) return Fail{adapter.error()};
  auto fixed_adapter = string_field(*comms, "fixedAdapter");
  if (!fixed_adapter) return Fail{fixed_adapter.error()};
  if (!*adapter && !*fixed_adapter) return fallback;
  const auto view = [](const std::optional<std::string>& field) { return field ? std::optional<std::string_view>(*field) : std::nullopt; };
  return resolve_realm_adapter(view(*adapter), view(*fixed_adapter));
}

}  // namespace dclcomms::transport
