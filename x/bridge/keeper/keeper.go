// Package keeper holds the bridge's state on either chain: prescriptions (sent
// from the hospital chain, open on the pharma chain), patients' medication
// histories and the lot index recall notices are matched against,
// verification requests, pending packets and undelivered notices.
package keeper

import (
	"context"
	"math"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	porttypes "github.com/cosmos/ibc-go/v11/modules/core/05-port/types"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/internal/seqs"
	"github.com/healthchain/healthd/x/bridge/types"
)

// Keeper owns the bridge state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	consortium   types.ConsortiumKeeper
	drugtrace    types.DrugtraceKeeper
	channels     types.ChannelKeeper
	connections  types.ConnectionKeeper
	clients      types.ClientReader
	ics4Wrapper  porttypes.ICS4Wrapper

	Schema collections.Schema
	Params collections.Item[types.Params]
	// Prescriptions: on the hospital chain those issued here, on the pharma
	// chain those opened here; PrescriptionsByPatient indexes both.
	PrescriptionSeq        collections.Sequence
	Prescriptions          collections.Map[uint64, types.Prescription]
	PrescriptionsByPatient collections.KeySet[collections.Pair[string, uint64]]
	// OpenBySource maps (counterparty chain, hospital id) to the pharma id, so
	// a prescription re-sent after a timeout, on the same channel or its
	// successor, is never opened twice.
	OpenBySource collections.Map[collections.Pair[string, uint64], uint64]
	// History is each patient's medication history: (patient, seq).
	HistorySeq collections.Sequence
	History    collections.Map[collections.Pair[string, uint64], types.MedicationEntry]
	// DispensedByLot is (GTIN, lot, patient): who received units of a lot.
	DispensedByLot  collections.KeySet[collections.Triple[string, string, string]]
	VerificationSeq collections.Sequence
	Verifications   collections.Map[uint64, types.Verification]
	RecallNotices   collections.Map[collections.Pair[string, string], types.RecallNotice]
	// Pending is every sent packet not yet acknowledged or timed out: (channel, sequence).
	Pending        collections.Map[collections.Pair[string, uint64], types.PendingPacket]
	UndeliveredSeq collections.Sequence
	Undelivered    collections.Map[uint64, types.Undelivered]
	// Channels are the open bridge channels, at most one per counterparty
	// chain (the unique index), so what a recall sends does not grow with the
	// channels an outsider opens.
	Channels *collections.IndexedMap[string, types.BridgeChannel, ChannelIndexes]
	// ClientOrigins are the headers the 07-tendermint light clients were
	// created from, by client id, recorded by the EndBlocker of the block that
	// created each; ClientSeq is ibc-go's client sequence up to which they are.
	ClientOrigins collections.Map[string, types.ClientOrigin]
	ClientSeq     collections.Item[uint64]
	// Notifying indexes the recall notices whose patients the EndBlocker is
	// still notifying: (GTIN, lot).
	Notifying collections.KeySet[collections.Pair[string, string]]
}

