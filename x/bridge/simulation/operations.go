package simulation

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/x/bridge/keeper"
	"github.com/healthchain/healthd/x/bridge/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
)

// Register adds x/bridge's operations. The simulation drives one chain and
// no relayer, so no IBC channel ever opens: the authority's messages
// (params, trusted counterparties) are accepted, and every message that
// sends a packet or names a channel is refused: on a chain without the
// flow's bridge role with ErrWrongRole, on one with it because no channel is
// open (or nothing was ever sent). Each refusal has its own factory, which
// skips when the chain's role (set at random by UpdateParams) is the other.
func Register(weights simsx.WeightSource, reg simsx.Registry, k *keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	reg.Add(weights.Get("bridge_update_params", 2), csim.Succeed(UpdateParams(k, true)))
	reg.Add(weights.Get("bridge_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(k, false)))
	reg.Add(weights.Get("bridge_trust_counterparty", 2), csim.Succeed(TrustCounterparty(true)))
	reg.Add(weights.Get("bridge_trust_counterparty_unauthorized", 1), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), TrustCounterparty(false)))
	reg.Add(weights.Get("bridge_retire_channel_none_open", 1), csim.Refuse(d, csim.Errs(types.ErrInvalidChannel), RetireChannel(k)))
	wrongRole := csim.Errs(types.ErrWrongRole)
	reg.Add(weights.Get("bridge_send_prescription_no_channel", 3), csim.Refuse(d, csim.Errs(types.ErrInvalidChannel), SendPrescription(k, true)))
	reg.Add(weights.Get("bridge_send_prescription_not_hospital_chain", 2), csim.Refuse(d, wrongRole, SendPrescription(k, false)))
	reg.Add(weights.Get("bridge_resend_prescription_none", 1), csim.Refuse(d, csim.Errs(types.ErrPrescriptionNotFound), ResendPrescription(k, true)))
	reg.Add(weights.Get("bridge_resend_prescription_not_hospital_chain", 1), csim.Refuse(d, wrongRole, ResendPrescription(k, false)))
	reg.Add(weights.Get("bridge_request_verification_no_channel", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidChannel), RequestVerification(k, true)))
	reg.Add(weights.Get("bridge_request_verification_not_hospital_chain", 1), csim.Refuse(d, wrongRole, RequestVerification(k, false)))
	reg.Add(weights.Get("bridge_resend_notice_not_pharma", 1), csim.Refuse(d, csim.Errs(types.ErrWrongRole), ResendNotice(k)))
}

// counterparties are the chain ids the authority pins (at most three, well
// under types.MaxTrustedCounterparties).
var counterparties = []string{"pharma-1", "pharma-2", "hospital-2"}

func hash(data *simsx.ChainDataSource) string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(data.Rand().IntInRange(0, 256))
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// TrustCounterparty is the authority pinning a counterparty chain to a
// header (height, time, app hash, next validators hash); signed by another
// account it is refused.
func TrustCounterparty(authority bool) simsx.SimMsgFactoryFn[*types.MsgTrustCounterparty] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgTrustCounterparty) {
		signer := csim.Authority(data, reporter)
		if !authority {
			signer = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(signer))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		return []simsx.SimAccount{signer}, &types.MsgTrustCounterparty{Authority: signer.AddressBech32, Counterparty: types.TrustedCounterparty{
			ChainID: counterparties[r.IntInRange(0, len(counterparties))], RevisionNumber: 1, RevisionHeight: uint64(r.IntInRange(1, 1_000_000)),
			Timestamp: sdk.UnwrapSDKContext(ctx).BlockTime().UTC(), AppHash: hash(data), NextValidatorsHash: hash(data),
		}}
	}
}

func role(ctx context.Context, k *keeper.Keeper) types.ChainRole {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return types.ChainRole_CHAIN_ROLE_UNSPECIFIED
	}
	return p.Role
}

// requireHospitalChain skips unless the chain is (hospital) or is not a
// hospital chain.
func requireHospitalChain(ctx context.Context, k *keeper.Keeper, reporter simsx.SimulationReporter, hospital bool) {
	if (role(ctx, k) == types.ChainRole_CHAIN_ROLE_HOSPITAL) != hospital {
		reporter.Skip("the chain's bridge role is the other")
	}
}

