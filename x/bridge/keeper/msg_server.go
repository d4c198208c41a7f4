package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/bridge/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

type msgServer struct{ *Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the Msg service of the keeper.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{Keeper: k} }

// SendPrescription implements types.MsgServer.
func (ms msgServer) SendPrescription(ctx context.Context, msg *types.MsgSendPrescription) (*types.MsgSendPrescriptionResponse, error) {
	prescriber, err := ms.parseAddress("prescriber", msg.Prescriber)
	if err != nil {
		return nil, err
	}
	patient, err := ms.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireRole(ctx, types.ChainRole_CHAIN_ROLE_HOSPITAL); err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, prescriber, consortiumtypes.Role_ROLE_HOSPITAL); err != nil {
		return nil, err
	}
	if err := types.ValidateProduct(msg.GTIN, msg.NDC); err != nil {
		return nil, err
	}
	if err := types.ValidateAmounts(msg.Quantity, msg.Refills); err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	validUntil := msg.ValidUntil.UTC().Truncate(time.Second) // what is stored and sent
	if !validUntil.After(now) || validUntil.After(now.Add(types.MaxValidityDays*24*time.Hour)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidPrescription, "valid_until must be after now and within %d days", types.MaxValidityDays)
	}
	counterparty, err := ms.counterpartyOfChannel(ctx, msg.ChannelID)
	if err != nil {
		return nil, err
	}
	id, err := nextID(ctx, ms.PrescriptionSeq)
	if err != nil {
		return nil, err
	}
	p := types.Prescription{
		ID: id, Prescriber: ms.addrString(prescriber), Patient: ms.addrString(patient), GTIN: msg.GTIN, NDC: msg.NDC,
		Quantity: msg.Quantity, Refills: msg.Refills, ValidUntil: validUntil, IssuedAt: now, ChannelID: msg.ChannelID,
		CounterpartyChainID: counterparty,
	}
	seq, err := ms.sendPrescription(ctx, &p)
	if err != nil {
		return nil, err
	}
	if err := ms.PrescriptionsByPatient.Set(ctx, collections.Join(p.Patient, p.ID)); err != nil {
		return nil, err
	}
	return &types.MsgSendPrescriptionResponse{ID: id, Sequence: seq}, nil
}

// sendPrescription sends p on its channel and stores it as pending.
func (ms msgServer) sendPrescription(ctx context.Context, p *types.Prescription) (uint64, error) {
	data := types.PacketData{Flow: &types.PacketData_Prescription{Prescription: &types.PrescriptionPacket{
		ID: p.ID, Prescriber: p.Prescriber, Patient: p.Patient, GTIN: p.GTIN, NDC: p.NDC,
		Quantity: p.Quantity, Refills: p.Refills, ValidUntil: unix(p.ValidUntil),
	}}}
	seq, err := ms.send(ctx, p.ChannelID, data, p.ID)
	if err != nil {
		return 0, err
	}
	p.Sequence = seq
	if err := ms.setStatus(ctx, p, types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING); err != nil {
		return 0, err
	}
	return seq, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventPrescriptionSent{
		ID: p.ID, ChannelID: p.ChannelID, Sequence: seq, Prescriber: p.Prescriber,
	})
}

// ResendPrescription implements types.MsgServer.
func (ms msgServer) ResendPrescription(ctx context.Context, msg *types.MsgResendPrescription) (*types.MsgResendPrescriptionResponse, error) {
	prescriber, err := ms.parseAddress("prescriber", msg.Prescriber)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireRole(ctx, types.ChainRole_CHAIN_ROLE_HOSPITAL); err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, prescriber, consortiumtypes.Role_ROLE_HOSPITAL); err != nil {
		return nil, err
	}
	p, err := ms.Prescriptions.Get(ctx, msg.ID)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrPrescriptionNotFound, "%d", msg.ID)
	} else if err != nil {
		return nil, err
	}
	if p.Prescriber != ms.addrString(prescriber) {
		return nil, errorsmod.Wrapf(types.ErrNotPrescriber, "prescription %d", p.ID)
	}
	if p.Status != types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED {
		return nil, errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d is %s; only an undelivered one is re-sent", p.ID, p.Status)
	}
	if !p.ValidAt(sdk.UnwrapSDKContext(ctx).BlockTime()) {
		return nil, errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d is no longer valid", p.ID)
	}
	// Over the counterparty's open channel: the one it was sent on, or its
	// successor if the authority retired that one.
	if p.ChannelID, err = ms.channelTo(ctx, p.CounterpartyChainID); err != nil {
		return nil, err
	}
	seq, err := ms.sendPrescription(ctx, &p)
	if err != nil {
		return nil, err
	}
	return &types.MsgResendPrescriptionResponse{Sequence: seq}, nil
}

