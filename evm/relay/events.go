package relay

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Kinds of healthd settlement events.
const (
	kindLocked    = "locked"
	kindRevealed  = "revealed"
	kindLapsed    = "lapsed"
	kindConfirmed = "confirmed"
)

// eventNames maps the message name of healthd's typed events (the ABCI event
// type is the proto full name, healthd.claims.v1.EventClaimSettlementLocked;
// the relay matches on the part after the package) to flow and kind.
var eventNames = map[string][2]string{
	"EventClaimSettlementLocked":       {FlowClaim, kindLocked},
	"EventClaimSettlementRevealed":     {FlowClaim, kindRevealed},
	"EventClaimSettlementLapsed":       {FlowClaim, kindLapsed},
	"EventClaimSettlementConfirmed":    {FlowClaim, kindConfirmed},
	"EventShipmentSettlementConfirmed": {FlowShipment, kindConfirmed},
	"EventShipmentSettlementLocked":    {FlowShipment, kindLocked},
	"EventShipmentSettlementRevealed":  {FlowShipment, kindRevealed},
	"EventShipmentSettlementLapsed":    {FlowShipment, kindLapsed},
}

// settlementEvent is one healthd settlement event, checked and normalised.
type settlementEvent struct {
	flow, kind string
	ref        string // claim_id or shipment_id
	lockID     string
	hashlock   string
	preimage   string
	reason     string
	timelock   uint64
	deadline   uint64
	receiver   string // checksummed 0x address
	token      string
	amount     string // decimal
}

// parseSettlementEvent returns the settlement event e is, ok false when e is
// some other event, or an error when e is a settlement event the relay cannot
// read (reported; the relay does not guess).
func parseSettlementEvent(e Event) (settlementEvent, bool, error) {
	name := e.Type
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	fk, ok := eventNames[name]
	if !ok {
		return settlementEvent{}, false, nil
	}
	ev := settlementEvent{flow: fk[0], kind: fk[1]}
	refKey := "claim_id"
	if ev.flow == FlowShipment {
		refKey = "shipment_id"
	}
	var err error
	field := func(key string) string {
		v, ok := e.Attrs[key]
		if !ok && err == nil {
			err = fmt.Errorf("%s: no attribute %s", e.Type, key)
		}
		return v
	}
	ev.ref = field(refKey)
	ev.lockID = field("evm_lock_id")
	ev.hashlock = field("hashlock")
	if err != nil {
		return ev, true, err
	}
	if ev.lockID, err = hex32(ev.lockID); err != nil {
		return ev, true, fmt.Errorf("%s %s: evm_lock_id: %w", e.Type, ev.ref, err)
	}
	if ev.hashlock, err = hex32(ev.hashlock); err != nil {
		return ev, true, fmt.Errorf("%s %s: hashlock: %w", e.Type, ev.ref, err)
	}
	switch ev.kind {
	case kindLocked:
		tl, dl, recv, tok, amt := field("evm_timelock"), field("deadline"), field("evm_receiver"), field("evm_token"), field("evm_amount")
		if err != nil {
			return ev, true, err
		}
		if ev.timelock, err = strconv.ParseUint(tl, 10, 64); err != nil {
			return ev, true, fmt.Errorf("%s %s: evm_timelock %q", e.Type, ev.ref, tl)
		}
		if ev.deadline, err = strconv.ParseUint(dl, 10, 64); err != nil {
			return ev, true, fmt.Errorf("%s %s: deadline %q", e.Type, ev.ref, dl)
		}
		if !common.IsHexAddress(recv) || !common.IsHexAddress(tok) {
			return ev, true, fmt.Errorf("%s %s: evm_receiver %q or evm_token %q is not an address", e.Type, ev.ref, recv, tok)
		}
		ev.receiver, ev.token = common.HexToAddress(recv).Hex(), common.HexToAddress(tok).Hex()
		n, ok := new(big.Int).SetString(amt, 10)
		if !ok || n.Sign() <= 0 || n.BitLen() > 256 {
			return ev, true, fmt.Errorf("%s %s: evm_amount %q", e.Type, ev.ref, amt)
		}
		ev.amount = n.String()
	case kindRevealed:
		p := field("preimage")
		if err != nil {
			return ev, true, err
		}
		if ev.preimage, err = hex32(p); err != nil {
			return ev, true, fmt.Errorf("%s %s: preimage: %w", e.Type, ev.ref, err)
		}
		pre, _ := hex.DecodeString(ev.preimage)
		sum := sha256.Sum256(pre)
		if hex.EncodeToString(sum[:]) != ev.hashlock {
			return ev, true, fmt.Errorf("%s %s: sha256(preimage) is not the hashlock", e.Type, ev.ref)
		}
	case kindLapsed:
		ev.reason = e.Attrs["reason"]
	}
	return ev, true, nil
}

// hex32 normalises 32 bytes of hex (with or without 0x, any case) to lowercase without 0x.
func hex32(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return "", fmt.Errorf("%q is not 32 bytes of hex", s)
	}
	return hex.EncodeToString(b), nil
}

func mustBytes32(s string) [32]byte {
	var out [32]byte
	copy(out[:], common.FromHex(s))
	return out
}
