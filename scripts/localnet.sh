#!/usr/bin/env bash
# Single-validator healthd network on 127.0.0.1 with the four founding members
# (hospital, laboratory, pharmacy, payer), demo supply-chain and transplant
# members, two demo patients, a 3-of-4 multisig of the founders as the chain
# authority, and the records vault.
#
#   scripts/localnet.sh            set up (if needed) and run in the foreground; Ctrl-C stops it
#   scripts/localnet.sh setup      only create the home directory
#   scripts/localnet.sh reset      delete the home directory
#
# Environment: HEALTHD (binary, default build/healthd), LOCALNET_HOME (default
# .localnet), CHAIN_ID (healthd-local), PORT_OFFSET (added to every port, default 0),
# BLOCK_TIME (timeout_commit, default 1s), BRIDGE_ROLE (hospital or pharma: the
# x/bridge role, no counterparty trusted yet; default off).
set -euo pipefail
cd "$(dirname "$0")/.."

HEALTHD=${HEALTHD:-$PWD/build/healthd}
HOME_DIR=${LOCALNET_HOME:-$PWD/.localnet}
CHAIN_ID=${CHAIN_ID:-healthd-local}
OFF=${PORT_OFFSET:-0}
BLOCK_TIME=${BLOCK_TIME:-1s}
BRIDGE_ROLE=${BRIDGE_ROLE:-}
DENOM=uhealth

RPC_PORT=$((26657 + OFF)); P2P_PORT=$((26656 + OFF)); GRPC_PORT=$((9090 + OFF)); API_PORT=$((1317 + OFF))
VAULT_PORT=$((8088 + OFF)); GATEWAY_PORT=$((8089 + OFF))
NODE_HOME="$HOME_DIR/node"
LOG="$HOME_DIR/node.log"
KR=(--keyring-backend test --home "$NODE_HOME")

log() { printf '[localnet] %s\n' "$*" >&2; }

# Founding members: key name, organisation name, roles, NPI, GLN, DEA (and, for a manufacturer, GS1 company prefixes; for an OPO, after them, ISBT 128 FINs).
FOUNDERS=(
  "hospital|Riverside General Hospital|hospital|1245319599|0614141000005|AB1234563"
  "lab|Northgate Clinical Laboratory|laboratory|1679576722|0614141000012|"
  "pharmacy|Harbour Pharmacy|pharmacy|1003000126|0614141999996|BJ1234563"
  "payer|Meridian Health Plan|payer||5901234123457|"
)
PATIENTS=(patient1 patient2)
# Demo supply-chain members (not founders, not in the authority multisig).
SUPPLY=(
  "manufacturer|Northwind Pharmaceuticals|manufacturer||0614141000029||9506000,4006381"
  "distributor|Atlas Pharma Distribution|distributor||0614141000036|MA1234563"
)
# Demo transplant members: an organ procurement organisation and a transplant centre.
# The OPO's ISBT 128 facility code (FIN) G1234 is the one its DINs carry (G123498654321H).
TRANSPLANT=(
  "opo|Lakeside Organ Procurement|organ-procurement||0614141000043|||G1234"
  "centre|St Anne's Transplant Centre|transplant-centre||0614141000050|"
)
# Demo research members: a trial sponsor and an ethics committee (IRB).
RESEARCH=(
  "sponsor|Meridian Clinical Research|research-sponsor|1546372818||"
  "irb|Riverside Research Ethics Board|ethics-committee|1987654328||"
)
# Keys that are not members: the OPO's coordinator (funded; the OPO names it
# staff with tx organs set-staff) and a temperature logger's device key
# (signs readings, sends no transactions: no funds).
STAFF=(coordinator)
DEVICES=(logger1)

addr() { "$HEALTHD" keys show "$1" -a "${KR[@]}"; }

