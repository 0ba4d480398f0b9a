# Sourced by the test-service scripts: sets or removes one named block of /etc/hosts.
#   set_hosts_block NAME < lines      (no lines: the block is removed)
# Several scripts may run at once (the test command, a bench, a test restarting a service), and a rewrite is
# read-then-write: a lock keeps one writer's truncation from being read by another (which lost every other line).
set_hosts_block() {
  local name=$1 lines tmp
  lines=$(cat)
  tmp=$(mktemp)
  (
    flock -w 60 9 || { echo "set_hosts_block: /etc/hosts is locked by another script" >&2; exit 1; }
    sed "/# $name BEGIN/,/# $name END/d" /etc/hosts >"$tmp"
    [[ -z "$lines" ]] || printf '# %s BEGIN\n%s\n# %s END\n' "$name" "$lines" "$name" >>"$tmp"
    cmp -s "$tmp" /etc/hosts || cat "$tmp" >/etc/hosts   # cat > keeps the inode (a bind-mounted /etc/hosts)
  ) 9>/tmp/dstack-etc-hosts.lock
  local rc=$?
  rm -f "$tmp"
  return $rc
}
