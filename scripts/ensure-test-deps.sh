#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when they are missing (CI and fresh machines).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || need+=(xvfb xauth)
# Debian's python (not a pyenv one on PATH) is the one that gets python3-h5py.
/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1 || need+=(python3-h5py)
# A maintained ffmpeg/ffprobe (Debian's 5.1), which the studio prefers to the bundled 2018 build.
[ -x /usr/bin/ffmpeg ] && [ -x /usr/bin/ffprobe ] || need+=(ffmpeg)
# A one-node SLURM for src/cli/slurm.test.ts (started and stopped by scripts/slurm-local.sh).
command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
fc-list >/dev/null 2>&1 || need+=(fontconfig)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Installing test dependencies: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
