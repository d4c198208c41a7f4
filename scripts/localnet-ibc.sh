#!/usr/bin/env bash
# Two healthd networks on 127.0.0.1 joined by the bridge: a hospital chain
# (hospital-1) and a pharma chain (pharma-1), each one validator with the demo
# members (scripts/localnet.sh), an IBC connection and a bridge channel
# (port bridge, version healthd-bridge-1, unordered) opened by the TypeScript
# relayer @confio/relayer, which then keeps relaying between them.
#
#   scripts/localnet-ibc.sh        set up and run in the foreground; Ctrl-C stops everything
#   scripts/localnet-ibc.sh reset  delete .localnet-ibc
#
# The relayer is installed from scripts/relayer/package-lock.json with `npm ci`
# (patched for CometBFT 0.39 / SDK 0.54 / ibc-go v11 by scripts/relayer/patches/apply.js).
# Environment: HEALTHD (binary, default build/healthd), LOCALNET_IBC_HOME
# (default .localnet-ibc), POLL (relayer poll interval, seconds, default 2),
# IBC_PORT_OFFSET (default 1000: the hospital chain's ports are scripts/localnet.sh's
# plus this, the pharma chain's plus this + 1000).
# Default ports: hospital-1 RPC 27657, REST 2317, gRPC 10090, vault 9088; pharma-1
# RPC 28657, REST 3317, gRPC 11090, vault 10088.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HEALTHD=${HEALTHD:-$ROOT/build/healthd}
HOME_DIR=${LOCALNET_IBC_HOME:-$ROOT/.localnet-ibc}
POLL=${POLL:-2}
OFF=${IBC_PORT_OFFSET:-1000}
PKG=$ROOT/scripts/relayer
RH=$HOME_DIR/relayer
IBC_SETUP=$PKG/node_modules/.bin/ibc-setup
IBC_RELAYER=$PKG/node_modules/.bin/ibc-relayer

# name|chain-id|port offset|bridge role
CHAINS=("hospital|hospital-1|$OFF|hospital" "pharma|pharma-1|$((OFF + 1000))|pharma")
rpc_of() { echo "tcp://127.0.0.1:$((26657 + $1))"; }

log() { printf '[localnet-ibc] %s\n' "$*" >&2; }

if [ "${1:-run}" = reset ]; then rm -rf "$HOME_DIR"; log "removed $HOME_DIR"; exit 0; fi
[ "${1:-run}" = run ] || { echo "usage: $0 [run|reset]" >&2; exit 2; }
[ -x "$HEALTHD" ] || { log "binary $HEALTHD not found: run 'make build'"; exit 1; }
command -v npm >/dev/null || { log "npm not found: apt-get install nodejs npm (Node 18 or later)"; exit 1; }

