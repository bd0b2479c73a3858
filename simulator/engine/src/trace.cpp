#include "dclcomms/sim/trace.hpp"

#include <array>
#include <charconv>
#include <initializer_list>

#include "dclcomms/core/assert.hpp"

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

std::optional<TraceKind> trace_kind_from_string(std::string_view name) {
  for (std::uint8_t code = 0; code <= static_cast<std::uint8_t>(TraceKind::app); ++code) {
    if (to_string(static_cast<TraceKind>(code)) == name) return static_cast<TraceKind>(code);
  }
  return std::nullopt;
}

std::optional<Carrier> carrier_from_string(std::string_view name) {
  for (std::uint8_t code = 0; code <= static_cast<std::uint8_t>(Carrier::stream); ++code) {
    if (to_string(static_cast<Carrier>(code)) == name) return static_cast<Carrier>(code);
  }
  return std::nullopt;
}

namespace {

std::uint64_t load_le64(const char* p) {
  std::uint64_t word = 0;
  for (int i = 7; i >= 0; --i) word = (word << 8) | static_cast<unsigned char>(p[i]);  // compiles to one load on x86
  return word;
}

}  // namespace

void TraceDigest::add_event(std::uint64_t seq, const TraceEvent& event) {
  // The canonical layout (docs/trace-format.md): six words, then from ‖ to ‖ detail as bytes,
  // zero-padded to whole words.
  mix(seq);
  mix(static_cast<std::uint64_t>(core::to_ns(event.time)));
  mix(event.id);
  mix(event.bytes);
  mix(std::uint64_t{static_cast<std::uint8_t>(event.kind)} | (std::uint64_t{static_cast<std::uint8_t>(event.carrier)} << 8) |
      (std::uint64_t{event.detail.size()} << 16));
  mix(std::uint64_t{event.from.size()} | (std::uint64_t{event.to.size()} << 32));
  std::uint64_t partial = 0;
  unsigned filled = 0;  // bytes in `partial`
  for (const std::string_view text : {event.from, event.to, event.detail}) {
    std::size_t i = 0;
    while (filled != 0 && i < text.size()) {
      partial |= std::uint64_t{static_cast<unsigned char>(text[i++])} << (8 * filled);
      if (++filled == 8) {
        mix(partial);
        partial = 0;
        filled = 0;
      }
    }
    for (; text.size() - i >= 8; i += 8) mix(load_le64(text.data() + i));
    for (; i < text.size(); ++i) partial |= std::uint64_t{static_cast<unsigned char>(text[i])} << (8 * filled++);
  }
  if (filled != 0) mix(partial);
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
  std::size_t plain = 0;  // start of the run of characters that need no escape
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c != '"' && c != '\\' && byte >= 0x20) continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    if (byte >= 0x20) {
      out.push_back('\\');
      out.push_back(c);
    } else {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0xfU]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
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

void Tracer::format_line(std::string& out, std::uint64_t seq, const TraceEvent& event) {
  // Column order is part of the format (docs/trace-format.md); never reorder, only append.
  out.clear();
  out += "{\"seq\":";
  append_int(out, seq);
  out += ",\"t_ns\":";
  append_int(out, core::to_ns(event.time));
  out += ",\"kind\":\"";
  out += to_string(event.kind);  // names and carriers need no escaping
  out += "\",\"carrier\":\"";
  out += to_string(event.carrier);
  out += "\",\"from\":";
  append_json_string(out, event.from);
  out += ",\"to\":";
  append_json_string(out, event.to);
  out += ",\"id\":";
  append_int(out, event.id);
  out += ",\"bytes\":";
  append_int(out, event.bytes);
  out += ",\"detail\":";
  append_json_string(out, event.detail);
  out += '}';
}

void Tracer::record(const TraceEvent& event) {
  digest_.add_event(events_, event);
  if (sink_ != nullptr) {
    if (sink_->wants_lines()) {
      format_line(line_, events_, event);
      sink_->write_line(line_);
    }
    sink_->after_event(digest_.value());
  }
  ++events_;
}

}  // namespace dclcomms::sim
