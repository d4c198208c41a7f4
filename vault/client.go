package vault

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"

	"github.com/healthchain/healthd/internal/unixfs"
)

// Signer signs vault requests with an account's secp256k1 key.
type Signer interface {
	// Address is the health1... account.
	Address() string
	// PubKey is the account's secp256k1 public key.
	PubKey() cryptotypes.PubKey
	// Sign returns the 64-byte r || s signature of SHA-256(msg).
	Sign(msg []byte) ([]byte, error)
}

type keyringSigner struct {
	kr      keyring.Keyring
	uid     string
	pub     *secp256k1.PubKey
	address string
}

// KeyringSigner returns a Signer for the key uid in kr. The key must be a
// local secp256k1 key (a Ledger cannot sign arbitrary bytes in direct mode).
func KeyringSigner(kr keyring.Keyring, uid string) (Signer, error) {
	rec, err := kr.Key(uid)
	if err != nil {
		return nil, fmt.Errorf("vault: key %q: %w", uid, err)
	}
	pk, err := rec.GetPubKey()
	if err != nil {
		return nil, fmt.Errorf("vault: key %q: %w", uid, err)
	}
	pub, ok := pk.(*secp256k1.PubKey)
	if !ok {
		return nil, fmt.Errorf("vault: key %q is %s; the vault needs a secp256k1 key", uid, pk.Type())
	}
	addr, err := AccountFromPubKey(pub)
	if err != nil {
		return nil, err
	}
	return &keyringSigner{kr: kr, uid: uid, pub: pub, address: addr}, nil
}

func (s *keyringSigner) Address() string            { return s.address }
func (s *keyringSigner) PubKey() cryptotypes.PubKey { return s.pub }
func (s *keyringSigner) Sign(msg []byte) ([]byte, error) {
	sig, _, err := s.kr.Sign(s.uid, msg, signing.SignMode_SIGN_MODE_DIRECT)
	if err != nil {
		return nil, fmt.Errorf("vault: signing with %q: %w", s.uid, err)
	}
	return sig, nil
}

type privKeySigner struct {
	priv    *secp256k1.PrivKey
	address string
}

// PrivKeySigner returns a Signer over a raw secp256k1 private key.
func PrivKeySigner(priv *secp256k1.PrivKey) (Signer, error) {
	addr, err := AccountFromPubKey(priv.PubKey().(*secp256k1.PubKey))
	if err != nil {
		return nil, err
	}
	return &privKeySigner{priv: priv, address: addr}, nil
}

func (s *privKeySigner) Address() string                 { return s.address }
func (s *privKeySigner) PubKey() cryptotypes.PubKey      { return s.priv.PubKey() }
func (s *privKeySigner) Sign(msg []byte) ([]byte, error) { return s.priv.Sign(msg) }

// Error is a refusal or failure reported by the vault.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Reason is the machine-readable reason, e.g. "NO_GRANT" or "ERASED".
	Reason string
	// Message is the vault's explanation.
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("vault: %s (HTTP %d, %s)", e.Message, e.Status, e.Reason)
}

// Client talks to a vault. BaseURL is the vault's root URL (scheme, host and
// port, no path), e.g. "http://127.0.0.1:8088".
type Client struct {
	BaseURL string
	ChainID string
	// HTTP is the HTTP client; http.DefaultClient if nil.
	HTTP   *http.Client
	Signer Signer
	// MaxBlobSize bounds a downloaded blob; DefaultMaxBlobSize if <= 0.
	MaxBlobSize int64
}

const maxErrorBody = 64 << 10

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Client) url(path string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/") + path)
	if err != nil {
		return nil, fmt.Errorf("vault: base URL: %w", err)
	}
	return u, nil
}

// decodeError turns a non-2xx response into an *Error.
func decodeError(resp *http.Response) error {
	bz, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var body errorBody
	e := &Error{Status: resp.StatusCode}
	if json.Unmarshal(bz, &body) == nil && (body.Reason != "" || body.Error != "") {
		e.Reason, e.Message = body.Reason, body.Error
	} else {
		e.Reason = "HTTP_" + strconv.Itoa(resp.StatusCode)
		e.Message = strings.TrimSpace(string(bz))
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	return e
}

// Challenge fetches a fresh nonce.
func (c *Client) Challenge(ctx context.Context) (string, error) {
	u, err := c.url("/v1/challenge")
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return "", fmt.Errorf("vault: challenge: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", decodeError(resp)
	}
	var ch challengeResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&ch); err != nil {
		return "", fmt.Errorf("vault: decoding challenge: %w", err)
	}
	if ch.Nonce == "" {
		return "", errors.New("vault: empty challenge nonce")
	}
	return ch.Nonce, nil
}

