#pragma once
// Prng: the one source of randomness in a simulation. xoshiro256** (Blackman & Vigna) seeded through
// splitmix64, with distributions of our own written in integer / fixed-point arithmetic, so that the
// same seed draws the same numbers with any compiler, standard library, optimisation level or CPU.
//
// Why not <random>: the std:: engines are fully specified but the std:: distributions are not (each
// standard library may draw differently), and libm functions (log, exp, pow) may round differently
// between libm versions. Nothing here calls either.
//
// Streams: `Prng::derive(seed, "link:a->b")` gives each node and link its own generator, keyed by a
// stable FNV-1a 64 hash of its name (never std::hash), so adding a node does not shift the draws
// that other nodes and links see.

#include <array>
#include <cstdint>
#include <string_view>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/ratio.hpp"

namespace dclcomms::core {

inline constexpr std::uint64_t fnv1a_64_basis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t fnv1a_64_prime = 0x100000001b3ULL;

/// FNV-1a 64 over `bytes`, continuing from `state` (pass the previous result to hash in pieces).
constexpr std::uint64_t fnv1a_64(std::string_view bytes, std::uint64_t state = fnv1a_64_basis) {
  for (const char c : bytes) {
    state ^= static_cast<std::uint8_t>(c);
    state *= fnv1a_64_prime;
  }
  return state;
}

/// One splitmix64 step: advances `state` and returns the next output (Vigna's reference).
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace detail {

using uint128 = unsigned __int128;

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/// floor(sqrt(x)) for 128-bit x, by bisection: exact, constexpr, and only used at compile time.
constexpr uint128 isqrt128(uint128 x) {
  uint128 low = 0;
  uint128 high = uint128{1} << 64;  // sqrt(2^128) bounds every 128-bit input.
  while (high - low > 1) {
    const uint128 mid = low + (high - low) / 2;
    if (mid * mid <= x) {
      low = mid;
    } else {
      high = mid;
    }
  }
  return low;
}

/// exp2_table[i] = 2^(2^-(i+1)) in Q2.62 fixed point, by repeated exact integer square roots of 2.
constexpr std::array<std::uint64_t, 32> make_exp2_table() {
  std::array<std::uint64_t, 32> table{};
  uint128 value = uint128{2} << 62;  // 2.0 in Q62
  for (std::size_t i = 0; i < table.size(); ++i) {
    value = isqrt128(value << 62);  // sqrt(v * 2^62) keeps Q62: sqrt(x)*2^62 = sqrt(x*2^62 * 2^62)
    table[i] = static_cast<std::uint64_t>(value);
  }
  return table;
}
inline constexpr std::array<std::uint64_t, 32> exp2_table = make_exp2_table();

/// log2(x) in Q32.32 for x >= 1, exact to 32 fractional bits by the squaring method.
constexpr std::uint64_t log2_q32(std::uint64_t x) {
  DCL_ASSERT(x >= 1);
  int integer = 63;
  while ((x >> integer) == 0) --integer;
  // Mantissa in [1, 2) as Q1.62.
  uint128 m = integer >= 62 ? uint128{x} >> (integer - 62) : uint128{x} << (62 - integer);
  std::uint64_t result = static_cast<std::uint64_t>(integer) << 32;
  for (int bit = 31; bit >= 0; --bit) {
    m = (m * m) >> 62;  // square: log doubles
    if (m >= (uint128{2} << 62)) {
      m >>= 1;
      result |= std::uint64_t{1} << bit;
    }
  }
  return result;
}

/// 2^y for y in Q32.32 with y < 62, returned in Q32.32 saturated at 2^63 - 1 (whole part < 2^31).
constexpr std::uint64_t exp2_q32(std::uint64_t y) {
  const std::uint64_t integer = y >> 32;
  uint128 value = uint128{1} << 62;  // 1.0 in Q62
  for (int bit = 31; bit >= 0; --bit) {
    if ((y >> bit) & 1U) value = (value * exp2_table[static_cast<std::size_t>(31 - bit)]) >> 62;
  }
  // value is 2^frac in Q62; shift to Q32 and multiply by 2^integer.
  const uint128 q32 = value >> 30;
  if (integer >= 31) return INT64_MAX;
  const uint128 scaled = q32 << integer;
  return scaled > uint128{INT64_MAX} ? INT64_MAX : static_cast<std::uint64_t>(scaled);
}

/// ln(2) in Q32.32: 0.6931471805599453 * 2^32.
inline constexpr std::uint64_t ln2_q32 = 2977044472ULL;

}  // namespace detail

class Prng {
 public:
  /// Seeds the four state words with four splitmix64 outputs, as the xoshiro authors recommend.
  explicit constexpr Prng(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : state_) word = splitmix64_next(sm);
  }

