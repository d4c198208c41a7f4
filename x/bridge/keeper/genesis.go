package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/healthchain/healthd/x/bridge/types"
)

// InitGenesis stores the genesis state and rebuilds the indexes: prescriptions
// by patient, open prescriptions by source, and the lot index (from the
// medication history).
func (k *Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, p := range gs.Prescriptions {
		if err := k.Prescriptions.Set(ctx, p.ID, p); err != nil {
			return err
		}
		if err := k.PrescriptionsByPatient.Set(ctx, collections.Join(p.Patient, p.ID)); err != nil {
			return err
		}
		if p.SourceID != 0 {
			if err := k.OpenBySource.Set(ctx, collections.Join(p.CounterpartyChainID, p.SourceID), p.ID); err != nil {
				return err
			}
		}
	}
	for _, e := range gs.MedicationHistory {
		if err := k.History.Set(ctx, collections.Join(e.Patient, e.Seq), e); err != nil {
			return err
		}
		if err := k.DispensedByLot.Set(ctx, collections.Join3(e.GTIN, e.Lot, e.Patient)); err != nil {
			return err
		}
	}
	for _, v := range gs.Verifications {
		if err := k.Verifications.Set(ctx, v.ID, v); err != nil {
			return err
		}
	}
	for _, n := range gs.RecallNotices {
		if err := k.RecallNotices.Set(ctx, collections.Join(n.GTIN, n.Lot), n); err != nil {
			return err
		}
		if n.Notifying {
			if err := k.Notifying.Set(ctx, collections.Join(n.GTIN, n.Lot)); err != nil {
				return err
			}
		}
	}
	for _, p := range gs.Pending {
		if err := k.Pending.Set(ctx, collections.Join(p.ChannelID, p.Sequence), p); err != nil {
			return err
		}
	}
	for _, u := range gs.Undelivered {
		if err := k.Undelivered.Set(ctx, u.ID, u); err != nil {
			return err
		}
	}
	for _, c := range gs.Channels {
		if err := k.Channels.Set(ctx, c.ChannelID, c); err != nil {
			return err
		}
	}
	for _, o := range gs.ClientOrigins {
		if err := k.ClientOrigins.Set(ctx, o.ClientID, o); err != nil {
			return err
		}
	}
	if gs.NextClientSeq != 0 {
		if err := k.ClientSeq.Set(ctx, gs.NextClientSeq); err != nil {
			return err
		}
	}
	// As in every module, a sequence holds the next id to hand out (ids start at 1).
	for _, s := range []struct {
		seq  collections.Sequence
		next uint64
	}{
		{k.PrescriptionSeq, gs.NextPrescriptionID}, {k.VerificationSeq, gs.NextVerificationID},
		{k.UndeliveredSeq, gs.NextUndeliveredID}, {k.HistorySeq, gs.NextHistorySeq},
	} {
		if err := s.seq.Set(ctx, s.next); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis exports the whole state.
func (k *Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	if err := k.Prescriptions.Walk(ctx, nil, func(_ uint64, p types.Prescription) (bool, error) {
		gs.Prescriptions = append(gs.Prescriptions, p)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.History.Walk(ctx, nil, func(_ collections.Pair[string, uint64], e types.MedicationEntry) (bool, error) {
		gs.MedicationHistory = append(gs.MedicationHistory, e)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Verifications.Walk(ctx, nil, func(_ uint64, v types.Verification) (bool, error) {
		gs.Verifications = append(gs.Verifications, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.RecallNotices.Walk(ctx, nil, func(_ collections.Pair[string, string], n types.RecallNotice) (bool, error) {
		gs.RecallNotices = append(gs.RecallNotices, n)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Pending.Walk(ctx, nil, func(_ collections.Pair[string, uint64], p types.PendingPacket) (bool, error) {
		gs.Pending = append(gs.Pending, p)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Undelivered.Walk(ctx, nil, func(_ uint64, u types.Undelivered) (bool, error) {
		gs.Undelivered = append(gs.Undelivered, u)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Channels.Walk(ctx, nil, func(_ string, c types.BridgeChannel) (bool, error) {
		gs.Channels = append(gs.Channels, c)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.ClientOrigins.Walk(ctx, nil, func(_ string, o types.ClientOrigin) (bool, error) {
		gs.ClientOrigins = append(gs.ClientOrigins, o)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if next, err := k.ClientSeq.Get(ctx); err == nil {
		gs.NextClientSeq = next
	} else if !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	for _, s := range []struct {
		seq  collections.Sequence
		next *uint64
	}{
		{k.PrescriptionSeq, &gs.NextPrescriptionID}, {k.VerificationSeq, &gs.NextVerificationID},
		{k.UndeliveredSeq, &gs.NextUndeliveredID}, {k.HistorySeq, &gs.NextHistorySeq},
	} {
		next, err := s.seq.Peek(ctx)
		if err != nil {
			return nil, err
		}
		*s.next = next
	}
	return gs, nil
}
