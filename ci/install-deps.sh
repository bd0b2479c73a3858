#!/usr/bin/env bash
# Installs every system dependency of dclcomms on a fresh Debian bookworm machine (run as root).
# Idempotent: when everything is already present it returns in about a second without touching apt.
# --cli-only: only what building the `dclcomms` command needs (third-party CI running the suite
# against its own transport): no clang, fuzzers, benchmarks, chromium, Node or npm peers.
set -euo pipefail

cli_only=false
[ "${1:-}" = --cli-only ] && cli_only=true

# What the dclcomms command links (GoogleTest and RapidCheck too: the suite's GoogleTest
# integration and its packet generator are library features).
packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-url1.81-dev nlohmann-json3-dev librapidcheck-dev
  libprotobuf-dev protobuf-compiler libsecp256k1-dev libcrypto++-dev libssl-dev openssl
  libgtest-dev libgmock-dev libcli11-dev libcpp-jwt-dev libusrsctp-dev
)
if ! $cli_only; then
  # Our own tests: fuzzing (clang), benchmarks, the report's browser check, the npm peers, the
  # recipes' YAML check, the driver messages' JSON Schema check and the format check.
  packages+=(clang clang-format libclang-rt-14-dev libbenchmark-dev nodejs npm chromium python3-yaml python3-jsonschema)
fi

missing=()
for p in "${packages[@]}"; do
  # nodejs/npm may come from outside apt (the machine image ships Node 20): accept the commands.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if $cli_only; then
  echo "install-deps: done (--cli-only)"
  exit 0
fi

# npm packages of the real upstream peers, pinned by each folder's package-lock.json. Re-installed
# only when the lock file changed since the last install (a stamp beside node_modules records it).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for lock in "$root"/tools/golden/package-lock.json "$root"/conformance/interop/*/package-lock.json \
            "$root"/conformance/drivers/*/package-lock.json; do
  [ -f "$lock" ] || continue
  dir=$(dirname "${lock#"$root"/}")
  stamp="$root/$dir/node_modules/.dclcomms-lock.sha256"
  # The lock file, and what a postinstall builds from (the explorer driver's build.js and shims).
  inputs=("$root/$dir/package-lock.json")
  [ -f "$root/$dir/build.js" ] && inputs+=("$root/$dir/build.js" "$root/$dir"/shims/*.js)
  want=$(cat "${inputs[@]}" | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "install-deps: $dir/node_modules up to date"
    continue
  fi
  echo "install-deps: npm ci in $dir"
  (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
done
echo "install-deps: done"
