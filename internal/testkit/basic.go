package testkit

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BasicCase is a message and the registered error its ValidateBasic must
// return (nil: it must pass).
type BasicCase struct {
	Msg  sdk.HasValidateBasic
	Want error
}

// ValidateBasic runs each case as a subtest: a message's stateless checks,
// which CheckTx runs.
func ValidateBasic(t *testing.T, cases map[string]BasicCase) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := tc.Msg.ValidateBasic()
			if tc.Want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.Want)
		})
	}
}

// Case is a BasicCase: msg, and the registered error its ValidateBasic must
// return (nil: it must pass).
func Case(msg sdk.HasValidateBasic, want error) BasicCase { return BasicCase{Msg: msg, Want: want} }
