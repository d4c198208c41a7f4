package app

import (
	"os"
	"path/filepath"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// Name is the application name.
	Name = "healthd"
	// AccountAddressPrefix is the bech32 prefix of account addresses (health1...).
	AccountAddressPrefix = "health"
	// BondDenom is the staking and fee denomination.
	BondDenom = "uhealth"
)

// DefaultNodeHome is the default home of the node and client: ~/.healthd.
var DefaultNodeHome string

func init() {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	DefaultNodeHome = filepath.Join(home, ".healthd")
	sdk.DefaultBondDenom = BondDenom
	SetAddressConfig()
}

// SetAddressConfig sets the bech32 prefixes of healthd addresses. The SDK keeps
// them in a process-wide config, which the root command seals.
func SetAddressConfig() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount(AccountAddressPrefix, AccountAddressPrefix+sdk.PrefixPublic)
	cfg.SetBech32PrefixForValidator(AccountAddressPrefix+sdk.PrefixValidator+sdk.PrefixOperator, AccountAddressPrefix+sdk.PrefixValidator+sdk.PrefixOperator+sdk.PrefixPublic)
	cfg.SetBech32PrefixForConsensusNode(AccountAddressPrefix+sdk.PrefixValidator+sdk.PrefixConsensus, AccountAddressPrefix+sdk.PrefixValidator+sdk.PrefixConsensus+sdk.PrefixPublic)
}
