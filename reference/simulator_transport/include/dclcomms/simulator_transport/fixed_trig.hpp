#pragma once
// Sine and cosine from + and * only. libm's sin/cos may round differently between library versions,
// and an orbit angle reaches every Position packet, so the crowd computes its own: IEEE-754 double
// addition and multiplication are exactly specified, which keeps same-seed runs byte-identical on
// any machine (the engine avoids libm for the same reason, docs/simulator.md).

namespace dclcomms::simulator_transport {

inline constexpr double pi = 3.14159265358979323846;

struct SinCos {
  double sin = 0.0;
  double cos = 1.0;
};

/// sin and cos of `radians` (any finite value), accurate to ~1e-15 after reduction to [-pi/4, pi/4].
SinCos sin_cos(double radians);

/// Square root by Newton's method from a power-of-two start (IEEE sqrt is exact too, but this keeps
/// the whole motion model in one visible, libm-free place). `value` >= 0.
double square_root(double value);

/// The compass heading of direction (dx, dz) in degrees [0, 360): 0 along +z, 90 along +x (Unity's
/// yaw). (0, 0) gives 0.
double heading_degrees(double dx, double dz);

}  // namespace dclcomms::simulator_transport
