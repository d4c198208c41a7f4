package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/healthchain/healthd/vault"
)

const maxClientBody = 64 << 10

// Login opens a session at the gateway at baseURL for signer's account:
// it fetches a challenge, signs it and exchanges the signature for a token.
func Login(ctx context.Context, hc *http.Client, baseURL string, signer vault.Signer) (Session, error) {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	baseURL = strings.TrimRight(baseURL, "/")
	var ch struct {
		Nonce   string `json:"nonce"`
		ChainID string `json:"chain_id"`
	}
	if err := postJSON(ctx, hc, baseURL+"/auth/challenge", nil, &ch); err != nil {
		return Session{}, err
	}
	sig, err := signer.Sign(SessionSignBytes(ch.ChainID, signer.Address(), ch.Nonce))
	if err != nil {
		return Session{}, err
	}
	req := SessionRequest{
		Account:   signer.Address(),
		PubKey:    base64.StdEncoding.EncodeToString(signer.PubKey().Bytes()),
		Nonce:     ch.Nonce,
		Signature: base64.StdEncoding.EncodeToString(sig),
	}
	var s Session
	if err := postJSON(ctx, hc, baseURL+"/auth/session", req, &s); err != nil {
		return Session{}, err
	}
	return s, nil
}

func postJSON(ctx context.Context, hc *http.Client, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		bz, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(bz)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("the gateway at %s did not answer: %w", url, err)
	}
	defer resp.Body.Close()
	bz, err := io.ReadAll(io.LimitReader(resp.Body, maxClientBody))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error  string `json:"error"`
			Reason string `json:"reason"`
		}
		if json.Unmarshal(bz, &e) == nil && e.Reason != "" {
			return fmt.Errorf("gateway refused (%d %s): %s", resp.StatusCode, e.Reason, e.Error)
		}
		return fmt.Errorf("gateway answered %s", resp.Status)
	}
	return json.Unmarshal(bz, out)
}
