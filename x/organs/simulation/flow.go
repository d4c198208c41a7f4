package simulation

import (
	"context"
	"time"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/organs/keeper"
	"github.com/healthchain/healthd/x/organs/types"
)

// The flow past the blood group: staff (a second person to confirm the
// blood group, surgeons and couriers), the two-person ABO check, recovery
// (the cross-clamp starts the cold-ischaemia clock), the match run, offers
// in rank order with answers and bypasses, custody hand-offs, and the
// outcome (transplant or discard).

func now(ctx context.Context) time.Time { return sdk.UnwrapSDKContext(ctx).BlockTime() }

// staffOf returns the accounts that act for member as its staff.
func staffOf(ctx context.Context, k keeper.Keeper, member string) []sdk.AccAddress {
	var out []sdk.AccAddress
	_ = k.Staff.Walk(ctx, nil, func(a sdk.AccAddress, s types.Staff) (bool, error) {
		if s.Member == member {
			out = append(out, a)
		}
		return false, nil
	})
	return out
}

// isStaff reports whether the account is some member's staff.
func isStaff(ctx context.Context, k keeper.Keeper, a sdk.AccAddress) bool {
	has, _ := k.Staff.Has(ctx, a)
	return has
}

// actsFor reports whether the account acts for member, as x/organs resolves
// a signer: staff act for their member; any other account for itself. (An
// account named staff and admitted as a member later acts for the member
// whose staff it is, even signing as itself.)
func actsFor(ctx context.Context, k keeper.Keeper, a simsx.SimAccount, member string) bool {
	if s, err := k.Staff.Get(ctx, a.Address); err == nil {
		return s.Member == member
	}
	return a.AddressBech32 == member
}

// person returns a random account acting for org (its own or a staff
// account) other than not, when org is an active member with one of roles
// (any role when none is given); or skips.
func person(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, org, not string, roles ...ctypes.Role) simsx.SimAccount {
	a := data.GetAccount(reporter, org)
	if reporter.IsSkipped() {
		return a
	}
	rc := k.ConsortiumKeeper()
	err := rc.RequireActive(ctx, a.Address)
	if err == nil && len(roles) > 0 {
		err = rc.RequireRole(ctx, a.Address, roles...)
	}
	if err != nil {
		reporter.Skipf("%s no longer acts: %s", org, err)
		return a
	}
	var people []simsx.SimAccount
	if org != not && actsFor(ctx, k, a, org) {
		people = append(people, a)
	}
	for _, s := range staffOf(ctx, k, org) {
		if p := data.GetAccountbyAccAddr(reporter, s); !reporter.IsSkipped() && p.AddressBech32 != not {
			people = append(people, p)
		}
	}
	return csim.Pick(data, reporter, "person acting for "+org, people)
}

// stranger returns an active member other than org that acts for itself
// (nobody's staff), so not for org, or skips.
func stranger(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, org string, roles ...ctypes.Role) simsx.SimAccount {
	rc := k.ConsortiumKeeper()
	return csim.AccountWhere(data, reporter, "active member other than "+org, func(a simsx.SimAccount) bool {
		if a.AddressBech32 == org || rc.RequireActive(ctx, a.Address) != nil || isStaff(ctx, k, a.Address) {
			return false
		}
		return len(roles) == 0 || rc.RequireRole(ctx, a.Address, roles...) == nil
	})
}

// SetStaff is an OPO or transplant centre naming a patient account (not a
// member, nobody's staff) as its staff, up to two; with valid false it names
// a member, which is refused.
func SetStaff(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgSetStaff] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSetStaff) {
		rc := k.ConsortiumKeeper()
		member := csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_ORGAN_PROCUREMENT, ctypes.Role_ROLE_TRANSPLANT_CENTRE)
		if !reporter.IsSkipped() && isStaff(ctx, k, member.Address) {
			reporter.Skip("the member's account is another's staff")
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		var account simsx.SimAccount
		if valid {
			if len(staffOf(ctx, k, member.AddressBech32)) >= 2 {
				reporter.Skip("the member has its staff")
				return nil, nil
			}
			account = csim.AccountWhere(data, reporter, "patient account free for staff", func(a simsx.SimAccount) bool {
				if _, err := rc.GetMember(ctx, a.Address); err == nil {
					return false
				}
				has, _ := k.Staff.Has(ctx, a.Address)
				return !has
			})
		} else {
			account = stranger(ctx, k, data, reporter, member.AddressBech32)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{member}, &types.MsgSetStaff{Member: member.AddressBech32, Account: account.AddressBech32}
	}
}

