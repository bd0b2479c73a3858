#pragma once
// ForwardingTransport: a Transport that hands every call to an inner one and passes its events on.
// A decorator derives from it and overrides only what it changes — the suite's flawed variants of
// a reference transport (mutants, test transports) are such decorators.

#include <memory>
#include <span>
#include <string_view>

#include "dclcomms/transport/transport.hpp"

namespace dclcomms::transport {

class ForwardingTransport : public Transport {
 public:
  explicit ForwardingTransport(TransportPtr inner) : inner_(std::move(inner)) {
    // Events arrive from the runtime's loop, never during construction: the override is in place.
    inner_->set_event_handler([this](const TransportEvent& event) { on_inner_event(event); });
  }

  std::string_view type() const override { return inner_->type(); }
  Status connect() override { return inner_->connect(); }
  void disconnect() override { inner_->disconnect(); }
  Status send(std::span<const std::uint8_t> packet, const SendOptions& options) override { return inner_->send(packet, options); }

 protected:
  /// Each event of the inner transport; passed on unchanged unless overridden.
  virtual void on_inner_event(const TransportEvent& event) { emit(event); }
  Transport& inner() { return *inner_; }

 private:
  TransportPtr inner_;
};

}  // namespace dclcomms::transport
