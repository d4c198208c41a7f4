package app_test

import (
	"testing"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/stretchr/testify/require"

	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
	organstypes "github.com/healthchain/healthd/x/organs/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
	trialstypes "github.com/healthchain/healthd/x/trials/types"
)

// TestAminoNames registers every healthd module's amino names, as the app
// does when the binary starts: a name over amino's 39 characters, or one
// used twice, panics there, and keeper tests never register them.
func TestAminoNames(t *testing.T) {
	cdc := codec.NewLegacyAmino()
	for name, register := range map[string]func(*codec.LegacyAmino){
		"bridge": bridgetypes.RegisterLegacyAminoCodec, "claims": claimstypes.RegisterLegacyAminoCodec,
		"consent": consenttypes.RegisterLegacyAminoCodec, "consortium": consortiumtypes.RegisterLegacyAminoCodec,
		"drugtrace": drugtracetypes.RegisterLegacyAminoCodec, "organs": organstypes.RegisterLegacyAminoCodec,
		"records": recordstypes.RegisterLegacyAminoCodec, "trials": trialstypes.RegisterLegacyAminoCodec,
	} {
		require.NotPanics(t, func() { register(cdc) }, name)
	}
}
