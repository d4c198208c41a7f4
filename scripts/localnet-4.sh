#!/usr/bin/env bash
# Four-validator healthd network on 127.0.0.1: one validator per founding member
# (hospital, laboratory, pharmacy, payer), a 3-of-4 multisig of them as the chain
# authority, two demo patients.
#
#   scripts/localnet-4.sh start    set up (if needed) and start the four nodes in the background
#   scripts/localnet-4.sh stop     stop exactly the processes `start` recorded
#   scripts/localnet-4.sh status   show each node's height
#   scripts/localnet-4.sh reset    stop and delete the data
#   scripts/localnet-4.sh setup    only create the four homes and the genesis (cmd/healthd-chaos starts
#                                  and stops the nodes itself)
#
# Node i (0..3) listens on RPC 26657+100i, P2P 26656+100i, gRPC 9090+10i, REST 1317+i, each plus
# PORT_OFFSET (default 0).
set -euo pipefail
cd "$(dirname "$0")/.."

HEALTHD=${HEALTHD:-$PWD/build/healthd}
DIR=${LOCALNET4_HOME:-$PWD/.localnet-4}
CHAIN_ID=${CHAIN_ID:-healthd-local-4}
BLOCK_TIME=${BLOCK_TIME:-1s}
OFF=${PORT_OFFSET:-0}
SNAPSHOT_INTERVAL=${SNAPSHOT_INTERVAL:-50}
DENOM=uhealth
PIDS="$DIR/pids"
NAMES=(hospital lab pharmacy payer)
# key|organisation|role|NPI|GLN|DEA, in node order
FOUNDERS=(
  "hospital|Riverside General Hospital|hospital|1245319599|0614141000005|AB1234563"
  "lab|Northgate Clinical Laboratory|laboratory|1679576722|0614141000012|"
  "pharmacy|Harbour Pharmacy|pharmacy|1003000126|0614141999996|BJ1234563"
  "payer|Meridian Health Plan|payer||5901234123457|"
)

log() { printf '[localnet-4] %s\n' "$*" >&2; }
home() { echo "$DIR/node$1"; }
rpc() { echo $((26657 + 100 * $1 + OFF)); }
p2p() { echo $((26656 + 100 * $1 + OFF)); }
grpc() { echo $((9090 + 10 * $1 + OFF)); }
api() { echo $((1317 + $1 + OFF)); }
KR0=(--keyring-backend test --home "$DIR/node0")

