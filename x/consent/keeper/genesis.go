package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consent/types"
)

// InitGenesis stores the consent state. Consents writes its indexes; the
// conditional sets (active, latest, expiry queue, active break-glass) are
// rebuilt here from what they hold.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	// Consents are in ID order, so the last one written to Latest is the newest.
	for _, c := range gs.Consents {
		patient, _ := k.addressCodec.StringToBytes(c.Patient)
		grantee, _ := k.addressCodec.StringToBytes(c.Grantee)
		if err := k.Consents.Set(ctx, c.ID, c); err != nil {
			return err
		}
		if c.Status == types.ConsentStatus_CONSENT_STATUS_ACTIVE {
			if err := k.activate(ctx, patient, grantee, c); err != nil {
				return err
			}
			continue
		}
		for _, q := range quads(patient, grantee, c) {
			if err := k.Latest.Set(ctx, q, c.ID); err != nil {
				return err
			}
		}
	}
	// The exported Latest index overrides what the consents imply: a consent
	// narrowed by amendment still answers for the categories it dropped.
	for _, e := range gs.Latest {
		patient, _ := k.addressCodec.StringToBytes(e.Patient)
		grantee, _ := k.addressCodec.StringToBytes(e.Grantee)
		if err := k.Latest.Set(ctx, collections.Join4(sdk.AccAddress(patient), sdk.AccAddress(grantee), e.Purpose, e.Category), e.ConsentID); err != nil {
			return err
		}
	}
	for _, g := range gs.Guardians {
		patient, _ := k.addressCodec.StringToBytes(g.Patient)
		guardian, _ := k.addressCodec.StringToBytes(g.Guardian)
		if err := k.Guardians.Set(ctx, collections.Join(sdk.AccAddress(patient), sdk.AccAddress(guardian)), g); err != nil {
			return err
		}
	}
	for _, bg := range gs.BreakGlasses {
		patient, _ := k.addressCodec.StringToBytes(bg.Patient)
		member, _ := k.addressCodec.StringToBytes(bg.Member)
		if err := k.BreakGlasses.Set(ctx, bg.ID, bg); err != nil {
			return err
		}
		if err := k.ActiveBreakGlass.Set(ctx, collections.Join(sdk.AccAddress(patient), sdk.AccAddress(member)), bg.ID); err != nil {
			return err
		}
	}
	for _, rw := range gs.RateWindows {
		member, _ := k.addressCodec.StringToBytes(rw.Member)
		if err := k.RateWindows.Set(ctx, member, rw.Window); err != nil {
			return err
		}
	}
	for _, e := range gs.Audit {
		patient, _ := k.addressCodec.StringToBytes(e.Patient)
		if err := k.Audit.Set(ctx, collections.Join(sdk.AccAddress(patient), e.Seq), e); err != nil {
			return err
		}
	}
	if err := k.ConsentSeq.Set(ctx, gs.NextConsentID); err != nil {
		return err
	}
	if err := k.BreakGlassSeq.Set(ctx, gs.NextBreakGlassID); err != nil {
		return err
	}
	return k.AuditSeq.Set(ctx, gs.NextAuditSeq)
}

// ExportGenesis exports the whole consent state; indexes are derived on import.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if err := k.Consents.Walk(ctx, nil, func(_ uint64, c types.Consent) (bool, error) {
		gs.Consents = append(gs.Consents, c)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Guardians.Walk(ctx, nil, func(_ collections.Pair[sdk.AccAddress, sdk.AccAddress], g types.Guardianship) (bool, error) {
		gs.Guardians = append(gs.Guardians, g)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.BreakGlasses.Walk(ctx, nil, func(_ uint64, bg types.BreakGlass) (bool, error) {
		gs.BreakGlasses = append(gs.BreakGlasses, bg)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.RateWindows.Walk(ctx, nil, func(m sdk.AccAddress, w types.RateWindow) (bool, error) {
		gs.RateWindows = append(gs.RateWindows, types.MemberRateWindow{Member: k.addrString(m), Window: w})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Latest.Walk(ctx, nil, func(q QuadKey, id uint64) (bool, error) {
		gs.Latest = append(gs.Latest, types.LatestEntry{Patient: k.addrString(q.K1()), Grantee: k.addrString(q.K2()),
			Purpose: q.K3(), Category: q.K4(), ConsentID: id})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Audit.Walk(ctx, nil, func(_ collections.Pair[sdk.AccAddress, uint64], e types.AuditEntry) (bool, error) {
		gs.Audit = append(gs.Audit, e)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if gs.NextConsentID, err = k.ConsentSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextBreakGlassID, err = k.BreakGlassSeq.Peek(ctx); err != nil {
		return nil, err
	}
	gs.NextAuditSeq, err = k.AuditSeq.Peek(ctx)
	return gs, err
}
