#!/usr/bin/env bash
# A local Ethereum dev node (go-ethereum's geth --dev, at the version pinned in
# evm/go.mod) beside a healthd localnet, with the HTLC contract and a test token
# deployed, keystores for the parties and the relay, and healthd-evm-relay
# carrying healthd's settlement reveals to Ethereum. docs/evm-relay.md walks
# through both flows on it.
#
#   scripts/localnet-eth.sh          set up (if needed) and run in the foreground; Ctrl-C stops
#                                    exactly what it started
#   scripts/localnet-eth.sh build    only build build/geth, build/healthd-evm-relay, build/healthd-evm-deploy
#   scripts/localnet-eth.sh reset    delete the Ethereum side's directory
#
# The healthd localnet: if a node already answers on 127.0.0.1:(26657+PORT_OFFSET)
# it is used as it is (its settlement margin is whatever its genesis says);
# otherwise this script sets one up with scripts/localnet.sh (LOCALNET_HOME,
# CHAIN_ID, BLOCK_TIME as there), sets the settlement margin to
# SETTLEMENT_MARGIN seconds and the shortest reveal window to MIN_REVEAL_WINDOW
# seconds in its genesis (both default 60, against healthd's 3600 and 600, so
# that a demo lock can live minutes, not hours), and runs it.
#
# Environment: ETH_HOME (default .localnet-eth), PORT_OFFSET (0; also offsets the
# Ethereum ports: http 8545, authrpc 8551, relay status 8590), SETTLEMENT_MARGIN
# (60), MIN_REVEAL_WINDOW (60), DEV_PERIOD (1: geth --dev block time in seconds), HEALTHD, GETH.
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT=$PWD
ETH_HOME=${ETH_HOME:-$ROOT/.localnet-eth}
OFF=${PORT_OFFSET:-0}
HEALTHD=${HEALTHD:-$ROOT/build/healthd}
GETH=${GETH:-$ROOT/build/geth}
RELAY=$ROOT/build/healthd-evm-relay
DEPLOY=$ROOT/build/healthd-evm-deploy
MARGIN=${SETTLEMENT_MARGIN:-60}
WINDOW=${MIN_REVEAL_WINDOW:-60}
DEV_PERIOD=${DEV_PERIOD:-1}
ETH_PORT=$((8545 + OFF)); AUTH_PORT=$((8551 + OFF)); STATUS_PORT=$((8590 + OFF)); RPC_PORT=$((26657 + OFF))
ETH_RPC=http://127.0.0.1:$ETH_PORT
HEALTHD_RPC=http://127.0.0.1:$RPC_PORT

log() { printf '[localnet-eth] %s\n' "$*" >&2; }

# jq reads the deployment's addresses: Debian's, installed if missing.
if ! command -v jq >/dev/null; then
  log "installing jq (apt-get)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq jq >/dev/null
fi

# build builds geth at exactly the go-ethereum version evm/go.mod requires
# (go install pkg@version uses go-ethereum's own go.mod, as its releases do),
# and the relay and deploy tools from the evm module.
build() {
  local want have
  want=$(cd evm && go list -m -f '{{.Version}}' github.com/ethereum/go-ethereum)
  have=$([ -x "$GETH" ] && "$GETH" version 2>/dev/null | sed -n 's/^Version: \(.*\)-stable.*/v\1/p' || true)
  if [ "$have" != "$want" ]; then
    log "building geth $want into $(dirname "$GETH") (go install; about 10 minutes from a cold cache on two cores)"
    mkdir -p "$(dirname "$GETH")"
    local t0=$SECONDS
    GOBIN=$(dirname "$GETH") go install "github.com/ethereum/go-ethereum/cmd/geth@$want"
    [ "$(basename "$GETH")" = geth ] || mv "$(dirname "$GETH")/geth" "$GETH"
    log "geth built in $((SECONDS - t0)) s"
  fi
  log "building healthd-evm-relay and healthd-evm-deploy"
  (cd evm && go build -o "$RELAY" ./cmd/healthd-evm-relay && go build -o "$DEPLOY" ./cmd/healthd-evm-deploy)
}

wait_http() { # url what pid
  local i
  for i in $(seq 1 120); do
    curl -fsS -X POST -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$1" >/dev/null 2>&1 && return 0
    kill -0 "$3" 2>/dev/null || { log "$2 exited"; return 1; }
    sleep 0.5
  done
  log "$2 did not answer on $1"; return 1
}