// RequestVerification implements types.MsgServer.
func (ms msgServer) RequestVerification(ctx context.Context, msg *types.MsgRequestVerification) (*types.MsgRequestVerificationResponse, error) {
	requester, err := ms.parseAddress("requester", msg.Requester)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireRole(ctx, types.ChainRole_CHAIN_ROLE_HOSPITAL); err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, requester, consortiumtypes.Role_ROLE_HOSPITAL, consortiumtypes.Role_ROLE_PHARMACY); err != nil {
		return nil, err
	}
	if err := types.CheckUnitRef(msg.Unit); err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if _, err := drugtracetypes.ParseUnitRef(msg.Unit, now); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidUnit, err.Error())
	}
	id, err := nextID(ctx, ms.VerificationSeq)
	if err != nil {
		return nil, err
	}
	data := types.PacketData{Flow: &types.PacketData_Verify{Verify: &types.VerifyPacket{RequestID: id, Unit: msg.Unit}}}
	seq, err := ms.send(ctx, msg.ChannelID, data, id)
	if err != nil {
		return nil, err
	}
	v := types.Verification{
		ID: id, Requester: ms.addrString(requester), Unit: msg.Unit, ChannelID: msg.ChannelID, Sequence: seq,
		Status: types.VerificationStatus_VERIFICATION_STATUS_PENDING, AskedAt: now,
	}
	if err := ms.Verifications.Set(ctx, id, v); err != nil {
		return nil, err
	}
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventVerification{ID: id, Status: v.Status}); err != nil {
		return nil, err
	}
	return &types.MsgRequestVerificationResponse{ID: id, Sequence: seq}, nil
}

// ResendNotice implements types.MsgServer.
func (ms msgServer) ResendNotice(ctx context.Context, msg *types.MsgResendNotice) (*types.MsgResendNoticeResponse, error) {
	sender, err := ms.parseAddress("sender", msg.Sender)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireRole(ctx, types.ChainRole_CHAIN_ROLE_PHARMA); err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireActive(ctx, sender); err != nil {
		return nil, err
	}
	u, err := ms.Undelivered.Get(ctx, msg.ID)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNotFound, "undelivered notice %d", msg.ID)
	} else if err != nil {
		return nil, err
	}
	if u.Reason == types.UndeliveredReason_UNDELIVERED_REASON_REFUSED {
		return nil, errorsmod.Wrapf(types.ErrNotResendable, "notice %d was refused by the hospital chain", u.ID)
	}
	data, err := types.DecodePacket(u.Data)
	if err != nil {
		return nil, err
	}
	channelID, err := ms.channelTo(ctx, u.CounterpartyChainID)
	if err != nil {
		return nil, err
	}
	seq, err := ms.send(ctx, channelID, data, 0)
	if err != nil {
		return nil, err
	}
	if err := ms.Undelivered.Remove(ctx, u.ID); err != nil {
		return nil, err
	}
	return &types.MsgResendNoticeResponse{Sequence: seq}, nil
}

// UpdateParams implements types.MsgServer.
func (ms msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, ms.Params.Set(ctx, msg.Params)
}

// TrustCounterparty implements types.MsgServer: the authority pins a
// counterparty chain to a header it has checked, adding it or replacing the
// pin of the same chain id (which stops the channels over clients checked
// against the old pin until they are checked against the new one).
func (ms msgServer) TrustCounterparty(ctx context.Context, msg *types.MsgTrustCounterparty) (*types.MsgTrustCounterpartyResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Counterparty.Validate(); err != nil {
		return nil, err
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	tc := msg.Counterparty
	tc.Timestamp = tc.Timestamp.UTC()
	list := make([]types.TrustedCounterparty, 0, len(params.TrustedCounterparties)+1)
	for _, c := range params.TrustedCounterparties {
		if c.ChainID != tc.ChainID {
			list = append(list, c)
		}
	}
	params.TrustedCounterparties = append(list, tc)
	if err := params.Validate(); err != nil {
		return nil, err
	}
	if err := ms.Params.Set(ctx, params); err != nil {
		return nil, err
	}
	return &types.MsgTrustCounterpartyResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventCounterpartyTrusted{
		ChainID: tc.ChainID, RevisionNumber: tc.RevisionNumber, RevisionHeight: tc.RevisionHeight,
	})
}

// RetireChannel implements types.MsgServer: the authority retires an open
// bridge channel. Nothing more is sent or accepted on it (packets already in
// flight still settle), and a new channel to the same counterparty may open.
func (ms msgServer) RetireChannel(ctx context.Context, msg *types.MsgRetireChannel) (*types.MsgRetireChannelResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	bc, err := ms.Channels.Get(ctx, msg.ChannelID)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrInvalidChannel, "%q is not an open bridge channel", msg.ChannelID)
	} else if err != nil {
		return nil, err
	}
	if err := ms.Channels.Remove(ctx, bc.ChannelID); err != nil {
		return nil, err
	}
	return &types.MsgRetireChannelResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChannelRetired{
		ChannelID: bc.ChannelID, CounterpartyChainID: bc.CounterpartyChainID,
	})
}
