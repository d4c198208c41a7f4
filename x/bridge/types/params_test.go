package types_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/bridge/types"
)

func clients(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("07-tendermint-%d", i)
	}
	return out
}

func validParams() types.Params {
	return types.Params{
		Role:           types.ChainRole_CHAIN_ROLE_HOSPITAL,
		TrustedClients: []string{"07-tendermint-0", "07-tendermint-12"},
		PacketTimeout:  10 * time.Minute,
	}
}

func TestParamsValidate(t *testing.T) {
	with := func(m func(*types.Params)) types.Params {
		p := validParams()
		m(&p)
		return p
	}
	valid := map[string]types.Params{
		"default":            types.DefaultParams(),
		"hospital":           validParams(),
		"pharma":             with(func(p *types.Params) { p.Role = types.ChainRole_CHAIN_ROLE_PHARMA }),
		"unspecified role":   with(func(p *types.Params) { p.Role = types.ChainRole_CHAIN_ROLE_UNSPECIFIED }),
		"no clients":         with(func(p *types.Params) { p.TrustedClients = nil }),
		"16 clients":         with(func(p *types.Params) { p.TrustedClients = clients(types.MaxTrustedClients) }),
		"timeout 1m":         with(func(p *types.Params) { p.PacketTimeout = time.Minute }),
		"timeout 168h":       with(func(p *types.Params) { p.PacketTimeout = 7 * 24 * time.Hour }),
		"4-char client id":   with(func(p *types.Params) { p.TrustedClients = []string{"abcd"} }),
		"64-char client id":  with(func(p *types.Params) { p.TrustedClients = []string{strings.Repeat("c", 64)} }),
		"client id specials": with(func(p *types.Params) { p.TrustedClients = []string{"a.b_c+d-e#f[g]h<i>"} }),
	}
	for name, p := range valid {
		t.Run("valid "+name, func(t *testing.T) { require.NoError(t, p.Validate()) })
	}

	invalid := map[string]types.Params{
		"role 7":           with(func(p *types.Params) { p.Role = 7 }),
		"role -1":          with(func(p *types.Params) { p.Role = -1 }),
		"timeout 0":        with(func(p *types.Params) { p.PacketTimeout = 0 }),
		"timeout 30s":      with(func(p *types.Params) { p.PacketTimeout = 30 * time.Second }),
		"timeout 1m-1ns":   with(func(p *types.Params) { p.PacketTimeout = time.Minute - 1 }),
		"timeout 8 days":   with(func(p *types.Params) { p.PacketTimeout = 8 * 24 * time.Hour }),
		"timeout 168h+1ns": with(func(p *types.Params) { p.PacketTimeout = 7*24*time.Hour + 1 }),
		"timeout negative": with(func(p *types.Params) { p.PacketTimeout = -10 * time.Minute }),
		"17 clients":       with(func(p *types.Params) { p.TrustedClients = clients(types.MaxTrustedClients + 1) }),
		"duplicate client": with(func(p *types.Params) {
			p.TrustedClients = []string{"07-tendermint-0", "07-tendermint-1", "07-tendermint-0"}
		}),
		"client with space":  with(func(p *types.Params) { p.TrustedClients = []string{"Bad Client"} }),
		"empty client":       with(func(p *types.Params) { p.TrustedClients = []string{""} }),
		"3-char client id":   with(func(p *types.Params) { p.TrustedClients = []string{"abc"} }),
		"65-char client id":  with(func(p *types.Params) { p.TrustedClients = []string{strings.Repeat("c", 65)} }),
		"client with slash":  with(func(p *types.Params) { p.TrustedClients = []string{"07-tendermint/0"} }),
		"client non-ASCII":   with(func(p *types.Params) { p.TrustedClients = []string{"07-tendermínt-0"} }),
		"bad client in list": with(func(p *types.Params) { p.TrustedClients = []string{"07-tendermint-0", "x"} }),
	}
	for name, p := range invalid {
		t.Run("invalid "+name, func(t *testing.T) {
			require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
		})
	}
}

func TestDefaultParams(t *testing.T) {
	p := types.DefaultParams()
	require.Equal(t, types.ChainRole_CHAIN_ROLE_UNSPECIFIED, p.Role)
	require.Empty(t, p.TrustedClients)
	require.Equal(t, 10*time.Minute, p.PacketTimeout)
}

func TestParamsTrusts(t *testing.T) {
	p := validParams()
	require.True(t, p.Trusts("07-tendermint-0"))
	require.True(t, p.Trusts("07-tendermint-12"))
	require.False(t, p.Trusts("07-tendermint-1"))
	require.False(t, p.Trusts("07-tendermint-00"))
	require.False(t, p.Trusts("07-Tendermint-0"))
	require.False(t, p.Trusts(""))
	require.False(t, types.DefaultParams().Trusts("07-tendermint-0"))
	require.False(t, types.DefaultParams().Trusts(""))
}
