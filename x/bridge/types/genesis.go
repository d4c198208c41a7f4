package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"

	host "github.com/cosmos/ibc-go/v11/modules/core/24-host"

	"github.com/healthchain/healthd/internal/gs1"
)

// DefaultGenesisState is the default params and nothing else.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextPrescriptionID: 1, NextVerificationID: 1, NextUndeliveredID: 1, NextHistorySeq: 1}
}

// Validate checks the genesis state: params, unique ids below the next ids,
// known statuses, and channels that are channel identifiers.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	bad := func(format string, a ...any) error {
		return errorsmod.Wrapf(ErrInvalidGenesis, format, a...)
	}
	// Ids start at 1: every next id is at least 1.
	if gs.NextPrescriptionID == 0 || gs.NextVerificationID == 0 || gs.NextUndeliveredID == 0 || gs.NextHistorySeq == 0 {
		return bad("next ids start at 1")
	}
	seen := map[uint64]bool{}
	prescriptions := seen
	for _, p := range gs.Prescriptions {
		switch {
		case p.ID == 0 || p.ID >= gs.NextPrescriptionID:
			return bad("prescription id %d not below next id %d", p.ID, gs.NextPrescriptionID)
		case seen[p.ID]:
			return bad("prescription %d twice", p.ID)
		case p.Status == PrescriptionStatus_PRESCRIPTION_STATUS_UNSPECIFIED || PrescriptionStatus_name[int32(p.Status)] == "":
			return bad("prescription %d: status %d", p.ID, p.Status)
		case p.Prescriber == "" || p.Patient == "":
			return bad("prescription %d: prescriber and patient required", p.ID)
		}
		if err := ValidateProduct(p.GTIN, p.NDC); err != nil {
			return bad("prescription %d: %s", p.ID, err)
		}
		if err := ValidateAmounts(p.Quantity, p.Refills); err != nil {
			return bad("prescription %d: %s", p.ID, err)
		}
		if p.Dispensed > p.Quantity*(1+p.Refills) {
			return bad("prescription %d: more dispensed than prescribed", p.ID)
		}
		seen[p.ID] = true
	}
	sources := map[string]bool{}
	for _, p := range gs.Prescriptions {
		if err := host.ChannelIdentifierValidator(p.ChannelID); err != nil {
			return bad("prescription %d: channel %q", p.ID, p.ChannelID)
		}
		if p.CounterpartyChainID == "" {
			return bad("prescription %d: no counterparty chain", p.ID)
		}
		if p.SourceID != 0 {
			k := fmt.Sprintf("%s/%d", p.CounterpartyChainID, p.SourceID)
			if sources[k] {
				return bad("prescription %d: source %s opened twice", p.ID, k)
			}
			sources[k] = true
		}
	}
	seqs := map[string]bool{}
	for _, e := range gs.MedicationHistory {
		k := fmt.Sprintf("%s/%d", e.Patient, e.Seq)
		if e.Patient == "" || e.Seq == 0 || e.Seq >= gs.NextHistorySeq || seqs[k] {
			return bad("medication entry %s: duplicate or not below next seq %d", k, gs.NextHistorySeq)
		}
		seqs[k] = true
	}
	seen = map[uint64]bool{}
	for _, v := range gs.Verifications {
		if v.ID == 0 || v.ID >= gs.NextVerificationID || seen[v.ID] {
			return bad("verification %d: duplicate or not below next id %d", v.ID, gs.NextVerificationID)
		}
		seen[v.ID] = true
	}
	verifications := seen
	seen = map[uint64]bool{}
	for _, u := range gs.Undelivered {
		if u.ID == 0 || u.ID >= gs.NextUndeliveredID || seen[u.ID] {
			return bad("undelivered %d: duplicate or not below next id %d", u.ID, gs.NextUndeliveredID)
		}
		d, err := DecodePacket(u.Data)
		if err != nil {
			return bad("undelivered %d: %s", u.ID, err)
		}
		if d.Kind() != u.Kind || (u.Kind != PacketKind_PACKET_KIND_DISPENSE && u.Kind != PacketKind_PACKET_KIND_RECALL) {
			return bad("undelivered %d: kind %s does not match a %s notice", u.ID, u.Kind, d.Kind())
		}
		if u.ChannelID != "" && host.ChannelIdentifierValidator(u.ChannelID) != nil {
			return bad("undelivered %d: channel %q", u.ID, u.ChannelID)
		}
		if u.CounterpartyChainID == "" {
			return bad("undelivered %d: no counterparty chain", u.ID)
		}
		seen[u.ID] = true
	}
	lots := map[string]bool{}
	for _, n := range gs.RecallNotices {
		k := n.GTIN + "/" + n.Lot
		if gs1.ValidateGTIN14(n.GTIN) != nil || gs1.ValidateLot(n.Lot) != nil || lots[k] {
			return bad("recall notice %s: invalid or duplicate", k)
		}
		if n.Notifying != (n.NextPatient != "") {
			return bad("recall notice %s: notifying and next_patient disagree", k)
		}
		lots[k] = true
	}
	pend := map[string]bool{}
	for _, p := range gs.Pending {
		k := fmt.Sprintf("%s/%d", p.ChannelID, p.Sequence)
		if err := host.ChannelIdentifierValidator(p.ChannelID); err != nil || p.Sequence == 0 || pend[k] {
			return bad("pending packet %s", k)
		}
		switch p.Kind {
		case PacketKind_PACKET_KIND_PRESCRIPTION:
			if !prescriptions[p.Ref] {
				return bad("pending packet %s: prescription %d not in genesis", k, p.Ref)
			}
		case PacketKind_PACKET_KIND_VERIFY:
			if !verifications[p.Ref] {
				return bad("pending packet %s: verification %d not in genesis", k, p.Ref)
			}
		case PacketKind_PACKET_KIND_DISPENSE, PacketKind_PACKET_KIND_RECALL:
		default:
			return bad("pending packet %s: kind %d", k, p.Kind)
		}
		pend[k] = true
	}
	chans, counterparties := map[string]bool{}, map[string]bool{}
	for _, c := range gs.Channels {
		switch {
		case host.ChannelIdentifierValidator(c.ChannelID) != nil || chans[c.ChannelID]:
			return bad("channel %q: invalid or twice", c.ChannelID)
		case host.ClientIdentifierValidator(c.ClientID) != nil:
			return bad("channel %s: client %q", c.ChannelID, c.ClientID)
		case c.CounterpartyChainID == "" || counterparties[c.CounterpartyChainID]:
			return bad("channel %s: counterparty %q missing or with a second channel", c.ChannelID, c.CounterpartyChainID)
		}
		chans[c.ChannelID], counterparties[c.CounterpartyChainID] = true, true
	}
	clients := map[string]bool{}
	for _, o := range gs.ClientOrigins {
		if host.ClientIdentifierValidator(o.ClientID) != nil || clients[o.ClientID] {
			return bad("client origin %q: invalid or twice", o.ClientID)
		}
		if err := o.Origin.Validate(); err != nil {
			return bad("client origin %s: %s", o.ClientID, err)
		}
		if o.CreatedAt < 0 {
			return bad("client origin %s: created at block %d", o.ClientID, o.CreatedAt)
		}
		clients[o.ClientID] = true
	}
	return nil
}
