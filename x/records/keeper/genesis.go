package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/records/types"
)

// InitGenesis stores the state. Records and Grants write their indexes;
// LatestGrant, the newest grant per (record, grantee), is rebuilt here from
// the grants in id order, for records not erased. Grants are stored as
// granted (no category, record_erased unset): queries derive both. Tombstones are stored as
// they are: they are in no index.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.RecordSeq.Set(ctx, gs.NextRecordID); err != nil {
		return err
	}
	if err := k.GrantSeq.Set(ctx, gs.NextGrantID); err != nil {
		return err
	}
	for _, r := range gs.Records {
		if err := k.putRecord(ctx, r); err != nil {
			return err
		}
	}
	for _, t := range gs.Tombstones {
		if err := k.Tombstones.Set(ctx, t.ID, t); err != nil {
			return err
		}
	}
	erased := make(map[uint64]bool, len(gs.Tombstones))
	for _, t := range gs.Tombstones {
		erased[t.ID] = true
	}
	for _, g := range gs.Grants {
		// An erased record's grants have no latest-grant entry.
		if erased[g.RecordID] {
			if err := k.Grants.Set(ctx, g.ID, g); err != nil {
				return err
			}
			continue
		}
		if err := k.putGrant(ctx, g); err != nil {
			return err
		}
	}
	for _, key := range gs.EncryptionKeys {
		owner, err := k.parseAddress("owner", key.Owner)
		if err != nil {
			return err
		}
		if err := k.EncryptionKeys.Set(ctx, owner, key); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis returns the whole state, records and grants in id order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if gs.NextRecordID, err = k.RecordSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextGrantID, err = k.GrantSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if err := k.Records.Walk(ctx, nil, func(_ uint64, r types.Record) (bool, error) {
		gs.Records = append(gs.Records, r)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Tombstones.Walk(ctx, nil, func(_ uint64, t types.Record) (bool, error) {
		gs.Tombstones = append(gs.Tombstones, t)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Grants.Walk(ctx, nil, func(_ uint64, g types.AccessGrant) (bool, error) {
		gs.Grants = append(gs.Grants, g)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.EncryptionKeys.Walk(ctx, nil, func(_ sdk.AccAddress, key types.EncryptionKey) (bool, error) {
		gs.EncryptionKeys = append(gs.EncryptionKeys, key)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