setup() {
  [ -x "$HEALTHD" ] || { log "binary $HEALTHD not found: run 'make build'"; exit 1; }
  if [ -f "$NODE_HOME/config/genesis.json" ]; then
    log "using existing $NODE_HOME (scripts/localnet.sh reset to start over)"
    client_config
    return
  fi
  log "creating $NODE_HOME (chain $CHAIN_ID)"
  mkdir -p "$HOME_DIR"
  "$HEALTHD" init localnet --chain-id "$CHAIN_ID" --default-denom "$DENOM" --home "$NODE_HOME" >/dev/null 2>&1

  local f name
  for f in "${FOUNDERS[@]}"; do
    name=${f%%|*}
    "$HEALTHD" keys add "$name" "${KR[@]}" --output json > "$HOME_DIR/$name.key.json" 2>&1
  done
  for name in "${PATIENTS[@]}" manufacturer distributor opo centre sponsor irb "${STAFF[@]}" "${DEVICES[@]}"; do
    "$HEALTHD" keys add "$name" "${KR[@]}" --output json > "$HOME_DIR/$name.key.json" 2>&1
  done
  "$HEALTHD" keys add authority --multisig hospital,lab,pharmacy,payer --multisig-threshold 3 "${KR[@]}" >/dev/null 2>&1

  for name in hospital lab pharmacy payer "${PATIENTS[@]}" manufacturer distributor opo centre sponsor irb "${STAFF[@]}" authority; do
    "$HEALTHD" genesis add-genesis-account "$(addr "$name")" "1000000000000$DENOM" --home "$NODE_HOME"
  done

  # The node runs as the hospital's: its id is in genesis, so that with
  # filter_peers = true (healthd init's default) the hospital's other nodes, and
  # nodes the members register later, accept it as a peer.
  local key org roles npi gln dea prefixes fins node
  for f in "${FOUNDERS[@]}" "${SUPPLY[@]}" "${TRANSPLANT[@]}" "${RESEARCH[@]}"; do
    IFS='|' read -r key org roles npi gln dea prefixes fins <<<"$f"
    node=""
    if [ "$key" = hospital ]; then node=$("$HEALTHD" comet show-node-id --home "$NODE_HOME"); fi
    "$HEALTHD" genesis add-member "$(addr "$key")" "$org" --roles "$roles" \
      ${npi:+--npi "$npi"} ${gln:+--gln "$gln"} ${dea:+--dea "$dea"} ${prefixes:+--gs1-prefixes "$prefixes"} ${fins:+--fins "$fins"} \
      ${node:+--node-id "$node"} --home "$NODE_HOME"
  done
  "$HEALTHD" genesis set-authority "$(addr authority)" --home "$NODE_HOME"
  if [ -n "$BRIDGE_ROLE" ]; then
    "$HEALTHD" genesis set-bridge "$BRIDGE_ROLE" --home "$NODE_HOME"
  fi

  "$HEALTHD" genesis gentx hospital "100000000$DENOM" --chain-id "$CHAIN_ID" "${KR[@]}" >/dev/null 2>&1
  "$HEALTHD" genesis collect-gentxs --home "$NODE_HOME" >/dev/null 2>&1
  "$HEALTHD" genesis validate --home "$NODE_HOME" >/dev/null

  # Loopback only, a block every BLOCK_TIME, client defaults for this network.
  local cfg="$NODE_HOME/config/config.toml"
  sed -i -e "s/^timeout_commit = .*/timeout_commit = \"$BLOCK_TIME\"/" \
         -e 's/^pprof_laddr = .*/pprof_laddr = ""/' "$cfg"
  "$HEALTHD" config chain-id "$CHAIN_ID" --home "$NODE_HOME"
  "$HEALTHD" config keyring-backend test --home "$NODE_HOME"
  client_config
  log "setup done"
}

# client_config points the client at this run's ports (PORT_OFFSET may change
# between runs) and writes $HOME_DIR/env, which the README's walk-throughs
# source: `healthd` with this localnet's home, REST (its REST URL) and GATEWAY.
client_config() {
  "$HEALTHD" config node "tcp://127.0.0.1:$RPC_PORT" --home "$NODE_HOME"
  "$HEALTHD" config vault "http://127.0.0.1:$VAULT_PORT" --home "$NODE_HOME"
  cat > "$HOME_DIR/env" <<ENV
# source $HOME_DIR/env: healthd for this localnet (chain $CHAIN_ID, PORT_OFFSET $OFF), its REST URL and its gateway
healthd() { "$HEALTHD" --home "$NODE_HOME" "\$@"; }
REST=http://127.0.0.1:$API_PORT
GATEWAY=http://127.0.0.1:$GATEWAY_PORT
export HEALTHD_GATEWAY=\$GATEWAY
ENV
}

START_ARGS=(--home "$NODE_HOME"
  --rpc.laddr "tcp://127.0.0.1:$RPC_PORT" --p2p.laddr "tcp://127.0.0.1:$P2P_PORT"
  --grpc.address "127.0.0.1:$GRPC_PORT"
  --api.enable --api.address "tcp://127.0.0.1:$API_PORT" --minimum-gas-prices "0$DENOM")

# register_keys publishes the demo accounts' record encryption keys, once.
register_keys() {
  [ -f "$HOME_DIR/keys-registered" ] && return
  log "registering record encryption keys of the demo accounts"
  local name pids=()
  for name in hospital lab pharmacy payer "${PATIENTS[@]}"; do
    "$HEALTHD" records keys register --from "$name" "${KR[@]}" --gas auto --gas-adjustment 1.5 >/dev/null &
    pids+=($!)
  done
  local p ok=1
  for p in "${pids[@]}"; do wait "$p" || ok=0; done
  [ "$ok" = 1 ] && touch "$HOME_DIR/keys-registered" || log "some keys were not registered; they will be retried at the next start"
}

