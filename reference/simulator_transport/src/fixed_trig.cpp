#include "dclcomms/simulator_transport/fixed_trig.hpp"

#include <cstdint>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::simulator_transport {
namespace {

// Taylor series on [-pi/4, pi/4]: the terms below reach 1e-17 there.
double sin_series(double x) {
  const double x2 = x * x;
  double term = x;
  double sum = x;
  for (int n = 1; n <= 9; ++n) {
    term *= -x2 / static_cast<double>((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

double cos_series(double x) {
  const double x2 = x * x;
  double term = 1.0;
  double sum = 1.0;
  for (int n = 1; n <= 9; ++n) {
    term *= -x2 / static_cast<double>((2 * n - 1) * (2 * n));
    sum += term;
  }
  return sum;
}

}  // namespace

SinCos sin_cos(double radians) {
  DCL_ASSERT(radians == radians && radians < 1e15 && radians > -1e15);  // finite and reducible
  // Reduce by quarter turns: radians = k * pi/2 + r with |r| <= pi/4.
  const double quarter = pi / 2;
  double k = radians / quarter;
  k = static_cast<double>(static_cast<std::int64_t>(k >= 0 ? k + 0.5 : k - 0.5));
  const double r = radians - k * quarter;
  const double s = sin_series(r);
  const double c = cos_series(r);
  const auto quadrant = static_cast<std::int64_t>(k) & 3;
  switch (quadrant) {
    case 0: return SinCos{.sin = s, .cos = c};
    case 1: return SinCos{.sin = c, .cos = -s};
    case 2: return SinCos{.sin = -s, .cos = -c};
    default: return SinCos{.sin = -c, .cos = s};
  }
}

double square_root(double value) {
  DCL_ASSERT(value >= 0.0);
  if (value == 0.0) return 0.0;
  double guess = 1.0;
  while (guess * guess < value) guess *= 2.0;
  for (int i = 0; i < 64; ++i) {
    const double next = 0.5 * (guess + value / guess);
    if (next >= guess) break;  // Newton from above decreases monotonically until it settles
    guess = next;
  }
  return guess;
}

double heading_degrees(double dx, double dz) {
  if (dx == 0.0 && dz == 0.0) return 0.0;
  // atan(t) for |t| <= 1, halving the argument twice (atan t = 2 atan(t / (1 + sqrt(1 + t^2))))
  // so that |t| <= tan(pi/16) and a short Taylor series suffices.
  const auto atan_unit = [](double t) {
    for (int i = 0; i < 2; ++i) t = t / (1.0 + square_root(1.0 + t * t));
    const double t2 = t * t;
    double term = t;
    double sum = t;
    for (int n = 1; n <= 12; ++n) {
      term *= -t2;
      sum += term / static_cast<double>(2 * n + 1);
    }
    return 4.0 * sum;
  };
  const double ax = dx < 0 ? -dx : dx;
  const double az = dz < 0 ? -dz : dz;
  // Angle from +z towards +x in the first quadrant, then mirrored into the right one.
  double angle = ax <= az ? atan_unit(ax / az) : pi / 2 - atan_unit(az / ax);
  if (dz < 0) angle = pi - angle;
  if (dx < 0) angle = 2 * pi - angle;
  double degrees = angle * (180.0 / pi);
  if (degrees >= 360.0) degrees -= 360.0;
  return degrees;
}

}  // namespace dclcomms::simulator_transport
