#!/usr/bin/env bash
# Create the project's virtual environment $2 with the interpreter $1, or say in one line why not.
set -u
py="$1" venv="$2"
if ! command -v "$py" >/dev/null 2>&1; then
    echo "error: '$py' was not found: install Python 3.11 or newer, or run make PYTHON3=/path/to/python3.11" >&2
    exit 1
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])' 2>/dev/null || echo "$py") is too old: this project needs Python 3.11 or newer (run make PYTHON3=/path/to/python3.11)" >&2
    exit 1
fi
if ! "$py" -m venv "$venv" >/dev/null 2>"$venv.log"; then
    rm -rf "$venv"
    echo "error: '$py -m venv' failed ($(tail -n 1 "$venv.log")): on Debian or Ubuntu run 'sudo apt-get install python3-venv'" >&2
    rm -f "$venv.log"
    exit 1
fi
rm -f "$venv.log"
