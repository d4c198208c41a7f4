package gateway

// Transactions from the browser. The portal signs transactions with the
// caller's key in the browser; the gateway never sees a key. It relays a
// signed transaction to the node only when the caller's session account is
// the one and only signer of every message and every message is one of
// healthd's own (consent, records, drugtrace, claims, trials, organs): the
// gateway is not an open relay for anything a session holder wants to send.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	signingtx "github.com/cosmos/cosmos-sdk/x/tx/signing"
	gogoproto "github.com/cosmos/gogoproto/proto"

	"github.com/healthchain/healthd/vault"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
	organstypes "github.com/healthchain/healthd/x/organs/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
	trialstypes "github.com/healthchain/healthd/x/trials/types"
)

// Limits of a relayed transaction.
const (
	// MaxTxBytes bounds a relayed transaction: the largest healthd message a
	// person sends from a browser (a consent with many categories, a claim
	// with its lines) is a few KiB.
	MaxTxBytes = 64 << 10
	maxTxBody  = MaxTxBytes*4/3 + 1024
	maxMemo    = 256
	maxTxMsgs  = 16
)

// Reasons of a refused transaction.
const (
	ReasonBadTx         = "BAD_TX"
	ReasonNotYourTx     = "NOT_YOUR_TX"
	ReasonMsgNotAllowed = "MSG_NOT_ALLOWED"
	ReasonTxRejected    = "TX_REJECTED"
	ReasonNoAccount     = "NO_ACCOUNT"
	// ReasonNoEncryptionKey: the account registered no record-encryption key.
	ReasonNoEncryptionKey = "NO_ENCRYPTION_KEY"
)

// txCodec decodes the messages the gateway relays and knows their signers.
type txCodec struct {
	reg codectypes.InterfaceRegistry
	cdc *codec.ProtoCodec
}

func newTxCodec() (*txCodec, error) {
	reg, err := codectypes.NewInterfaceRegistryWithOptions(codectypes.InterfaceRegistryOptions{
		ProtoFiles: gogoproto.HybridResolver,
		SigningOptions: signingtx.Options{
			AddressCodec:          address.NewBech32Codec(vault.AccountPrefix),
			ValidatorAddressCodec: address.NewBech32Codec(vault.AccountPrefix + "valoper"),
		},
	})
	if err != nil {
		return nil, err
	}
	// The allow-list: healthd's own modules, nothing of the framework's
	// (bank, staking, gov, authz, IBC) and not x/consortium or x/bridge.
	consenttypes.RegisterInterfaces(reg)
	recordstypes.RegisterInterfaces(reg)
	drugtracetypes.RegisterInterfaces(reg)
	claimstypes.RegisterInterfaces(reg)
	trialstypes.RegisterInterfaces(reg)
	organstypes.RegisterInterfaces(reg)
	return &txCodec{reg: reg, cdc: codec.NewProtoCodec(reg)}, nil
}

// signedTx is a decoded transaction the gateway may relay.
type signedTx struct {
	msgs []string // type URLs
}

// check decodes a TxRaw and returns a refusal unless account alone signs
// it and every message is on the allow-list.
func (tc *txCodec) check(bz []byte, account string) (*signedTx, *apiError) {
	bad := func(format string, args ...any) (*signedTx, *apiError) {
		return nil, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadTx, Message: fmt.Sprintf(format, args...)}
	}
	if len(bz) == 0 || len(bz) > MaxTxBytes {
		return bad("a transaction is 1 to %d bytes", MaxTxBytes)
	}
	var raw txtypes.TxRaw
	if err := raw.Unmarshal(bz); err != nil {
		return bad("the transaction is not a protobuf TxRaw")
	}
	var body txtypes.TxBody
	if err := body.Unmarshal(raw.BodyBytes); err != nil {
		return bad("the transaction body does not decode")
	}
	var auth txtypes.AuthInfo
	if err := auth.Unmarshal(raw.AuthInfoBytes); err != nil {
		return bad("the transaction's auth info does not decode")
	}
	switch {
	case len(body.Messages) == 0 || len(body.Messages) > maxTxMsgs:
		return bad("a transaction carries 1 to %d messages", maxTxMsgs)
	case len(body.Memo) > maxMemo:
		return bad("the memo is at most %d bytes", maxMemo)
	case len(body.ExtensionOptions) > 0 || len(body.NonCriticalExtensionOptions) > 0:
		return bad("extension options are not relayed")
	case len(auth.SignerInfos) != 1 || len(raw.Signatures) != 1:
		return bad("the transaction must have exactly one signer: the account of this session")
	}
	if auth.Fee != nil && ((auth.Fee.Payer != "" && auth.Fee.Payer != account) || auth.Fee.Granter != "") {
		return nil, &apiError{Status: http.StatusForbidden, Reason: ReasonNotYourTx,
			Message: "the fee must be paid by the account of this session, without a fee grant"}
	}
	out := &signedTx{}
	for i, a := range body.Messages {
		var msg sdk.Msg
		if err := tc.reg.UnpackAny(a, &msg); err != nil {
			return nil, &apiError{Status: http.StatusForbidden, Reason: ReasonMsgNotAllowed,
				Message: fmt.Sprintf("message %d (%s) is not one the gateway relays: only healthd's consent, records, drugtrace, claims, trials and organs messages", i, truncateURL(a.TypeUrl))}
		}
		signers, _, err := tc.cdc.GetMsgV1Signers(msg)
		if err != nil {
			return bad("message %d: its signer could not be read: %v", i, err)
		}
		for _, sg := range signers {
			addr, err := sdk.Bech32ifyAddressBytes(vault.AccountPrefix, sg)
			if err != nil || addr != account {
				return nil, &apiError{Status: http.StatusForbidden, Reason: ReasonNotYourTx,
					Message: fmt.Sprintf("message %d is signed by another account than this session's (%s)", i, account)}
			}
		}
		out.msgs = append(out.msgs, a.TypeUrl)
	}
	return out, nil
}

