package types_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// TestValidateBasic: each stateless check of each message refuses with its
// registered error; what passes here is left to the msg server's stateful
// checks (the block time, the chain's role, membership, open channels). These
// run at CheckTx (app TestBridgeRefusedAtCheckTx).
func TestValidateBasic(t *testing.T) {
	until := time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	send := func(f func(m *types.MsgSendPrescription)) *types.MsgSendPrescription {
		m := &types.MsgSendPrescription{Prescriber: addrA, ChannelID: "channel-0", Patient: addrB, GTIN: gtinA,
			Quantity: 2, Refills: 1, ValidUntil: until}
		f(m)
		return m
	}
	verify := func(unit string) *types.MsgRequestVerification {
		return &types.MsgRequestVerification{Requester: addrA, ChannelID: "channel-0", Unit: unit}
	}
	trust := func(f func(c *types.TrustedCounterparty)) *types.MsgTrustCounterparty {
		m := &types.MsgTrustCounterparty{Authority: addrC, Counterparty: pin("pharma-1")}
		f(&m.Counterparty)
		return m
	}
	params := func(f func(p *types.Params)) *types.MsgUpdateParams {
		m := &types.MsgUpdateParams{Authority: addrC, Params: validParams()}
		f(&m.Params)
		return m
	}
	testkit.ValidateBasic(t, map[string]testkit.BasicCase{
		"send: valid":                         testkit.Case(send(func(*types.MsgSendPrescription) {}), nil),
		"send: by NDC":                        testkit.Case(send(func(m *types.MsgSendPrescription) { m.GTIN, m.NDC = "", ndcA }), nil),
		"send: valid_until past (block time)": testkit.Case(send(func(m *types.MsgSendPrescription) { m.ValidUntil = time.Unix(1, 0) }), nil),
		"send: most units":                    testkit.Case(send(func(m *types.MsgSendPrescription) { m.Quantity, m.Refills = types.MaxQuantity, types.MaxRefills }), nil),
		"send: prescriber not an address":     testkit.Case(send(func(m *types.MsgSendPrescription) { m.Prescriber = "dr-house" }), types.ErrInvalidAddress),
		"send: patient with a bad checksum":   testkit.Case(send(func(m *types.MsgSendPrescription) { m.Patient = addrB[:len(addrB)-1] + "q" }), types.ErrInvalidAddress),
		"send: patient empty":                 testkit.Case(send(func(m *types.MsgSendPrescription) { m.Patient = "" }), types.ErrInvalidAddress),
		"send: no product":                    testkit.Case(send(func(m *types.MsgSendPrescription) { m.GTIN = "" }), types.ErrInvalidPrescription),
		"send: GTIN and NDC":                  testkit.Case(send(func(m *types.MsgSendPrescription) { m.NDC = ndcA }), types.ErrInvalidPrescription),
		"send: GTIN check digit":              testkit.Case(send(func(m *types.MsgSendPrescription) { m.GTIN = gtinA[:13] + "3" }), types.ErrInvalidPrescription),
		"send: GTIN-13":                       testkit.Case(send(func(m *types.MsgSendPrescription) { m.GTIN = gtinA[1:] }), types.ErrInvalidPrescription),
		"send: NDC malformed":                 testkit.Case(send(func(m *types.MsgSendPrescription) { m.GTIN, m.NDC = "", "12345678" }), types.ErrInvalidPrescription),
		"send: quantity 0":                    testkit.Case(send(func(m *types.MsgSendPrescription) { m.Quantity = 0 }), types.ErrInvalidPrescription),
		"send: quantity above max":            testkit.Case(send(func(m *types.MsgSendPrescription) { m.Quantity = types.MaxQuantity + 1 }), types.ErrInvalidPrescription),
		"send: refills above max":             testkit.Case(send(func(m *types.MsgSendPrescription) { m.Refills = types.MaxRefills + 1 }), types.ErrInvalidPrescription),
		"send: no valid_until":                testkit.Case(send(func(m *types.MsgSendPrescription) { m.ValidUntil = time.Time{} }), types.ErrInvalidPrescription),
		"send: valid_until 1970":              testkit.Case(send(func(m *types.MsgSendPrescription) { m.ValidUntil = time.Unix(0, 0) }), types.ErrInvalidPrescription),
		"send: valid_until after 9999":        testkit.Case(send(func(m *types.MsgSendPrescription) { m.ValidUntil = time.Unix(types.MaxUnixTime+1, 0) }), types.ErrInvalidPrescription),
		"send: no channel":                    testkit.Case(send(func(m *types.MsgSendPrescription) { m.ChannelID = "" }), types.ErrInvalidChannel),
		"send: channel id too short":          testkit.Case(send(func(m *types.MsgSendPrescription) { m.ChannelID = "chan-0" }), types.ErrInvalidChannel),
		"send: channel id with a separator":   testkit.Case(send(func(m *types.MsgSendPrescription) { m.ChannelID = "bridge/channel-0" }), types.ErrInvalidChannel),
		"send: channel id with a space":       testkit.Case(send(func(m *types.MsgSendPrescription) { m.ChannelID = "channel 0" }), types.ErrInvalidChannel),
		"send: channel id too long":           testkit.Case(send(func(m *types.MsgSendPrescription) { m.ChannelID = "channel-" + strings.Repeat("9", 57) }), types.ErrInvalidChannel),

		"resend: valid":        testkit.Case(&types.MsgResendPrescription{Prescriber: addrA, ID: 3}, nil),
		"resend: id 0":         testkit.Case(&types.MsgResendPrescription{Prescriber: addrA}, types.ErrPrescriptionNotFound),
		"resend: prescriber x": testkit.Case(&types.MsgResendPrescription{Prescriber: "x", ID: 3}, types.ErrInvalidAddress),

		"verify: GTIN/serial":          testkit.Case(verify(gtinA+"/SN-0001"), nil),
		"verify: element string":       testkit.Case(verify("(01)"+gtinA+"(17)271231(10)LOT42(21)SN-0001"), nil),
		"verify: raw scan with GS":     testkit.Case(verify("01"+gtinA+"10LOT42\x1d21SN-0001"), nil),
		"verify: Digital Link":         testkit.Case(verify("https://id.gs1.org/01/"+gtinA+"/21/SN-0001"), nil),
		"verify: expiry on 29 Feb 00":  testkit.Case(verify("(01)"+gtinA+"(17)000229(21)SN-0001"), nil),
		"verify: no unit":              testkit.Case(verify(""), types.ErrInvalidUnit),
		"verify: unit too long":        testkit.Case(verify(gtinA+"/"+strings.Repeat("S", types.MaxUnitRefLength)), types.ErrInvalidUnit),
		"verify: control byte":         testkit.Case(verify(gtinA+"/SN\x00"), types.ErrInvalidUnit),
		"verify: not a unit":           testkit.Case(verify("not a unit"), types.ErrInvalidUnit),
		"verify: GTIN check digit":     testkit.Case(verify(gtinA[:13]+"3/SN-0001"), types.ErrInvalidUnit),
		"verify: serial too long":      testkit.Case(verify(gtinA+"/"+strings.Repeat("S", 21)), types.ErrInvalidUnit),
		"verify: no serial":            testkit.Case(verify("(01)"+gtinA+"(10)LOT42"), types.ErrInvalidUnit),
		"verify: expiry on 30 Feb":     testkit.Case(verify("(01)"+gtinA+"(17)270230(21)SN-0001"), types.ErrInvalidUnit),
		"verify: expiry on 29 Feb 27":  testkit.Case(verify("(01)"+gtinA+"(17)270229(21)SN-0001"), types.ErrInvalidUnit),
		"verify: SSCC":                 testkit.Case(verify("(00)106141411234567897"), types.ErrInvalidUnit),
		"verify: channel id malformed": testkit.Case(&types.MsgRequestVerification{Requester: addrA, ChannelID: "channel/0", Unit: gtinA + "/SN-0001"}, types.ErrInvalidChannel),
		"verify: requester not bech32": testkit.Case(&types.MsgRequestVerification{Requester: "pharmacy", ChannelID: "channel-0", Unit: gtinA + "/SN-0001"}, types.ErrInvalidAddress),

		"resend notice: valid":        testkit.Case(&types.MsgResendNotice{Sender: addrA, ID: 1}, nil),
		"resend notice: id 0":         testkit.Case(&types.MsgResendNotice{Sender: addrA}, types.ErrNotFound),
		"resend notice: sender empty": testkit.Case(&types.MsgResendNotice{ID: 1}, types.ErrInvalidAddress),

		"params: valid":                testkit.Case(params(func(*types.Params) {}), nil),
		"params: default":              testkit.Case(&types.MsgUpdateParams{Authority: addrC, Params: types.DefaultParams()}, nil),
		"params: zero timeout":         testkit.Case(params(func(p *types.Params) { p.PacketTimeout = 0 }), types.ErrInvalidParams),
		"params: unknown role":         testkit.Case(params(func(p *types.Params) { p.Role = 9 }), types.ErrInvalidParams),
		"params: too many pins":        testkit.Case(params(func(p *types.Params) { p.TrustedCounterparties = pins(types.MaxTrustedCounterparties + 1) }), types.ErrInvalidParams),
		"params: a chain pinned twice": testkit.Case(params(func(p *types.Params) { p.TrustedCounterparties[1].ChainID = "pharma-1" }), types.ErrInvalidParams),
		"params: a malformed pin":      testkit.Case(params(func(p *types.Params) { p.TrustedCounterparties[0].AppHash = "" }), types.ErrInvalidParams),
		"params: authority not bech32": testkit.Case(&types.MsgUpdateParams{Authority: "gov", Params: types.DefaultParams()}, types.ErrInvalidAddress),

		"trust: valid":                 testkit.Case(trust(func(*types.TrustedCounterparty) {}), nil),
		"trust: no chain id":           testkit.Case(trust(func(c *types.TrustedCounterparty) { c.ChainID = "" }), types.ErrInvalidParams),
		"trust: chain id with a space": testkit.Case(trust(func(c *types.TrustedCounterparty) { c.ChainID = "pharma 1" }), types.ErrInvalidParams),
		"trust: chain id too long":     testkit.Case(trust(func(c *types.TrustedCounterparty) { c.ChainID = strings.Repeat("p", types.MaxChainIDLength+1) }), types.ErrInvalidParams),
		"trust: revision height 0":     testkit.Case(trust(func(c *types.TrustedCounterparty) { c.RevisionHeight = 0 }), types.ErrInvalidParams),
		"trust: app hash lower case":   testkit.Case(trust(func(c *types.TrustedCounterparty) { c.AppHash = strings.ToLower(c.AppHash) }), types.ErrInvalidParams),
		"trust: next validators short": testkit.Case(trust(func(c *types.TrustedCounterparty) { c.NextValidatorsHash = c.NextValidatorsHash[2:] }), types.ErrInvalidParams),
		"trust: no timestamp":          testkit.Case(trust(func(c *types.TrustedCounterparty) { c.Timestamp = time.Time{} }), types.ErrInvalidParams),
		"trust: authority empty":       testkit.Case(&types.MsgTrustCounterparty{Counterparty: pin("pharma-1")}, types.ErrInvalidAddress),

		"retire: valid":                 testkit.Case(&types.MsgRetireChannel{Authority: addrC, ChannelID: "channel-7"}, nil),
		"retire: no channel":            testkit.Case(&types.MsgRetireChannel{Authority: addrC}, types.ErrInvalidChannel),
		"retire: channel id malformed":  testkit.Case(&types.MsgRetireChannel{Authority: addrC, ChannelID: "channel-7!"}, types.ErrInvalidChannel),
		"retire: authority bad address": testkit.Case(&types.MsgRetireChannel{Authority: addrC[:len(addrC)-1] + "q", ChannelID: "channel-7"}, types.ErrInvalidAddress),
	})
}