// NewKeeper builds the keeper. authority is the fallback authority (x/gov).
// The ICS4Wrapper is set afterwards with SetICS4Wrapper, when the IBC stack is built.
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string,
	consortium types.ConsortiumKeeper, drugtrace types.DrugtraceKeeper, channels types.ChannelKeeper, connections types.ConnectionKeeper,
) *Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(errorsmod.Wrapf(err, "bridge: invalid authority address %q", authority))
	}
	sb := collections.NewSchemaBuilder(storeService)
	strU64 := collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)
	k := &Keeper{
		cdc: cdc, addressCodec: addressCodec, authority: authority,
		consortium: consortium, drugtrace: drugtrace, channels: channels, connections: connections,
		Params:                 collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		PrescriptionSeq:        collections.NewSequence(sb, types.PrescriptionSeqKey, "prescription_seq"),
		Prescriptions:          collections.NewMap(sb, types.PrescriptionsKey, "prescriptions", collections.Uint64Key, codec.CollValue[types.Prescription](cdc)),
		PrescriptionsByPatient: collections.NewKeySet(sb, types.PrescriptionsByPatient, "prescriptions_by_patient", strU64),
		OpenBySource:           collections.NewMap(sb, types.OpenBySourceKey, "open_by_source", strU64, collections.Uint64Value),
		HistorySeq:             collections.NewSequence(sb, types.HistorySeqKey, "history_seq"),
		History:                collections.NewMap(sb, types.HistoryKey, "history", strU64, codec.CollValue[types.MedicationEntry](cdc)),
		DispensedByLot: collections.NewKeySet(sb, types.DispensedByLotKey, "dispensed_by_lot",
			collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.StringKey)),
		VerificationSeq: collections.NewSequence(sb, types.VerificationSeqKey, "verification_seq"),
		Verifications:   collections.NewMap(sb, types.VerificationsKey, "verifications", collections.Uint64Key, codec.CollValue[types.Verification](cdc)),
		RecallNotices: collections.NewMap(sb, types.RecallNoticesKey, "recall_notices",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), codec.CollValue[types.RecallNotice](cdc)),
		Pending:        collections.NewMap(sb, types.PendingKey, "pending", strU64, codec.CollValue[types.PendingPacket](cdc)),
		UndeliveredSeq: collections.NewSequence(sb, types.UndeliveredSeqKey, "undelivered_seq"),
		Undelivered:    collections.NewMap(sb, types.UndeliveredKey, "undelivered", collections.Uint64Key, codec.CollValue[types.Undelivered](cdc)),
		Channels: collections.NewIndexedMap(sb, types.ChannelsKey, "channels", collections.StringKey, codec.CollValue[types.BridgeChannel](cdc),
			ChannelIndexes{Counterparty: indexes.NewUnique(sb, types.ChannelByCounterpartyKey, "channels_by_counterparty",
				collections.StringKey, collections.StringKey, func(_ string, c types.BridgeChannel) (string, error) { return c.CounterpartyChainID, nil })}),
		ClientOrigins: collections.NewMap(sb, types.ClientOriginsKey, "client_origins", collections.StringKey, codec.CollValue[types.ClientOrigin](cdc)),
		ClientSeq:     collections.NewItem(sb, types.ClientSeqKey, "client_seq", collections.Uint64Value),
		Notifying: collections.NewKeySet(sb, types.NotifyingKey, "notifying",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// ChannelIndexes indexes the open bridge channels by counterparty chain id.
type ChannelIndexes struct {
	Counterparty *indexes.Unique[string, string, types.BridgeChannel]
}

// IndexesList implements collections.Indexes.
func (i ChannelIndexes) IndexesList() []collections.Index[string, types.BridgeChannel] {
	return []collections.Index[string, types.BridgeChannel]{i.Counterparty}
}

// SetClientReader sets where the bridge reads light clients (ibc-go's client
// keeper, through NewIBCClients). Until it is set no channel is trusted.
func (k *Keeper) SetClientReader(c types.ClientReader) { k.clients = c }

// SetICS4Wrapper sets where packets leave through (the channel keeper, or the
// middleware above the bridge).
func (k *Keeper) SetICS4Wrapper(w porttypes.ICS4Wrapper) { k.ics4Wrapper = w }

// ChannelKeeper returns the channel keeper the bridge reads channels from.
func (k *Keeper) ChannelKeeper() types.ChannelKeeper { return k.channels }

// GetAuthority returns the fallback authority.
func (k *Keeper) GetAuthority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k *Keeper) AddressCodec() address.Codec { return k.addressCodec }

func (k *Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	return addrs.Parse(k.addressCodec, types.ErrInvalidAddress, field, s)
}

func (k *Keeper) addrString(a sdk.AccAddress) string { return addrs.String(k.addressCodec, a) }

// requireRole checks that the chain has the role a flow needs.
func (k *Keeper) requireRole(ctx context.Context, want types.ChainRole) (types.Params, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return p, err
	}
	if p.Role != want {
		return p, errorsmod.Wrapf(types.ErrWrongRole, "this chain is %s; the flow needs %s", p.Role, want)
	}
	return p, nil
}

// send sends packet data on an open bridge channel and records it as pending.
func (k *Keeper) send(ctx context.Context, channelID string, data types.PacketData, ref uint64) (uint64, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := data.Validate(); err != nil { // first: an invalid notice is never kept to be re-sent
		return 0, err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	bc, err := k.channelTrusted(sdkCtx, params, channelID)
	if err != nil {
		return 0, err
	}
	bz, err := types.EncodePacket(data)
	if err != nil {
		return 0, err
	}
	timeout := uint64(sdkCtx.BlockTime().Add(params.PacketTimeout).UnixNano())
	seq, err := k.ics4Wrapper.SendPacket(sdkCtx, types.PortID, channelID, clienttypes.ZeroHeight(), timeout, bz)
	if err != nil {
		return 0, err
	}
	pp := types.PendingPacket{ChannelID: channelID, Sequence: seq, Kind: data.Kind(), Ref: ref, SentAt: sdkCtx.BlockTime(), CounterpartyChainID: bc.CounterpartyChainID}
	return seq, k.Pending.Set(ctx, collections.Join(channelID, seq), pp)
}

// takePending removes and returns the pending record of a packet this chain sent.
func (k *Keeper) takePending(ctx context.Context, channelID string, seq uint64) (types.PendingPacket, error) {
	key := collections.Join(channelID, seq)
	pp, err := k.Pending.Get(ctx, key)
	if err != nil {
		return pp, errorsmod.Wrapf(types.ErrUnknownPacket, "%s/%d", channelID, seq)
	}
	return pp, k.Pending.Remove(ctx, key)
}

func unix(t time.Time) int64 { return t.Unix() }

func fromUnix(s int64) time.Time { return time.Unix(s, 0).UTC() }

// nextID hands out the next id of seq: as in every module, the sequence holds
// the next id (genesis starts it at 1). It refuses rather than wrap: the last
// uint64 is never handed out.
func nextID(ctx context.Context, seq collections.Sequence) (uint64, error) {
	return seqs.Next(ctx, seq, math.MaxUint64, types.ErrOverflow)
}

// Logger returns the module's logger.
func (k *Keeper) Logger(ctx sdk.Context) log.Logger {
	return ctx.Logger().With("module", "x/"+types.ModuleName)
}