healthd_up() { curl -fsS "$HEALTHD_RPC/status" 2>/dev/null | grep -q '"latest_block_height":"[1-9]'; }

run() {
  build
  mkdir -p "$ETH_HOME"
  chmod 700 "$ETH_HOME"
  [ -f "$ETH_HOME/password" ] || { head -c 24 /dev/urandom | base64 > "$ETH_HOME/password"; chmod 600 "$ETH_HOME/password"; }
  if curl -fsS -X POST -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$ETH_RPC" >/dev/null 2>&1; then
    log "something already answers on $ETH_RPC: stop it first, or set PORT_OFFSET"; exit 1
  fi

  gpid=""; lpid=""; rpid=""
  cleanup() {
    trap - EXIT INT TERM
    set +e
    local p what
    for p in ${rpid:+relay:$rpid} ${gpid:+geth:$gpid} ${lpid:+healthd-localnet:$lpid}; do
      what=${p%%:*}; p=${p#*:}
      if kill -0 "$p" 2>/dev/null; then
        log "stopping $what (pid $p)"; kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null
      else
        log "$what (pid $p) had already exited"; wait "$p" 2>/dev/null
      fi
    done
    rm -f "$ETH_HOME/geth.pid" "$ETH_HOME/relay.pid" "$ETH_HOME/localnet.pid"
  }
  trap cleanup EXIT
  trap 'cleanup; exit 0' INT TERM

  # healthd: the running localnet, or one started here.
  if healthd_up; then
    log "using the healthd node already answering on $HEALTHD_RPC"
  else
    export PORT_OFFSET=$OFF HEALTHD
    local lhome=${LOCALNET_HOME:-$ROOT/.localnet}
    if [ ! -f "$lhome/node/config/genesis.json" ]; then
      LOCALNET_HOME=$lhome ./scripts/localnet.sh setup
      set_margin "$lhome/node/config/genesis.json"
    fi
    log "starting the healthd localnet; log: $ETH_HOME/localnet.log"
    LOCALNET_HOME=$lhome ./scripts/localnet.sh run >"$ETH_HOME/localnet.log" 2>&1 &
    lpid=$!
    echo "$lpid" > "$ETH_HOME/localnet.pid"
    local i
    for i in $(seq 1 360); do
      grep -q "localnet is running" "$ETH_HOME/localnet.log" 2>/dev/null && break
      kill -0 "$lpid" 2>/dev/null || { log "the healthd localnet exited; see $ETH_HOME/localnet.log"; tail -n 20 "$ETH_HOME/localnet.log" >&2; exit 1; }
      [ $((i % 20)) = 0 ] && log "waiting for the healthd localnet ($i s)"
      sleep 1
    done
  fi

  log "starting geth --dev on $ETH_RPC (block every $DEV_PERIOD s); log: $ETH_HOME/geth.log"
  "$GETH" --dev --dev.period "$DEV_PERIOD" --datadir "$ETH_HOME/geth" --password "$ETH_HOME/password" --ipcdisable \
    --http --http.addr 127.0.0.1 --http.port "$ETH_PORT" --http.api eth,net,web3 \
    --authrpc.addr 127.0.0.1 --authrpc.port "$AUTH_PORT" --verbosity 2 >"$ETH_HOME/geth.log" 2>&1 &
  gpid=$!
  echo "$gpid" > "$ETH_HOME/geth.pid"
  wait_http "$ETH_RPC" geth "$gpid" || { tail -n 20 "$ETH_HOME/geth.log" >&2; exit 1; }

  log "deploying the HTLC contract and TestToken, creating keystores (payer, pharmacy, hospital, distributor, relay)"
  "$DEPLOY" --eth-rpc "$ETH_RPC" --out "$ETH_HOME" --password-file "$ETH_HOME/password"

  # The relay also runs for the two receivers of the walk-throughs: it
  # confirms on healthd, with their keys in the localnet's test keyring, the
  # locks that pay them once it has checked them on Ethereum (healthd reveals
  # only confirmed locks).
  local lnode=${LOCALNET_HOME:-$ROOT/.localnet}/node
  log "starting healthd-evm-relay (confirming for hospital and distributor); log: $ETH_HOME/relay.log"
  "$RELAY" run --home "$ETH_HOME/relay" --healthd-rpc "$HEALTHD_RPC" --eth-rpc "$ETH_RPC" \
    --deployment "$ETH_HOME/deployment.json" --keystore "$ETH_HOME/keystore/relay.json" --password-file "$ETH_HOME/password" \
    --status "127.0.0.1:$STATUS_PORT" \
    --confirm "$(jq -r .accounts.hospital.address "$ETH_HOME/deployment.json")=hospital" \
    --confirm "$(jq -r .accounts.distributor.address "$ETH_HOME/deployment.json")=distributor" \
    --healthd-bin "$HEALTHD" --healthd-home "$lnode" --healthd-keyring-backend test \
    --healthd-chain-id "${CHAIN_ID:-healthd-local}" >"$ETH_HOME/relay.log" 2>&1 &
  rpid=$!
  echo "$rpid" > "$ETH_HOME/relay.pid"
  sleep 1
  kill -0 "$rpid" 2>/dev/null || { log "the relay exited:"; tail -n 20 "$ETH_HOME/relay.log" >&2; exit 1; }

  cat > "$ETH_HOME/env" <<ENV
# source $ETH_HOME/env: the Ethereum side of this localnet
ETH_RPC=$ETH_RPC
ETH_HOME=$ETH_HOME
DEPLOYMENT=$ETH_HOME/deployment.json
RELAY_STATUS=http://127.0.0.1:$STATUS_PORT/status
HTLC=$(jq -r .htlc "$ETH_HOME/deployment.json")
TOKEN=$(jq -r .token "$ETH_HOME/deployment.json")
$(for n in payer pharmacy hospital distributor relay; do printf '%s_ETH=%s\n' "$(echo "$n" | tr a-z A-Z)" "$(jq -r ".accounts.$n.address" "$ETH_HOME/deployment.json")"; done)
# evm <command> [flags]: healthd-evm-relay against this node and deployment; evm_as <party> <command> adds the party's keystore
evm() { "$RELAY" "\$1" --eth-rpc "$ETH_RPC" --deployment "$ETH_HOME/deployment.json" "\${@:2}"; }
evm_as() { "$RELAY" "\$2" --eth-rpc "$ETH_RPC" --deployment "$ETH_HOME/deployment.json" --keystore "$ETH_HOME/keystore/\$1.json" --password-file "$ETH_HOME/password" "\${@:3}"; }
ENV
  cat <<INFO

Ethereum localnet is running beside healthd
  geth --dev     $ETH_RPC   (pid $gpid, chain id 1337, datadir $ETH_HOME/geth, log $ETH_HOME/geth.log)
  contracts      $ETH_HOME/deployment.json   (HTLC $(jq -r .htlc "$ETH_HOME/deployment.json"), TestToken $(jq -r .token "$ETH_HOME/deployment.json"))
  keystores      $ETH_HOME/keystore/{payer,pharmacy,hospital,distributor,relay}.json   (password: $ETH_HOME/password)
  relay          pid $rpid, state $ETH_HOME/relay/state.json, status http://127.0.0.1:$STATUS_PORT/status, log $ETH_HOME/relay.log
  healthd        $HEALTHD_RPC ${lpid:+(started here, pid $lpid, log $ETH_HOME/localnet.log)}
  try            source $ETH_HOME/env; evm show --balance-of \$PAYER_ETH

Ctrl-C stops what this script started.
INFO
  wait "$rpid"
}

# set_margin sets x/claims' and x/drugtrace's settlement margin in a genesis
# that has the parameter (the margin must be shorter than the locks' time to
# live for a demo that does not last hours).
set_margin() {
  local g=$1 tmp
  tmp=$(mktemp)
  jq --arg m "$MARGIN" --arg w "$WINDOW" '
    reduce ("claims", "drugtrace") as $mod (.;
      if .app_state[$mod].params | has("evm_settlement_margin") then
        .app_state[$mod].params.evm_settlement_margin = $m | .app_state[$mod].params.evm_min_reveal_window = $w
      else . end)' "$g" > "$tmp"
  mv "$tmp" "$g"
  log "settlement margin and reveal window in genesis (claims, drugtrace): $(jq -c '[[.app_state.claims.params | .evm_settlement_margin, .evm_min_reveal_window], [.app_state.drugtrace.params | .evm_settlement_margin, .evm_min_reveal_window]]' "$g") s"
}

case "${1:-run}" in
  run) run ;;
  build) build ;;
  reset) rm -rf "$ETH_HOME"; log "removed $ETH_HOME" ;;
  *) echo "usage: $0 [run|build|reset]" >&2; exit 2 ;;
esac
