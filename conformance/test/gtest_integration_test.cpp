// The way a third party runs the suite: one macro, the catalogue becomes GoogleTest tests. Here it
// runs against our reference transports, which must pass every case of their types.
#include "dclcomms/conformance/gtest.hpp"
#include "dclcomms/conformance/registry.hpp"

DCLCOMMS_CONFORMANCE_TESTS(*dclcomms::conformance::find_transport("ws-room"));
DCLCOMMS_CONFORMANCE_TESTS(*dclcomms::conformance::find_transport("signed-login"));
DCLCOMMS_CONFORMANCE_TESTS(*dclcomms::conformance::find_transport("livekit"));
DCLCOMMS_CONFORMANCE_TESTS(*dclcomms::conformance::find_transport("simulator"));
DCLCOMMS_CONFORMANCE_TESTS(*dclcomms::conformance::find_transport("offline"));
