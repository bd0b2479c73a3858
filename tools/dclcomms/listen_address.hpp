#pragma once
// --listen HOST:PORT parsing shared by the serve commands.

#include <cstdint>
#include <string>

namespace dclcomms::cli {

/// "127.0.0.1:5555", "[::1]:0" -> host and port. False when the text is not HOST:PORT.
bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port);

}  // namespace dclcomms::cli
