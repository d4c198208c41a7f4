// Package keeper holds plans, coverage, prior authorisations, claims,
// accumulators and escrow, and adjudicates claims deterministically. Every
// lookup adjudication makes is an indexed read: the duplicate check is one
// read per line whatever the number of claims in state.
package keeper

import (
	"context"
	"errors"
	stdmath "math"
	"strings"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/internal/seqs"
	"github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

type (
	addrID = collections.Pair[sdk.AccAddress, uint64]
	// DupKey is (provider, patient, code, service day as Unix seconds).
	DupKey = collections.Quad[sdk.AccAddress, sdk.AccAddress, string, int64]
)

// PlanIndexes are the secondary indexes of Plans.
type PlanIndexes struct {
	// Payer lists a payer's plans.
	Payer *indexes.Multi[sdk.AccAddress, uint64, types.Plan]
}

// IndexesList implements collections.Indexes.
func (i PlanIndexes) IndexesList() []collections.Index[uint64, types.Plan] {
	return []collections.Index[uint64, types.Plan]{i.Payer}
}

// CoverageIndexes are the secondary indexes of Coverages.
type CoverageIndexes struct {
	// Patient lists a patient's coverages.
	Patient *indexes.Multi[sdk.AccAddress, uint64, types.Coverage]
}

// IndexesList implements collections.Indexes.
func (i CoverageIndexes) IndexesList() []collections.Index[uint64, types.Coverage] {
	return []collections.Index[uint64, types.Coverage]{i.Patient}
}

// ClaimIndexes are the secondary indexes of Claims: the paginated listings by
// party and status, and the explanation of benefits. They are written by
// Claims.Set from the claim itself, so a status change cannot leave a stale
// entry behind.
type ClaimIndexes struct {
	Patient  *indexes.Multi[sdk.AccAddress, uint64, types.Claim]
	Provider *indexes.Multi[sdk.AccAddress, uint64, types.Claim]
	Payer    *indexes.Multi[sdk.AccAddress, uint64, types.Claim]
	Status   *indexes.Multi[int32, uint64, types.Claim]
	// PatientDate orders a patient's claims by service date, for the EOB.
	PatientDate *indexes.Multi[collections.Pair[sdk.AccAddress, time.Time], uint64, types.Claim]
}

// IndexesList implements collections.Indexes.
func (i ClaimIndexes) IndexesList() []collections.Index[uint64, types.Claim] {
	return []collections.Index[uint64, types.Claim]{i.Patient, i.Provider, i.Payer, i.Status, i.PatientDate}
}

// Keeper owns the claims state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	consortium   types.ConsortiumKeeper
	consent      types.ConsentKeeper
	records      types.RecordsKeeper
	bank         types.BankKeeper

	Schema       collections.Schema
	Params       collections.Item[types.Params]
	PlanSeq      collections.Sequence
	CoverageSeq  collections.Sequence
	PriorAuthSeq collections.Sequence
	ClaimSeq     collections.Sequence

	Plans      *collections.IndexedMap[uint64, types.Plan, PlanIndexes]
	Coverages  *collections.IndexedMap[uint64, types.Coverage, CoverageIndexes]
	PriorAuths collections.Map[uint64, types.PriorAuth]
	// LatestPriorAuth maps (coverage, code) to the newest prior authorisation.
	// Not an index: it holds one prior authorisation per key, the newest.
	LatestPriorAuth collections.Map[collections.Pair[uint64, string], uint64]
	Claims          *collections.IndexedMap[uint64, types.Claim, ClaimIndexes]
	// Duplicates maps (provider, patient, code, service day) to the live claim
	// billing it. Not an index: only live claims' approved lines hold a slot,
	// keyed by service day.
	Duplicates collections.Map[DupKey, uint64]
	// Accumulators maps (coverage, plan year) to what has been met.
	Accumulators collections.Map[collections.Pair[uint64, int32], types.Accumulator]
	// Escrow is each payer's balance in the module account.
	Escrow collections.Map[sdk.AccAddress, math.Int]
	// PayableQueue maps each payer's approved claims waiting for escrow to what
	// is owed on them, as queued (so leaving the queue takes out exactly that).
	// Not an index: it holds only the claims waiting for escrow.
	PayableQueue collections.Map[addrID, math.Int]
	// PayableByAmount orders each payer's payable claims by amount owed
	// (32-byte big-endian), then id: funding pays the smallest first and
	// stops at the first that does not fit, so a claim the escrow cannot
	// cover never holds up a smaller one. Not an index of Claims: it holds
	// only the payable ones, keyed by the amount queued; enqueue and dequeue
	// write it with PayableQueue, entry for entry.
	PayableByAmount collections.KeySet[collections.Triple[sdk.AccAddress, []byte, uint64]]
	// Owed is each payer's total owed to its payable claims: escrow above it
	// may be withdrawn.
	Owed collections.Map[sdk.AccAddress, math.Int]
	// Settlements is each claim's hash-time-locked settlement, the latest
	// (a lock after a lapse replaces the lapsed one).
	Settlements collections.Map[uint64, types.Settlement]
	// Hashlocks maps every hashlock ever recorded to its claim. Not an index
	// of Settlements: it keeps the hashlocks of replaced (lapsed) settlements
	// too, so that no hashlock is used twice: one preimage opens every
	// Ethereum lock under its hash.
	Hashlocks collections.Map[[]byte, uint64]
}

