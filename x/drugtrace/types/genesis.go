package types

import (
	"fmt"
	"math"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/gs1"
)

// MaxSequence bounds the shipment, alert and event sequences: the keeper
// refuses to go past it rather than wrap.
const MaxSequence = math.MaxUint64 - 1

// DefaultGenesisState has default params and no products.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextShipmentID: 1, NextAlertID: 1, NextEventSeq: 1}
}

// Validate checks identifiers and that no unit, product or container appears twice.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	// As in every module, ids start at 1 (0 means "none") and a sequence
	// holds the next id to hand out, never above MaxSequence.
	for name, next := range map[string]uint64{"next_shipment_id": gs.NextShipmentID, "next_alert_id": gs.NextAlertID, "next_event_seq": gs.NextEventSeq} {
		if next == 0 || next > MaxSequence {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s %d not in 1..%d", name, next, uint64(MaxSequence))
		}
	}
	products := map[string]bool{}
	for _, p := range gs.Products {
		if err := gs1.ValidateGTIN14(p.GTIN); err != nil || products[p.GTIN] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "product %q invalid or listed twice", p.GTIN)
		}
		products[p.GTIN] = true
	}
	units := map[string]bool{}
	for _, u := range gs.Units {
		key := UnitKey(u.GTIN, u.Serial)
		if !products[u.GTIN] || gs1.ValidateSerial(u.Serial) != nil || gs1.ValidateLot(u.Lot) != nil || units[key] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "unit %q invalid, of an unknown product, or listed twice", key)
		}
		units[key] = true
	}
	containers := map[string]bool{}
	for _, c := range gs.Containers {
		if gs1.ValidateSSCC(c.SSCC) != nil || containers[c.SSCC] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "container %q invalid or listed twice", c.SSCC)
		}
		containers[c.SSCC] = true
	}
	for _, h := range gs.Histories {
		if !units[h.Unit] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "history of unknown unit %q", h.Unit)
		}
		for _, e := range h.Events {
			if e.Seq == 0 || e.Seq >= gs.NextEventSeq {
				return errorsmod.Wrapf(ErrInvalidGenesis, "event seq %d not in 1..%d", e.Seq, gs.NextEventSeq-1)
			}
		}
	}
	for _, a := range gs.Alerts {
		if a.ID == 0 || a.ID >= gs.NextAlertID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "alert id %d not below next id %d", a.ID, gs.NextAlertID)
		}
	}
	for _, r := range gs.Recalls {
		if _, err := ParseLot(r.GTIN, r.Lot); err != nil || !products[r.GTIN] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "recall of GTIN %q lot %q: invalid or of an unknown product", r.GTIN, r.Lot)
		}
		if err := ValidateRecall(r.Class, r.ReasonCode); err != nil || r.Reason != RecallCode(r.Class, r.ReasonCode) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "recall of GTIN %s lot %s: class, reason code or code %q invalid", r.GTIN, r.Lot, r.Reason)
		}
	}
	shipments := make(map[uint64]Shipment, len(gs.Shipments))
	for _, s := range gs.Shipments {
		if s.ID == 0 || s.ID >= gs.NextShipmentID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "shipment id %d not below next id %d", s.ID, gs.NextShipmentID)
		}
		shipments[s.ID] = s
	}
	return validateSettlements(gs.Settlements, gs.Hashlocks, shipments)
}

// validateSettlements checks the settlements against their shipments and the
// hashlock index: one settlement per shipment, each well formed, LOCKED only
// on a shipment in transit and REVEALED only on a received one; every
// hashlock listed once, naming a shipment with a settlement; and each
// settlement's own hashlock listed under its shipment.
func validateSettlements(settlements []Settlement, hashlocks []HashlockEntry, shipments map[uint64]Shipment) error {
	index := make(map[string]uint64, len(hashlocks))
	for _, h := range hashlocks {
		if len(h.Hashlock) != HashlockLength {
			return errorsmod.Wrapf(ErrInvalidGenesis, "hashlock %x: %d bytes", h.Hashlock, len(h.Hashlock))
		}
		if _, dup := index[string(h.Hashlock)]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "hashlock %x listed twice", h.Hashlock)
		}
		index[string(h.Hashlock)] = h.ShipmentID
	}
	seen := make(map[uint64]bool, len(settlements))
	for _, s := range settlements {
		if err := s.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of shipment %d: %s", s.ShipmentID, err)
		}
		sh, ok := shipments[s.ShipmentID]
		if !ok || seen[s.ShipmentID] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of shipment %d: unknown shipment or listed twice", s.ShipmentID)
		}
		seen[s.ShipmentID] = true
		if owner, ok := index[string(s.Hashlock)]; !ok || owner != s.ShipmentID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of shipment %d: hashlock %x not indexed under it", s.ShipmentID, s.Hashlock)
		}
		switch {
		case s.Status == SettlementStatus_SETTLEMENT_STATUS_LOCKED && sh.Status != ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT,
			s.Status == SettlementStatus_SETTLEMENT_STATUS_REVEALED && sh.Status != ShipmentStatus_SHIPMENT_STATUS_RECEIVED:
			return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of shipment %d is %s but the shipment is %s", sh.ID, s.Status, sh.Status)
		}
	}
	for _, h := range hashlocks {
		if !seen[h.ShipmentID] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "hashlock %x names shipment %d, which has no settlement", h.Hashlock, h.ShipmentID)
		}
	}
	return nil
}
