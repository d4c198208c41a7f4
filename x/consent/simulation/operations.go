// Package simulation holds x/consent's message factories and randomized
// genesis for the SDK's random-message simulation.
package simulation

import (
	"bytes"
	"context"
	"time"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
)

// RandomizedGenState starts with no consents and the default params.
func RandomizedGenState(simState *module.SimulationState) {
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(types.DefaultGenesisState())
}

// Register adds x/consent's operations: every message, accepted and refused.
func Register(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	notPatient := csim.Errs(types.ErrNotPatientOrGuardian)
	reg.Add(weights.Get("consent_grant", 40), csim.Succeed(Grant(k, grantOK)))
	reg.Add(weights.Get("consent_grant_wrong_signer", 5), csim.Refuse(d, notPatient, Grant(k, grantWrongSigner)))
	reg.Add(weights.Get("consent_grant_unknown_purpose", 3), csim.Refuse(d, csim.Errs(types.ErrUnknownPurpose), Grant(k, grantBadPurpose)))
	reg.Add(weights.Get("consent_amend", 10), csim.Succeed(Amend(k, true)))
	reg.Add(weights.Get("consent_amend_wrong_signer", 3), csim.Refuse(d, notPatient, Amend(k, false)))
	reg.Add(weights.Get("consent_revoke", 8), csim.Succeed(Revoke(k, true)))
	reg.Add(weights.Get("consent_revoke_inactive", 3), csim.Refuse(d, csim.Errs(types.ErrAlreadyRevoked, types.ErrConsentExpired), Revoke(k, false)))
	reg.Add(weights.Get("consent_revoke_all", 3), csim.Succeed(RevokeAll(k, true)))
	reg.Add(weights.Get("consent_revoke_all_none", 2), csim.Refuse(d, csim.Errs(types.ErrNoActiveConsents), RevokeAll(k, false)))
	reg.Add(weights.Get("consent_appoint_guardian", 5), csim.Succeed(AppointGuardian(k, true)))
	reg.Add(weights.Get("consent_appoint_guardian_past_end", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidPeriod), AppointGuardian(k, false)))
	reg.Add(weights.Get("consent_remove_guardian", 3), csim.Succeed(RemoveGuardian(k, true)))
	reg.Add(weights.Get("consent_remove_guardian_unknown", 2), csim.Refuse(d, csim.Errs(types.ErrGuardianNotFound), RemoveGuardian(k, false)))
	reg.Add(weights.Get("consent_break_glass", 4), csim.Succeed(BreakGlass(k, true)))
	reg.Add(weights.Get("consent_break_glass_not_hospital", 3), csim.Refuse(d, csim.Errs(ctypes.ErrMissingRole, ctypes.ErrNotMember), BreakGlass(k, false)))
	reg.Add(weights.Get("consent_update_params", 1), csim.Succeed(UpdateParams(k, true)))
	reg.Add(weights.Get("consent_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(k, false)))
}

// Purposes the simulation grants for, and the categories it names.
var (
	purposes   = []string{"TREAT", "ETREAT", "HPAYMT", "HRESCH", "CLINTRL", "DONAT", "CAREMGT"}
	categories = []string{"Observation", "laboratory", "MedicationRequest", "Condition", "DiagnosticReport", "imaging"}
)

type grantMode int

const (
	grantOK grantMode = iota
	grantWrongSigner
	grantBadPurpose
)

func blockTime(ctx context.Context) time.Time { return sdk.UnwrapSDKContext(ctx).BlockTime() }

// Grant is a patient's consent to a member for a purpose, for all or one
// category, ending in one to sixty days.
func Grant(k keeper.Keeper, mode grantMode) simsx.SimMsgFactoryFn[*types.MsgGrantConsent] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgGrantConsent) {
		rc := k.ConsortiumKeeper()
		patient := csim.Patient(ctx, data, reporter, rc)
		grantee := csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL, ctypes.Role_ROLE_LABORATORY,
			ctypes.Role_ROLE_PHARMACY, ctypes.Role_ROLE_PAYER, ctypes.Role_ROLE_RESEARCH_SPONSOR, ctypes.Role_ROLE_ORGAN_PROCUREMENT)
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		msg := &types.MsgGrantConsent{
			Signer: patient.AddressBech32, Patient: patient.AddressBech32, Grantee: grantee.AddressBech32,
			Purpose: purposes[r.IntInRange(0, len(purposes))],
			End:     blockTime(ctx).Add(time.Duration(r.IntInRange(1, 60*24)) * time.Hour),
		}
		if r.IntInRange(0, 2) == 0 {
			msg.AllCategories = true
		} else {
			msg.Categories = []string{categories[r.IntInRange(0, len(categories))]}
		}
		signer := patient
		switch mode {
		case grantWrongSigner:
			signer = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(patient), simsx.SimAccountFilterFn(func(a simsx.SimAccount) bool {
				has, _ := k.Guardians.Has(ctx, collections.Join(patient.Address, a.Address))
				return !has
			}))
			msg.Signer = signer.AddressBech32
		case grantBadPurpose:
			msg.Purpose = "TREATMENT"
			return []simsx.SimAccount{signer}, msg
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		// A consent overlapping an active one is refused; the factory does not
		// send one it knows would be.
		cats := msg.Categories
		if msg.AllCategories {
			cats = []string{types.AllCategories}
		}
		var overlap bool
		for _, c := range cats {
			for _, cc := range []string{c, types.AllCategories} {
				if has, _ := k.Active.Has(ctx, collections.Join4(patient.Address, grantee.Address, msg.Purpose, cc)); has {
					overlap = true
				}
			}
		}
		if msg.AllCategories {
			_ = k.Active.Walk(ctx, collections.NewSuperPrefixedQuadRange3[sdk.AccAddress, sdk.AccAddress, string, string](patient.Address, grantee.Address, msg.Purpose),
				func(keeper.QuadKey, uint64) (bool, error) { overlap = true; return true, nil })
		}
		if overlap && mode == grantOK {
			reporter.Skip("an active consent covers it")
			return nil, nil
		}
		return []simsx.SimAccount{signer}, msg
	}
}

