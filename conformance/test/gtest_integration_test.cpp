// The way a third party runs the suite: one macro, the catalogue becomes GoogleTest tests. Here it
// runs against our reference ws-room transport, which must pass every case.
#include "dclcomms/conformance/gtest.hpp"
#include "dclcomms/conformance/registry.hpp"

DCLCOMMS_CONFORMANCE_TESTS(*dclcomms::conformance::find_transport("ws-room"));
