// Package testkit is the fixture kit of healthd's keeper tests: deterministic
// accounts under the chain's bech32 prefix, a context over a fresh store at a
// fixed block time, raw store dumps, typed-event capture and one assertion
// for a refused call ("refused, and nothing changed").
//
// It imports no x/ module, so every module's tests can use it, x/consortium's
// included. A real x/consortium for the other modules' tests is in the
// members sub-package.
package testkit

import (
	"crypto/sha256"

	"cosmossdk.io/core/address"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
)

// AccountPrefix is the chain's bech32 account prefix (app.AccountAddressPrefix;
// app imports every module, so it cannot be imported here: TestPrefixIsTheApps
// keeps the two equal).
const AccountPrefix = "health"

// AddressCodec encodes account addresses with AccountPrefix, as the keepers do.
var AddressCodec address.Codec = addresscodec.NewBech32Codec(AccountPrefix)

// Gov is the x/gov module account, the keepers' authority in tests.
var Gov = String(authtypes.NewModuleAddress("gov"))

func init() { setAddressConfig() }

// setAddressConfig sets the SDK's process-wide bech32 prefixes as
// app.SetAddressConfig does, once for every test binary that uses the kit.
func setAddressConfig() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount(AccountPrefix, AccountPrefix+sdk.PrefixPublic)
	cfg.SetBech32PrefixForValidator(AccountPrefix+sdk.PrefixValidator+sdk.PrefixOperator, AccountPrefix+sdk.PrefixValidator+sdk.PrefixOperator+sdk.PrefixPublic)
	cfg.SetBech32PrefixForConsensusNode(AccountPrefix+sdk.PrefixValidator+sdk.PrefixConsensus, AccountPrefix+sdk.PrefixValidator+sdk.PrefixConsensus+sdk.PrefixPublic)
}

// Addr returns a deterministic 20-byte account address derived from seed.
// Name fixtures by role: Addr("manufacturer"), Addr("patient-2").
func Addr(seed string) sdk.AccAddress {
	h := sha256.Sum256([]byte(seed))
	return sdk.AccAddress(h[:20])
}

// String renders addr with AccountPrefix.
func String(addr sdk.AccAddress) string {
	s, err := AddressCodec.BytesToString(addr)
	if err != nil {
		panic(err) // a byte slice always encodes
	}
	return s
}

// OtherPrefix renders addr with the "cosmos" prefix, which this chain refuses.
func OtherPrefix(addr sdk.AccAddress) string {
	s, err := addresscodec.NewBech32Codec("cosmos").BytesToString(addr)
	if err != nil {
		panic(err)
	}
	return s
}
