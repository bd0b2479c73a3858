// The AuthChain JSON mapping (spec §4.1). Output matches JSON.stringify of upstream link objects:
// compact, keys in the order type, payload, signature.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "dclcomms/auth/auth_chain.hpp"

namespace dclcomms::auth {
namespace {

using ordered_json = nlohmann::ordered_json;

std::optional<AuthLinkType> link_type_from_wire(std::string_view text) {
  if (text == "SIGNER") return AuthLinkType::signer;
  if (text == "ECDSA_EPHEMERAL") return AuthLinkType::ecdsa_ephemeral;
  if (text == "ECDSA_SIGNED_ENTITY") return AuthLinkType::ecdsa_signed_entity;
  if (text == "ECDSA_EIP_1654_EPHEMERAL") return AuthLinkType::ecdsa_eip_1654_ephemeral;
  if (text == "ECDSA_EIP_1654_SIGNED_ENTITY") return AuthLinkType::ecdsa_eip_1654_signed_entity;
  // The enum-name spellings one @dcl/schemas revision put on the wire (spec §4.1); read, never written.
  if (text == "ECDSA_PERSONAL_EPHEMERAL") return AuthLinkType::ecdsa_ephemeral;
  if (text == "ECDSA_PERSONAL_SIGNED_ENTITY") return AuthLinkType::ecdsa_signed_entity;
  return std::nullopt;
}

ordered_json link_object(const AuthLink& link) {
  ordered_json object = ordered_json::object();
  object["type"] = std::string(to_wire_string(link.type));
  object["payload"] = link.payload;
  object["signature"] = link.signature;
  return object;
}

std::string dump(const ordered_json& value) {
  // Payloads built by callers could hold invalid UTF-8, which a JS string cannot; replace such bytes
  // with U+FFFD (what a JS decoder would do) rather than throw.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// An AuthChain is an array of flat objects: nesting depth 2. Refusing deeper input before parsing
// bounds the work and memory a hostile header can cost us.
bool nesting_at_most(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string at(std::size_t index) { return "link " + std::to_string(index) + ": "; }

}  // namespace

std::string to_json(const AuthLink& link) { return dump(link_object(link)); }

std::string to_json(const AuthChain& chain) {
  ordered_json array = ordered_json::array();
  for (const AuthLink& link : chain) array.push_back(link_object(link));
  return dump(array);
}

core::Result<AuthChain, AuthError> parse_auth_chain(std::string_view json) {
  if (!nesting_at_most(json, 2)) {
    return core::fail(AuthErrorCode::malformed_json, "nested deeper than an array of link objects");
  }
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for huge numbers
    return core::fail(AuthErrorCode::malformed_json, std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_array()) {
    return core::fail(AuthErrorCode::malformed_json, std::string("an AuthChain is a JSON array, got ") + root.type_name());
  }
  if (root.empty()) return core::fail(AuthErrorCode::empty_chain, "the AuthChain array has no links");

  AuthChain chain;
  chain.reserve(root.size());
  for (std::size_t i = 0; i < root.size(); ++i) {
    const nlohmann::json& object = root[i];
    if (!object.is_object()) {
      return core::fail(AuthErrorCode::malformed_json, at(i) + "not an object but " + object.type_name());
    }
    const auto type_it = object.find("type");
    if (type_it == object.end() || !type_it->is_string()) {
      return core::fail(AuthErrorCode::malformed_json, at(i) + "\"type\" is missing or not a string");
    }
    const auto& type_text = type_it->get_ref<const std::string&>();
    const std::optional<AuthLinkType> type = link_type_from_wire(type_text);
    if (!type) {
      return core::fail(AuthErrorCode::unknown_link_type, at(i) + "unknown link type \"" + type_text + "\"");
    }
    const auto payload_it = object.find("payload");
    if (payload_it == object.end() || !payload_it->is_string()) {
      return core::fail(AuthErrorCode::malformed_json, at(i) + "\"payload\" is missing or not a string");
    }
    std::string signature;
    const auto signature_it = object.find("signature");
    const bool has_signature = signature_it != object.end() && !signature_it->is_null();
    if (has_signature) {
      if (!signature_it->is_string()) {
        return core::fail(AuthErrorCode::malformed_json, at(i) + "\"signature\" is not a string");
      }
      signature = signature_it->get<std::string>();
    }
    if (*type == AuthLinkType::signer && !signature.empty()) {
      return core::fail(AuthErrorCode::malformed_json, at(i) + "a SIGNER link's signature must be \"\" or null");
    }
    if (*type != AuthLinkType::signer && !has_signature) {
      return core::fail(AuthErrorCode::malformed_json, at(i) + type_text + " needs a \"signature\" string");
    }
    chain.push_back(AuthLink{*type, payload_it->get<std::string>(), std::move(signature)});
  }
  return chain;
}

}  // namespace dclcomms::auth