func truncateURL(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// --- handlers ---

type txRequest struct {
	TxBytes string `json:"tx_bytes"`
}

// readTx reads {"tx_bytes"} and checks the transaction.
func (s *Server) readTx(rq *request) ([]byte, *apiError) {
	if rq.r.ContentLength > maxTxBody {
		return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Reason: ReasonBadTx,
			Message: fmt.Sprintf("a transaction is at most %d bytes", MaxTxBytes)}
	}
	bz, err := io.ReadAll(io.LimitReader(rq.r.Body, maxTxBody+1))
	if err != nil || len(bz) > maxTxBody {
		return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Reason: ReasonBadTx, Message: "the request could not be read or is too large"}
	}
	var req txRequest
	if err := json.Unmarshal(bz, &req); err != nil {
		return nil, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadTx, Message: `the request must be JSON {"tx_bytes": "<base64 TxRaw>"}`}
	}
	txBz, err := base64.StdEncoding.DecodeString(req.TxBytes)
	if err != nil {
		return nil, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadTx, Message: "tx_bytes must be standard base64"}
	}
	if _, aerr := s.txs.check(txBz, rq.caller.Account); aerr != nil {
		return nil, aerr
	}
	return txBz, nil
}

// handleAccount answers the caller's account number and sequence, which a
// browser needs to sign.
func (s *Server) handleAccount(w http.ResponseWriter, rq *request) {
	res, err := s.chain.Auth.AccountInfo(rq.ctx, &authtypes.QueryAccountInfoRequest{Address: rq.caller.Account})
	if isNotFound(err) {
		s.fail(w, rq.r, &apiError{Status: http.StatusNotFound, Reason: ReasonNoAccount,
			Message: "this account does not exist on the chain yet: it must receive tokens once (ask the consortium's operator) before it can send anything"})
		return
	}
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	out := map[string]any{"account": rq.caller.Account, "chain_id": s.cfg.ChainID,
		"account_number": fmt.Sprint(res.Info.AccountNumber), "sequence": fmt.Sprint(res.Info.Sequence), "pubkey": nil}
	if res.Info.PubKey != nil && len(res.Info.PubKey.Value) > 2 {
		// An Any of secp256k1.PubKey: field 1, length, 33 bytes.
		out["pubkey"] = base64.StdEncoding.EncodeToString(res.Info.PubKey.Value[2:])
	}
	writeJSON(w, http.StatusOK, out)
}

// handleSimulate estimates a transaction's gas (its signature may be empty).
func (s *Server) handleSimulate(w http.ResponseWriter, rq *request) {
	bz, aerr := s.readTx(rq)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	res, err := s.chain.Tx.Simulate(rq.ctx, &txtypes.SimulateRequest{TxBytes: bz})
	if err != nil {
		if e := txRefusal(err); e != nil {
			s.fail(w, rq.r, e)
			return
		}
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"gas_used": fmt.Sprint(res.GasInfo.GasUsed)})
}

