// SDP for data-only peer connections (see the header). A line-oriented reader: SDP is "<type>=<value>"
// lines separated by CRLF (LF accepted); attributes before the first m= are session-level.
#include "dclcomms/webrtc/sdp.hpp"

#include <charconv>

namespace dclcomms::webrtc {

std::string_view to_string(SdpErrorCode code) {
  switch (code) {
    case SdpErrorCode::malformed: return "malformed";
    case SdpErrorCode::no_data_section: return "no_data_section";
    case SdpErrorCode::missing_attribute: return "missing_attribute";
    case SdpErrorCode::bad_attribute: return "bad_attribute";
  }
  return "?";
}

namespace {

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && text[at] == ' ') ++at;
    const std::size_t start = at;
    while (at < text.size() && text[at] != ' ') ++at;
    if (at > start) words.push_back(text.substr(start, at - start));
  }
  return words;
}

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

/// The attributes one level (session or a media section) sets; empty = not set there.
struct SdpAttributes {
  std::string ice_ufrag, ice_pwd, fingerprint_algorithm, fingerprint, setup;
  std::optional<std::uint16_t> sctp_port;
  std::optional<std::uint64_t> max_message_size;
};

core::Result<core::Ok, SdpError> read_attribute(std::string_view name, std::string_view value, SdpAttributes& into) {
  if (name == "ice-ufrag") {
    into.ice_ufrag = value;
  } else if (name == "ice-pwd") {
    into.ice_pwd = value;
  } else if (name == "fingerprint") {
    const auto words = split_words(value);
    if (words.size() != 2)
      return core::fail(SdpErrorCode::bad_attribute, "a=fingerprint is not '<hash> <hex pairs>': " + std::string(value));
    into.fingerprint_algorithm = words[0];
    into.fingerprint = words[1];
    for (char& c : into.fingerprint_algorithm) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (char& c : into.fingerprint) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
  } else if (name == "setup") {
    if (value != "actpass" && value != "active" && value != "passive") {
      return core::fail(SdpErrorCode::bad_attribute, "a=setup must be actpass, active or passive, not " + std::string(value));
    }
    into.setup = value;
  } else if (name == "sctp-port") {
    std::uint16_t port = 0;
    if (!parse_number(value, port) || port == 0)
      return core::fail(SdpErrorCode::bad_attribute, "a=sctp-port is not a port: " + std::string(value));
    into.sctp_port = port;
  } else if (name == "max-message-size") {
    std::uint64_t size = 0;
    if (!parse_number(value, size))
      return core::fail(SdpErrorCode::bad_attribute, "a=max-message-size is not a number: " + std::string(value));
    into.max_message_size = size;
  }
  return core::Ok{};
}

}  // namespace

core::Result<SdpCandidate, SdpError> parse_candidate(std::string_view text) {
  if (text.starts_with("a=")) text.remove_prefix(2);
  if (text.starts_with("candidate:")) text.remove_prefix(10);
  const auto words = split_words(text);
  // foundation component transport priority address port "typ" type …
  if (words.size() < 8 || words[6] != "typ") {
    return core::fail(SdpErrorCode::bad_attribute,
                      "a candidate is '<foundation> <component> <transport> <priority> <address> <port> typ <type> …': " +
                          std::string(text));
  }
  SdpCandidate candidate;
  candidate.foundation = words[0];
  std::uint32_t port = 0;
  if (!parse_number(words[3], candidate.priority) || !parse_number(words[5], port) || port == 0 || port > 65535) {
    return core::fail(SdpErrorCode::bad_attribute, "a candidate's priority or port is not a number: " + std::string(text));
  }
  candidate.address = {std::string(words[4]), static_cast<std::uint16_t>(port)};
  candidate.type = words[7];
  std::string transport(words[2]);
  for (char& c : transport) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (transport != "udp") return core::fail(SdpErrorCode::bad_attribute, "not a UDP candidate: " + std::string(text));
  return candidate;
}

