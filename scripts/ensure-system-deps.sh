#!/bin/sh
# Installs what the test suite needs beyond pip, only where it is missing: Mosquitto (the real
# broker the tests start) and Node.js with npm (to run the firmware on MicroPython's
# WebAssembly port), then the npm package of that interpreter; Chromium for the admin's browser
# tests where it can be installed.
set -e
need=""
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need="$need mosquitto"
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
if [ -n "$need" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "missing:$need - install it with your package manager (the tests need it)" >&2
        exit 1
    fi
    echo "installing:$need"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
# Debian's Chromium for the admin's browser tests (Playwright drives /usr/bin/chromium and never
# downloads a browser of its own). Optional: where it cannot be installed those tests are skipped.
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing: chromium (the admin's browser tests)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    else
        echo "chromium missing and not root on Debian/Ubuntu: the admin's browser tests will be skipped" >&2
    fi
fi
if [ ! -d simulator/wasm/node_modules/@micropython ]; then
    echo "installing MicroPython's WebAssembly port (npm)"
    npm ci --prefix simulator/wasm --no-audit --no-fund --loglevel=error
fi