// handleBroadcast relays a signed transaction (CheckTx only: the caller
// polls GET /v1/tx/{hash} until it is in a block).
func (s *Server) handleBroadcast(w http.ResponseWriter, rq *request) {
	bz, aerr := s.readTx(rq)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	res, err := s.chain.Tx.BroadcastTx(rq.ctx, &txtypes.BroadcastTxRequest{TxBytes: bz, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	r := res.TxResponse
	if r == nil {
		s.fail(w, rq.r, chainFailure(fmt.Errorf("empty broadcast answer")))
		return
	}
	if r.Code != 0 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": ExplainTxError(r.Codespace, r.Code, r.RawLog),
			"reason": ReasonTxRejected, "code": r.Code, "codespace": r.Codespace, "txhash": r.TxHash})
		return
	}
	s.logger.Info("transaction relayed", "account", rq.caller.Account, "txhash", r.TxHash)
	writeJSON(w, http.StatusOK, map[string]any{"txhash": r.TxHash})
}

var txHashRE = regexp.MustCompile(`^[0-9A-Fa-f]{64}$`)

// handleTxStatus says whether the caller's transaction is in a block and
// how it ended. Another account's transaction answers as unknown.
func (s *Server) handleTxStatus(w http.ResponseWriter, rq *request) {
	hash := rq.r.PathValue("hash")
	if !txHashRE.MatchString(hash) {
		s.fail(w, rq.r, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadTx, Message: "a transaction hash is 64 hexadecimal characters"})
		return
	}
	hash = strings.ToUpper(hash)
	pending := map[string]any{"txhash": hash, "included": false}
	res, err := s.chain.Tx.GetTx(rq.ctx, &txtypes.GetTxRequest{Hash: hash})
	if isNotFound(err) {
		writeJSON(w, http.StatusOK, pending)
		return
	}
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if res.Tx == nil || res.TxResponse == nil || !s.txs.signedBy(res.Tx, rq.caller.Account) {
		writeJSON(w, http.StatusOK, pending)
		return
	}
	r := res.TxResponse
	out := map[string]any{"txhash": hash, "included": true, "height": fmt.Sprint(r.Height), "code": r.Code, "codespace": r.Codespace}
	if r.Code != 0 {
		out["error"] = ExplainTxError(r.Codespace, r.Code, r.RawLog)
	}
	writeJSON(w, http.StatusOK, out)
}

// signedBy says whether account signs every message of a committed tx.
func (tc *txCodec) signedBy(tx *txtypes.Tx, account string) bool {
	if tx.Body == nil || len(tx.Body.Messages) == 0 {
		return false
	}
	for _, a := range tx.Body.Messages {
		var msg sdk.Msg
		if err := tc.reg.UnpackAny(a, &msg); err != nil {
			return false
		}
		signers, _, err := tc.cdc.GetMsgV1Signers(msg)
		if err != nil || len(signers) == 0 {
			return false
		}
		for _, sg := range signers {
			if addr, err := sdk.Bech32ifyAddressBytes(vault.AccountPrefix, sg); err != nil || addr != account {
				return false
			}
		}
	}
	return true
}

// txRefusal turns a simulation that failed in the app (not in transport)
// into a refusal in words.
func txRefusal(err error) *apiError {
	msg := err.Error()
	if i := strings.Index(msg, "desc = "); i >= 0 {
		msg = msg[i+len("desc = "):]
	}
	if strings.Contains(msg, "Unavailable") || strings.Contains(msg, "connection") {
		return nil
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Reason: ReasonTxRejected, Message: ExplainTxError("", 0, msg)}
}

// sdkErrorWords are the framework's errors a person meets, in words.
var sdkErrorWords = map[uint32]string{
	4:  "the signature does not match this account: sign in again with the right key",
	5:  "the account does not have enough funds for this",
	11: "the transaction ran out of gas: try again",
	13: "the fee is too low for this node",
	19: "this transaction was already sent",
	32: "another transaction from this account was included first: try again",
}

// ExplainTxError turns a transaction's failure into a sentence a patient
// can read: the framework's common errors in words, a module's error as its
// registered message, without the framework's prefixes.
func ExplainTxError(codespace string, code uint32, rawLog string) string {
	if codespace == "sdk" {
		if words, ok := sdkErrorWords[code]; ok {
			return words
		}
	}
	m := rawLog
	for _, p := range []string{"failed to execute message; message index: ", "rpc error: code = Unknown desc = "} {
		if i := strings.Index(m, p); i >= 0 {
			m = m[i+len(p):]
			// "0: " after the message index.
			if j := strings.Index(m, ": "); j >= 0 && j <= 3 {
				m = m[j+2:]
			}
		}
	}
	m = strings.TrimSuffix(strings.TrimSpace(m), " [cosmos/cosmos-sdk@v0.54.4/baseapp/baseapp.go]")
	if m == "" {
		return fmt.Sprintf("the chain refused the transaction (%s code %d)", codespace, code)
	}
	if len(m) > 300 {
		m = m[:300] + "..."
	}
	return "the chain refused it: " + m
}
