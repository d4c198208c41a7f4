// Package keeper holds organ donation state: donations under their DINs,
// organs with their cold-ischaemia clocks, match runs and offers, custody
// hand-offs, logger readings and outcomes.
package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/healthchain/healthd/internal/addrs"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/organs/types"
)

// OrganKey is an organ's key: (DIN with check character, organ type).
type OrganKey = collections.Pair[string, string]

// Keeper owns the organs state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	consortium   types.ConsortiumKeeper
	consent      types.ConsentKeeper

	Schema collections.Schema
	Params collections.Item[types.Params]
	// Staff maps an account to the member it acts for.
	Staff   collections.Map[sdk.AccAddress, types.Staff]
	Loggers collections.Map[string, types.Logger]
	Cases   collections.Map[string, types.Case]
	// Organs is keyed (DIN, organ type): a case's organs are one prefix.
	Organs collections.Map[OrganKey, types.Organ]
	// Candidates, HandOffs and Readings are each organ's lists, by rank,
	// hand-off index and reading index.
	Candidates collections.Map[collections.Triple[string, string, uint32], types.Candidate]
	HandOffs   collections.Map[collections.Triple[string, string, uint32], types.HandOff]
	Readings   collections.Map[collections.Triple[string, string, uint64], types.StoredReading]
	// Excursions is a KeySet because only the readings out of range are in
	// it: an organ's excursions are read without its other readings.
	Excursions collections.KeySet[collections.Triple[string, string, uint64]]
	// Overrides is a KeySet of the organs transplanted under an override,
	// so the regulator lists them without reading every organ.
	Overrides collections.KeySet[OrganKey]
	// Attachments is, per organ and logger, the logger's stays in the
	// organ's container: a reading counts when one of its logger's stays
	// covers its time, which one read answers.
	Attachments collections.Map[collections.Triple[string, string, string], types.LoggerStays]
}

// NewKeeper builds the keeper. authority is the fallback authority (x/gov).
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string,
	consortium types.ConsortiumKeeper, consent types.ConsentKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(errorsmod.Wrapf(err, "organs: invalid authority address %q", authority))
	}
	sb := collections.NewSchemaBuilder(storeService)
	str2 := collections.PairKeyCodec(collections.StringKey, collections.StringKey)
	k := Keeper{
		cdc: cdc, addressCodec: addressCodec, authority: authority, consortium: consortium, consent: consent,
		Params:  collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Staff:   collections.NewMap(sb, types.StaffKey, "staff", sdk.AccAddressKey, codec.CollValue[types.Staff](cdc)),
		Loggers: collections.NewMap(sb, types.LoggersKey, "loggers", collections.StringKey, codec.CollValue[types.Logger](cdc)),
		Cases:   collections.NewMap(sb, types.CasesKey, "cases", collections.StringKey, codec.CollValue[types.Case](cdc)),
		Organs:  collections.NewMap(sb, types.OrgansKey, "organs", str2, codec.CollValue[types.Organ](cdc)),
		Candidates: collections.NewMap(sb, types.CandidatesKey, "candidates",
			collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.Uint32Key), codec.CollValue[types.Candidate](cdc)),
		HandOffs: collections.NewMap(sb, types.HandOffsKey, "hand_offs",
			collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.Uint32Key), codec.CollValue[types.HandOff](cdc)),
		Readings: collections.NewMap(sb, types.ReadingsKey, "readings",
			collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.Uint64Key), codec.CollValue[types.StoredReading](cdc)),
		Excursions: collections.NewKeySet(sb, types.ExcursionsKey, "excursions",
			collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.Uint64Key)),
		Overrides: collections.NewKeySet(sb, types.OverridesKey, "overrides", str2),
		Attachments: collections.NewMap(sb, types.AttachmentsKey, "attachments",
			collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.StringKey), codec.CollValue[types.LoggerStays](cdc)),
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

// Actor is who signed a message and the member organisation it acts for
// (the same account when a member signs itself).
type Actor struct {
	Person string
	Org    string
}

// actor parses the signer, finds the member it acts for (itself, or the
// member whose staff it is) and requires that member to be active and, when
// roles are given, to hold one of them.
func (k Keeper) actor(ctx context.Context, field, signer string, roles ...consortiumtypes.Role) (Actor, error) {
	acc, err := k.parseAddress(field, signer)
	if err != nil {
		return Actor{}, err
	}
	org := acc
	st, err := k.Staff.Get(ctx, acc)
	switch {
	case err == nil:
		if org, err = k.parseAddress("staff member", st.Member); err != nil {
			return Actor{}, err
		}
	case !errors.Is(err, collections.ErrNotFound):
		return Actor{}, err
	}
	if len(roles) == 0 {
		err = k.consortium.RequireActive(ctx, org)
	} else {
		err = k.consortium.RequireRole(ctx, org, roles...)
	}
	if err != nil {
		return Actor{}, err
	}
	return Actor{Person: k.addrString(acc), Org: k.addrString(org)}, nil
}

// getCase reads a donation by a DIN in any accepted form.
func (k Keeper) getCase(ctx context.Context, din string) (types.Case, error) {
	key, err := types.ParseDIN(din)
	if err != nil {
		return types.Case{}, err
	}
	c, err := k.Cases.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Case{}, errorsmod.Wrapf(types.ErrCaseNotFound, "%s", key)
	}
	return c, err
}

// getOrgan reads an organ and its donation.
func (k Keeper) getOrgan(ctx context.Context, din, organType string) (types.Case, types.Organ, error) {
	c, err := k.getCase(ctx, din)
	if err != nil {
		return types.Case{}, types.Organ{}, err
	}
	if err := types.CheckOrganTypeCode(organType); err != nil {
		return types.Case{}, types.Organ{}, err
	}
	o, err := k.Organs.Get(ctx, collections.Join(c.DIN, organType))
	if errors.Is(err, collections.ErrNotFound) {
		return types.Case{}, types.Organ{}, errorsmod.Wrapf(types.ErrOrganNotFound, "%s %s", c.DIN, organType)
	}
	return c, o, err
}

// openOrgan is getOrgan for an organ still waiting for its outcome.
func (k Keeper) openOrgan(ctx context.Context, din, organType string) (types.Case, types.Organ, error) {
	c, o, err := k.getOrgan(ctx, din, organType)
	if err != nil {
		return c, o, err
	}
	if o.Status != types.OrganStatus_ORGAN_STATUS_RECOVERED {
		return c, o, errorsmod.Wrapf(types.ErrOrganClosed, "%s %s is %s", o.DIN, o.OrganType, o.Status)
	}
	return c, o, nil
}

func organKey(o types.Organ) OrganKey { return collections.Join(o.DIN, o.OrganType) }

func listKey[K any](o types.Organ, k K) collections.Triple[string, string, K] {
	return collections.Join3(o.DIN, o.OrganType, k)
}

func emit(ctx context.Context, evs ...proto.Message) error {
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	for _, e := range evs {
		if err := em.EmitTypedEvent(e); err != nil {
			return err
		}
	}
	return nil
}

func now(ctx context.Context) time.Time { return sdk.UnwrapSDKContext(ctx).BlockTime().UTC() }