// TestVerifyValidateBasicNeverStricterThanBlockTime: ValidateBasic parses a
// unit reference without a block time (x/drugtrace's CheckUnitRef), and the
// only part of a parse that depends on one is the century of a YYMMDD date,
// which decides whether 29 February exists. Whatever the block time, a unit the msg server would
// parse passes ValidateBasic, and one ValidateBasic refuses parses at no
// block time.
func TestVerifyValidateBasicNeverStricterThanBlockTime(t *testing.T) {
	leftToBlockTime := 0 // refused at some block time, so the msg server's parse matters
	for yy := 0; yy < 100; yy++ {
		for _, mmdd := range []string{"0228", "0229", "0230", "0200", "1231"} {
			for _, unit := range []string{
				fmt.Sprintf("(01)%s(17)%02d%s(21)SN-0001", gtinA, yy, mmdd),
				fmt.Sprintf("(01)%s(11)%02d%s(21)SN-0001", gtinA, yy, mmdd),
				fmt.Sprintf("https://id.gs1.org/01/%s/21/SN-0001?17=%02d%s", gtinA, yy, mmdd),
			} {
				basic := (&types.MsgRequestVerification{Requester: addrA, ChannelID: "channel-0", Unit: unit}).ValidateBasic()
				for year := 1900; year <= 2200; year++ {
					_, err := drugtracetypes.ParseUnitRef(unit, time.Date(year, time.July, 1, 0, 0, 0, 0, time.UTC))
					if err == nil {
						require.NoError(t, basic, "%s parses at a block time in %d", unit, year)
					} else if basic == nil {
						leftToBlockTime++
					}
				}
			}
		}
	}
	require.NotZero(t, leftToBlockTime, "29 February 2000 (or 2100) depends on the block time")
}
