#include "dclcomms/sim/trace.hpp"

#include <array>
#include <charconv>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/prng.hpp"

namespace dclcomms::sim {

std::string_view to_string(TraceKind kind) {
  switch (kind) {
    case TraceKind::send: return "send";
    case TraceKind::deliver: return "deliver";
    case TraceKind::drop: return "drop";
    case TraceKind::duplicate: return "duplicate";
    case TraceKind::corrupt: return "corrupt";
    case TraceKind::retransmit: return "retransmit";
    case TraceKind::stream_open: return "stream_open";
    case TraceKind::stream_reset: return "stream_reset";
    case TraceKind::fault: return "fault";
    case TraceKind::app: return "app";
  }
  DCL_ASSERT(false);
  return {};
}

std::string_view to_string(Carrier carrier) {
  switch (carrier) {
    case Carrier::none: return "";
    case Carrier::datagram: return "datagram";
    case Carrier::stream: return "stream";
  }
  DCL_ASSERT(false);
  return {};
}

void TraceDigest::add_line(std::string_view line) {
  state_ = core::fnv1a_64(line, state_);
  state_ = core::fnv1a_64("\n", state_);
}

std::string format_digest(std::uint64_t digest) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = hex[digest & 0xfU];
    digest >>= 4;
  }
  return out;
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0xfU]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

namespace {
template <class Int>
void append_int(std::string& out, Int value) {
  std::array<char, 24> buffer{};
  const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  DCL_ASSERT(error == std::errc{});
  out.append(buffer.data(), end);
}
}  // namespace

void Tracer::record(const TraceEvent& event) {
  // Column order is part of the format (docs/trace-format.md); never reorder, only append.
  line_.clear();
  line_ += "{\"seq\":";
  append_int(line_, events_);
  line_ += ",\"t_ns\":";
  append_int(line_, core::to_ns(event.time));
  line_ += ",\"kind\":";
  append_json_string(line_, to_string(event.kind));
  line_ += ",\"carrier\":";
  append_json_string(line_, to_string(event.carrier));
  line_ += ",\"from\":";
  append_json_string(line_, event.from);
  line_ += ",\"to\":";
  append_json_string(line_, event.to);
  line_ += ",\"id\":";
  append_int(line_, event.id);
  line_ += ",\"bytes\":";
  append_int(line_, event.bytes);
  line_ += ",\"detail\":";
  append_json_string(line_, event.detail);
  line_ += '}';
  ++events_;
  digest_.add_line(line_);
  if (sink_ != nullptr) sink_->write_line(line_);
}

}  // namespace dclcomms::sim