// consents returns up to 200 consents whose status is (not, with active
// false) ACTIVE, with an end after the block time when active.
func consents(ctx context.Context, k keeper.Keeper, active bool) []types.Consent {
	now := blockTime(ctx)
	var out []types.Consent
	_ = k.Consents.Walk(ctx, nil, func(_ uint64, c types.Consent) (bool, error) {
		isActive := c.Status == types.ConsentStatus_CONSENT_STATUS_ACTIVE
		if active && isActive && c.End.After(now.Add(time.Second)) || !active && !isActive {
			out = append(out, c)
		}
		return len(out) >= 200, nil
	})
	return out
}

// Amend moves an active consent's end; signed by another account than the
// patient (or a guardian) it is refused.
func Amend(k keeper.Keeper, byPatient bool) simsx.SimMsgFactoryFn[*types.MsgAmendConsent] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAmendConsent) {
		c := csim.Pick(data, reporter, "active consent", consents(ctx, k, true))
		if reporter.IsSkipped() {
			return nil, nil
		}
		signer := data.GetAccount(reporter, c.Patient)
		if !byPatient {
			signer = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(signer), notGuardianOf(ctx, k, signer))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		end := blockTime(ctx).Add(time.Duration(data.Rand().IntInRange(1, 60*24)) * time.Hour)
		return []simsx.SimAccount{signer}, &types.MsgAmendConsent{
			Signer: signer.AddressBech32, ConsentID: c.ID, Categories: c.Categories, AllCategories: c.AllCategories, End: end,
		}
	}
}

func notGuardianOf(ctx context.Context, k keeper.Keeper, patient simsx.SimAccount) simsx.SimAccountFilter {
	return simsx.SimAccountFilterFn(func(a simsx.SimAccount) bool {
		has, _ := k.Guardians.Has(ctx, collections.Join(patient.Address, a.Address))
		return !has
	})
}

func reason(data *simsx.ChainDataSource) types.RevocationReason {
	for {
		r := types.RevocationReason(data.Rand().IntInRange(1, len(types.RevocationReason_name)))
		if _, ok := types.RevocationReason_name[int32(r)]; ok {
			return r
		}
	}
}

// Revoke revokes an active consent; with active false a revoked or expired
// one, which is refused.
func Revoke(k keeper.Keeper, active bool) simsx.SimMsgFactoryFn[*types.MsgRevokeConsent] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRevokeConsent) {
		c := csim.Pick(data, reporter, "consent", consents(ctx, k, active))
		if reporter.IsSkipped() {
			return nil, nil
		}
		signer := data.GetAccount(reporter, c.Patient)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgRevokeConsent{Signer: signer.AddressBech32, ConsentID: c.ID, Reason: reason(data)}
	}
}

// RevokeAll revokes all of a patient's consents to a grantee; with some
// false names a pair with none active, which is refused.
func RevokeAll(k keeper.Keeper, some bool) simsx.SimMsgFactoryFn[*types.MsgRevokeAllForGrantee] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRevokeAllForGrantee) {
		var patient, grantee simsx.SimAccount
		if some {
			c := csim.Pick(data, reporter, "active consent", consents(ctx, k, true))
			if reporter.IsSkipped() {
				return nil, nil
			}
			patient, grantee = data.GetAccount(reporter, c.Patient), data.GetAccount(reporter, c.Grantee)
		} else {
			patient = csim.Patient(ctx, data, reporter, k.ConsortiumKeeper())
			grantee = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(patient))
			if reporter.IsSkipped() {
				return nil, nil
			}
			var any bool
			_ = k.ActiveByPair.Walk(ctx, collections.NewSuperPrefixedTripleRange[sdk.AccAddress, sdk.AccAddress, uint64](patient.Address, grantee.Address),
				func(collections.Triple[sdk.AccAddress, sdk.AccAddress, uint64]) (bool, error) {
					any = true
					return true, nil
				})
			if any {
				reporter.Skip("the pair has active consents")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{patient}, &types.MsgRevokeAllForGrantee{
			Signer: patient.AddressBech32, Patient: patient.AddressBech32, Grantee: grantee.AddressBech32, Reason: reason(data),
		}
	}
}

