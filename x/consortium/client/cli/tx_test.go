package cli_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/consortium/client/cli"
	"github.com/healthchain/healthd/x/consortium/types"
)

const (
	authority = "health10d07y265gmmuvt4z0w9aw880jnsr700jvss730"
	member    = "health1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn7kysxg"
)

// TestBuildAdmitMemberRefusesBadIdentifiers: the CLI used to build (and sign)
// an admission with any NPI; it now refuses a malformed identifier before a
// transaction exists (regression for `admit-member ... --npi 1234567890`).
func TestBuildAdmitMemberRefusesBadIdentifiers(t *testing.T) {
	for _, tc := range []struct {
		name, npi, gln, dea string
		prefixes, fins      []string
	}{
		{name: "NPI with a wrong check digit", npi: "1234567890"},
		{name: "NPI of letters", npi: "ABCDEFGHIJ"},
		{name: "NPI too short", npi: "123456789"},
		{name: "GLN with a wrong check digit", gln: "0614141000006"},
		{name: "DEA with a wrong check digit", dea: "AB1234564"},
		{name: "no identifier"},
		{name: "GS1 company prefix of 5 digits", npi: "1234567893", prefixes: []string{"12345"}},
		{name: "GS1 company prefix with a letter", npi: "1234567893", prefixes: []string{"061414A"}},
		{name: "FIN of 4 characters", npi: "1234567893", fins: []string{"G123"}},
		{name: "FIN beginning with O", npi: "1234567893", fins: []string{"O1234"}},
		{name: "FIN in lower case", npi: "1234567893", fins: []string{"g1234"}},
		{name: "FIN given twice", npi: "1234567893", fins: []string{"G1234", "G1234"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cli.BuildAdmitMember(authority, member, "Acme", []string{"hospital"}, tc.npi, tc.gln, tc.dea, tc.prefixes, tc.fins)
			require.ErrorIs(t, err, types.ErrInvalidIdentifier)
			_, err = cli.BuildUpdateIdentifiers(authority, member, tc.npi, tc.gln, tc.dea, tc.prefixes, tc.fins)
			require.ErrorIs(t, err, types.ErrInvalidIdentifier)
		})
	}
	_, err := cli.BuildAdmitMember(authority, member, "Acme\u202e", []string{"hospital"}, "1234567893", "", "", nil, nil)
	require.ErrorIs(t, err, types.ErrInvalidName)
	_, err = cli.BuildAdmitMember(authority, member, "Acme", []string{"astronaut"}, "1234567893", "", "", nil, nil)
	require.ErrorIs(t, err, types.ErrInvalidRole)

	msg, err := cli.BuildAdmitMember(authority, member, "Northwind", []string{"manufacturer", "distributor"}, "", "0614141000029", "", []string{"0614141"}, nil)
	require.NoError(t, err)
	require.Equal(t, []types.Role{types.Role_ROLE_MANUFACTURER, types.Role_ROLE_DISTRIBUTOR}, msg.Roles)
	require.Equal(t, []string{"0614141"}, msg.GS1CompanyPrefixes)

	opo, err := cli.BuildAdmitMember(authority, member, "Lakeside", []string{"organ-procurement"}, "", "0614141000043", "", nil, []string{"G1234", "A9999"})
	require.NoError(t, err)
	require.Equal(t, []string{"G1234", "A9999"}, opo.FINs, "the msg server sorts them")
}

// TestValidateBasic: BaseApp runs ValidateBasic at CheckTx, so a malformed
// admission never reaches a block.
func TestValidateBasic(t *testing.T) {
	ok := types.MsgAdmitMember{Authority: authority, Address: member, Name: "Acme", Roles: []types.Role{types.Role_ROLE_HOSPITAL}, NPI: "1234567893"}
	require.NoError(t, ok.ValidateBasic())
	for _, npi := range []string{"1234567890", "ABCDEFGHIJ"} {
		bad := ok
		bad.NPI = npi
		require.ErrorIs(t, bad.ValidateBasic(), types.ErrInvalidIdentifier, npi)
	}
	bad := ok
	bad.Address = ""
	require.ErrorIs(t, bad.ValidateBasic(), types.ErrInvalidAddress)
	require.ErrorIs(t, (&types.MsgUpdateRoles{Address: member}).ValidateBasic(), types.ErrInvalidRole)
	require.ErrorIs(t, (&types.MsgSuspendMember{Address: member, Reason: " "}).ValidateBasic(), types.ErrInvalidReason)
	require.ErrorIs(t, (&types.MsgUpdateIdentifiers{Address: member, NPI: "1234567890"}).ValidateBasic(), types.ErrInvalidIdentifier)
}