// do sends one signed request and returns the response when its status is
// want; any other status is returned as *Error. The caller closes the body.
func (c *Client) do(ctx context.Context, method, path string, body []byte, want int) (*http.Response, error) {
	if c.Signer == nil {
		return nil, errors.New("vault: client has no signer")
	}
	pub, ok := c.Signer.PubKey().(*secp256k1.PubKey)
	if !ok {
		return nil, errors.New("vault: the signer's key is not secp256k1")
	}
	nonce, err := c.Challenge(ctx)
	if err != nil {
		return nil, err
	}
	u, err := c.url(path)
	if err != nil {
		return nil, err
	}
	sig, err := c.Signer.Sign(SignBytes(c.ChainID, method, u.Path, nonce, body))
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set(HeaderAccount, c.Signer.Address())
	req.Header.Set(HeaderPubKey, base64.StdEncoding.EncodeToString(pub.Key))
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/octet-stream")
		// The signature covers this hash, so the vault checks it before
		// reading the body.
		sum := sha256.Sum256(body)
		req.Header.Set(HeaderContentSHA256, hex.EncodeToString(sum[:]))
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("vault: %s %s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		defer resp.Body.Close()
		return nil, decodeError(resp)
	}
	return resp, nil
}

// PutBlob uploads an encrypted blob and returns its CID, after checking it
// is the CID of data.
func (c *Client) PutBlob(ctx context.Context, data []byte) (string, error) {
	resp, err := c.do(ctx, http.MethodPut, "/v1/blobs", data, http.StatusCreated)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out putBlobResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&out); err != nil {
		return "", fmt.Errorf("vault: decoding upload response: %w", err)
	}
	want, err := unixfs.Sum(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	if out.CID != want {
		return "", fmt.Errorf("vault: the vault stored the blob as %s, but its CID is %s", out.CID, want)
	}
	return out.CID, nil
}

// PutKey stores the record key of record id wrapped for account. Only the
// record's patient or author may do so.
func (c *Client) PutKey(ctx context.Context, id uint64, account string, wrapped []byte) error {
	path := "/v1/records/" + strconv.FormatUint(id, 10) + "/keys/" + url.PathEscape(account)
	resp, err := c.do(ctx, http.MethodPut, path, wrapped, http.StatusNoContent)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// GetBlob downloads the encrypted blob of record id and returns it with its
// CID, after checking that the bytes match the CID.
func (c *Client) GetBlob(ctx context.Context, id uint64) ([]byte, string, error) {
	resp, err := c.do(ctx, http.MethodGet, "/v1/records/"+strconv.FormatUint(id, 10)+"/blob", nil, http.StatusOK)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	max := c.MaxBlobSize
	if max <= 0 {
		max = DefaultMaxBlobSize
	}
	if resp.ContentLength > max {
		return nil, "", fmt.Errorf("vault: blob of %d bytes is larger than the client's limit of %d", resp.ContentLength, max)
	}
	// One byte past the limit is read to detect an over-long blob; a limit
	// of math.MaxInt64 must not wrap to a negative bound.
	bound := max
	if bound < math.MaxInt64 {
		bound++
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, bound))
	if err != nil {
		return nil, "", fmt.Errorf("vault: reading blob: %w", err)
	}
	if int64(len(data)) > max {
		return nil, "", fmt.Errorf("vault: blob is larger than the client's limit of %d bytes", max)
	}
	cid := resp.Header.Get(HeaderCID)
	got, err := unixfs.Sum(bytes.NewReader(data))
	if err != nil {
		return nil, "", err
	}
	if got != cid {
		return nil, "", fmt.Errorf("vault: integrity: the blob's CID is %s, but the vault announced %s", got, cid)
	}
	return data, cid, nil
}

// GetKey returns the record key of record id wrapped for the signer's
// account.
func (c *Client) GetKey(ctx context.Context, id uint64) ([]byte, error) {
	resp, err := c.do(ctx, http.MethodGet, "/v1/records/"+strconv.FormatUint(id, 10)+"/key", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	key, err := io.ReadAll(io.LimitReader(resp.Body, MaxKeySize+1))
	if err != nil {
		return nil, fmt.Errorf("vault: reading key: %w", err)
	}
	if len(key) > MaxKeySize {
		return nil, fmt.Errorf("vault: wrapped key larger than %d bytes", MaxKeySize)
	}
	return key, nil
}

// Erase erases the blob and every wrapped key of record id. Only the
// record's patient may do so; erasing again succeeds.
func (c *Client) Erase(ctx context.Context, id uint64) error {
	resp, err := c.do(ctx, http.MethodDelete, "/v1/records/"+strconv.FormatUint(id, 10), nil, http.StatusOK)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// LiftTombstone lifts the erasure of record id so that its blob may be
// uploaded again (its keys stay gone: share the record anew). Only the
// record's patient may do so; a record that is not erased is refused with
// NOT_ERASED.
func (c *Client) LiftTombstone(ctx context.Context, id uint64) error {
	resp, err := c.do(ctx, http.MethodDelete, "/v1/records/"+strconv.FormatUint(id, 10)+"/tombstone", nil, http.StatusOK)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
