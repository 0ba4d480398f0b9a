# Shared by the bench scripts (sourced, after `cd` to the repository root).

# hyperfine from Debian when missing.
need_hyperfine() {
  command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine; }
}

# Publishes dstack into $bin (out/bench-bin), unless BENCH_BIN names a binary's folder to measure instead.
publish_dstack() {
  bin=${BENCH_BIN:-$PWD/out/bench-bin}
  [ -n "${BENCH_BIN:-}" ] || dotnet publish src/Dstack.Cli -c Release -o "$bin" --nologo -v quiet
}

# Runs a command at exit, before those registered earlier (a script's own clean-up, then its folder's removal).
at_exit() {
  _at_exit="$1; ${_at_exit:-:}"
  trap "$_at_exit" EXIT
}

# A throw-away $work folder (removed on exit) with its own DSTACK_HOME, and a fresh git repo at $repo, the current folder.
bench_repo() {
  work=$(mktemp -d)
  at_exit 'rm -rf "$work"'
  export DSTACK_HOME=$work/home NO_COLOR=1
  repo=$work/repo
  mkdir -p "$repo/.dstack" && cd "$repo"
  git init -q && git config user.name bench && git config user.email bench@example.com
}