  /// A generator with exactly this state (for known-answer tests). The state must not be all zero.
  static constexpr Prng from_state(const std::array<std::uint64_t, 4>& state) {
    Prng prng(0);
    prng.state_ = state;
    DCL_ASSERT((state[0] | state[1] | state[2] | state[3]) != 0);
    return prng;
  }

  /// An independent stream for a named thing (a node, a link) under a run seed. Depends only on
  /// (seed, name), so new names never disturb old ones.
  static constexpr Prng derive(std::uint64_t seed, std::string_view stream_name) {
    std::uint64_t mixed = seed;
    const std::uint64_t seed_key = splitmix64_next(mixed);
    return Prng(seed_key ^ fnv1a_64(stream_name));
  }

  /// xoshiro256**: the next 64 random bits.
  constexpr std::uint64_t next_u64() {
    const std::uint64_t result = detail::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = detail::rotl(state_[3], 45);
    return result;
  }

  /// Uniform in [0, bound), unbiased (Lemire's multiply-and-reject). `bound` must be > 0.
  constexpr std::uint64_t uniform_below(std::uint64_t bound) {
    DCL_ASSERT(bound > 0);
    detail::uint128 product = detail::uint128{next_u64()} * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = detail::uint128{next_u64()} * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    const auto result = static_cast<std::uint64_t>(product >> 64);
    DCL_ASSERT(result < bound);
    return result;
  }

  /// Uniform in [low, high). Requires low < high.
  constexpr std::int64_t uniform_in(std::int64_t low, std::int64_t high) {
    DCL_ASSERT(low < high);
    const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + uniform_below(span));
  }

  /// Bernoulli trial: true with exactly `probability` (numerator / denominator).
  constexpr bool chance(Ratio probability) {
    DCL_ASSERT(probability.is_probability());
    if (probability.numerator == 0) return false;
    if (probability.numerator == probability.denominator) return true;
    return uniform_below(probability.denominator) < probability.numerator;
  }

  /// Approximately normal with the given mean and standard deviation, by the Irwin–Hall method: the
  /// sum of twelve uniforms in [0,1) minus six has mean 0 and variance 1. Integer-only and exact;
  /// the price is that tails are cut at ±6 sigma, which a network delay model never misses.
  constexpr std::int64_t normal(std::int64_t mean, std::int64_t stddev) {
    DCL_ASSERT(stddev >= 0);
    std::int64_t sum_q32 = 0;
    for (int i = 0; i < 12; ++i) sum_q32 += static_cast<std::int64_t>(next_u64() >> 32);
    const std::int64_t z_q32 = sum_q32 - (std::int64_t{6} << 32);  // in [-6, 6) as Q32
    const __int128 offset = (static_cast<__int128>(z_q32) * stddev) >> 32;
    return mean + static_cast<std::int64_t>(offset);
  }

  /// Exponential with the given mean (>= 0): mean * -ln(U), with ln computed in Q32.32 integer
  /// arithmetic (log2 by repeated squaring, times ln 2). U has 53 bits, so the result is at most
  /// about 36.7 * mean.
  constexpr std::int64_t exponential(std::int64_t mean) {
    DCL_ASSERT(mean >= 0);
    const std::uint64_t u = (next_u64() >> 11) + 1;  // in [1, 2^53]
    const std::uint64_t neg_log2_q32 = (std::uint64_t{53} << 32) - detail::log2_q32(u);
    const auto neg_ln_q32 = (detail::uint128{neg_log2_q32} * detail::ln2_q32) >> 32;
    return static_cast<std::int64_t>((neg_ln_q32 * static_cast<std::uint64_t>(mean)) >> 32);
  }

  /// Pareto with minimum `scale` (>= 0) and tail index `shape` (> 0): scale * U^(-1/shape), in
  /// fixed point (2^(-log2(U) / shape)), capped at `cap` so that one draw cannot stall a run.
  constexpr std::int64_t pareto(std::int64_t scale, Ratio shape, std::int64_t cap) {
    DCL_ASSERT(scale >= 0);
    DCL_ASSERT(shape.is_valid() && shape.numerator > 0);
    DCL_ASSERT(cap >= scale);
    const std::uint64_t u = (next_u64() >> 11) + 1;
    const std::uint64_t neg_log2_q32 = (std::uint64_t{53} << 32) - detail::log2_q32(u);
    const detail::uint128 y = detail::uint128{neg_log2_q32} * shape.denominator / shape.numerator;
    if (y >= (detail::uint128{31} << 32)) return cap;
    const std::uint64_t factor_q32 = detail::exp2_q32(static_cast<std::uint64_t>(y));
    const detail::uint128 value = (detail::uint128{factor_q32} * static_cast<std::uint64_t>(scale)) >> 32;
    return value >= static_cast<detail::uint128>(cap) ? cap : static_cast<std::int64_t>(value);
  }

  const std::array<std::uint64_t, 4>& state() const { return state_; }

 private:
  std::array<std::uint64_t, 4> state_{};
};

}  // namespace dclcomms::core
