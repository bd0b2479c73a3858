#!/usr/bin/env bash
# Every C++ file of the tree is formatted as .clang-format says (Debian bookworm's clang-format 14).
# A ctest (check_format), so that the house style stays the one the code follows: format what you
# change with `git clang-format`, or a whole file with `clang-format -i FILE`. The one commit that
# formatted the whole tree is listed in .git-blame-ignore-revs (git blame skips it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: clang-format is not installed (ci/install-deps.sh installs it)" >&2
  exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' | grep -v -e '/node_modules/' -e '^fixtures/')
else
  mapfile -t files < <(find simulator reference conformance tools -name '*.cpp' -o -name '*.hpp' -o -name '*.h' | grep -v '/node_modules/')
fi
unformatted=()
for file in "${files[@]}"; do
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
echo "check-format: ${#files[@]} files checked, ${#unformatted[@]} not formatted"
if [ ${#unformatted[@]} -gt 0 ]; then
  printf '  %s\n' "${unformatted[@]}"
  echo "  fix: clang-format -i FILE (or git clang-format for the lines you changed)"
  exit 1
fi
