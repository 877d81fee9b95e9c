#!/usr/bin/env bash
# The README's "Try it locally": everything a configuration of your own needs
# before `terraform apply`, against the emulator.
#
#   start  (make quickstart)         build the providers, write a dev_overrides CLI configuration,
#                                    start the emulator in the background on 127.0.0.1, say what next
#   env    (make -s quickstart-env)  the export lines only, for eval "$(make -s quickstart-env)"
#   stop   (make quickstart-stop)    stop the emulator that start started
#
# Everything lives in .quickstart/ of the checkout (git-ignored): the provider
# builds (bin/), the CLI configuration (dev.tfrc), the emulator's binary, pid
# file and log. The emulator is stopped by the pid in its pid file, never by
# name, and stops by itself after QUICKSTART_LIFETIME (default 8h) so that a
# forgotten one does not run forever. A second start reuses a running emulator
# and its objects.
#
# Environment: QUICKSTART_LIFETIME (a duration, default 8h); QUICKSTART_PORT
# (default 8089), which lets a test run one apart from a developer's own.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/lib.sh

state="$root/.quickstart"
port="${QUICKSTART_PORT:-8089}"
lifetime="${QUICKSTART_LIFETIME:-8h}"
addr="127.0.0.1:$port"
url="http://$addr"
pidfile="$state/emulator.pid"
logfile="$state/emulator.log"
emulator="$state/emulator"
# Displayed paths: relative to the checkout when inside it.
show() { case "$1" in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }

# The emulator's credentials, passed to it explicitly so that they and the
# exported ones cannot drift apart. They are public defaults: the emulator
# listens on loopback only.
jelou_api_key=emulator-jelou-key
jurichat_token=emulator-jurichat-token

die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

# command_line prints a process's command line: from /proc where there is one
# (a minimal Linux image may have no ps), else from ps.
command_line() {
  if [ -r "/proc/$1/cmdline" ]; then
    tr '\0' ' ' <"/proc/$1/cmdline"
  else
    ps -o args= -p "$1" 2>/dev/null
  fi
}

# running prints the pid of the emulator this script started, if it is still
# running: the pid file's process, and only when its command line is this
# state directory's emulator binary (a pid reused by another process after a
# reboot or a crash is not ours). A stale pid file is removed.
running() {
  [ -f "$pidfile" ] || return 1
  local pid args
  pid="$(cat "$pidfile")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && args="$(command_line "$pid")" && [[ "$args" == "$emulator "* ]]; then
    printf '%s' "$pid"
    return 0
  fi
  rm -f "$pidfile"
  return 1
}

# listening_url is the URL the running emulator printed (its port may be
# another QUICKSTART_PORT than this invocation's).
listening_url() { sed -n 's/^emulator listening on //p' "$logfile" 2>/dev/null | head -n1; }

env_lines() {
  cat <<EOF
export TF_CLI_CONFIG_FILE='$state/dev.tfrc'
export JELOU_BASE_URL='$url/jelou' JELOU_API_KEY='$jelou_api_key'
export JURICHAT_BASE_URL='$url/jurichat' JURICHAT_TOKEN='$jurichat_token'
export TF_VAR_panel_token='quickstart-panel-token' TF_VAR_crm_token='quickstart-crm-token'
unset JELOU_CLIENT_ID JELOU_CLIENT_SECRET JURICHAT_API_KEY
EOF
}

cmd_env() {
  if ! { [ -f "$state/dev.tfrc" ] && running >/dev/null; }; then
    # eval "$(...)" takes the status of what it evaluates, not of the command
    # substitution: `false` makes the eval fail too, so that a script stops.
    echo false
    die "no quickstart emulator is running: run make quickstart first"
  fi
  url="$(listening_url)"
  env_lines
}

cmd_stop() {
  local pid
  if ! pid="$(running)"; then
    echo "No quickstart emulator is running."
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    die "the emulator (pid $pid) did not stop within 10 s of SIGTERM; its log: $(show "$logfile")"
  fi
  rm -f "$pidfile"
  echo "Stopped the quickstart emulator (pid $pid); its objects are gone."
}

cmd_start() {
  mkdir -p "$state"
  echo "Building both providers into $(show "$state/bin") ..."
  build_dev_providers "$state"
  mv "$state/tfrc" "$state/dev.tfrc"

  local pid
  if pid="$(running)"; then
    url="$(listening_url)"
    echo "The quickstart emulator is already running on $url (pid $pid): reusing it, with the objects it holds."
    echo "For an empty one: make quickstart-stop, then make quickstart."
  else
    echo "Building the emulator ..."
    go build -o "$emulator" ./dev/cmd/emulator
    : >"$logfile"
    # Its own session (where setsid exists), so that a Ctrl-C in this terminal does not reach it.
    local launcher=()
    command -v setsid >/dev/null && launcher=(setsid)
    "${launcher[@]+"${launcher[@]}"}" "$emulator" -addr "$addr" -lifetime "$lifetime" \
      -jelou-api-key "$jelou_api_key" -jurichat-token "$jurichat_token" </dev/null >>"$logfile" 2>&1 &
    pid=$!
    echo "$pid" >"$pidfile"
    for _ in $(seq 1 100); do
      grep -q '^emulator listening on ' "$logfile" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if ! grep -q '^emulator listening on ' "$logfile"; then
      kill -TERM "$pid" 2>/dev/null || true
      rm -f "$pidfile"
      if grep -q 'address already in use' "$logfile"; then
        die "port $port on 127.0.0.1 is taken by another process, not one make quickstart started (an emulator from make emulator or go run ./dev/cmd/emulator, perhaps). Stop it, then run make quickstart again; lsof -iTCP:$port -sTCP:LISTEN shows which process it is."
      fi
      die "the emulator did not start; its log ($(show "$logfile")):
$(cat "$logfile")"
    fi
    echo "Started the emulator on $url (pid $pid, log $(show "$logfile")); $(sed -n 's/^stops by itself at \([^ ]*\).*/it stops by itself at \1/p' "$logfile"), or with make quickstart-stop."
  fi

  local cli
  cli="$(command -v terraform || command -v tofu || true)"
  cat <<EOF

The CLI configuration $(show "$state/dev.tfrc") serves both providers from $(show "$state/bin") (dev_overrides).
Set up this shell with

  eval "\$(make -s quickstart-env)"

which runs:

$(env_lines | sed 's/^/  /')

then try examples/quickstart, or a configuration of your own:

  cd examples/quickstart
  terraform get                 # installs the local module; not init (see the README)
  terraform apply

OpenTofu works the same (tofu get, tofu apply). Stop the emulator with make quickstart-stop.
EOF
  if [ -n "$cli" ]; then
    echo "CLI on PATH: $cli ($(TF_CLI_CONFIG_FILE= "$cli" version 2>/dev/null | head -n1))"
  else
    echo "No terraform or tofu is on PATH: make cli builds Terraform 1.16.4 into .tools/bin; add that directory to PATH."
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  env) cmd_env ;;
  stop) cmd_stop ;;
  *) die "usage: $0 start|env|stop" ;;
esac
