#!/usr/bin/env bash
# Installs what wsscope needs to build, run and test on Debian 12.
# Idempotent: packages already installed are not touched, and apt is not
# consulted at all when nothing is missing. Uses sudo when not root.
set -euo pipefail

packages=(
    g++ cmake ninja-build pkg-config
    clang libclang-rt-14-dev            # libFuzzer for the parser fuzz tests
    qt6-base-dev qt6-websockets-dev qt6-svg-dev libgl-dev
    qtkeychain-qt6-dev libsecret-1-0    # the system keyring (QtKeychain loads libsecret when it runs)
    qt6-tools-dev qt6-l10n-tools        # lupdate and lrelease for the translations
    qt6-translations-l10n               # Qt's own strings in Chinese (qtbase_zh_CN.qm)
    fonts-dejavu-core fonts-noto-cjk
    # checks of what cmake --install and cpack produce
    desktop-file-utils appstream shared-mime-info dpkg-dev file
    # peers and tools the tests start on loopback
    python3 python3-websocket python3-websockets nodejs node-ws openssl
    tshark                              # reads the pcapng exports back
    dbus-daemon gnome-keyring           # a real Secret Service for the keyring test, in a session of its own
    node-har-validator                  # checks the HAR exports against the HAR 1.2 schema
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "These packages are missing: ${missing[*]}" >&2
        echo "Run this script as root, or install sudo, to install them." >&2
        exit 1
    fi
    as_root=(sudo)
fi
echo "Installing: ${missing[*]}"
# tshark's package asks whether ordinary users may capture; answer for it
# (no: wsscope only reads files) so that the install never stops at a prompt.
if command -v debconf-set-selections >/dev/null; then
    echo "wireshark-common wireshark-common/install-setuid boolean false" | "${as_root[@]}" debconf-set-selections
fi
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