// NewKeeper builds the keeper. authority is the fallback authority (x/gov).
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string,
	consortium types.ConsortiumKeeper, consent types.ConsentKeeper, records types.RecordsKeeper, bank types.BankKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(errorsmod.Wrapf(err, "claims: invalid authority address %q", authority))
	}
	sb := collections.NewSchemaBuilder(storeService)
	addrIDCodec := collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)
	// addr decodes a stored (canonical) address for an index key.
	addr := func(s string) (sdk.AccAddress, error) { return addressCodec.StringToBytes(s) }
	k := Keeper{
		cdc: cdc, addressCodec: addressCodec, authority: authority,
		consortium: consortium, consent: consent, records: records, bank: bank,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		PlanSeq:      collections.NewSequence(sb, types.PlanSeqKey, "plan_seq"),
		CoverageSeq:  collections.NewSequence(sb, types.CoverageSeqKey, "coverage_seq"),
		PriorAuthSeq: collections.NewSequence(sb, types.PriorAuthSeqKey, "prior_auth_seq"),
		ClaimSeq:     collections.NewSequence(sb, types.ClaimSeqKey, "claim_seq"),
		Plans: collections.NewIndexedMap(sb, types.PlansKey, "plans", collections.Uint64Key, codec.CollValue[types.Plan](cdc), PlanIndexes{
			Payer: indexes.NewMulti(sb, types.PlansByPayerKey, "plans_by_payer", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, p types.Plan) (sdk.AccAddress, error) { return addr(p.Payer) }),
		}),
		Coverages: collections.NewIndexedMap(sb, types.CoveragesKey, "coverages", collections.Uint64Key, codec.CollValue[types.Coverage](cdc), CoverageIndexes{
			Patient: indexes.NewMulti(sb, types.CoverageByPatientKey, "coverage_by_patient", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, c types.Coverage) (sdk.AccAddress, error) { return addr(c.Patient) }),
		}),
		PriorAuths: collections.NewMap(sb, types.PriorAuthsKey, "prior_auths", collections.Uint64Key, codec.CollValue[types.PriorAuth](cdc)),
		LatestPriorAuth: collections.NewMap(sb, types.LatestPriorAuthKey, "latest_prior_auth",
			collections.PairKeyCodec(collections.Uint64Key, collections.StringKey), collections.Uint64Value),
		Claims: collections.NewIndexedMap(sb, types.ClaimsKey, "claims", collections.Uint64Key, codec.CollValue[types.Claim](cdc), ClaimIndexes{
			Patient: indexes.NewMulti(sb, types.ByPatientKey, "by_patient", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, c types.Claim) (sdk.AccAddress, error) { return addr(c.Patient) }),
			Provider: indexes.NewMulti(sb, types.ByProviderKey, "by_provider", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, c types.Claim) (sdk.AccAddress, error) { return addr(c.Provider) }),
			Payer: indexes.NewMulti(sb, types.ByPayerKey, "by_payer", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, c types.Claim) (sdk.AccAddress, error) { return addr(c.Payer) }),
			Status: indexes.NewMulti(sb, types.ByStatusKey, "by_status", collections.Int32Key, collections.Uint64Key,
				func(_ uint64, c types.Claim) (int32, error) { return int32(c.Status), nil }),
			PatientDate: indexes.NewMulti(sb, types.ByPatientDateKey, "by_patient_date",
				collections.PairKeyCodec(sdk.AccAddressKey, sdk.TimeKey), collections.Uint64Key,
				func(_ uint64, c types.Claim) (collections.Pair[sdk.AccAddress, time.Time], error) {
					patient, err := addr(c.Patient)
					return collections.Join(patient, c.ServiceDate), err
				}),
		}),
		Duplicates: collections.NewMap(sb, types.DuplicatesKey, "duplicates",
			collections.QuadKeyCodec(sdk.AccAddressKey, sdk.AccAddressKey, collections.StringKey, collections.Int64Key), collections.Uint64Value),
		Accumulators: collections.NewMap(sb, types.AccumulatorsKey, "accumulators",
			collections.PairKeyCodec(collections.Uint64Key, collections.Int32Key), codec.CollValue[types.Accumulator](cdc)),
		Escrow:       collections.NewMap(sb, types.EscrowKey, "escrow", sdk.AccAddressKey, sdk.IntValue),
		PayableQueue: collections.NewMap(sb, types.PayableQueueKey, "payable_queue", addrIDCodec, sdk.IntValue),
		PayableByAmount: collections.NewKeySet(sb, types.PayableByAmountKey, "payable_by_amount",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.BytesKey, collections.Uint64Key)),
		Owed: collections.NewMap(sb, types.OwedKey, "owed", sdk.AccAddressKey, sdk.IntValue),
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

