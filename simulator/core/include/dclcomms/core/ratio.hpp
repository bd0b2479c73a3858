#pragma once
// Ratio: a probability or a shape parameter as an integer fraction (TigerBeetle's `Ratio`). Floats
// never decide an outcome in a simulation: `1/100` is exactly one in a hundred on every platform.

#include <cstdint>
#include <string>

namespace dclcomms::core {

struct Ratio {
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 1;

  static constexpr Ratio zero() { return Ratio{0, 1}; }
  static constexpr Ratio one() { return Ratio{1, 1}; }

  /// A usable fraction: the denominator is never zero.
  constexpr bool is_valid() const { return denominator > 0; }
  /// A probability: valid and at most one.
  constexpr bool is_probability() const { return is_valid() && numerator <= denominator; }
  constexpr bool is_zero() const { return numerator == 0; }

  /// Structural equality: 1/2 and 2/4 differ, because they print differently in a trace.
  friend constexpr bool operator==(const Ratio&, const Ratio&) = default;
};

/// "numerator/denominator", the form scenario files use.
inline std::string to_string(Ratio ratio) { return std::to_string(ratio.numerator) + "/" + std::to_string(ratio.denominator); }

}  // namespace dclcomms::core
