#!/bin/sh
# Installs the Hunspell dictionaries that `relais check` reads the spelling with: Debian's
# packages of the LibreOffice and Firefox dictionaries (French, American and British English).
# Add the packages of other languages your posts use (hunspell-de-de, hunspell-es...).
# See docs/editor/spelling.md.
set -eu
PACKAGES="hunspell-fr hunspell-en-us hunspell-en-gb ${RELAIS_DICTIONARY_PACKAGES:-}"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-dictionaries: no apt-get here. Install the Hunspell dictionaries fr, en_US" >&2
    echo "and en_GB (.aff and .dic files) with your system's packages, or put them in a folder" >&2
    echo "and name it in RELAIS_DICTIONARIES (see docs/editor/spelling.md)." >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # the list is split on purpose
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
ls /usr/share/hunspell/fr.dic /usr/share/hunspell/en_US.dic /usr/share/hunspell/en_GB.dic
