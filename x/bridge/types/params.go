package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"

	host "github.com/cosmos/ibc-go/v11/modules/core/24-host"
)

// DefaultParams: the bridge is off until genesis or the authority gives the
// chain a role and names the trusted light clients; packets time out after
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
	if len(p.TrustedClients) > MaxTrustedClients {
		return errorsmod.Wrapf(ErrInvalidParams, "at most %d trusted clients", MaxTrustedClients)
	}
	seen := map[string]bool{}
	for _, c := range p.TrustedClients {
		if err := host.ClientIdentifierValidator(c); err != nil {
			return errorsmod.Wrapf(ErrInvalidParams, "trusted client %q: %s", c, err)
		}
		if seen[c] {
			return errorsmod.Wrapf(ErrInvalidParams, "trusted client %q listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

// Trusts reports whether clientID is a trusted light client.
func (p Params) Trusts(clientID string) bool {
	for _, c := range p.TrustedClients {
		if c == clientID {
			return true
		}
	}
	return false
}