core::Result<SessionDescription, SdpError> parse_sdp(std::string_view text) {
  SessionDescription description;
  SdpAttributes session_level;
  std::vector<SdpAttributes> section_level;
  std::optional<std::size_t> data_section;
  bool first = true;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    ++line_number;
    if (line.empty()) continue;
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      return core::fail(SdpErrorCode::malformed,
                        "line " + std::to_string(line_number) + " is not <type>=<value>: " + std::string(line.substr(0, 80)));
    }
    if (first && line[0] != 'v') return core::fail(SdpErrorCode::malformed, "the first line is not v=");
    first = false;
    const std::string_view value = line.substr(2);
    if (line[0] == 'm') {
      const auto words = split_words(value);
      std::uint16_t port = 0;
      if (words.size() < 3 || !parse_number(words[1], port)) {
        return core::fail(SdpErrorCode::malformed, "line " + std::to_string(line_number) + ": m= is not '<media> <port> <proto> <fmt>…'");
      }
      SdpMediaSection section{std::string(words[0]), port, std::string(words[2]), {}, {}};
      for (std::size_t i = 3; i < words.size(); ++i) section.formats += (i > 3 ? " " : "") + std::string(words[i]);
      if (!data_section && section.kind == "application" && section.protocol.find("SCTP") != std::string::npos) {
        data_section = description.media.size();
      }
      description.media.push_back(std::move(section));
      section_level.emplace_back();
      continue;
    }
    if (line[0] != 'a') continue;
    const std::size_t colon = value.find(':');
    const std::string_view name = value.substr(0, colon);
    const std::string_view attribute_value = colon == std::string_view::npos ? std::string_view{} : value.substr(colon + 1);
    if (description.media.empty()) {
      if (name == "ice-lite") description.ice_lite = true;
      if (auto read = read_attribute(name, attribute_value, session_level); !read)
        return core::fail(read.error().code, read.error().message);
      continue;
    }
    if (name == "mid") description.media.back().mid = attribute_value;
    if (name == "candidate" && data_section && *data_section == description.media.size() - 1) {
      auto candidate = parse_candidate(attribute_value);
      if (candidate) description.candidates.push_back(std::move(*candidate));  // TCP and others are not ours to use
      continue;
    }
    if (auto read = read_attribute(name, attribute_value, section_level.back()); !read)
      return core::fail(read.error().code, read.error().message);
  }
  if (first) return core::fail(SdpErrorCode::malformed, "empty description");
  if (!data_section) return core::fail(SdpErrorCode::no_data_section, "no m=application UDP/DTLS/SCTP webrtc-datachannel section");
  description.data_section = *data_section;
  const SdpAttributes& own = section_level[*data_section];
  const auto pick = [](const std::string& section, const std::string& session) { return section.empty() ? session : section; };
  description.ice_ufrag = pick(own.ice_ufrag, session_level.ice_ufrag);
  description.ice_pwd = pick(own.ice_pwd, session_level.ice_pwd);
  description.fingerprint_algorithm = pick(own.fingerprint_algorithm, session_level.fingerprint_algorithm);
  description.fingerprint = pick(own.fingerprint, session_level.fingerprint);
  description.setup = pick(own.setup, session_level.setup);
  description.sctp_port = own.sctp_port.value_or(session_level.sctp_port.value_or(5000));
  description.max_message_size = own.max_message_size.value_or(session_level.max_message_size.value_or(65536));
  for (const auto& [field, name] : {std::pair{&description.ice_ufrag, "ice-ufrag"}, std::pair{&description.ice_pwd, "ice-pwd"},
                                    std::pair{&description.fingerprint, "fingerprint"}, std::pair{&description.setup, "setup"}}) {
    if (field->empty()) return core::fail(SdpErrorCode::missing_attribute, std::string("the data section has no a=") + name);
  }
  if (description.fingerprint_algorithm != "sha-256") {
    return core::fail(SdpErrorCode::bad_attribute,
                      "a=fingerprint uses " + description.fingerprint_algorithm + "; sha-256 is required here");
  }
  return description;
}

namespace {

void append_data_section(std::string& sdp, const LocalDescription& local, std::string_view mid, std::string_view setup) {
  sdp += "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n";
  sdp += "c=IN IP4 0.0.0.0\r\n";
  std::uint32_t foundation = 1;
  for (const SocketAddress& address : local.host_candidates) {
    // Host candidate priority (RFC 8445 §5.1.2.1): type preference 126, local preference by order.
    const std::uint32_t priority = (126U << 24) | ((65535U - foundation) << 8) | 255U;
    sdp += "a=candidate:" + std::to_string(foundation++) + " 1 udp " + std::to_string(priority) + " " + address.ip + " " +
           std::to_string(address.port) + " typ host\r\n";
  }
  if (!local.host_candidates.empty()) sdp += "a=end-of-candidates\r\n";
  sdp += "a=ice-ufrag:" + local.ice_ufrag + "\r\n";
  sdp += "a=ice-pwd:" + local.ice_pwd + "\r\n";
  sdp += "a=fingerprint:sha-256 " + local.fingerprint + "\r\n";
  sdp += "a=setup:" + std::string(setup) + "\r\n";
  sdp += "a=mid:" + std::string(mid) + "\r\n";
  sdp += "a=sctp-port:" + std::to_string(local.sctp_port) + "\r\n";
  sdp += "a=max-message-size:" + std::to_string(local.max_message_size) + "\r\n";
}

std::string session_header(const LocalDescription& local, std::string_view bundled_mid) {
  std::string sdp = "v=0\r\no=- " + std::to_string(local.session_id) + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
  if (local.ice_lite) sdp += "a=ice-lite\r\n";
  sdp += "a=group:BUNDLE " + std::string(bundled_mid) + "\r\n";
  sdp += "a=msid-semantic: WMS\r\n";
  return sdp;
}

}  // namespace

std::string build_offer(const LocalDescription& local) {
  std::string sdp = session_header(local, "0");
  append_data_section(sdp, local, "0", "actpass");
  return sdp;
}

std::string build_answer(const SessionDescription& offer, const LocalDescription& local, std::string_view setup) {
  const std::string& data_mid = offer.media[offer.data_section].mid;
  std::string sdp = session_header(local, data_mid);
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const SdpMediaSection& section = offer.media[i];
    if (i == offer.data_section) {
      append_data_section(sdp, local, data_mid, setup);
      continue;
    }
    // Rejected: port 0 and the same protocol and formats (JSEP §5.3.1), nothing negotiated.
    sdp += "m=" + section.kind + " 0 " + section.protocol + " " + (section.formats.empty() ? "0" : section.formats) + "\r\n";
    sdp += "c=IN IP4 0.0.0.0\r\n";
    if (!section.mid.empty()) sdp += "a=mid:" + section.mid + "\r\n";
    sdp += "a=inactive\r\n";
  }
  return sdp;
}

}  // namespace dclcomms::webrtc
