package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/consortium/types"
)

func TestGenesisStateValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesisState().Validate(healthCodec))
	require.Empty(t, types.DefaultGenesisState().Members)

	cases := []struct {
		name     string
		malleate func(gs *types.GenesisState)
		msg      string // empty: valid
	}{
		{"three valid members", func(*types.GenesisState) {}, ""},
		{"valid suspended member", func(gs *types.GenesisState) {
			gs.Members[1].Status = types.MemberStatus_MEMBER_STATUS_SUSPENDED
			gs.Members[1].SuspensionReason = "inspection"
		}, ""},
		{"duplicate address", func(gs *types.GenesisState) {
			gs.Members[2].Address = gs.Members[0].Address
		}, "listed twice"},
		{"duplicate address", func(gs *types.GenesisState) {
			gs.Members[2].Address = gs.Members[0].Address
		}, "listed twice"},
		{"address in upper case", func(gs *types.GenesisState) {
			gs.Members[2].Address = strings.ToUpper(gs.Members[2].Address)
		}, "canonical"},
		{"unsorted roles", func(gs *types.GenesisState) {
			gs.Members[1].Roles = []types.Role{types.Role_ROLE_REGULATOR, types.Role_ROLE_PAYER}
		}, "roles must be sorted"},
		{"suspended member without reason", func(gs *types.GenesisState) {
			gs.Members[2].Status = types.MemberStatus_MEMBER_STATUS_SUSPENDED
		}, "a reason is required"},
		{"active member with a reason", func(gs *types.GenesisState) {
			gs.Members[0].SuspensionReason = "left over"
		}, "active member has a suspension reason"},
		{"member of another chain", func(gs *types.GenesisState) {
			gs.Members[1].Address = bech32(t, "cosmos", 9)
		}, "invalid address"},
		{"invalid identifier", func(gs *types.GenesisState) {
			gs.Members[1].DEA = "AB1234564"
		}, "DEA number"},
		// External identifiers are unique across members (regression: two
		// members could share an NPI, GLN or DEA number).
		{"NPI of another member", func(gs *types.GenesisState) {
			gs.Members[2].NPI = gs.Members[0].NPI
		}, "already belongs to member"},
		{"GLN of another member", func(gs *types.GenesisState) {
			gs.Members[0].GLN, gs.Members[2].GLN = "0614141000029", "0614141000029"
		}, "already belongs to member"},
		{"DEA number of another member", func(gs *types.GenesisState) {
			gs.Members[0].DEA, gs.Members[1].DEA = "AB1234563", "AB1234563"
		}, "already belongs to member"},
		{"same GS1 company prefix", func(gs *types.GenesisState) {
			gs.Members[0].GS1CompanyPrefixes = []string{"0614141"}
			gs.Members[2].GS1CompanyPrefixes = []string{"0614141"}
		}, "overlaps"},
		{"GS1 company prefix extending another's", func(gs *types.GenesisState) {
			gs.Members[0].GS1CompanyPrefixes = []string{"061414"}
			gs.Members[2].GS1CompanyPrefixes = []string{"06141419", "4006381"}
		}, "overlaps"},
		{"distinct GS1 company prefixes", func(gs *types.GenesisState) {
			gs.Members[0].GS1CompanyPrefixes = []string{"0614141", "9506000"}
			gs.Members[2].GS1CompanyPrefixes = []string{"0614142"}
		}, ""},
		{"unsorted GS1 company prefixes", func(gs *types.GenesisState) {
			gs.Members[0].GS1CompanyPrefixes = []string{"9506000", "0614141"}
		}, "must be sorted"},
		{"malformed GS1 company prefix", func(gs *types.GenesisState) {
			gs.Members[0].GS1CompanyPrefixes = []string{"06141"}
		}, "6 to 12 digits"},
		{"status unspecified", func(gs *types.GenesisState) {
			gs.Members[0].Status = types.MemberStatus_MEMBER_STATUS_UNSPECIFIED
		}, "MEMBER_STATUS_UNSPECIFIED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := &types.GenesisState{Members: []types.Member{validMember(t, 1), validMember(t, 40), validMember(t, 80)}}
			gs.Members[1].Roles = []types.Role{types.Role_ROLE_PAYER}
			tc.malleate(gs)
			err := gs.Validate(healthCodec)
			if tc.msg == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}