func casesWhere(ctx context.Context, k keeper.Keeper, keep func(types.Case) bool) []types.Case {
	var out []types.Case
	_ = k.Cases.Walk(ctx, nil, func(_ string, c types.Case) (bool, error) {
		if keep(c) {
			out = append(out, c)
		}
		return len(out) >= 300, nil
	})
	return out
}

// ConfirmABO is a second person of the case's OPO entering the recorded
// blood group again; with valid false the person who recorded it, which is
// refused.
func ConfirmABO(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgConfirmABO] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgConfirmABO) {
		c := csim.Pick(data, reporter, "case with an unconfirmed blood group", casesWhere(ctx, k, func(c types.Case) bool {
			return c.ABORecordedBy != "" && c.ABOConfirmedBy == ""
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var actor simsx.SimAccount
		if valid {
			actor = person(ctx, k, data, reporter, c.OPO, c.ABORecordedBy, ctypes.Role_ROLE_ORGAN_PROCUREMENT)
		} else {
			actor = data.GetAccount(reporter, c.ABORecordedBy)
			if !reporter.IsSkipped() && (!actsFor(ctx, k, actor, c.OPO) || k.ConsortiumKeeper().RequireRole(ctx, data.GetAccount(reporter, c.OPO).Address, ctypes.Role_ROLE_ORGAN_PROCUREMENT) != nil) {
				reporter.Skip("the recorder no longer acts for the OPO")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgConfirmABO{Actor: actor.AddressBech32, DIN: c.DIN, ABO: c.ABO}
	}
}

// RecoverOrgan is the case's OPO recovering an organ type not yet
// recovered, with a cross-clamp up to half an hour ago (not before the
// case opened); with valid false an organ type not in the params, which is
// refused.
func RecoverOrgan(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgRecoverOrgan] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRecoverOrgan) {
		c := csim.Pick(data, reporter, "case", casesWhere(ctx, k, func(types.Case) bool { return true }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := person(ctx, k, data, reporter, c.OPO, "", ctypes.Role_ROLE_ORGAN_PROCUREMENT)
		if reporter.IsSkipped() {
			return nil, nil
		}
		params, err := k.Params.Get(ctx)
		if err != nil {
			reporter.Skipf("params: %s", err)
			return nil, nil
		}
		var left []string
		for _, t := range params.OrganTypes {
			if has, _ := k.Organs.Has(ctx, collections.Join(c.DIN, t.Code)); !has {
				left = append(left, t.Code)
			}
		}
		organType := csim.Pick(data, reporter, "organ type not recovered", left)
		if reporter.IsSkipped() {
			return nil, nil
		}
		if !valid {
			organType = "SPLEEN"
		}
		clamp := now(ctx).Add(-time.Duration(data.Rand().IntInRange(0, 1800)) * time.Second)
		if clamp.Before(c.OpenedAt) {
			clamp = c.OpenedAt
		}
		return []simsx.SimAccount{actor}, &types.MsgRecoverOrgan{Actor: actor.AddressBech32, DIN: c.DIN, OrganType: organType, CrossClamp: clamp,
			Logger: ownLogger(ctx, k, data, c.OPO)}
	}
}

// openOrgans returns up to 300 recovered organs (not transplanted or
// discarded) for which keep holds.
func openOrgans(ctx context.Context, k keeper.Keeper, keep func(types.Organ) bool) []types.Organ {
	var out []types.Organ
	_ = k.Organs.Walk(ctx, nil, func(_ keeper.OrganKey, o types.Organ) (bool, error) {
		if o.Status == types.OrganStatus_ORGAN_STATUS_RECOVERED && keep(o) {
			out = append(out, o)
		}
		return len(out) >= 300, nil
	})
	return out
}

func confirmed(ctx context.Context, k keeper.Keeper, o types.Organ) bool {
	c, err := k.Cases.Get(ctx, o.DIN)
	return err == nil && c.ABOConfirmedBy != ""
}

// compatibleRecipients lists the recipient blood groups an organ of donor
// may go to.
func compatibleRecipients(donor types.ABO) []types.ABO {
	var out []types.ABO
	for v := range len(types.ABO_name) {
		if r := types.ABO(v); types.Compatible(donor, r) {
			out = append(out, r)
		}
	}
	return out
}

// PostMatchRun is the OPO posting the ranked candidates (one to three
// transplant centres, blood-group compatible) for an organ whose case has a
// confirmed blood group; with valid false for an organ whose blood group is
// not confirmed yet, which is refused.
func PostMatchRun(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgPostMatchRun] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgPostMatchRun) {
		o := csim.Pick(data, reporter, "organ without a match run", openOrgans(ctx, k, func(o types.Organ) bool {
			return o.Candidates == 0 && confirmed(ctx, k, o) == valid
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		c, err := k.Cases.Get(ctx, o.DIN)
		if err != nil {
			reporter.Skipf("case: %s", err)
			return nil, nil
		}
		actor := person(ctx, k, data, reporter, c.OPO, "", ctypes.Role_ROLE_ORGAN_PROCUREMENT)
		if reporter.IsSkipped() {
			return nil, nil
		}
		donor := c.ABO
		if donor == types.ABO_ABO_UNSPECIFIED {
			donor = types.ABO_ABO_O
		}
		groups := compatibleRecipients(donor)
		r := data.Rand()
		n := r.IntInRange(1, 4)
		cands := make([]types.CandidateEntry, 0, n)
		for range n {
			centre := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_TRANSPLANT_CENTRE)
			if reporter.IsSkipped() {
				return nil, nil
			}
			cands = append(cands, types.CandidateEntry{Commitment: commitment(data), Centre: centre.AddressBech32, ABO: groups[r.IntInRange(0, len(groups))]})
		}
		return []simsx.SimAccount{actor}, &types.MsgPostMatchRun{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType, Candidates: cands}
	}
}

// commitment is 32 random bytes, not all zero.
func commitment(data *simsx.ChainDataSource) []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(data.Rand().IntInRange(1, 256))
	}
	return b
}

// offerable: a match run with no offer open, nothing accepted and a
// candidate left.
func offerable(o types.Organ) bool {
	return o.Candidates > 0 && o.AcceptedRank == 0 && o.OfferedRank == 0 && o.NextRank <= o.Candidates
}

func caseOf(ctx context.Context, k keeper.Keeper, reporter simsx.SimulationReporter, o types.Organ) types.Case {
	c, err := k.Cases.Get(ctx, o.DIN)
	if err != nil {
		reporter.Skipf("case: %s", err)
	}
	return c
}

// Offer is the OPO offering the organ to the next candidate in rank order;
// with valid false to the candidate after it, which is refused.
func Offer(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgOffer] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgOffer) {
		o := csim.Pick(data, reporter, "organ to offer", openOrgans(ctx, k, func(o types.Organ) bool {
			return offerable(o) && (valid || o.NextRank < o.Candidates)
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		c := caseOf(ctx, k, reporter, o)
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := person(ctx, k, data, reporter, c.OPO, "", ctypes.Role_ROLE_ORGAN_PROCUREMENT)
		if reporter.IsSkipped() {
			return nil, nil
		}
		rank := o.NextRank
		if !valid {
			rank++
		}
		return []simsx.SimAccount{actor}, &types.MsgOffer{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType, Rank: rank}
	}
}

func candidate(ctx context.Context, k keeper.Keeper, reporter simsx.SimulationReporter, o types.Organ, rank uint32) types.Candidate {
	cand, err := k.Candidates.Get(ctx, collections.Join3(o.DIN, o.OrganType, rank))
	if err != nil {
		reporter.Skipf("candidate: %s", err)
	}
	return cand
}

// RespondOffer is the offered candidate's centre accepting (two times in
// three) or declining with a code; with valid false another centre, which is
// refused.
func RespondOffer(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgRespondOffer] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRespondOffer) {
		o := csim.Pick(data, reporter, "organ on offer", openOrgans(ctx, k, func(o types.Organ) bool { return o.OfferedRank != 0 }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		cand := candidate(ctx, k, reporter, o, o.OfferedRank)
		if reporter.IsSkipped() {
			return nil, nil
		}
		var actor simsx.SimAccount
		if valid {
			actor = person(ctx, k, data, reporter, cand.Centre, "", ctypes.Role_ROLE_TRANSPLANT_CENTRE)
		} else {
			actor = stranger(ctx, k, data, reporter, cand.Centre, ctypes.Role_ROLE_TRANSPLANT_CENTRE)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		msg := &types.MsgRespondOffer{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType, Rank: cand.Rank, Accept: true}
		if r := data.Rand(); r.IntInRange(0, 3) == 0 {
			msg.Accept, msg.DeclineReason = false, types.DeclineReason(r.IntInRange(1, len(types.DeclineReason_name)))
		}
		return []simsx.SimAccount{actor}, msg
	}
}

// SkipCandidate is the OPO settling the next candidate without an answer:
// an offer past the params' timeout as timed out, or a candidate not yet
// offered bypassed with a code. With valid false it times out an offer whose
// timeout has not passed, which is refused.
func SkipCandidate(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgSkipCandidate] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSkipCandidate) {
		params, err := k.Params.Get(ctx)
		if err != nil {
			reporter.Skipf("params: %s", err)
			return nil, nil
		}
		t := now(ctx)
		expired := func(o types.Organ) bool {
			cand, err := k.Candidates.Get(ctx, collections.Join3(o.DIN, o.OrganType, o.OfferedRank))
			return err == nil && cand.OfferedAt != nil && !t.Before(cand.OfferedAt.Add(params.OfferTimeout))
		}
		o := csim.Pick(data, reporter, "candidate to settle", openOrgans(ctx, k, func(o types.Organ) bool {
			if !valid {
				return o.OfferedRank != 0 && !expired(o)
			}
			return offerable(o) || o.OfferedRank != 0 && expired(o)
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		c := caseOf(ctx, k, reporter, o)
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := person(ctx, k, data, reporter, c.OPO, "", ctypes.Role_ROLE_ORGAN_PROCUREMENT)
		if reporter.IsSkipped() {
			return nil, nil
		}
		msg := &types.MsgSkipCandidate{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType, Rank: o.OfferedRank, Reason: types.BypassReason_BYPASS_REASON_TIMEOUT}
		if o.OfferedRank == 0 {
			msg.Rank = o.NextRank
			msg.Reason = types.BypassReason(data.Rand().IntInRange(int(types.BypassReason_BYPASS_REASON_TIMEOUT)+1, len(types.BypassReason_name)))
		}
		return []simsx.SimAccount{actor}, msg
	}
}

// handOffTarget is who the holder hands the organ to: the accepting centre
// once the organ is allocated, else an active member that is no transplant
// centre (a courier, a hospital); skipped when the centre holds it.
func handOffTarget(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, o types.Organ) simsx.SimAccount {
	rc := k.ConsortiumKeeper()
	if o.AcceptedRank != 0 {
		if o.Holder == o.Centre {
			reporter.Skip("the centre holds it")
			return simsx.SimAccount{}
		}
		to := data.GetAccount(reporter, o.Centre)
		if !reporter.IsSkipped() && rc.RequireActive(ctx, to.Address) != nil {
			reporter.Skip("the centre is not active")
		}
		return to
	}
	return csim.AccountWhere(data, reporter, "member to hand to", func(a simsx.SimAccount) bool {
		return a.AddressBech32 != o.Holder && rc.RequireActive(ctx, a.Address) == nil && !isStaff(ctx, k, a.Address) &&
			rc.RequireRole(ctx, a.Address, ctypes.Role_ROLE_TRANSPLANT_CENTRE) != nil
	})
}

// HandOff is the holder offering custody of the organ (see handOffTarget),
// often packing one of its loggers for the leg; with valid false an active
// member that is not the holder, which is refused.
func HandOff(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgHandOff] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgHandOff) {
		params, err := k.Params.Get(ctx)
		if err != nil {
			reporter.Skipf("params: %s", err)
			return nil, nil
		}
		free := func(o types.Organ) bool { return o.PendingTo == "" && o.Handoffs < params.MaxHandoffs }
		organs := openOrgans(ctx, k, free)
		// Organs allocated but not at their centre go first, two times in
		// three, so that transplants happen.
		if allocated := openOrgans(ctx, k, func(o types.Organ) bool { return free(o) && o.AcceptedRank != 0 && o.Holder != o.Centre }); len(allocated) > 0 && data.Rand().IntInRange(0, 3) != 0 {
			organs = allocated
		}
		o := csim.Pick(data, reporter, "organ to hand off", organs)
		if reporter.IsSkipped() {
			return nil, nil
		}
		to := handOffTarget(ctx, k, data, reporter, o)
		var actor simsx.SimAccount
		if valid {
			actor = person(ctx, k, data, reporter, o.Holder, "")
		} else {
			actor = stranger(ctx, k, data, reporter, o.Holder)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgHandOff{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType, To: to.AddressBech32,
			Logger: ownLogger(ctx, k, data, o.Holder)}
	}
}

// AcceptHandOff is the member the organ is offered to taking custody; with
// valid false another active member, which is refused.
func AcceptHandOff(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgAcceptHandOff] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAcceptHandOff) {
		o := csim.Pick(data, reporter, "organ in hand-off", openOrgans(ctx, k, func(o types.Organ) bool { return o.PendingTo != "" }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var actor simsx.SimAccount
		if valid {
			actor = person(ctx, k, data, reporter, o.PendingTo, "")
		} else {
			actor = stranger(ctx, k, data, reporter, o.PendingTo)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgAcceptHandOff{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType}
	}
}

// CancelHandOff is the holder withdrawing a pending hand-off.
func CancelHandOff(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgCancelHandOff] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCancelHandOff) {
		o := csim.Pick(data, reporter, "organ in hand-off", openOrgans(ctx, k, func(o types.Organ) bool { return o.PendingTo != "" }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := person(ctx, k, data, reporter, o.Holder, "")
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgCancelHandOff{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType}
	}
}

// Transplant is the accepting centre, holding the organ, recording
// reperfusion now for the accepted candidate, with an override code when
// the cold-ischaemia limit has passed or a reading was out of range; with
// valid false another recipient's commitment, which is refused.
func Transplant(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgTransplant] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgTransplant) {
		o := csim.Pick(data, reporter, "organ at its centre", openOrgans(ctx, k, func(o types.Organ) bool {
			return o.AcceptedRank != 0 && o.Holder == o.Centre && o.PendingTo == ""
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		cand := candidate(ctx, k, reporter, o, o.AcceptedRank)
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := person(ctx, k, data, reporter, o.Centre, "", ctypes.Role_ROLE_TRANSPLANT_CENTRE)
		if reporter.IsSkipped() {
			return nil, nil
		}
		t := now(ctx)
		msg := &types.MsgTransplant{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType, RecipientCommitment: cand.Commitment, Reperfusion: t}
		if keeper.ColdIschaemia(o, t) > o.MaxColdIschaemia || o.Excursions > 0 {
			msg.Override = types.OverrideReason(data.Rand().IntInRange(1, len(types.OverrideReason_name)))
		}
		if !valid {
			msg.RecipientCommitment = commitment(data)
		}
		return []simsx.SimAccount{actor}, msg
	}
}

// Discard is the holder discarding the organ with a code; with valid false
// an active member that is not the holder, which is refused.
func Discard(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgDiscard] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgDiscard) {
		o := csim.Pick(data, reporter, "organ held", openOrgans(ctx, k, func(o types.Organ) bool { return o.PendingTo == "" }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var actor simsx.SimAccount
		if valid {
			actor = person(ctx, k, data, reporter, o.Holder, "")
		} else {
			actor = stranger(ctx, k, data, reporter, o.Holder)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgDiscard{Actor: actor.AddressBech32, DIN: o.DIN, OrganType: o.OrganType,
			Reason: types.DiscardReason(data.Rand().IntInRange(1, len(types.DiscardReason_name)))}
	}
}
