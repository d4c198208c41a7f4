package types

import (
	"encoding/hex"
	"strings"
	"time"

	errorsmod "cosmossdk.io/errors"
)

// DefaultParams: the bridge is off until genesis or the authority gives the
// chain a role and pins its trusted counterparties; packets time out after
// ten minutes.
func DefaultParams() Params {
	return Params{Role: ChainRole_CHAIN_ROLE_UNSPECIFIED, PacketTimeout: 10 * time.Minute}
}

// Validate checks the bounds.
func (p Params) Validate() error {
	if _, ok := ChainRole_name[int32(p.Role)]; !ok {
		return errorsmod.Wrapf(ErrInvalidParams, "unknown role %d", int32(p.Role))
	}
	if p.PacketTimeout < time.Minute || p.PacketTimeout > 7*24*time.Hour {
		return errorsmod.Wrap(ErrInvalidParams, "packet_timeout must be between 1m and 168h")
	}
	if len(p.TrustedCounterparties) > MaxTrustedCounterparties {
		return errorsmod.Wrapf(ErrInvalidParams, "at most %d trusted counterparties", MaxTrustedCounterparties)
	}
	seen := map[string]bool{}
	for _, c := range p.TrustedCounterparties {
		if err := c.Validate(); err != nil {
			return err
		}
		if seen[c.ChainID] {
			return errorsmod.Wrapf(ErrInvalidParams, "counterparty %q listed twice", c.ChainID)
		}
		seen[c.ChainID] = true
	}
	return nil
}

// Counterparty returns the trusted counterparty with the chain id.
func (p Params) Counterparty(chainID string) (TrustedCounterparty, bool) {
	for _, c := range p.TrustedCounterparties {
		if c.ChainID == chainID {
			return c, true
		}
	}
	return TrustedCounterparty{}, false
}

// Validate checks a pin: a chain id, a non-zero height, two 32-byte hashes in
// upper-case hex (as CometBFT prints them) and a time a Timestamp holds.
func (c TrustedCounterparty) Validate() error {
	if c.ChainID == "" || len(c.ChainID) > MaxChainIDLength || strings.TrimSpace(c.ChainID) != c.ChainID {
		return errorsmod.Wrapf(ErrInvalidParams, "counterparty chain id %q: want 1 to %d bytes", c.ChainID, MaxChainIDLength)
	}
	for i := 0; i < len(c.ChainID); i++ {
		if c.ChainID[i] < 0x21 || c.ChainID[i] > 0x7e {
			return errorsmod.Wrapf(ErrInvalidParams, "counterparty chain id %q is not printable ASCII", c.ChainID)
		}
	}
	if c.RevisionHeight == 0 {
		return errorsmod.Wrapf(ErrInvalidParams, "counterparty %s: revision_height 0", c.ChainID)
	}
	if err := checkHash(c.AppHash); err != nil {
		return errorsmod.Wrapf(err, "counterparty %s: app_hash", c.ChainID)
	}
	if err := checkHash(c.NextValidatorsHash); err != nil {
		return errorsmod.Wrapf(err, "counterparty %s: next_validators_hash", c.ChainID)
	}
	if s := c.Timestamp.Unix(); s <= 0 || s > MaxUnixTime {
		return errorsmod.Wrapf(ErrInvalidParams, "counterparty %s: timestamp %s is not after 1970 and before 10000", c.ChainID, c.Timestamp)
	}
	return nil
}

func checkHash(h string) error {
	if len(h) != 64 || strings.ToUpper(h) != h {
		return errorsmod.Wrapf(ErrInvalidParams, "want 64 upper-case hex digits, got %q", h)
	}
	if _, err := hex.DecodeString(h); err != nil {
		return errorsmod.Wrapf(ErrInvalidParams, "not hex: %q", h)
	}
	return nil
}
