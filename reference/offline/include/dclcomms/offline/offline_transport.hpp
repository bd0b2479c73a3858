#pragma once
// The `offline` transport (spec §7.1): no comms. connect/disconnect succeed, sends are discarded,
// and the only events are the lifecycle pair Connected / Disconnected — never a message, peer or
// error event.

#include <cstddef>
#include <cstdint>

#include "dclcomms/core/runtime.hpp"
#include "dclcomms/transport/event_poster.hpp"
#include "dclcomms/transport/transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::offline {

class OfflineTransport final : public transport::Transport {
 public:
  explicit OfflineTransport(core::Runtime& runtime);
  OfflineTransport(const OfflineTransport&) = delete;
  OfflineTransport& operator=(const OfflineTransport&) = delete;

  std::string_view type() const override { return "offline"; }
  transport::Status connect() override;
  void disconnect() override;
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override;

  /// Packets accepted and discarded so far (a test hook that a real transport would call stats).
  std::uint64_t discarded_count() const { return discarded_count_; }

 private:
  enum class State : std::uint8_t { idle, connected, closed };

  State state_ = State::idle;
  std::uint64_t discarded_count_ = 0;
  transport::EventPoster events_;
};

/// Registers `offline` on `factory`: any parameters, even none, are accepted (spec §7.1).
void register_offline(transport::TransportFactory& factory);

}  // namespace dclcomms::offline
