package types_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/bridge/types"
)

// pin is a valid trusted counterparty.
func pin(chainID string) types.TrustedCounterparty {
	return types.TrustedCounterparty{
		ChainID: chainID, RevisionNumber: 1, RevisionHeight: 57,
		AppHash: strings.Repeat("9A", 32), NextValidatorsHash: strings.Repeat("4F", 32),
		Timestamp: time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC),
	}
}

func pins(n int) []types.TrustedCounterparty {
	out := make([]types.TrustedCounterparty, n)
	for i := range out {
		out[i] = pin(fmt.Sprintf("pharma-%d", i))
	}
	return out
}

func validParams() types.Params {
	return types.Params{
		Role:                  types.ChainRole_CHAIN_ROLE_HOSPITAL,
		TrustedCounterparties: []types.TrustedCounterparty{pin("pharma-1"), pin("pharma-2")},
		PacketTimeout:         10 * time.Minute,
	}
}

func TestParamsValidate(t *testing.T) {
	with := func(m func(*types.Params)) types.Params {
		p := validParams()
		m(&p)
		return p
	}
	first := func(m func(*types.TrustedCounterparty)) types.Params {
		return with(func(p *types.Params) { m(&p.TrustedCounterparties[0]) })
	}
	valid := map[string]types.Params{
		"default":            types.DefaultParams(),
		"hospital":           validParams(),
		"pharma":             with(func(p *types.Params) { p.Role = types.ChainRole_CHAIN_ROLE_PHARMA }),
		"unspecified role":   with(func(p *types.Params) { p.Role = types.ChainRole_CHAIN_ROLE_UNSPECIFIED }),
		"no counterparty":    with(func(p *types.Params) { p.TrustedCounterparties = nil }),
		"16 counterparties":  with(func(p *types.Params) { p.TrustedCounterparties = pins(types.MaxTrustedCounterparties) }),
		"timeout 1m":         with(func(p *types.Params) { p.PacketTimeout = time.Minute }),
		"timeout 168h":       with(func(p *types.Params) { p.PacketTimeout = 7 * 24 * time.Hour }),
		"50-byte chain id":   first(func(c *types.TrustedCounterparty) { c.ChainID = strings.Repeat("c", 50) }),
		"revision 0":         first(func(c *types.TrustedCounterparty) { c.RevisionNumber = 0 }),
		"time 9999-12-31":    first(func(c *types.TrustedCounterparty) { c.Timestamp = time.Unix(types.MaxUnixTime, 0) }),
		"digits only hashes": first(func(c *types.TrustedCounterparty) { c.AppHash = strings.Repeat("01", 32) }),
	}
	for name, p := range valid {
		t.Run("valid "+name, func(t *testing.T) { require.NoError(t, p.Validate()) })
	}

	invalid := map[string]types.Params{
		"role 7":                with(func(p *types.Params) { p.Role = 7 }),
		"role -1":               with(func(p *types.Params) { p.Role = -1 }),
		"timeout 0":             with(func(p *types.Params) { p.PacketTimeout = 0 }),
		"timeout 30s":           with(func(p *types.Params) { p.PacketTimeout = 30 * time.Second }),
		"timeout 1m-1ns":        with(func(p *types.Params) { p.PacketTimeout = time.Minute - 1 }),
		"timeout 168h+1ns":      with(func(p *types.Params) { p.PacketTimeout = 7*24*time.Hour + 1 }),
		"timeout negative":      with(func(p *types.Params) { p.PacketTimeout = -10 * time.Minute }),
		"17 counterparties":     with(func(p *types.Params) { p.TrustedCounterparties = pins(types.MaxTrustedCounterparties + 1) }),
		"counterparty twice":    with(func(p *types.Params) { p.TrustedCounterparties[1].ChainID = p.TrustedCounterparties[0].ChainID }),
		"empty chain id":        first(func(c *types.TrustedCounterparty) { c.ChainID = "" }),
		"51-byte chain id":      first(func(c *types.TrustedCounterparty) { c.ChainID = strings.Repeat("c", 51) }),
		"chain id with a space": first(func(c *types.TrustedCounterparty) { c.ChainID = "pharma 1" }),
		"chain id non-ASCII":    first(func(c *types.TrustedCounterparty) { c.ChainID = "phärma-1" }),
		"height 0":              first(func(c *types.TrustedCounterparty) { c.RevisionHeight = 0 }),
		"app hash empty":        first(func(c *types.TrustedCounterparty) { c.AppHash = "" }),
		"app hash lower case":   first(func(c *types.TrustedCounterparty) { c.AppHash = strings.Repeat("9a", 32) }),
		"app hash 31 bytes":     first(func(c *types.TrustedCounterparty) { c.AppHash = strings.Repeat("9A", 31) }),
		"app hash not hex":      first(func(c *types.TrustedCounterparty) { c.AppHash = strings.Repeat("XY", 32) }),
		"validators hash empty": first(func(c *types.TrustedCounterparty) { c.NextValidatorsHash = "" }),
		"validators hash 33 B":  first(func(c *types.TrustedCounterparty) { c.NextValidatorsHash = strings.Repeat("4F", 33) }),
		"no time":               first(func(c *types.TrustedCounterparty) { c.Timestamp = time.Time{} }),
		"time before 1970":      first(func(c *types.TrustedCounterparty) { c.Timestamp = time.Unix(-1, 0) }),
		"time after 9999":       first(func(c *types.TrustedCounterparty) { c.Timestamp = time.Unix(types.MaxUnixTime+1, 0) }),
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
	require.Empty(t, p.TrustedCounterparties)
	require.Equal(t, 10*time.Minute, p.PacketTimeout)
}

// TestParamsCounterparty: a counterparty is found by its exact chain id only.
func TestParamsCounterparty(t *testing.T) {
	p := validParams()
	got, ok := p.Counterparty("pharma-2")
	require.True(t, ok)
	require.Equal(t, pin("pharma-2"), got)
	for _, id := range []string{"pharma-3", "Pharma-1", "pharma-1 ", "", "07-tendermint-0"} {
		_, ok := p.Counterparty(id)
		require.False(t, ok, id)
	}
	_, ok = types.DefaultParams().Counterparty("pharma-1")
	require.False(t, ok)
}
