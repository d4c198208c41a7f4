#!/usr/bin/env bash
# Regenerates the committed Go code for proto/healthd/**. Offline: Debian's protoc,
# plugins pinned by the go.mod tool block, include paths from the Go module cache.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }

tools="$PWD/build/tools"
mkdir -p "$tools"
GOBIN="$tools" go install tool

moddir() { go list -m -f '{{.Dir}}' "$1"; }
sdk=$(moddir github.com/cosmos/cosmos-sdk)
gogo=$(moddir github.com/cosmos/gogoproto)
cosmosproto=$(moddir github.com/cosmos/cosmos-proto)
gateway=$(moddir github.com/grpc-ecosystem/grpc-gateway)
ibc=$(moddir github.com/cosmos/ibc-go/v11)

includes=(
  -I proto
  -I "$sdk/proto"
  -I "$gogo"
  -I "$cosmosproto/proto"
  -I "$gateway/third_party/googleapis"
  -I "$ibc/proto"
  -I /usr/include
)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for dir in $(find proto/healthd -name '*.proto' -exec dirname {} \; | sort -u); do
  files=("$dir"/*.proto)
  echo "protoc: $dir (${#files[@]} files)"
  protoc "${includes[@]}" \
    --plugin=protoc-gen-gocosmos="$tools/protoc-gen-gocosmos" \
    --plugin=protoc-gen-grpc-gateway="$tools/protoc-gen-grpc-gateway" \
    --gocosmos_out=plugins=grpc,Mgoogle/protobuf/any.proto=github.com/cosmos/gogoproto/types/any:"$out" \
    --grpc-gateway_out=logtostderr=true,allow_colon_final_segments=true:"$out" \
    "${files[@]}"
done

# Move the generated files from their import paths into the module tree.
src="$out/github.com/healthchain/healthd"
( cd "$src" && find . -name '*.go' ) | while read -r f; do
  mkdir -p "$(dirname "$f")"
  cp "$src/$f" "$f"
done
echo "protoc: done"
