// Package keeper holds registered trials, their protocol versions, subjects'
// enrolments bound to consent and version, anchored case-report forms, SAE
// reporting clocks, results and outcome switches.
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

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/internal/seqs"
	"github.com/healthchain/healthd/x/trials/types"
)

// SubjectKey is (trial, subject).
type SubjectKey = collections.Pair[uint64, sdk.AccAddress]

// StatusVersionKey is (trial, enrolment status, consented version).
type StatusVersionKey = collections.Triple[uint64, int32, uint32]

// EnrolmentIndexes: enrolments by (trial, status, consented version), so the
// subjects needing re-consent are a key range, not a scan.
type EnrolmentIndexes struct {
	StatusVersion *indexes.Multi[StatusVersionKey, SubjectKey, types.Enrolment]
}

// IndexesList implements collections.Indexes.
func (i EnrolmentIndexes) IndexesList() []collections.Index[SubjectKey, types.Enrolment] {
	return []collections.Index[SubjectKey, types.Enrolment]{i.StatusVersion}
}

// DataIndexes: a subject's data entries.
type DataIndexes struct {
	Subject *indexes.Multi[SubjectKey, uint64, types.DataEntry]
}

// IndexesList implements collections.Indexes.
func (i DataIndexes) IndexesList() []collections.Index[uint64, types.DataEntry] {
	return []collections.Index[uint64, types.DataEntry]{i.Subject}
}

// SAEIndexes: a trial's SAE clocks.
type SAEIndexes struct {
	Trial *indexes.Multi[uint64, uint64, types.SAEClock]
}

// IndexesList implements collections.Indexes.
func (i SAEIndexes) IndexesList() []collections.Index[uint64, types.SAEClock] {
	return []collections.Index[uint64, types.SAEClock]{i.Trial}
}

// Keeper owns the trials state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	consortium   types.ConsortiumKeeper
	consent      types.ConsentKeeper

	Schema   collections.Schema
	Params   collections.Item[types.Params]
	TrialSeq collections.Sequence
	DataSeq  collections.Sequence
	SAESeq   collections.Sequence

	// Trials holds every registered trial; nothing is deleted. Several may
	// carry the same registry id: registering does not take it.
	Trials collections.Map[uint64, types.Trial]
	// RegistryHolders maps a registry id to the one trial holding it (claimed
	// when the ethics committee approves the trial's first version, released
	// only by the chain authority). Not an index: it holds the claimed ids
	// only, so a sponsor who registers another's id first blocks nothing.
	RegistryHolders collections.Map[string, uint64]
	// Versions holds every protocol version, by (trial, number).
	Versions collections.Map[collections.Pair[uint64, uint32], types.ProtocolVersion]
	// Enrolments binds (trial, subject) to site, consent and version.
	Enrolments *collections.IndexedMap[SubjectKey, types.Enrolment, EnrolmentIndexes]
	// EnrolmentCounts counts subjects enrolled per (trial, site, version).
	// Not an index: a counter, so the answer costs one read.
	EnrolmentCounts collections.Map[collections.Triple[uint64, sdk.AccAddress, uint32], uint64]
	// Data holds every anchored case-report form version; nothing is overwritten.
	Data *collections.IndexedMap[uint64, types.DataEntry, DataIndexes]
	// LatestData maps (trial, subject, visit) to the newest entry. Not an
	// index: it holds only the newest version of each visit.
	LatestData collections.Map[collections.Triple[uint64, sdk.AccAddress, string], uint64]
	// SAEClocks holds every SAE reporting clock.
	SAEClocks *collections.IndexedMap[uint64, types.SAEClock, SAEIndexes]
	// OpenSAEs orders the clocks still waiting for a report by due time. Not
	// an index: it holds open clocks only.
	OpenSAEs collections.KeySet[collections.Pair[time.Time, uint64]]
	// LateSAEs lists, per trial, the clocks reported after their due time.
	// Not an index: it holds late ones only.
	LateSAEs collections.KeySet[collections.Pair[uint64, uint64]]
	// Results holds each trial's reported results.
	Results collections.Map[uint64, types.Results]
	// Switches holds each trial's outcome switches, by (trial, seq).
	Switches collections.Map[collections.Pair[uint64, uint32], types.OutcomeSwitch]
	// ResultsPending orders the trials without results by primary completion.
	// Not an index: it holds trials whose results are not reported.
	ResultsPending collections.KeySet[collections.Pair[time.Time, uint64]]
}

