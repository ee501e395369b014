#!/bin/sh
# Installs Debian's npm (and Node.js), which fetches axe-core for the accessibility audit.
set -eu
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
npm --version
