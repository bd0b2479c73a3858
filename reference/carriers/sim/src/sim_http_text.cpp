#include "sim_http_text.hpp"

#include "dclcomms/core/ascii.hpp"

namespace dclcomms::carriers::sim_http {

std::string format(const Message& message) {
  std::string out = message.start_line + "\r\n";
  for (const auto& [name, value] : message.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += message.body;
  return out;
}

std::optional<Message> parse(std::string_view text) {
  const auto head_end = text.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return std::nullopt;
  Message message;
  message.body = std::string(text.substr(head_end + 4));
  std::string_view head = text.substr(0, head_end);
  bool first = true;
  while (!head.empty()) {
    const auto line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
    if (first) {
      message.start_line = std::string(line);
      first = false;
      continue;
    }
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    message.headers.emplace_back(core::to_lower_ascii(line.substr(0, colon)), std::string(line.substr(colon + 2)));
  }
  if (message.start_line.empty()) return std::nullopt;
  return message;
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace dclcomms::carriers::sim_http
