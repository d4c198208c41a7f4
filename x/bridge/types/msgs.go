package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	host "github.com/cosmos/ibc-go/v11/modules/core/24-host"

	"github.com/healthchain/healthd/internal/addrs"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// The stateless checks below run at CheckTx (BaseApp calls ValidateBasic): a
// prescription with a malformed account, product, quantity or channel id, a
// verification of a unit that does not parse, an id 0 or a malformed pin
// never reaches a block. The msg server repeats them and adds the stateful
// ones: who signs, the chain's role, membership, the block time (how long a
// prescription is valid), which channels are open bridge channels, pins.
var (
	_ sdk.HasValidateBasic = (*MsgSendPrescription)(nil)
	_ sdk.HasValidateBasic = (*MsgResendPrescription)(nil)
	_ sdk.HasValidateBasic = (*MsgRequestVerification)(nil)
	_ sdk.HasValidateBasic = (*MsgResendNotice)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
	_ sdk.HasValidateBasic = (*MsgTrustCounterparty)(nil)
	_ sdk.HasValidateBasic = (*MsgRetireChannel)(nil)
)

func checkAddresses(pairs ...string) error { return addrs.CheckAll(ErrInvalidAddress, pairs...) }

// checkChannel checks a channel id's form (ICS-24). Every channel a bridge
// channel can be was named by ibc-go, so no open bridge channel fails it.
func checkChannel(id string) error {
	if err := host.ChannelIdentifierValidator(id); err != nil {
		return errorsmod.Wrapf(ErrInvalidChannel, "channel id %q: %s", id, err)
	}
	return nil
}

func requireID(notFound *errorsmod.Error, what string, id uint64) error {
	if id == 0 {
		return errorsmod.Wrapf(notFound, "%s 0 names nothing", what)
	}
	return nil
}

// ValidateBasic checks the accounts, the product (GTIN-14 with its check
// digit, or NDC), quantity and refills, that valid_until is set, and the
// channel id. That valid_until is ahead of the block time and within
// MaxValidityDays, and that the channel is an open bridge channel, the msg
// server checks.
func (m *MsgSendPrescription) ValidateBasic() error {
	if err := checkAddresses("prescriber", m.Prescriber, "patient", m.Patient); err != nil {
		return err
	}
	if err := ValidateProduct(m.GTIN, m.NDC); err != nil {
		return err
	}
	if err := ValidateAmounts(m.Quantity, m.Refills); err != nil {
		return err
	}
	if s := m.ValidUntil.Unix(); s <= 0 || s > MaxUnixTime { // the zero time is before 1970
		return errorsmod.Wrap(ErrInvalidPrescription, "valid_until is required: a time after 1970 and before 10000")
	}
	return checkChannel(m.ChannelID)
}

// ValidateBasic checks the prescriber and the prescription id.
func (m *MsgResendPrescription) ValidateBasic() error {
	if err := checkAddresses("prescriber", m.Prescriber); err != nil {
		return err
	}
	return requireID(ErrPrescriptionNotFound, "prescription", m.ID)
}

// ValidateBasic checks the requester, the unit reference (its bounds and
// x/drugtrace's parse without a block time, which never refuses what parses
// at some block time) and the channel id.
func (m *MsgRequestVerification) ValidateBasic() error {
	if err := checkAddresses("requester", m.Requester); err != nil {
		return err
	}
	if err := CheckUnitRef(m.Unit); err != nil {
		return err
	}
	if _, err := drugtracetypes.CheckUnitRef(m.Unit); err != nil {
		return errorsmod.Wrap(ErrInvalidUnit, err.Error())
	}
	return checkChannel(m.ChannelID)
}

// ValidateBasic checks the sender and the notice id.
func (m *MsgResendNotice) ValidateBasic() error {
	if err := checkAddresses("sender", m.Sender); err != nil {
		return err
	}
	return requireID(ErrNotFound, "undelivered notice", m.ID)
}

// ValidateBasic checks the authority's address and the params (role, packet
// timeout, at most MaxTrustedCounterparties well-formed pins, no chain twice).
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := checkAddresses("authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}

// ValidateBasic checks the authority's address and the pin (chain id, height,
// hashes, time).
func (m *MsgTrustCounterparty) ValidateBasic() error {
	if err := checkAddresses("authority", m.Authority); err != nil {
		return err
	}
	return m.Counterparty.Validate()
}

// ValidateBasic checks the authority's address and the channel id.
func (m *MsgRetireChannel) ValidateBasic() error {
	if err := checkAddresses("authority", m.Authority); err != nil {
		return err
	}
	return checkChannel(m.ChannelID)
}
