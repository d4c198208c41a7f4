package gateway

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/healthchain/healthd/vault"
)

// Sign modes of POST /auth/session.
const (
	// SignModeDirect: the signature is over SessionSignBytes itself, as the
	// healthd CLI and the portal's own keys sign.
	SignModeDirect = "direct"
	// SignModeADR036: the signature is over the ADR-036 document of
	// SessionSignBytes (ADR036SignBytes), as a browser wallet's
	// signArbitrary (Keplr) makes it; such wallets sign no raw bytes.
	SignModeADR036 = "adr036"
)

// ADR036SignBytes returns the bytes a wallet signs for ADR-036's
// signArbitrary(signer, data): the amino JSON of a StdSignDoc that holds one
// MsgSignData{signer, data} and no chain, account, sequence, fee or memo, so
// that it can never be a transaction. Amino JSON is canonical: object keys
// sorted, no white space, numbers as strings, and the characters <, > and &
// escaped as \u003c, \u003e and \u0026 (which base64 and bech32 never hold).
// Signing hashes these bytes with SHA-256, as for any Cosmos secp256k1 key.
func ADR036SignBytes(signer string, data []byte) []byte {
	// Maps, because encoding/json writes map keys sorted: the canonical
	// order does not depend on the order of struct fields in this file.
	doc := map[string]any{
		"account_number": "0",
		"chain_id":       "",
		"fee":            map[string]any{"amount": []any{}, "gas": "0"},
		"memo":           "",
		"msgs": []any{map[string]any{
			"type":  "sign/MsgSignData",
			"value": map[string]any{"data": base64.StdEncoding.EncodeToString(data), "signer": signer},
		}},
		"sequence": "0",
	}
	bz, err := json.Marshal(doc)
	if err != nil {
		panic(err) // strings, maps and slices always marshal
	}
	return bz
}

// handleChainInfo answers what a browser wallet needs to add the chain
// (Keplr's experimentalSuggestChain): the chain id, the bech32 prefix, the
// coin type of its keys, the fee denomination and, when configured, the
// node's public RPC and REST URLs. Open to anyone: all of it is public.
func (s *Server) handleChainInfo(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"chain_id":      s.cfg.ChainID,
		"chain_name":    "healthd " + s.cfg.ChainID,
		"bech32_prefix": vault.AccountPrefix,
		"coin_type":     118,
		"denom":         s.cfg.FeeDenom,
		"display_denom": "HEALTH",
		"decimals":      6,
		"rpc":           s.cfg.WalletRPC,
		"rest":          s.cfg.WalletREST,
	})
}