setup() {
  [ -x "$HEALTHD" ] || { log "binary $HEALTHD not found: run 'make build'"; exit 1; }
  if [ -f "$DIR/node0/config/genesis.json" ]; then log "using existing $DIR"; return; fi
  mkdir -p "$DIR"
  local i name
  for i in 0 1 2 3; do
    "$HEALTHD" init "node$i" --chain-id "$CHAIN_ID" --default-denom "$DENOM" --home "$(home $i)" >/dev/null 2>&1
    name=${NAMES[$i]}
    # Each member's key lives in its own node's keyring; node0's keyring holds all
    # keys too, so the multisig can be assembled and demo commands run from one place.
    "$HEALTHD" keys add "$name" --keyring-backend test --home "$(home $i)" --output json > "$DIR/$name.key.json" 2>&1
    [ "$i" = 0 ] || "$HEALTHD" keys add "$name" --recover --keyring-backend test --home "$DIR/node0" \
      <<<"$(sed -n 's/.*"mnemonic":"\([^"]*\)".*/\1/p' "$DIR/$name.key.json")" >/dev/null 2>&1
  done
  for name in patient1 patient2; do
    "$HEALTHD" keys add "$name" "${KR0[@]}" >/dev/null 2>&1
  done
  "$HEALTHD" keys add authority --multisig hospital,lab,pharmacy,payer --multisig-threshold 3 "${KR0[@]}" >/dev/null 2>&1

  local g0; g0="$(home 0)"
  for name in "${NAMES[@]}" patient1 patient2 authority; do
    "$HEALTHD" genesis add-genesis-account "$("$HEALTHD" keys show "$name" -a "${KR0[@]}")" "1000000000000$DENOM" --home "$g0"
  done
  # Each founder's node is registered in genesis (id@address): every node has
  # filter_peers = true (healthd init's default) and accepts only the nodes of
  # active members, so the four must know each other before the first block.
  local f key org role npi gln dea
  i=0
  for f in "${FOUNDERS[@]}"; do
    IFS='|' read -r key org role npi gln dea <<<"$f"
    "$HEALTHD" genesis add-member "$("$HEALTHD" keys show "$key" -a "${KR0[@]}")" "$org" --roles "$role" \
      ${npi:+--npi "$npi"} ${gln:+--gln "$gln"} ${dea:+--dea "$dea"} \
      --node-id "$("$HEALTHD" comet show-node-id --home "$(home $i)")@127.0.0.1:$(p2p $i)" --home "$g0"
    i=$((i + 1))
  done
  "$HEALTHD" genesis set-authority "$("$HEALTHD" keys show authority -a "${KR0[@]}")" --home "$g0"

  # Every node signs its gentx against the same genesis; node0 collects them.
  mkdir -p "$g0/config/gentx"
  for i in 0 1 2 3; do
    [ "$i" = 0 ] || cp "$g0/config/genesis.json" "$(home $i)/config/genesis.json"
    "$HEALTHD" genesis gentx "${NAMES[$i]}" "100000000$DENOM" --chain-id "$CHAIN_ID" \
      --keyring-backend test --home "$(home $i)" --moniker "${NAMES[$i]}" \
      --output-document "$g0/config/gentx/gentx-$i.json" >/dev/null 2>&1
  done
  "$HEALTHD" genesis collect-gentxs --home "$g0" >/dev/null 2>&1
  "$HEALTHD" genesis validate --home "$g0" >/dev/null

  local peers="" id
  for i in 0 1 2 3; do
    id=$("$HEALTHD" comet show-node-id --home "$(home $i)")
    peers+="${peers:+,}$id@127.0.0.1:$(p2p $i)"
  done
  for i in 0 1 2 3; do
    [ "$i" = 0 ] || cp "$g0/config/genesis.json" "$(home $i)/config/genesis.json"
    sed -i -e "s/^timeout_commit = .*/timeout_commit = \"$BLOCK_TIME\"/" \
           -e 's/^pprof_laddr = .*/pprof_laddr = ""/' \
           -e 's/^addr_book_strict = .*/addr_book_strict = false/' \
           -e 's/^allow_duplicate_ip = .*/allow_duplicate_ip = true/' \
           -e "s/^persistent_peers = .*/persistent_peers = \"$peers\"/" "$(home $i)/config/config.toml"
    # State-sync snapshots every SNAPSHOT_INTERVAL blocks, so a wiped node can re-join from the
    # others' snapshots (cmd/healthd-chaos's state-sync perturbation does).
    sed -i -e "s/^snapshot-interval = .*/snapshot-interval = $SNAPSHOT_INTERVAL/" "$(home $i)/config/app.toml"
  done
  "$HEALTHD" config chain-id "$CHAIN_ID" --home "$g0"
  "$HEALTHD" config keyring-backend test --home "$g0"
  "$HEALTHD" config node "tcp://127.0.0.1:$(rpc 0)" --home "$g0"
  log "setup done in $DIR"
}

start() {
  if [ -s "$PIDS" ]; then log "already started (pids in $PIDS); run stop first"; exit 1; fi
  setup
  local i
  : > "$PIDS"
  for i in 0 1 2 3; do
    "$HEALTHD" start --home "$(home $i)" \
      --rpc.laddr "tcp://127.0.0.1:$(rpc $i)" --p2p.laddr "tcp://127.0.0.1:$(p2p $i)" \
      --grpc.address "127.0.0.1:$(grpc $i)" --api.enable --api.address "tcp://127.0.0.1:$(api $i)" \
      --minimum-gas-prices "0$DENOM" > "$DIR/node$i.log" 2>&1 &
    echo "$!" >> "$PIDS"
    log "node$i (${NAMES[$i]}) pid $! rpc 127.0.0.1:$(rpc $i) rest 127.0.0.1:$(api $i) log $DIR/node$i.log"
  done
  for i in $(seq 1 90); do
    if "$HEALTHD" status --node "tcp://127.0.0.1:$(rpc 3)" 2>/dev/null | grep -q '"latest_block_height":"[1-9]'; then
      log "blocks are being produced; stop with: make localnet-4-stop"
      return
    fi
    sleep 1
  done
  log "no block after 90s; see $DIR/node*.log"; stop; exit 1
}

stop() {
  [ -s "$PIDS" ] || { log "nothing to stop"; return; }
  local pid
  while read -r pid; do
    # Only signal a pid that is still a healthd process we started.
    if kill -0 "$pid" 2>/dev/null && grep -q healthd "/proc/$pid/cmdline" 2>/dev/null; then
      kill -TERM "$pid"; log "stopped pid $pid"
    fi
  done < "$PIDS"
  while read -r pid; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  done < "$PIDS"
  rm -f "$PIDS"
}

status() {
  local i
  for i in 0 1 2 3; do
    printf 'node%d %-9s %s\n' "$i" "${NAMES[$i]}" \
      "$("$HEALTHD" status --node "tcp://127.0.0.1:$(rpc $i)" 2>/dev/null | grep -o '"latest_block_height":"[0-9]*"' || echo down)"
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) stop; rm -rf "$DIR"; log "removed $DIR" ;;
  setup) setup ;;
  *) echo "usage: $0 start|stop|status|reset|setup" >&2; exit 2 ;;
esac
