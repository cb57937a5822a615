# Shared shell helpers for scripts/*.sh (sourced, not run).

say() { printf '\033[1;32m[anxin]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[anxin]\033[0m %s\n' "$*" >&2; exit 1; }

find_python311() {
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; raise SystemExit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  die "Python 3.11 is required (python3.11 not found)"
}

# apt_install PKG...: install Debian packages, as root or through sudo; `apt-get update` once per run.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to install: $*"
    sudo="sudo"
  fi
  if [ -z "${ANXIN_APT_UPDATED:-}" ]; then
    say "apt-get update"
    $sudo apt-get update -qq >/dev/null
    export ANXIN_APT_UPDATED=1
  fi
  say "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# as_postgres CMD...: run a command as the postgres system user (Debian's postgresql package creates it).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
