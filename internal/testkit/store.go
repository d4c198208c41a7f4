package testkit

import (
	"bytes"
	"fmt"
	"slices"

	"cosmossdk.io/collections"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Dump returns the entries of the store under key as "HEXKEY=HEXVALUE", in
// key order: all of them, or those of the collections whose prefixes are
// given. Comparing two dumps compares the bytes, indexes included.
func Dump(ctx sdk.Context, key storetypes.StoreKey, only ...collections.Prefix) []string {
	kv := ctx.KVStore(key)
	var out []string
	read := func(start, end []byte) {
		it := kv.Iterator(start, end)
		defer it.Close()
		for ; it.Valid(); it.Next() {
			out = append(out, fmt.Sprintf("%X=%X", it.Key(), it.Value()))
		}
	}
	if len(only) == 0 {
		read(nil, nil)
		return out
	}
	// In key order whatever the order of only (a prefix given twice is read once).
	for _, p := range sortedPrefixes(only) {
		read(p, storetypes.PrefixEndBytes(p))
	}
	return out
}

func sortedPrefixes(ps []collections.Prefix) [][]byte {
	out := make([][]byte, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Bytes())
	}
	slices.SortFunc(out, bytes.Compare)
	return slices.CompactFunc(out, bytes.Equal)
}