// AppointGuardian appoints another account a patient's guardian for up to a
// year; with valid false its end is in the past, which is refused.
func AppointGuardian(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgAppointGuardian] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAppointGuardian) {
		patient := csim.Patient(ctx, data, reporter, k.ConsortiumKeeper())
		guardian := data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(patient))
		if reporter.IsSkipped() {
			return nil, nil
		}
		n := 0
		_ = k.Guardians.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, sdk.AccAddress](patient.Address),
			func(collections.Pair[sdk.AccAddress, sdk.AccAddress], types.Guardianship) (bool, error) {
				n++
				return false, nil
			})
		if n >= types.MaxGuardiansPerPatient-1 {
			reporter.Skip("patient has its guardians")
			return nil, nil
		}
		end := blockTime(ctx).Add(time.Duration(data.Rand().IntInRange(24, 365*24)) * time.Hour)
		if !valid {
			end = blockTime(ctx).Add(-time.Hour)
		}
		return []simsx.SimAccount{patient}, &types.MsgAppointGuardian{Patient: patient.AddressBech32, Guardian: guardian.AddressBech32, End: end}
	}
}

// RemoveGuardian removes a guardianship; with known false one that does not
// exist, which is refused.
func RemoveGuardian(k keeper.Keeper, known bool) simsx.SimMsgFactoryFn[*types.MsgRemoveGuardian] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRemoveGuardian) {
		var patient, guardian simsx.SimAccount
		if known {
			var gs []types.Guardianship
			_ = k.Guardians.Walk(ctx, nil, func(_ collections.Pair[sdk.AccAddress, sdk.AccAddress], g types.Guardianship) (bool, error) {
				gs = append(gs, g)
				return len(gs) >= 200, nil
			})
			g := csim.Pick(data, reporter, "guardianship", gs)
			if reporter.IsSkipped() {
				return nil, nil
			}
			patient, guardian = data.GetAccount(reporter, g.Patient), data.GetAccount(reporter, g.Guardian)
		} else {
			patient = data.AnyAccount(reporter)
			guardian = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(patient))
			if reporter.IsSkipped() {
				return nil, nil
			}
			if has, _ := k.Guardians.Has(ctx, collections.Join(patient.Address, guardian.Address)); has {
				reporter.Skip("is a guardian")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{patient}, &types.MsgRemoveGuardian{Patient: patient.AddressBech32, Guardian: guardian.AddressBech32}
	}
}

// sealedJustification is a justification of the form the chain checks: a
// 32-byte commitment and an age file of one padded block.
func sealedJustification(data *simsx.ChainDataSource) ([]byte, []byte) {
	r := data.Rand()
	commitment := make([]byte, types.JustificationCommitmentSize)
	for i := range commitment {
		commitment[i] = byte(r.IntInRange(0, 256))
	}
	body := bytes.Repeat([]byte{byte(r.IntInRange(0, 256))}, types.JustificationPadding+64)
	return commitment, append([]byte("age-encryption.org/v1\n"), body...)
}

// BreakGlass is a hospital opening a patient's records in an emergency; with
// hospital false the signer holds no hospital role, which is refused.
func BreakGlass(k keeper.Keeper, hospital bool) simsx.SimMsgFactoryFn[*types.MsgBreakGlass] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgBreakGlass) {
		rc := k.ConsortiumKeeper()
		patient := csim.Patient(ctx, data, reporter, rc)
		var member simsx.SimAccount
		if hospital {
			member = csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL)
		} else {
			member = csim.Outsider(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		if member.Address.Equals(patient.Address) {
			reporter.Skip("member is the patient")
			return nil, nil
		}
		if hospital {
			params, err := k.Params.Get(ctx)
			if err != nil {
				reporter.Skipf("params: %s", err)
				return nil, nil
			}
			if w, err := k.RateWindows.Get(ctx, member.Address); err == nil &&
				blockTime(ctx).Before(w.Start.Add(params.BreakGlassRateWindow)) && w.Count >= params.BreakGlassMaxPerWindow {
				reporter.Skip("member at its break-glass rate limit")
				return nil, nil
			}
		}
		commitment, ciphertext := sealedJustification(data)
		return []simsx.SimAccount{member}, &types.MsgBreakGlass{
			Member: member.AddressBech32, Patient: patient.AddressBech32, JustificationCommitment: commitment, JustificationCiphertext: ciphertext,
		}
	}
}

// UpdateParams sets the default params with a random break-glass rate; signed
// by another account than the authority it is refused.
func UpdateParams(k keeper.Keeper, authority bool) simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		signer := csim.Authority(data, reporter)
		if !authority {
			signer = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(signer))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		p := types.DefaultParams()
		p.BreakGlassMaxPerWindow = uint32(data.Rand().IntInRange(3, 10))
		return []simsx.SimAccount{signer}, &types.MsgUpdateParams{Authority: signer.AddressBech32, Params: p}
	}
}
