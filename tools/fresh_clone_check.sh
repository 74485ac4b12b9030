#!/usr/bin/env bash
# What a newcomer does: a fresh clone of this repository's committed main, then the README's two
# commands with the system's Python (default /usr/bin/python3), timed. Needs git and make.
#
#   tools/fresh_clone_check.sh [PYTHON]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${1:-/usr/bin/python3}
dir=$(mktemp -d /tmp/fresh-clone-XXXXXX)
git clone -q "$repo" "$dir/course"
cd "$dir/course"
echo "fresh clone in $dir/course, Python: $("$python" --version)"
SECONDS=0
make demo PYTHON3="$python"
echo "make demo: ${SECONDS} s"
SECONDS=0
make test PYTHON3="$python"
echo "make test: ${SECONDS} s"
