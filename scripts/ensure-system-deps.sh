#!/usr/bin/env bash
# Install the Debian packages jzanalysis needs, only those that are missing.
# As root it runs apt-get; otherwise it prints the one apt-get line to run and fails.
# Packages after --optional are installed too when root; otherwise a missing one is only said (the tests
# that need it skip): usage: ensure-system-deps.sh PKG... [--optional PKG...]
set -euo pipefail

packages=()
optional=()
target=packages
for arg in "$@"; do
  if [ "$arg" = "--optional" ]; then target=optional; continue; fi
  if [ "$target" = packages ]; then packages+=("$arg"); else optional+=("$arg"); fi
done
# Debian splits venv/ensurepip out of the interpreter; pyenv or other Pythons have it already.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ensure-system-deps: not a Debian-like system; make sure these are installed: ${packages[*]}" >&2
  exit 0
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for pkg in "${packages[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
missing_optional=()
for pkg in "${optional[@]}"; do
  installed "$pkg" || missing_optional+=("$pkg")
done
if [ "$(id -u)" -ne 0 ] && [ ${#missing_optional[@]} -gt 0 ]; then
  echo "note: optional system packages missing (some tests skip): ${missing_optional[*]}" >&2
  missing_optional=()
fi
missing+=("${missing_optional[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "jzanalysis needs system packages that are missing; run as root:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# matplotlib and WeasyPrint look fonts up through fontconfig
fc-cache -f >/dev/null 2>&1 || true
