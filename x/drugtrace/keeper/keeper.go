// Package keeper holds unit-level drug traceability state: products, serialized
// units, containers, shipments, recalls and holds, and every unit's history.
package keeper

import (
	"context"
	"math"
	"math/bits"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/internal/seqs"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// UnitPK is a unit's primary key: (GTIN, serial).
type UnitPK = collections.Pair[string, string]

// Keeper owns the traceability state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	consortium   types.ConsortiumKeeper
	hooks        types.TraceHooks

	Schema   collections.Schema
	Params   collections.Item[types.Params]
	Products collections.Map[string, types.Product]
	Units    collections.Map[UnitPK, types.Unit]
	// UnitsByLot lists (GTIN, lot, serial): recalls and lot holds block a lot
	// with one write, and listing a lot reads only that lot.
	UnitsByLot        collections.KeySet[collections.Triple[string, string, string]]
	Containers        collections.Map[string, types.Container]
	ContainerUnits    collections.KeySet[collections.Triple[string, string, string]]
	ContainerChildren collections.KeySet[collections.Pair[string, string]]
	Shipments         collections.Map[uint64, types.Shipment]
	ShipmentSeq       collections.Sequence
	Recalls           collections.Map[collections.Pair[string, string], types.Recall]
	LotHolds          collections.Map[collections.Pair[string, string], types.LotHold]
	// History is every unit's events in order: (GTIN, serial, seq).
	History  collections.Map[collections.Triple[string, string, uint64], types.TraceEvent]
	EventSeq collections.Sequence
	Alerts   collections.Map[uint64, types.Alert]
	AlertSeq collections.Sequence
	// Settlements is each shipment's hash-time-locked payment, the latest (a
	// lock after an expiry replaces the expired one).
	Settlements collections.Map[uint64, types.Settlement]
	// Hashlocks maps every hashlock ever recorded to its shipment. Not an
	// index of Settlements: it keeps the hashlocks of replaced settlements
	// too, so that no hashlock is used twice: one preimage opens every
	// Ethereum lock under its hash.
	Hashlocks collections.Map[[]byte, uint64]
}

// NewKeeper builds the keeper. authority is the fallback authority (x/gov).
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string, consortium types.ConsortiumKeeper) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(errorsmod.Wrapf(err, "drugtrace: invalid authority address %q", authority))
	}
	sb := collections.NewSchemaBuilder(storeService)
	str3 := collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.StringKey)
	str2 := collections.PairKeyCodec(collections.StringKey, collections.StringKey)
	k := Keeper{
		cdc: cdc, addressCodec: addressCodec, authority: authority, consortium: consortium,
		Params:            collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Products:          collections.NewMap(sb, types.ProductsKey, "products", collections.StringKey, codec.CollValue[types.Product](cdc)),
		Units:             collections.NewMap(sb, types.UnitsKey, "units", str2, codec.CollValue[types.Unit](cdc)),
		UnitsByLot:        collections.NewKeySet(sb, types.UnitsByLotKey, "units_by_lot", str3),
		Containers:        collections.NewMap(sb, types.ContainersKey, "containers", collections.StringKey, codec.CollValue[types.Container](cdc)),
		ContainerUnits:    collections.NewKeySet(sb, types.ContainerUnitsKey, "container_units", str3),
		ContainerChildren: collections.NewKeySet(sb, types.ContainerChildrenKey, "container_children", str2),
		Shipments:         collections.NewMap(sb, types.ShipmentsKey, "shipments", collections.Uint64Key, codec.CollValue[types.Shipment](cdc)),
		ShipmentSeq:       collections.NewSequence(sb, types.ShipmentSeqKey, "shipment_seq"),
		Recalls:           collections.NewMap(sb, types.RecallsKey, "recalls", str2, codec.CollValue[types.Recall](cdc)),
		LotHolds:          collections.NewMap(sb, types.LotHoldsKey, "lot_holds", str2, codec.CollValue[types.LotHold](cdc)),
		History: collections.NewMap(sb, types.HistoryKey, "history",
			collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.Uint64Key), codec.CollValue[types.TraceEvent](cdc)),
		EventSeq: collections.NewSequence(sb, types.EventSeqKey, "event_seq"),
		Alerts:   collections.NewMap(sb, types.AlertsKey, "alerts", collections.Uint64Key, codec.CollValue[types.Alert](cdc)),
		AlertSeq: collections.NewSequence(sb, types.AlertSeqKey, "alert_seq"),
		Settlements: collections.NewMap(sb, types.SettlementsKey, "settlements", collections.Uint64Key,
			codec.CollValue[types.Settlement](cdc)),
		Hashlocks: collections.NewMap(sb, types.HashlocksKey, "hashlocks", collections.BytesKey, collections.Uint64Value),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// SetHooks installs the hooks told of dispenses and recalls (once, at wiring).
func (k *Keeper) SetHooks(h types.TraceHooks) {
	if k.hooks != nil {
		panic("drugtrace: hooks already set")
	}
	k.hooks = h
}

// GetAuthority returns the fallback authority.
func (k Keeper) GetAuthority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

func (k Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	return addrs.Parse(k.addressCodec, types.ErrInvalidAddress, field, s)
}

func (k Keeper) addrString(a sdk.AccAddress) string { return addrs.String(k.addressCodec, a) }

// nextID draws the next id from seq: the sequence holds the next id to hand
// out (genesis starts it at 1, as every module does), and refuses to reach
// types.MaxSequence rather than wrap.
func nextID(ctx context.Context, seq collections.Sequence) (uint64, error) {
	return seqs.Next(ctx, seq, types.MaxSequence, types.ErrSequenceExhausted)
}

// chargeUnits charges gas per unit touched and enforces the batch cap.
func (k Keeper) chargeUnits(ctx context.Context, n int) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if n < 0 || uint64(n) > uint64(params.MaxBatchUnits) {
		return errorsmod.Wrapf(types.ErrBatchTooLarge, "%d units, at most %d per message", n, params.MaxBatchUnits)
	}
	consumeUnitGas(ctx, params.GasPerUnit, uint64(n))
	return nil
}

// capList refuses a message naming more items than the batch cap, before any
// per-item lookup is made.
func (k Keeper) capList(ctx context.Context, n int) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if uint64(n) > uint64(params.MaxBatchUnits) {
		return errorsmod.Wrapf(types.ErrBatchTooLarge, "%d items named, at most %d per message", n, params.MaxBatchUnits)
	}
	return nil
}

// chargeUnitsUncapped charges gas per unit without the batch cap, for work
// that must stay possible whatever the cap is now (receiving, unpacking).
func (k Keeper) chargeUnitsUncapped(ctx context.Context, n int) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if n < 0 {
		return errorsmod.Wrapf(types.ErrBatchTooLarge, "%d units", n)
	}
	consumeUnitGas(ctx, params.GasPerUnit, uint64(n))
	return nil
}

// consumeUnitGas charges perUnit·n gas. A product that does not fit in 64 bits
// charges the maximum (out of gas) instead of wrapping to a small amount.
func consumeUnitGas(ctx context.Context, perUnit, n uint64) {
	hi, lo := bits.Mul64(perUnit, n)
	if hi != 0 {
		lo = math.MaxUint64
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(lo, "drugtrace: per unit")
}
