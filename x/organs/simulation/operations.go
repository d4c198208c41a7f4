package simulation

import (
	"context"
	"fmt"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/isbt128"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/organs/keeper"
	"github.com/healthchain/healthd/x/organs/types"
)

// Register adds x/organs' operations: opening donation cases (deceased
// donors) and recording their blood group, the flow past it (flow.go), with
// refusals, and params.
func Register(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	reg.Add(weights.Get("organs_open_case", 6), csim.Succeed(OpenCase(k, caseOK)))
	reg.Add(weights.Get("organs_open_case_fin_not_owned", 2), csim.Refuse(d, csim.Errs(types.ErrFINNotOwned), OpenCase(k, caseFINNotOwned)))
	reg.Add(weights.Get("organs_open_case_bad_check_character", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidDIN), OpenCase(k, caseBadCheck)))
	reg.Add(weights.Get("organs_record_abo", 4), csim.Attempt(d, csim.Errs(types.ErrABOConfirmed), RecordABO(k, true)))
	reg.Add(weights.Get("organs_record_abo_not_opo", 2), csim.Refuse(d, csim.Errs(types.ErrNotCaseOPO, ctypes.ErrMissingRole, ctypes.ErrNotMember), RecordABO(k, false)))
	reg.Add(weights.Get("organs_set_staff", 5), csim.Succeed(SetStaff(k, true)))
	reg.Add(weights.Get("organs_set_staff_member", 1), csim.Refuse(d, csim.Errs(types.ErrInvalidStaff), SetStaff(k, false)))
	reg.Add(weights.Get("organs_register_logger", 3), csim.Succeed(RegisterLogger(k, true)))
	reg.Add(weights.Get("organs_register_logger_taken", 1), csim.Refuse(d, csim.Errs(types.ErrLoggerExists), RegisterLogger(k, false)))
	reg.Add(weights.Get("organs_post_readings", 5), csim.Succeed(PostReadings(k, true)))
	reg.Add(weights.Get("organs_post_readings_forged", 2), csim.Refuse(d, csim.Errs(types.ErrBadSignature), PostReadings(k, false)))
	reg.Add(weights.Get("organs_confirm_abo", 10), csim.Succeed(ConfirmABO(k, true)))
	reg.Add(weights.Get("organs_confirm_abo_same_person", 2), csim.Refuse(d, csim.Errs(types.ErrSamePerson), ConfirmABO(k, false)))
	reg.Add(weights.Get("organs_recover", 6), csim.Succeed(RecoverOrgan(k, true)))
	reg.Add(weights.Get("organs_recover_unknown_type", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidOrganType), RecoverOrgan(k, false)))
	reg.Add(weights.Get("organs_post_match_run", 8), csim.Succeed(PostMatchRun(k, true)))
	reg.Add(weights.Get("organs_post_match_run_abo_unconfirmed", 2), csim.Refuse(d, csim.Errs(types.ErrABONotConfirmed), PostMatchRun(k, false)))
	reg.Add(weights.Get("organs_offer", 8), csim.Succeed(Offer(k, true)))
	reg.Add(weights.Get("organs_offer_out_of_order", 2), csim.Refuse(d, csim.Errs(types.ErrSkippedCandidate), Offer(k, false)))
	reg.Add(weights.Get("organs_respond_offer", 8), csim.Succeed(RespondOffer(k, true)))
	reg.Add(weights.Get("organs_respond_offer_other_centre", 2), csim.Refuse(d, csim.Errs(types.ErrNotCandidateCentre), RespondOffer(k, false)))
	reg.Add(weights.Get("organs_skip_candidate", 2), csim.Succeed(SkipCandidate(k, true)))
	reg.Add(weights.Get("organs_skip_candidate_not_expired", 2), csim.Refuse(d, csim.Errs(types.ErrOfferNotExpired), SkipCandidate(k, false)))
	reg.Add(weights.Get("organs_hand_off", 6), csim.Succeed(HandOff(k, true)))
	reg.Add(weights.Get("organs_hand_off_not_holder", 2), csim.Refuse(d, csim.Errs(types.ErrNotHolder), HandOff(k, false)))
	reg.Add(weights.Get("organs_accept_hand_off", 6), csim.Succeed(AcceptHandOff(k, true)))
	reg.Add(weights.Get("organs_accept_hand_off_not_recipient", 2), csim.Refuse(d, csim.Errs(types.ErrNoHandOff), AcceptHandOff(k, false)))
	reg.Add(weights.Get("organs_cancel_hand_off", 1), csim.Succeed(CancelHandOff(k)))
	reg.Add(weights.Get("organs_transplant", 8), csim.Succeed(Transplant(k, true)))
	reg.Add(weights.Get("organs_transplant_wrong_recipient", 2), csim.Refuse(d, csim.Errs(types.ErrRecipientMismatch), Transplant(k, false)))
	reg.Add(weights.Get("organs_discard", 1), csim.Succeed(Discard(k, true)))
	reg.Add(weights.Get("organs_discard_not_holder", 2), csim.Refuse(d, csim.Errs(types.ErrNotHolder), Discard(k, false)))
	reg.Add(weights.Get("organs_update_params", 1), csim.Succeed(UpdateParams(true)))
	reg.Add(weights.Get("organs_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(false)))
}

type caseMode int

const (
	caseOK caseMode = iota
	caseFINNotOwned
	caseBadCheck
)

// din is an ISBT 128 DIN under fin in its eye-readable form: the 13
// characters and the ISO 7064 MOD 37-2 check character.
func din(data *simsx.ChainDataSource, fin string) string {
	s := fmt.Sprintf("%s26%06d", fin, data.Rand().IntInRange(0, 1_000_000))
	c, err := isbt128.CheckCharacter(s)
	if err != nil {
		panic(err)
	}
	return s + string(c)
}

// OpenCase is an organ procurement organisation opening a deceased donor's
// case under a DIN of its own FIN; caseFINNotOwned uses a FIN nobody holds
// and caseBadCheck a wrong check character, both refused.
func OpenCase(k keeper.Keeper, mode caseMode) simsx.SimMsgFactoryFn[*types.MsgOpenCase] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgOpenCase) {
		rc := k.ConsortiumKeeper()
		opo := csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_ORGAN_PROCUREMENT)
		if !reporter.IsSkipped() && isStaff(ctx, k, opo.Address) {
			reporter.Skip("the OPO's account is another's staff")
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		m, err := rc.GetMember(ctx, opo.Address)
		if err != nil || len(m.FINs) == 0 {
			reporter.Skip("OPO without an ISBT 128 FIN")
			return nil, nil
		}
		fin := m.FINs[0]
		if mode == caseFINNotOwned {
			fin = "Z9999"
		}
		id := din(data, fin)
		if mode == caseBadCheck {
			c := id[13]
			if c == '0' {
				c = '1'
			} else {
				c = '0'
			}
			id = id[:13] + string(c)
		}
		if has, _ := k.Cases.Has(ctx, id); has {
			reporter.Skip("DIN used")
			return nil, nil
		}
		commitment := make([]byte, 32)
		for i := range commitment {
			commitment[i] = byte(data.Rand().IntInRange(1, 256))
		}
		return []simsx.SimAccount{opo}, &types.MsgOpenCase{Actor: opo.AddressBech32, DIN: id, AuthorisationCommitment: commitment}
	}
}

// RecordABO is the case's OPO recording the donor's blood group; with
// byOPO false another member, which is refused.
func RecordABO(k keeper.Keeper, byOPO bool) simsx.SimMsgFactoryFn[*types.MsgRecordABO] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRecordABO) {
		var cases []types.Case
		_ = k.Cases.Walk(ctx, nil, func(_ string, c types.Case) (bool, error) {
			if c.ABOConfirmedBy == "" {
				cases = append(cases, c)
			}
			return len(cases) >= 300, nil
		})
		c := csim.Pick(data, reporter, "open case", cases)
		if reporter.IsSkipped() {
			return nil, nil
		}
		var actor simsx.SimAccount
		if byOPO {
			actor = person(ctx, k, data, reporter, c.OPO, "", ctypes.Role_ROLE_ORGAN_PROCUREMENT)
		} else {
			// Neither the OPO nor its staff (who act for it).
			actor = data.AnyAccountN(10, reporter, simsx.SimAccountFilterFn(func(a simsx.SimAccount) bool { return !actsFor(ctx, k, a, c.OPO) }))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgRecordABO{Actor: actor.AddressBech32, DIN: c.DIN, ABO: types.ABO(data.Rand().IntInRange(1, 5))}
	}
}
