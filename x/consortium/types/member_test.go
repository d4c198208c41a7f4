package types_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"

	cstestutil "github.com/healthchain/healthd/x/consortium/testutil"
	"github.com/healthchain/healthd/x/consortium/types"
)

var (
	healthCodec = addresscodec.NewBech32Codec("health")
	t0          = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)
)

func bech32(t *testing.T, prefix string, b byte) string {
	t.Helper()
	bz := make([]byte, 20)
	for i := range bz {
		bz[i] = b + byte(i)
	}
	s, err := addresscodec.NewBech32Codec(prefix).BytesToString(bz)
	require.NoError(t, err)
	return s
}

func TestValidateName(t *testing.T) {
	valid := []string{
		"A",
		"Acme Laboratory",
		"O'Brien & Sons, Inc. (Pty) Ltd.",
		"Hôpital Saint-Louis",
		"Szpital Wojewódzki w Łodzi",
		strings.Repeat("a", types.MaxNameLength),
		strings.Repeat("é", types.MaxNameLength), // 140 characters, 280 bytes
	}
	for _, name := range valid {
		require.NoError(t, types.ValidateName(name), "%q", name)
	}

	invalid := []struct {
		name, in, msg string
	}{
		{"empty", "", "empty"},
		{"space only", " ", "leading or trailing"},
		{"spaces only", "     ", "leading or trailing"},
		{"leading space", " Acme", "leading or trailing"},
		{"trailing space", "Acme ", "leading or trailing"},
		{"leading tab", "\tAcme", "leading or trailing"},
		{"trailing newline", "Acme\n", "leading or trailing"},
		{"inner newline", "Acme\nLab", "outside the accepted set"},
		{"inner tab", "Acme\tLab", "outside the accepted set"},
		{"NUL", "Acme\x00", "outside the accepted set"},
		{"DEL", "Acme\x7fLab", "outside the accepted set"},
		{"zero-width space", "Acme\u200bLab", "outside the accepted set"},
		{"right-to-left override", "Acme\u202eLab", "outside the accepted set"},
		{"no-break space", "Acme\u00a0Lab", "outside the accepted set"},
		// A fixed set, not unicode.IsPrint (whose tables change between Go
		// releases): other scripts and symbols are outside it.
		{"CJK", "東京大学医学部附属病院", "outside the accepted set"},
		{"symbol", "Clinic ⚕", "outside the accepted set"},
		{"Cyrillic look-alike", "Аcme Lab", "outside the accepted set"},
		{"emoji", "Clinic 🏥", "outside the accepted set"},
		{"invalid UTF-8", "Acme\xffLab", "UTF-8"},
		{"too long ASCII", strings.Repeat("a", types.MaxNameLength+1), "at most 140"},
		{"too long multi-byte", strings.Repeat("é", types.MaxNameLength+1), "141 characters"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			err := types.ValidateName(tc.in)
			require.ErrorIs(t, err, types.ErrInvalidName)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestValidateReason(t *testing.T) {
	valid := []string{
		"x",
		"licence lapsed on 2026-01-31; see proposal #12",
		"Prüfung läuft",
		strings.Repeat("r", types.MaxReasonLength),
		strings.Repeat("ü", types.MaxReasonLength),
	}
	for _, reason := range valid {
		require.NoError(t, types.ValidateReason(reason), "%q", reason)
	}

	invalid := []struct {
		name, in, msg string
	}{
		{"empty", "", "required"},
		{"spaces", "   ", "required"},
		{"whitespace", " \t\r\n ", "required"},
		{"inner newline", "line1\nline2", "outside the accepted set"},
		{"NUL", "audit\x00", "outside the accepted set"},
		{"zero-width joiner only around text", "a\u200db", "outside the accepted set"},
		{"invalid UTF-8", "audit \xc3", "UTF-8"},
		{"too long", strings.Repeat("r", types.MaxReasonLength+1), "at most 280"},
		{"too long multi-byte", strings.Repeat("ü", types.MaxReasonLength+1), "281 characters"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			err := types.ValidateReason(tc.in)
			require.ErrorIs(t, err, types.ErrInvalidReason)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestValidateIdentifiers(t *testing.T) {
	valid := []struct{ npi, gln, dea string }{
		{"1234567893", "", ""},
		{"1245319599", "", ""},
		{"1679576722", "", ""},
		{"1003000126", "", ""},
		{"", "0614141000005", ""},
		{"", "0614141000012", ""},
		{"", "5901234123457", ""},
		{"", "", "AB1234563"},
		{"", "", "BJ1234563"},
		{"", "", "MZ7654329"},
		{"1234567893", "0614141000005", "AB1234563"},
	}
	for _, tc := range valid {
		require.NoError(t, types.ValidateIdentifiers(tc.npi, tc.gln, tc.dea), "%+v", tc)
	}

	invalid := []struct {
		name, npi, gln, dea, msg string
	}{
		{"none", "", "", "", "at least one"},
		{"bad NPI", "1234567890", "", "", "NPI"},
		{"bad GLN", "", "0614141000006", "", "GLN"},
		{"bad DEA", "", "", "AB1234564", "DEA number"},
		{"good NPI, bad GLN", "1234567893", "0614141000006", "", "GLN"},
		{"good NPI and GLN, bad DEA", "1234567893", "0614141000005", "AB1234564", "DEA number"},
		{"NPI too long", "12345678931", "", "", "NPI"},
		{"GLN with a space", "", "0614141 00005", "", "GLN"},
		{"DEA lower case", "", "", "ab1234563", "DEA number"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			err := types.ValidateIdentifiers(tc.npi, tc.gln, tc.dea)
			require.ErrorIs(t, err, types.ErrInvalidIdentifier)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}

// validMember is a member record that passes Member.Validate.
func validMember(t *testing.T, b byte) types.Member {
	return types.Member{
		Address:         bech32(t, "health", b),
		Name:            "Member",
		Roles:           []types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY},
		NPI:             cstestutil.NPI([]byte{b}),
		Status:          types.MemberStatus_MEMBER_STATUS_ACTIVE,
		AdmittedAt:      t0,
		StatusChangedAt: t0,
	}
}

func TestMemberValidate(t *testing.T) {
	cases := []struct {
		name     string
		malleate func(m *types.Member)
		expErr   error
		msg      string
	}{
		{"valid active", func(*types.Member) {}, nil, ""},
		{"valid suspended", func(m *types.Member) {
			m.Status, m.SuspensionReason = types.MemberStatus_MEMBER_STATUS_SUSPENDED, "audit"
		}, nil, ""},
		{"valid with zero times (founder)", func(m *types.Member) { m.AdmittedAt, m.StatusChangedAt = time.Time{}, time.Time{} }, nil, ""},
		{"empty address", func(m *types.Member) { m.Address = "" }, types.ErrInvalidAddress, ""},
		{"other prefix", func(m *types.Member) { m.Address = bech32(t, "cosmos", 1) }, types.ErrInvalidAddress, ""},
		{"validator prefix", func(m *types.Member) { m.Address = bech32(t, "healthvaloper", 1) }, types.ErrInvalidAddress, ""},
		{"bad name", func(m *types.Member) { m.Name = " x" }, types.ErrInvalidName, ""},
		{"no roles", func(m *types.Member) { m.Roles = nil }, types.ErrInvalidRole, "at least one role"},
		{"unsorted roles", func(m *types.Member) {
			m.Roles = []types.Role{types.Role_ROLE_LABORATORY, types.Role_ROLE_HOSPITAL}
		}, types.ErrInvalidRole, "roles must be sorted"},
		{"duplicate roles", func(m *types.Member) {
			m.Roles = []types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_HOSPITAL}
		}, types.ErrInvalidRole, "listed twice"},
		{"unspecified role", func(m *types.Member) { m.Roles = []types.Role{types.Role_ROLE_UNSPECIFIED} }, types.ErrInvalidRole, ""},
		{"no identifier", func(m *types.Member) { m.NPI = "" }, types.ErrInvalidIdentifier, ""},
		{"bad GLN", func(m *types.Member) { m.GLN = "0614141000006" }, types.ErrInvalidIdentifier, "GLN"},
		{"active with a reason", func(m *types.Member) { m.SuspensionReason = "stale" }, types.ErrInvalidReason, "active member has a suspension reason"},
		{"suspended without reason", func(m *types.Member) { m.Status = types.MemberStatus_MEMBER_STATUS_SUSPENDED }, types.ErrInvalidReason, "required"},
		{"suspended with blank reason", func(m *types.Member) {
			m.Status, m.SuspensionReason = types.MemberStatus_MEMBER_STATUS_SUSPENDED, "  "
		}, types.ErrInvalidReason, ""},
		{"unspecified status", func(m *types.Member) { m.Status = types.MemberStatus_MEMBER_STATUS_UNSPECIFIED }, types.ErrInvalidGenesis, "MEMBER_STATUS_UNSPECIFIED"},
		{"unknown status", func(m *types.Member) { m.Status = types.MemberStatus(7) }, types.ErrInvalidGenesis, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := validMember(t, 1)
			tc.malleate(&m)
			err := m.Validate(healthCodec)
			if tc.expErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.expErr)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}
