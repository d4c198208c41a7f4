package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
)

// The stateless checks below run at CheckTx (BaseApp calls ValidateBasic):
// a message with a malformed account, GTIN, serial, lot, expiry date, SSCC,
// unit identifier, reference or code, an empty or oversized list or a
// duplicate in it never reaches a block. The msg server repeats them and adds
// what needs state: roles, custody, the block time (an expiry already past),
// the params' batch cap, what is commissioned, held or recalled.
var (
	_ sdk.HasValidateBasic = (*MsgRegisterProduct)(nil)
	_ sdk.HasValidateBasic = (*MsgCommission)(nil)
	_ sdk.HasValidateBasic = (*MsgPack)(nil)
	_ sdk.HasValidateBasic = (*MsgUnpack)(nil)
	_ sdk.HasValidateBasic = (*MsgShip)(nil)
	_ sdk.HasValidateBasic = (*MsgReceive)(nil)
	_ sdk.HasValidateBasic = (*MsgRefuseShipment)(nil)
	_ sdk.HasValidateBasic = (*MsgDispense)(nil)
	_ sdk.HasValidateBasic = (*MsgDecommission)(nil)
	_ sdk.HasValidateBasic = (*MsgQuarantine)(nil)
	_ sdk.HasValidateBasic = (*MsgRelease)(nil)
	_ sdk.HasValidateBasic = (*MsgConfirmIllegitimate)(nil)
	_ sdk.HasValidateBasic = (*MsgRecall)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
	_ sdk.HasValidateBasic = (*MsgLockShipmentSettlement)(nil)
	_ sdk.HasValidateBasic = (*MsgConfirmShipmentSettlement)(nil)
)

func checkAddress(field, s string) error { return addrs.Check(ErrInvalidAddress, field, s) }

func checkShipmentID(id uint64) error {
	if id == 0 {
		return errorsmod.Wrap(ErrShipmentNotFound, "shipment 0 names no shipment")
	}
	return nil
}

// ValidateBasic checks the manufacturer, GTIN, NDC, name, strength and form.
func (m *MsgRegisterProduct) ValidateBasic() error {
	if err := checkAddress("manufacturer", m.Manufacturer); err != nil {
		return err
	}
	if _, err := ParseGTIN(m.GTIN); err != nil {
		return err
	}
	if err := ValidateNDC(m.NDC); err != nil {
		return err
	}
	if err := ValidateText("name", m.Name, true); err != nil {
		return err
	}
	if err := ValidateText("strength", m.Strength, false); err != nil {
		return err
	}
	return ValidateText("form", m.Form, false)
}

// ValidateBasic checks the manufacturer, GTIN, lot, expiry date (its format;
// whether it is past needs the block time) and serials.
func (m *MsgCommission) ValidateBasic() error {
	if err := checkAddress("manufacturer", m.Manufacturer); err != nil {
		return err
	}
	if _, err := ParseLot(m.GTIN, m.Lot); err != nil {
		return err
	}
	if _, err := ParseExpiryDate(m.Expiry); err != nil {
		return err
	}
	return checkSerials(m.Serials)
}

// ValidateBasic checks the actor, the SSCC and what goes into it.
func (m *MsgPack) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	sscc, err := ParseSSCCRef(m.SSCC)
	if err != nil {
		return err
	}
	return checkItems(m.Units, m.Containers, sscc)
}

// ValidateBasic checks the actor and the SSCC.
func (m *MsgUnpack) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	_, err := ParseSSCCRef(m.SSCC)
	return err
}

// ValidateBasic checks the accounts, the transaction reference and what is shipped.
func (m *MsgShip) ValidateBasic() error {
	if err := addrs.CheckAll(ErrInvalidAddress, "actor", m.Actor, "to", m.To); err != nil {
		return err
	}
	if m.To == m.Actor {
		return errorsmod.Wrap(ErrInvalidRecipient, "shipping to oneself")
	}
	if m.TransactionReference != "" {
		if err := ValidateReference("transaction reference", m.TransactionReference); err != nil {
			return err
		}
	}
	return checkItems(m.Units, m.Containers, "")
}

// ValidateBasic checks the actor and the shipment id.
func (m *MsgReceive) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if n := len(m.SettlementPreimage); n != 0 && n != PreimageLength {
		return errorsmod.Wrapf(ErrPreimageMismatch, "settlement_preimage is %d bytes, want %d", n, PreimageLength)
	}
	return checkShipmentID(m.ShipmentID)
}

// ValidateBasic checks the actor, the shipment id and the lock's fields.
func (m *MsgLockShipmentSettlement) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if err := checkShipmentID(m.ShipmentID); err != nil {
		return err
	}
	_, err := m.Lock().Normalize()
	return err
}

// ValidateBasic checks the actor, the shipment id and the hashlock's length.
func (m *MsgConfirmShipmentSettlement) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if len(m.Hashlock) != HashlockLength {
		return errorsmod.Wrapf(ErrInvalidSettlement, "hashlock is %d bytes, want %d", len(m.Hashlock), HashlockLength)
	}
	return checkShipmentID(m.ShipmentID)
}

// Lock returns the lock the message declares.
func (m *MsgLockShipmentSettlement) Lock() SettlementLock {
	return SettlementLock{Hashlock: m.Hashlock, EVMLockID: m.EVMLockID, EVMTimelock: m.EVMTimelock,
		EVMReceiver: m.EVMReceiver, EVMToken: m.EVMToken, EVMAmount: m.EVMAmount}
}

// ValidateBasic checks the actor and the shipment id.
func (m *MsgRefuseShipment) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	return checkShipmentID(m.ShipmentID)
}

// ValidateBasic checks the actor, the unit, the patient's account and the
// prescription when one is named (whether the product needs one is in
// state).
func (m *MsgDispense) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if _, err := CheckUnitRef(m.Unit); err != nil {
		return err
	}
	if err := addrs.Check(ErrInvalidReference, "patient reference (the patient's pseudonymous account address)", m.PatientRef); err != nil {
		return err
	}
	return ValidatePrescription(m.PrescriptionID, m.PrescriptionCommitment)
}

// ValidateBasic checks the actor, the unit and the reason.
func (m *MsgDecommission) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if _, err := CheckUnitRef(m.Unit); err != nil {
		return err
	}
	if _, ok := DecommissionDisposition(m.Reason); !ok {
		return errorsmod.Wrapf(ErrInvalidStatus, "decommission reason %d", int32(m.Reason))
	}
	return nil
}

// ValidateBasic checks the actor and the unit or lot.
func (m *MsgQuarantine) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	return checkTarget(m.Unit, m.GTIN, m.Lot)
}

// ValidateBasic checks the actor and the unit or lot.
func (m *MsgRelease) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	return checkTarget(m.Unit, m.GTIN, m.Lot)
}

// ValidateBasic checks the actor and the unit.
func (m *MsgConfirmIllegitimate) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	_, err := CheckUnitRef(m.Unit)
	return err
}

// ValidateBasic checks the actor, the lot, the class and the reason code.
func (m *MsgRecall) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if _, err := ParseLot(m.GTIN, m.Lot); err != nil {
		return err
	}
	return ValidateRecall(m.Class, m.ReasonCode)
}

// ValidateBasic checks the authority's address and the params.
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := checkAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}