// GetAuthority returns the fallback authority.
func (k Keeper) GetAuthority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

func (k Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	return addrs.Parse(k.addressCodec, types.ErrInvalidAddress, field, s)
}

func (k Keeper) addrString(a sdk.AccAddress) string { return addrs.String(k.addressCodec, a) }

func (k Keeper) mustAddr(s string) sdk.AccAddress {
	bz, err := k.addressCodec.StringToBytes(s)
	if err != nil {
		panic(err) // stored addresses are canonical
	}
	return bz
}

// getter is a Map or an IndexedMap.
type getter[K, V any] interface {
	Get(ctx context.Context, key K) (V, error)
}

func getOr[K, V any](ctx context.Context, m getter[K, V], key K, notFound error) (V, error) {
	v, err := m.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return v, notFound
	}
	return v, err
}

// nextID takes the next id of seq, refusing to wrap past the last uint64.
func (k Keeper) nextID(ctx context.Context, seq collections.Sequence, what string) (uint64, error) {
	id, err := seqs.Next(ctx, seq, stdmath.MaxUint64, types.ErrOverflow)
	return id, errorsmod.Wrapf(err, "%s ids", what)
}

// treatment returns the patient's live TREAT (else ETREAT) consent to the
// provider covering category Claim: the treatment relationship a claim needs.
// A break-glass access does not count: the provider declares it alone.
func (k Keeper) treatment(ctx context.Context, patient, provider sdk.AccAddress) (uint64, error) {
	var reasons []string
	for _, purpose := range []string{PurposeTreatment, PurposeEmergencyTreatment} {
		auth, err := k.consent.Authorize(ctx, patient, provider, purpose, CategoryClaim)
		switch {
		case err == nil && auth.ConsentID != 0:
			return auth.ConsentID, nil
		case err == nil:
			reasons = append(reasons, purpose+": break-glass access only")
		case errors.Is(err, consenttypes.ErrNotAuthorized):
			reasons = append(reasons, err.Error())
		default:
			return 0, err
		}
	}
	return 0, errorsmod.Wrapf(types.ErrNoTreatment, "no live %s or %s consent of %s to %s for %s: %s",
		PurposeTreatment, PurposeEmergencyTreatment, k.addrString(patient), k.addrString(provider), CategoryClaim, strings.Join(reasons, "; "))
}

