#!/usr/bin/env bash
# Installs the Debian 12 packages Spool needs, and only those missing.
#   scripts/install-deps.sh          build and run
#   scripts/install-deps.sh test     also what the test suites use
set -euo pipefail

packages=(build-essential cmake pkg-config git libssl-dev libcpprest-dev prometheus-cpp-dev
          libpq-dev postgresql libgtest-dev curl libtcmalloc-minimal4)
if [[ "${1:-}" == "test" ]]; then
  # Conformance clients: Debian's boto3 speaks the older Query protocol; the image's pip
  # boto3 and AWS CLI speak JSON. Node and the CLI come from Debian only when absent.
  packages+=(python3 python3-boto3)
  command -v aws >/dev/null || packages+=(awscli)
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install as root: apt-get install -y ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
