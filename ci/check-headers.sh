#!/usr/bin/env bash
# Two checks on the C++ sources that the compiler alone does not make (issue 11):
#
#  a) Every public header (simulator/, reference/, conformance/: */include/**/*.hpp) compiles on its
#     own. A header that only builds because its includer happened to include <string> first breaks
#     the next user who includes it in another order; compiling a one-line TU per header finds it.
#  b) Forbidden includes and calls: nothing under simulator/ and nothing in a sans-I/O protocol core
#     (list below) may reach Asio/Beast, threads, <random>, a real clock or the C time functions.
#     The simulator's determinism and the cores' testability rest on time and I/O coming only through
#     core::Runtime and the caller (docs/architecture.md); one stray steady_clock::now() would not
#     fail any test until a trace differed on a busy machine.
#
# Usage (from anywhere): ci/check-headers.sh [BUILD_DIR]   (default: build/asan)
# BUILD_DIR is only read for protoc's generated headers (*.pb.h), which some public headers include.
# Exit status: 0 when both checks pass, 1 otherwise. ctest runs it as `check_headers`.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${1:-build/asan}
cxx=${CXX:-g++}
jobs=2  # the CI machine has 2 cores; -fsyntax-only keeps each compile to a second or two
status=0

# --- a) every public header compiles alone ----------------------------------------------------------

# Our include roots: every */include folder of the repository (not the build tree, not npm's).
mapfile -t include_dirs < <(find simulator reference conformance tools -type d -name include \
                              -not -path '*/node_modules/*' | sort)
