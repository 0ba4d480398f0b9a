#!/usr/bin/env bash
# The tests' image with a dev environment inside, without any registry: `local/jupyter:1` holds Debian's Jupyter Notebook
# (and ipykernel, bash, dash, coreutils) with every package they depend on, copied from this machine's installed files
# (scripts/devenv-up.sh installs them) into a root file system that `docker import` makes an image of. Built once: a
# later call finds the image and returns at once. Prints the image's name.
set -euo pipefail
image=${DSTACK_DEVENV_IMAGE:-local/jupyter:1}
if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi
pkgs=(jupyter-notebook python3-ipykernel bash dash coreutils)
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "$p is not installed: run scripts/devenv-up.sh first" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The packages' closure (virtual ones, in <>, aside), then their files; each path with its folders resolved (/bin is
# usr/bin here), so the image has one real file per path and the merged-/usr links below.
apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "${pkgs[@]}" \
  | grep -v -e '^ ' -e '^<' | sort -u >"$work/packages"
xargs dpkg -L <"$work/packages" 2>/dev/null >"$work/listed" || true
python3 - "$work/listed" >"$work/files" <<'PY'
import os, sys
seen = set()
for line in open(sys.argv[1]):
    p = line.strip()
    if not p.startswith('/') or p == '/.' or not os.path.lexists(p):
        continue
    real = os.path.realpath(p) if os.path.isdir(p) and not os.path.islink(p) else os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p))
    # The folders the extra root below makes are its own (an archive must not name a path twice).
    if real not in ('/', '/etc', '/root', '/tmp', '/workflow', '/bin', '/lib', '/lib64', '/sbin') and real not in seen:
        seen.add(real)
        print(real[1:])
PY
root=$work/root
mkdir -p "$root/etc" "$root/root" "$root/tmp" "$root/workflow"
chmod 1777 "$root/tmp"
for d in bin lib lib64 sbin; do [ -L "/$d" ] && ln -s "$(readlink "/$d")" "$root/$d"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
# The extra root first (it recurses), then exactly the listed paths.
tar -c -C "$root" . --no-recursion -C / -T "$work/files" 2>/dev/null >"$work/rootfs.tar" || true
docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin HOME=/root' -c 'CMD ["/bin/sh"]' "$work/rootfs.tar" "$image" >/dev/null
echo "$image"