run() {
  setup
  if "$HEALTHD" status --node "tcp://127.0.0.1:$RPC_PORT" >/dev/null 2>&1; then
    log "a node already answers on 127.0.0.1:$RPC_PORT: stop it first, or set PORT_OFFSET"; exit 1
  fi
  log "starting node; log: $LOG"
  "$HEALTHD" start "${START_ARGS[@]}" >"$LOG" 2>&1 &
  pid=$!
  echo "$pid" > "$HOME_DIR/node.pid"
  vpid=""
  gpid=""
  # Stop exactly what this script started, however it ends.
  # Each process is stopped on its own: one that already died (a vault that
  # crashed) must not stop the cleanup before the other is stopped and the pid
  # files are gone, so errexit is off here and every step is tried.
  cleanup() {
    trap - EXIT INT TERM
    set +e
    local p what
    for p in ${gpid:+gateway:$gpid} ${vpid:+vault:$vpid} "node:$pid"; do
      what=${p%%:*}; p=${p#*:}
      if kill -0 "$p" 2>/dev/null; then
        log "stopping $what (pid $p)"
        kill -TERM "$p" 2>/dev/null
        wait "$p" 2>/dev/null
      else
        log "$what (pid $p) had already exited"
        wait "$p" 2>/dev/null
      fi
    done
    rm -f "$HOME_DIR/node.pid" "$HOME_DIR/vault.pid" "$HOME_DIR/gateway.pid"
  }
  trap cleanup EXIT
  trap 'cleanup; exit 0' INT TERM

  local i
  for i in $(seq 1 60); do
    if "$HEALTHD" status --node "tcp://127.0.0.1:$RPC_PORT" 2>/dev/null | grep -q '"latest_block_height":"[1-9]'; then break; fi
    kill -0 "$pid" 2>/dev/null || { log "node exited; last lines of $LOG:"; tail -n 30 "$LOG" >&2; exit 1; }
    sleep 1
  done

  log "starting vault; log: $HOME_DIR/vault.log"
  "$HEALTHD" vault start --listen "127.0.0.1:$VAULT_PORT" --data "$HOME_DIR/vault" \
    --grpc "127.0.0.1:$GRPC_PORT" --chain-id "$CHAIN_ID" >"$HOME_DIR/vault.log" 2>&1 &
  vpid=$!
  echo "$vpid" > "$HOME_DIR/vault.pid"
  for i in $(seq 1 30); do
    curl -fsS "http://127.0.0.1:$VAULT_PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$vpid" 2>/dev/null || { log "vault exited; last lines:"; tail -n 30 "$HOME_DIR/vault.log" >&2; exit 1; }
    sleep 0.5
  done
  log "starting gateway; log: $HOME_DIR/gateway.log"
  "$HEALTHD" gateway start --listen "127.0.0.1:$GATEWAY_PORT" --grpc "127.0.0.1:$GRPC_PORT" --chain-id "$CHAIN_ID" \
    --audit-log "$HOME_DIR/gateway/audit.log" --vault-url "http://127.0.0.1:$VAULT_PORT" \
    --wallet-rpc "http://127.0.0.1:$RPC_PORT" --wallet-rest "http://127.0.0.1:$API_PORT" >"$HOME_DIR/gateway.log" 2>&1 &
  gpid=$!
  echo "$gpid" > "$HOME_DIR/gateway.pid"
  for i in $(seq 1 30); do
    curl -fsS "http://127.0.0.1:$GATEWAY_PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$gpid" 2>/dev/null || { log "gateway exited; last lines:"; tail -n 30 "$HOME_DIR/gateway.log" >&2; exit 1; }
    sleep 0.5
  done
  register_keys
  cat <<INFO

healthd localnet is running (chain $CHAIN_ID, pid $pid)
  CometBFT RPC  http://127.0.0.1:$RPC_PORT
  gRPC          127.0.0.1:$GRPC_PORT
  REST          http://127.0.0.1:$API_PORT   e.g. curl http://127.0.0.1:$API_PORT/healthd/consortium/v1/members
  vault         http://127.0.0.1:$VAULT_PORT   (pid $vpid, data $HOME_DIR/vault; in the client config: healthd records finds it)
  gateway       http://127.0.0.1:$GATEWAY_PORT   (pid $gpid, FHIR at /fhir, audit log $HOME_DIR/gateway/audit.log)
  home          $NODE_HOME   (keyring: test)
  log           $LOG
  keys          hospital lab pharmacy payer (founding members), patient1 patient2, authority (3-of-4 multisig),
                manufacturer distributor (demo supply-chain members), opo centre (demo transplant members), sponsor irb (demo research members),
                coordinator (the OPO's staff once named), logger1 (a temperature logger's device key)
  try           source $HOME_DIR/env; healthd q consortium members

Ctrl-C stops the node, the vault and the gateway.
INFO
  wait "$pid"
}

case "${1:-run}" in
  setup) setup ;;
  run) run ;;
  reset) rm -rf "$HOME_DIR"; log "removed $HOME_DIR" ;;
  *) echo "usage: $0 [run|setup|reset]" >&2; exit 2 ;;
esac
