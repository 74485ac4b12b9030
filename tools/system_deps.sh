#!/usr/bin/env bash
# Make sure the Debian packages the whole test suite drives are present: chromium (browser
# tests), slurm-wlm and munge (grading as a Slurm job array). As root they are installed with apt-get;
# otherwise one line says what to install, and the exit status is 1.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    exit 0
fi
echo "error: the full test suite needs Debian packages that are missing: run 'sudo apt-get install ${need[*]}' (or 'make test-fast', which needs none of them)" >&2
exit 1
