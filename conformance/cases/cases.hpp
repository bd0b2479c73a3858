#pragma once
// The catalogue, one file per area; catalogue.cpp calls these in this order (the report's order).
#include <vector>

#include "dclcomms/conformance/case.hpp"

namespace dclcomms::conformance {
void add_uri_cases(std::vector<Case>& cases);            // uri_cases.cpp
void add_ws_room_cases(std::vector<Case>& cases);        // ws_room_cases.cpp
void add_ws_room_fault_cases(std::vector<Case>& cases);  // ws_room_fault_cases.cpp
void add_signed_login_cases(std::vector<Case>& cases);   // signed_login_cases.cpp
void add_livekit_cases(std::vector<Case>& cases);        // livekit_cases.cpp
void add_simulator_cases(std::vector<Case>& cases);      // simulator_cases.cpp
void add_offline_cases(std::vector<Case>& cases);        // offline_cases.cpp
void add_wire_cases(std::vector<Case>& cases);
void add_livekit_wire_cases(std::vector<Case>& cases);  // livekit_wire_cases.cpp (real time: our LiveKit server on loopback)           //
                                                        // wire_cases.cpp (real time, real sockets: last)
}  // namespace dclcomms::conformance