mapfile -t headers < <(for d in "${include_dirs[@]}"; do
                         case $d in simulator/* | reference/* | conformance/*) find "$d" -name '*.hpp' ;; esac
                       done | sort)

if [[ ${#headers[@]} -eq 0 ]]; then
  echo "check-headers: found no public headers under simulator/, reference/, conformance/ */include" >&2
  exit 1
fi

# protoc's outputs: each `#include "x/y.pb.h"` in our headers must resolve to <dir>/x/y.pb.h under
# the build dir; <dir> joins the include path. A missing one is an error, not a skip: the headers
# that need it would otherwise be reported as broken, or worse, left out.
generated_dirs=()
mapfile -t pb_includes < <(grep -rhoE '^#include "[^"]+\.pb\.h"' "${include_dirs[@]}" | sed -E 's/^#include "(.*)"$/\1/' | sort -u)
for pb in "${pb_includes[@]}"; do
  found=$(find "$build" -path "*/$pb" -print -quit 2>/dev/null)
  if [[ -z $found ]]; then
    echo "check-headers: public headers include the generated $pb, but $build has no such file:" >&2
    grep -rlF "\"$pb\"" "${include_dirs[@]}" | sed 's/^/  needed by /' >&2
    echo "  build it first (cmake --build $build --target dclcomms_codec) or pass the build dir that has it" >&2
    exit 1
  fi
  generated_dirs+=("${found%/"$pb"}")
done

flags=(-std=c++20 -fsyntax-only)
for d in "${include_dirs[@]}"; do flags+=("-I$root/$d"); done
for d in $(printf '%s\n' "${generated_dirs[@]}" | sort -u); do flags+=("-I$d"); done

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# One header: the TU is `#include "<path below its include dir>"`, as a user would write it.
check_one() {
  local header=$1 name=${1#*/include/} out
  out=$(printf '#include "%s"\n' "$name" | "$cxx" "${flags[@]}" -x c++ - -o /dev/null 2>&1)
  if [[ $? -ne 0 ]]; then
    printf '%s\n  %s\n' "$header" "$(grep -m1 -E 'error' <<<"$out")" >"$results/$(tr / _ <<<"$header").fail"
  fi
}
# xargs starts a fresh bash per header: the function, and the flags array as one quoted string, go
# through the environment.
flags_serialised=$(printf '%q ' "${flags[@]}")
export -f check_one
export cxx results flags_serialised
start=$(date +%s)
printf '%s\0' "${headers[@]}" |
  xargs -0 -P "$jobs" -I{} bash -c 'eval "flags=($flags_serialised)"; check_one "$1"' _ {}
failed=$(find "$results" -name '*.fail' | wc -l)
echo "check-headers: ${#headers[@]} public headers compiled alone in $(( $(date +%s) - start )) s, $failed failed"
if [[ $failed -gt 0 ]]; then
  cat "$results"/*.fail
  status=1
fi

# --- b) forbidden includes and calls in the simulator and the sans-I/O cores ------------------------

# What must stay free of I/O, threads, real time and unseeded randomness, and why each is here:
deterministic_paths=(
  simulator                                  # the engine and core::Runtime: virtual time, seeded PRNG streams
  reference/transport/include                # the Transport interface and the fail-fast TransportFactory:
  reference/transport/src                    #   create() opens no socket and starts no thread or timer
  reference/codec/include                    # RFC-4/RFC-5 codec: bytes in, messages out, no I/O
  reference/codec/src
  reference/codec/arbitrary                  # RapidCheck generators: their randomness is RapidCheck's seed
  reference/auth/include                     # AuthChain verification: "now" comes from the caller
  reference/auth/src
  reference/ws_room/include/dclcomms/ws_room/client_core.hpp   # the ws-room client and server cores:
  reference/ws_room/include/dclcomms/ws_room/server_core.hpp   #   handle_* in, poll_* out
  reference/ws_room/src/client_core.cpp
  reference/ws_room/src/server_core.cpp
  reference/signed_login/include/dclcomms/signed_login/signed_login_endpoint.hpp  # the endpoint's
  reference/signed_login/src/signed_login_endpoint.cpp                            #   logic, sans I/O
  reference/signed_login/include/dclcomms/signed_login/client_core.hpp  # the signed-login client core:
  reference/signed_login/src/client_core.cpp                            #   the signature's timestamp is an input
  reference/webrtc/include                   # ICE, DTLS, SCTP, DCEP, SDP for data channels: datagrams and the
  reference/webrtc/src                       #   time come in from the carrier (OpenSSL and usrsctp inside)
)
# Deliberately not listed: reference/carriers/beast (the real-socket carriers and the Asio runtime,
# whose whole job is the steady clock and sockets), reference/ws_room/server (the reference server on
# them), the transports' own files (they run on a core::Runtime, and signed-login's takes the wall
# clock for its signatures' timestamps when the caller gives none), conformance/wire and driver
# (real-time wire mode, driver processes), tools/ and tests of the cores (they may time or thread).
# Any other file named *_core.* under reference/ is a sans-I/O core by the house's naming and is
# added below.
mapfile -t core_named < <(find reference -name '*_core.*' -not -path '*/node_modules/*' -not -path '*/test/*')
forbidden='#[[:space:]]*include[[:space:]]*<(boost/asio|boost/beast|thread|random|ctime|time\.h|sys/time\.h)[/.>]'
forbidden+='|\b(system_clock|steady_clock|high_resolution_clock|random_device)\b'
forbidden+='|\bstd::(j?thread|this_thread)\b|\b(clock_gettime|gettimeofday)[[:space:]]*\('
forbidden+='|(^|[^A-Za-z0-9_.>:])(std)?(::)?s?rand[[:space:]]*\(|(^|[^A-Za-z0-9_.>:])(std)?(::)?time[[:space:]]*\('
mapfile -t scanned < <(find "${deterministic_paths[@]}" "${core_named[@]}" -type f \
                         \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) | sort -u)
for p in "${deterministic_paths[@]}"; do
  if [[ ! -e $p ]]; then
    # A moved core would silently leave the check; make the mover update the list instead.
    echo "check-headers: $p is in the list of deterministic paths but does not exist; update ci/check-headers.sh" >&2
    exit 1
  fi
done
offences=0
for f in "${scanned[@]}"; do
  # `//` comments are blanked first: a comment may name what the code must not use.
  while IFS= read -r hit; do
    echo "$f:$hit"
    offences=$((offences + 1))
  done < <(sed 's|//.*$||' "$f" | grep -nE "$forbidden")
done
echo "check-headers: ${#scanned[@]} files of the simulator and the sans-I/O cores scanned, $offences forbidden includes or calls"
if [[ $offences -gt 0 ]]; then
  echo "  (time comes from core::Runtime or the caller, randomness from core::Prng, I/O from a carrier)"
  status=1
fi
exit $status