PIDS=()          # localnet.sh script PIDs: each stops its own node and vault on SIGTERM
RELAYER_PID=""
NPM_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$NPM_PID" ] && kill -0 "$NPM_PID" 2>/dev/null; then
    kill -TERM "$NPM_PID" 2>/dev/null || true
    wait "$NPM_PID" 2>/dev/null || true
  fi
  if [ -n "$RELAYER_PID" ]; then
    log "stopping relayer (pid $RELAYER_PID)"
    kill -TERM "$RELAYER_PID" 2>/dev/null || true
    wait "$RELAYER_PID" 2>/dev/null || true
  fi
  local p
  for p in ${PIDS[@]+"${PIDS[@]}"}; do
    log "stopping localnet (script pid $p, which stops its node and vault)"
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in ${PIDS[@]+"${PIDS[@]}"}; do wait "$p" 2>/dev/null || true; done
  rm -f "$HOME_DIR"/*.pid
}
trap cleanup EXIT
trap 'exit 0' INT TERM

for c in "${CHAINS[@]}"; do
  IFS='|' read -r name chain off role <<<"$c"
  if "$HEALTHD" status --node "$(rpc_of "$off")" >/dev/null 2>&1; then
    log "a node already answers on $(rpc_of "$off"): stop it first"; exit 1
  fi
done

# 1. The relayer package (in the background of the chains' start-up).
(
  cd "$PKG"
  if [ ! -x "$IBC_SETUP" ] || ! node patches/apply.js >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
) >"$HOME_DIR.npm.log" 2>&1 &
NPM_PID=$!

# 2. The two chains. A fresh start: their IBC state must match the relayer's.
rm -rf "$HOME_DIR"; mkdir -p "$HOME_DIR"
mv "$HOME_DIR.npm.log" "$HOME_DIR/npm.log" 2>/dev/null || true
for c in "${CHAINS[@]}"; do
  IFS='|' read -r name chain off role <<<"$c"
  HEALTHD=$HEALTHD LOCALNET_HOME=$HOME_DIR/$name CHAIN_ID=$chain PORT_OFFSET=$off BRIDGE_ROLE=$role \
    "$ROOT/scripts/localnet.sh" run >"$HOME_DIR/$name.out" 2>&1 &
  PIDS+=($!); echo $! >"$HOME_DIR/$name.pid"
  log "starting $chain ($role, RPC $(rpc_of "$off")); log $HOME_DIR/$name.out"
done
for c in "${CHAINS[@]}"; do
  IFS='|' read -r name chain off role <<<"$c"
  for i in $(seq 1 600); do
    grep -q 'healthd localnet is running' "$HOME_DIR/$name.out" 2>/dev/null && break
    kill -0 "$(cat "$HOME_DIR/$name.pid")" 2>/dev/null || { log "$chain failed:"; tail -n 30 "$HOME_DIR/$name.out" >&2; exit 1; }
    [ $((i % 30)) = 0 ] && log "waiting for $chain ($i s)"
    sleep 1
  done
  grep -q 'healthd localnet is running' "$HOME_DIR/$name.out" || { log "$chain not up after 600 s"; exit 1; }
  log "$chain is up"
done
wait "$NPM_PID" || { NPM_PID=""; log "npm ci failed:"; cat "$HOME_DIR/npm.log" >&2; exit 1; }
NPM_PID=""
(cd "$PKG" && node patches/apply.js >/dev/null) || { log "relayer patches do not apply"; exit 1; }

# 3. Relayer home: registry of the two chains, a fresh key, funded on both.
mkdir -p "$RH"
{
  echo "version: 1"
  echo "chains:"
  for c in "${CHAINS[@]}"; do
    IFS='|' read -r name chain off role <<<"$c"
    cat <<YAML
  $name:
    chain_id: $chain
    prefix: health
    gas_price: 0.025uhealth
    hd_path: m/44'/118'/0'/0/0
    estimated_block_time: 1000
    estimated_indexer_time: 250
    rpc:
      - http://127.0.0.1:$((26657 + off))
YAML
  done
} >"$RH/registry.yaml"
"$IBC_SETUP" init --home "$RH" --registry-from "$RH" --src hospital --dest pharma >"$HOME_DIR/relayer-init.log" 2>&1
RELAYER_ADDR=$("$IBC_SETUP" keys list --home "$RH" | awk '$1=="hospital:"{print $2}')
log "relayer account (the same on both chains): $RELAYER_ADDR"
for c in "${CHAINS[@]}"; do
  IFS='|' read -r name chain off role <<<"$c"
  funded=""
  for i in 1 2 3 4 5; do
    out=$("$HEALTHD" tx bank send hospital "$RELAYER_ADDR" 10000000uhealth --home "$HOME_DIR/$name/node" -y -o json 2>&1) || true
    echo "$out" | grep -Eq '"code": *0[,}]' && { funded=1; break; }
    log "funding the relayer on $chain failed (try $i), retrying"; sleep 2
  done
  [ -n "$funded" ] || { log "could not fund the relayer on $chain: $out"; exit 1; }
done
for c in "${CHAINS[@]}"; do
  IFS='|' read -r name chain off role <<<"$c"
  funded=""
  for i in $(seq 1 30); do
    "$HEALTHD" q bank balance "$RELAYER_ADDR" uhealth --home "$HOME_DIR/$name/node" -o json 2>/dev/null | grep -Eq '"amount": *"10000000"' && { funded=1; break; }
    sleep 1
  done
  [ -n "$funded" ] || { log "the relayer's funds did not arrive on $chain"; exit 1; }
done

# 4. Light clients, connection and the bridge channel (about a minute).
log "creating light clients and a connection (ibc-setup connect)"
"$IBC_SETUP" connect --home "$RH" >"$HOME_DIR/connect.log" 2>&1 || { log "connect failed:"; cat "$HOME_DIR/connect.log" >&2; exit 1; }
# 4b. Each chain's authority (the founders' 3-of-4 multisig) trusts the other
# chain, pinned to the header its new light client was created from (the
# origin the bridge recorded in the block that created it, whatever updates
# the relayer made since), as checked against the other chain's node by
# `q bridge counterparty-pin`. Until then no bridge channel opens: a light
# client's id trusts nobody.
authority_tx() { # node home, then the tx arguments; signed by hospital, lab and pharmacy
  local nh=$1 d out hash s; shift
  d=$(mktemp -d "$HOME_DIR/authority.XXXXXX")
  "$HEALTHD" "$@" --from authority --home "$nh" --generate-only >"$d/unsigned.json"
  local sigs=()
  for s in hospital lab pharmacy; do
    "$HEALTHD" tx sign "$d/unsigned.json" --multisig authority --from "$s" --sign-mode amino-json \
      --home "$nh" --output-document "$d/$s.sig.json"
    sigs+=("$d/$s.sig.json")
  done
  "$HEALTHD" tx multisign "$d/unsigned.json" authority "${sigs[@]}" --home "$nh" >"$d/signed.json"
  out=$("$HEALTHD" tx broadcast "$d/signed.json" --home "$nh" -o json)
  echo "$out" | grep -Eq '"code": *0[,}]' || { log "authority tx refused: $out"; return 1; }
  hash=$(echo "$out" | grep -o '"txhash": *"[0-9A-F]*"' | grep -o '[0-9A-F]\{64\}')
  out=$("$HEALTHD" q wait-tx "$hash" --timeout 30s --home "$nh" -o json)
  echo "$out" | grep -Eq '"code": *0[,}]' || { log "authority tx failed: $out"; return 1; }
}
for pair in "hospital|pharma|$((OFF + 1000))" "pharma|hospital|$OFF"; do
  IFS='|' read -r name other ooff <<<"$pair"
  client=$("$HEALTHD" q ibc client states --home "$HOME_DIR/$name/node" -o json | grep -o '07-tendermint-[0-9]*' | head -n 1)
  [ -n "$client" ] || { log "no light client on $name"; exit 1; }
  pin=$("$HEALTHD" q bridge counterparty-pin "$client" --counterparty-node "$(rpc_of "$ooff")" --home "$HOME_DIR/$name/node" -o json) \
    || { log "$name's light client $client does not check out against $other's node"; exit 1; }
  log "$name trusts $other, pinned to the header its client $client was created from: $pin"
  authority_tx "$HOME_DIR/$name/node" tx bridge trust-counterparty "$pin" || exit 1
done

log "opening the bridge channel (ibc-setup channel)"
"$IBC_SETUP" channel --home "$RH" --src-port bridge --dest-port bridge --version healthd-bridge-1 >"$HOME_DIR/channel.log" 2>&1 \
  || { log "channel failed:"; cat "$HOME_DIR/channel.log" >&2; exit 1; }
HOSP_CHAN=$(awk '$1=="hospital-1:"{split($2,a,"/"); print a[2]}' "$HOME_DIR/channel.log")
PHARMA_CHAN=$(awk '$1=="pharma-1:"{split($2,a,"/"); print a[2]}' "$HOME_DIR/channel.log")
[ -n "$HOSP_CHAN" ] && [ -n "$PHARMA_CHAN" ] || { log "no channel in the output:"; cat "$HOME_DIR/channel.log" >&2; exit 1; }
printf '%s\n' "$HOSP_CHAN" >"$HOME_DIR/hospital.channel"
printf '%s\n' "$PHARMA_CHAN" >"$HOME_DIR/pharma.channel"

# 5. The relayer keeps relaying until this script stops.
"$IBC_RELAYER" start --home "$RH" --poll "$POLL" >"$HOME_DIR/relayer.log" 2>&1 &
RELAYER_PID=$!; echo "$RELAYER_PID" >"$HOME_DIR/relayer.pid"
sleep 2
kill -0 "$RELAYER_PID" 2>/dev/null || { log "relayer exited:"; tail -n 30 "$HOME_DIR/relayer.log" >&2; exit 1; }

cat <<INFO

healthd localnet-ibc is running
  hospital-1  RPC $(rpc_of "$OFF")  REST http://127.0.0.1:$((1317 + OFF))  home $HOME_DIR/hospital/node  bridge/$HOSP_CHAN
  pharma-1    RPC $(rpc_of $((OFF + 1000)))  REST http://127.0.0.1:$((2317 + OFF))  home $HOME_DIR/pharma/node  bridge/$PHARMA_CHAN
  relayer     @confio/relayer (pid $RELAYER_PID, poll ${POLL}s), home $RH, log $HOME_DIR/relayer.log
  keys        each chain: hospital lab pharmacy payer patient1 patient2 manufacturer distributor opo centre
              sponsor irb coordinator logger1 (test keyring); each chain has its vault and gateway
  try         $HEALTHD q bridge params --home $HOME_DIR/hospital/node

Ctrl-C stops the relayer, both nodes and their vaults and gateways.
INFO
wait "$RELAYER_PID"