// NewKeeper builds the keeper. authority is the fallback authority (x/gov).
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string,
	consortium types.ConsortiumKeeper, consent types.ConsentKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(errorsmod.Wrapf(err, "trials: invalid authority address %q", authority))
	}
	sb := collections.NewSchemaBuilder(storeService)
	addr := func(s string) (sdk.AccAddress, error) { return addressCodec.StringToBytes(s) }
	subjectKey := collections.PairKeyCodec(collections.Uint64Key, sdk.AccAddressKey)
	k := Keeper{
		cdc: cdc, addressCodec: addressCodec, authority: authority, consortium: consortium, consent: consent,
		Params:          collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		TrialSeq:        collections.NewSequence(sb, types.TrialSeqKey, "trial_seq"),
		DataSeq:         collections.NewSequence(sb, types.DataSeqKey, "data_seq"),
		SAESeq:          collections.NewSequence(sb, types.SAESeqKey, "sae_seq"),
		Trials:          collections.NewMap(sb, types.TrialsKey, "trials", collections.Uint64Key, codec.CollValue[types.Trial](cdc)),
		RegistryHolders: collections.NewMap(sb, types.RegistryHoldersKey, "registry_holders", collections.StringKey, collections.Uint64Value),
		Versions: collections.NewMap(sb, types.VersionsKey, "versions",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint32Key), codec.CollValue[types.ProtocolVersion](cdc)),
		Enrolments: collections.NewIndexedMap(sb, types.EnrolmentsKey, "enrolments", subjectKey, codec.CollValue[types.Enrolment](cdc), EnrolmentIndexes{
			StatusVersion: indexes.NewMulti(sb, types.ByStatusVersionKey, "by_status_version",
				collections.TripleKeyCodec(collections.Uint64Key, collections.Int32Key, collections.Uint32Key), subjectKey,
				func(_ SubjectKey, e types.Enrolment) (StatusVersionKey, error) {
					return collections.Join3(e.TrialID, int32(e.Status), e.ConsentedVersion), nil
				}),
		}),
		EnrolmentCounts: collections.NewMap(sb, types.EnrolmentCountsKey, "enrolment_counts",
			collections.TripleKeyCodec(collections.Uint64Key, sdk.AccAddressKey, collections.Uint32Key), collections.Uint64Value),
		Data: collections.NewIndexedMap(sb, types.DataKey, "data", collections.Uint64Key, codec.CollValue[types.DataEntry](cdc), DataIndexes{
			Subject: indexes.NewMulti(sb, types.DataBySubjectKey, "data_by_subject", subjectKey, collections.Uint64Key,
				func(_ uint64, d types.DataEntry) (SubjectKey, error) {
					s, err := addr(d.Subject)
					return collections.Join(d.TrialID, s), err
				}),
		}),
		LatestData: collections.NewMap(sb, types.LatestDataKey, "latest_data",
			collections.TripleKeyCodec(collections.Uint64Key, sdk.AccAddressKey, collections.StringKey), collections.Uint64Value),
		SAEClocks: collections.NewIndexedMap(sb, types.SAEClocksKey, "sae_clocks", collections.Uint64Key, codec.CollValue[types.SAEClock](cdc), SAEIndexes{
			Trial: indexes.NewMulti(sb, types.SAEsByTrialKey, "saes_by_trial", collections.Uint64Key, collections.Uint64Key,
				func(_ uint64, c types.SAEClock) (uint64, error) { return c.TrialID, nil }),
		}),
		OpenSAEs:       collections.NewKeySet(sb, types.OpenSAEsKey, "open_saes", collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
		LateSAEs:       collections.NewKeySet(sb, types.LateSAEsKey, "late_saes", collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key)),
		Results:        collections.NewMap(sb, types.ResultsKey, "results", collections.Uint64Key, codec.CollValue[types.Results](cdc)),
		Switches:       collections.NewMap(sb, types.SwitchesKey, "switches", collections.PairKeyCodec(collections.Uint64Key, collections.Uint32Key), codec.CollValue[types.OutcomeSwitch](cdc)),
		ResultsPending: collections.NewKeySet(sb, types.ResultsPendingKey, "results_pending", collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// GetAuthority returns the fallback authority.
func (k Keeper) GetAuthority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

func (k Keeper) addrString(a sdk.AccAddress) string { return addrs.String(k.addressCodec, a) }

func (k Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	return addrs.Parse(k.addressCodec, types.ErrInvalidAddress, field, s)
}

// nextID hands out the next id of seq, never wrapping (see internal/seqs).
func nextID(ctx context.Context, seq collections.Sequence) (uint64, error) {
	return seqs.Next(ctx, seq, math.MaxUint64, types.ErrIDsExhausted)
}

// GetParams returns the params (the defaults if none are stored).
func (k Keeper) GetParams(ctx context.Context) (types.Params, error) {
	p, err := k.Params.Get(ctx)
	if errorsmod.IsOf(err, collections.ErrNotFound) {
		return types.DefaultParams(), nil
	}
	return p, err
}