// GetClaim returns a claim.
func (k Keeper) GetClaim(ctx context.Context, id uint64) (types.Claim, error) {
	return getOr(ctx, k.Claims, id, errorsmod.Wrapf(types.ErrClaimNotFound, "%d", id))
}

// accumulator returns a coverage's accumulator for a plan year (zero if none).
func (k Keeper) accumulator(ctx context.Context, coverage uint64, year int32) (types.Accumulator, error) {
	a, err := k.Accumulators.Get(ctx, collections.Join(coverage, year))
	if errors.Is(err, collections.ErrNotFound) {
		return types.ZeroAccumulator(), nil
	}
	return a, err
}

func (k Keeper) escrow(ctx context.Context, payer sdk.AccAddress) (math.Int, error) {
	b, err := k.Escrow.Get(ctx, payer)
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	return b, err
}

func dupKey(provider, patient sdk.AccAddress, code string, serviceDate time.Time) DupKey {
	return collections.Join4(provider, patient, code, types.ServiceDay(serviceDate).Unix())
}

// putClaim stores a new claim (Claims.Set writes its indexes) and queues it
// for payment if it is payable.
func (k Keeper) putClaim(ctx context.Context, c types.Claim) error {
	if err := k.Claims.Set(ctx, c.ID, c); err != nil {
		return err
	}
	if c.Status == types.ClaimStatus_CLAIM_STATUS_PAYABLE {
		return k.enqueue(ctx, k.mustAddr(c.Payer), c.ID, owed(&c))
	}
	return nil
}

// owedTotal is what a payer owes its payable claims (zero if none).
func (k Keeper) owedTotal(ctx context.Context, payer sdk.AccAddress) (math.Int, error) {
	o, err := k.Owed.Get(ctx, payer)
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	return o, err
}

// amountKey is a non-negative amount as 32 big-endian bytes, so that byte
// order is numeric order (math.Int holds at most 256 bits).
func amountKey(a math.Int) []byte { return a.BigInt().FillBytes(make([]byte, 32)) }

// enqueue puts a claim in its payer's payable queue for amount (replacing an
// earlier entry) and adds amount to what the payer owes.
func (k Keeper) enqueue(ctx context.Context, payer sdk.AccAddress, id uint64, amount math.Int) error {
	if err := k.dequeue(ctx, payer, id); err != nil {
		return err
	}
	if err := k.PayableQueue.Set(ctx, collections.Join(payer, id), amount); err != nil {
		return err
	}
	if err := k.PayableByAmount.Set(ctx, collections.Join3(payer, amountKey(amount), id)); err != nil {
		return err
	}
	total, err := k.owedTotal(ctx, payer)
	if err != nil {
		return err
	}
	return k.Owed.Set(ctx, payer, total.Add(amount))
}

// dequeue takes a claim out of its payer's payable queue, if there, and
// what it was queued for out of what the payer owes.
func (k Keeper) dequeue(ctx context.Context, payer sdk.AccAddress, id uint64) error {
	key := collections.Join(payer, id)
	amount, err := k.PayableQueue.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := k.PayableQueue.Remove(ctx, key); err != nil {
		return err
	}
	if err := k.PayableByAmount.Remove(ctx, collections.Join3(payer, amountKey(amount), id)); err != nil {
		return err
	}
	total, err := k.owedTotal(ctx, payer)
	if err != nil {
		return err
	}
	total = total.Sub(amount)
	switch {
	case total.IsNegative():
		return errorsmod.Wrapf(types.ErrOverflow, "owed by %s would go below zero", k.addrString(payer))
	case total.IsZero():
		return k.Owed.Remove(ctx, payer)
	}
	return k.Owed.Set(ctx, payer, total)
}