// RetireChannel is the authority retiring a channel; none is open, so it is
// refused.
func RetireChannel(k *keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgRetireChannel] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRetireChannel) {
		signer := csim.Authority(data, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		id := fmt.Sprintf("channel-%d", data.Rand().IntInRange(0, 10))
		if has, _ := k.Channels.Has(ctx, id); has {
			reporter.Skip("the channel is open")
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgRetireChannel{Authority: signer.AddressBech32, ChannelID: id}
	}
}

// gtin is a GTIN-14 with its GS1 check digit.
func gtin(data *simsx.ChainDataSource) string {
	body := fmt.Sprintf("0%012d", data.Rand().IntInRange(0, 1_000_000_000))
	c, err := gs1.CheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

// SendPrescription is a hospital's prescriber sending a valid prescription
// on channel-0: refused, with ErrInvalidChannel on a hospital chain (no
// channel is open) and ErrWrongRole on another (hospital false).
func SendPrescription(k *keeper.Keeper, hospital bool) simsx.SimMsgFactoryFn[*types.MsgSendPrescription] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSendPrescription) {
		requireHospitalChain(ctx, k, reporter, hospital)
		rc := k.ConsortiumKeeper()
		prescriber := csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL)
		patient := csim.Patient(ctx, data, reporter, rc)
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		return []simsx.SimAccount{prescriber}, &types.MsgSendPrescription{
			Prescriber: prescriber.AddressBech32, ChannelID: "channel-0", Patient: patient.AddressBech32, GTIN: gtin(data),
			Quantity: uint32(r.IntInRange(1, 60)), Refills: uint32(r.IntInRange(0, 4)),
			ValidUntil: sdk.UnwrapSDKContext(ctx).BlockTime().AddDate(0, 0, 30),
		}
	}
}

// ResendPrescription is a prescriber re-sending a prescription: none was
// ever sent, so on a hospital chain it is refused with
// ErrPrescriptionNotFound, on another (hospital false) with ErrWrongRole.
func ResendPrescription(k *keeper.Keeper, hospital bool) simsx.SimMsgFactoryFn[*types.MsgResendPrescription] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgResendPrescription) {
		requireHospitalChain(ctx, k, reporter, hospital)
		prescriber := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_HOSPITAL)
		if reporter.IsSkipped() {
			return nil, nil
		}
		id := uint64(data.Rand().IntInRange(1, 100))
		if has, _ := k.Prescriptions.Has(ctx, id); has {
			reporter.Skip("the prescription exists")
			return nil, nil
		}
		return []simsx.SimAccount{prescriber}, &types.MsgResendPrescription{Prescriber: prescriber.AddressBech32, ID: id}
	}
}

// RequestVerification is a hospital asking the pharma chain to verify a
// unit (GTIN/serial) on channel-0: refused, as SendPrescription.
func RequestVerification(k *keeper.Keeper, hospital bool) simsx.SimMsgFactoryFn[*types.MsgRequestVerification] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRequestVerification) {
		requireHospitalChain(ctx, k, reporter, hospital)
		requester := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_HOSPITAL, ctypes.Role_ROLE_PHARMACY)
		if reporter.IsSkipped() {
			return nil, nil
		}
		unit := fmt.Sprintf("%s/SN%06d", gtin(data), data.Rand().IntInRange(0, 1_000_000))
		return []simsx.SimAccount{requester}, &types.MsgRequestVerification{Requester: requester.AddressBech32, ChannelID: "channel-0", Unit: unit}
	}
}

// ResendNotice is a member re-sending an undelivered notice, which only a
// pharma chain keeps; the simulated chain never is one, so it is refused.
func ResendNotice(k *keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgResendNotice] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgResendNotice) {
		if role(ctx, k) == types.ChainRole_CHAIN_ROLE_PHARMA {
			reporter.Skip("a pharma chain")
			return nil, nil
		}
		sender := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_PHARMACY)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{sender}, &types.MsgResendNotice{Sender: sender.AddressBech32, ID: uint64(data.Rand().IntInRange(1, 100))}
	}
}
