#include "delivery_checks.hpp"

#include <algorithm>

#include "dclcomms/core/hex.hpp"

namespace dclcomms::conformance {

std::optional<std::string> check_reliable(const std::vector<codec::Bytes>& sent, const std::vector<transport::MessageReceived>& got,
                                          const std::string& sender, bool disconnect_reported, const std::string& where) {
  for (std::size_t i = 0; i < std::min(got.size(), sent.size()); ++i) {
    if (got[i].sender != sender) return where + ": packet #" + std::to_string(i) + " attributed to '" + got[i].sender + "'";
    if (got[i].packet != sent[i]) {
      return where + ": packet #" + std::to_string(i) + " is not the one sent #" + std::to_string(i) +
             " (lost, reordered, duplicated or altered)";
    }
  }
  if (got.size() > sent.size())
    return where + " got " + std::to_string(got.size()) + " packets, " + std::to_string(sent.size()) + " were sent (duplicates)";
  if (got.size() < sent.size() && !disconnect_reported) {
    return where + " got " + std::to_string(got.size()) + " of " + std::to_string(sent.size()) +
           " reliable packets and no disconnect was reported";
  }
  return std::nullopt;
}

std::optional<std::string> check_unreliable(const std::vector<codec::Bytes>& sent, const std::vector<transport::MessageReceived>& got,
                                            const std::string& where) {
  std::size_t next = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    while (next < sent.size() && sent[next] != got[i].packet) ++next;
    if (next == sent.size()) {
      return where + ": unreliable packet #" + std::to_string(i) + " received (" + core::to_hex(got[i].packet).substr(0, 64) +
             "…) is a duplicate, out of order or corrupted";
    }
    ++next;
  }
  return std::nullopt;
}

std::optional<std::string> check_send_after_disconnect(const transport::Status& status, std::size_t copies_delivered,
                                                       bool refusal_required) {
  const std::string outcome = status.ok() ? "accepted" : "refused with " + std::string(transport::to_string(status.error().code));
  if (copies_delivered > 0) {
    return "a send after the disconnect (" + outcome + ") was delivered " + std::to_string(copies_delivered) +
           (copies_delivered == 1 ? " time" : " times") + ": the session had ended";
  }
  if (status.ok() && refusal_required) {
    return "a send after the disconnect was accepted; the transport declares typed_send_refusals, so it must be refused";
  }
  return std::nullopt;
}

std::optional<std::string> check_send_before_connected(const transport::Status& status, std::size_t copies_delivered,
                                                       bool refusal_or_delivery_required, std::string& how) {
  if (!status.ok()) {
    if (copies_delivered > 0) return "refused a send before Connected (" + status.error().message + ") and delivered it anyway";
    how = "refused before Connected with " + std::string(transport::to_string(status.error().code));
    return std::nullopt;
  }
  if (copies_delivered > 1) return "a send before Connected was delivered " + std::to_string(copies_delivered) + " times";
  if (copies_delivered == 1) {
    how = "queued before Connected and delivered once connected";
    return std::nullopt;
  }
  if (refusal_or_delivery_required) {
    return "accepted a send before Connected (ok) and never delivered it: lost without a word (refuse it with not_connected, "
           "or queue it and deliver it once connected)";
  }
  how = "accepted and dropped before Connected (typed_send_refusals: false allows it)";
  return std::nullopt;
}

std::optional<std::string> check_ended_once(const std::vector<transport::TransportEvent>& events, const std::string& after_what) {
  std::size_t disconnected = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto* d = std::get_if<transport::Disconnected>(&events[i]);
    if (!d) {
      if (disconnected > 0)
        return "an event came after Disconnected (event #" + std::to_string(i) + ", " + after_what + "): the session had ended";
      continue;
    }
    if (d->kicked) return "the application's own disconnect() was reported as a kick (" + after_what + ")";
    ++disconnected;
  }
  if (disconnected != 1) return after_what + " gave " + std::to_string(disconnected) + " Disconnected events, not one";
  return std::nullopt;
}

}  // namespace dclcomms::conformance
