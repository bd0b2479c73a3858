#include "dclcomms/sim/weather.hpp"

#include <array>

#include "dclcomms/core/assert.hpp"

using namespace std::chrono_literals;

namespace dclcomms::sim {

namespace {
constexpr std::array<std::string_view, 7> names = {"ideal", "lan", "wifi", "congested-venue", "mobile-handover", "satellite", "lossy-5pct"};

LinkFaults ideal() {
  LinkFaults faults;
  faults.mtu_bytes = 65535;
  return faults;
}

LinkFaults lan() {
  LinkFaults faults;
  faults.latency = 200us;
  faults.jitter = Jitter{JitterKind::uniform, 100us};
  faults.rate_bits_per_s = 1'000'000'000;
  faults.queue_bytes_max = 1 << 20;
  faults.mtu_bytes = 1500;
  return faults;
}

LinkFaults wifi() {
  LinkFaults faults;
  faults.latency = 3ms;
  faults.jitter = Jitter{JitterKind::normal, 20ms, 2ms};
  faults.loss = core::Ratio{1, 200};
  faults.burst = GilbertElliott{true, {1, 500}, {1, 5}, {0, 1}, {1, 2}};
  faults.duplication = core::Ratio{1, 10'000};
  faults.reordering = core::Ratio{1, 1000};
  faults.reorder_delay = 2ms;
  faults.rate_bits_per_s = 50'000'000;
  faults.queue_bytes_max = 256 * 1024;
  faults.mtu_bytes = 1500;
  return faults;
}

LinkFaults congested_venue() {
  LinkFaults faults;
  faults.latency = 40ms;
  faults.jitter = Jitter{JitterKind::pareto, 500ms, 0ms, 5ms, core::Ratio{3, 2}};
  faults.loss = core::Ratio{2, 100};
  faults.burst = GilbertElliott{true, {1, 100}, {1, 10}, {0, 1}, {3, 10}};
  faults.duplication = core::Ratio{1, 1000};
  faults.reordering = core::Ratio{1, 100};
  faults.reorder_delay = 10ms;
  faults.corruption = core::Ratio{1, 100'000};
  faults.rate_bits_per_s = 2'000'000;
  faults.queue_bytes_max = 64 * 1024;
  faults.mtu_bytes = 1400;
  return faults;
}

LinkFaults mobile_handover() {
  LinkFaults faults;
  faults.latency = 60ms;
  faults.jitter = Jitter{JitterKind::normal, 150ms, 15ms};
  faults.loss = core::Ratio{1, 100};
  faults.burst = GilbertElliott{true, {1, 1000}, {1, 20}, {0, 1}, {1, 1}};
  faults.reordering = core::Ratio{1, 200};
  faults.reorder_delay = 30ms;
  faults.rate_bits_per_s = 10'000'000;
  faults.queue_bytes_max = 128 * 1024;
  faults.mtu_bytes = 1400;
  return faults;
}

LinkFaults satellite() {
  LinkFaults faults;
  faults.latency = 300ms;
  faults.jitter = Jitter{JitterKind::uniform, 20ms};
  faults.loss = core::Ratio{1, 200};
  faults.rate_bits_per_s = 20'000'000;
  faults.queue_bytes_max = 512 * 1024;
  faults.mtu_bytes = 1500;
  return faults;
}

LinkFaults lossy_5pct() {
  LinkFaults faults;
  faults.latency = 20ms;
  faults.jitter = Jitter{JitterKind::uniform, 5ms};
  faults.loss = core::Ratio{5, 100};
  faults.mtu_bytes = 1500;
  return faults;
}
}  // namespace

std::span<const std::string_view> weather_profile_names() { return names; }

std::optional<LinkFaults> weather_profile(std::string_view name) {
  std::optional<LinkFaults> faults;
  if (name == "ideal") faults = ideal();
  if (name == "lan") faults = lan();
  if (name == "wifi") faults = wifi();
  if (name == "congested-venue") faults = congested_venue();
  if (name == "mobile-handover") faults = mobile_handover();
  if (name == "satellite") faults = satellite();
  if (name == "lossy-5pct") faults = lossy_5pct();
  if (faults) DCL_ASSERT(!validate(*faults));
  return faults;
}

}  // namespace dclcomms::sim
