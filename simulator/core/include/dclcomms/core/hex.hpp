#pragma once
// Lowercase hex text <-> bytes, the form every fixture and CLI uses for raw bytes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dclcomms::core {

std::string to_hex(std::span<const std::uint8_t> bytes);

/// Accepts upper or lower case, ignores ASCII white space between digit pairs and an optional
/// leading "0x". Returns nothing on an odd digit count or a non-hex character.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace dclcomms::core
