package recordsclient

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/internal/sigkey"
)

// WrapKey encrypts a record key to an account's age recipient.
func WrapKey(key *age.X25519Identity, to age.Recipient) ([]byte, error) {
	var out bytes.Buffer
	w, err := age.Encrypt(&out, to)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, key.String()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// UnwrapKey decrypts a wrapped record key with the account's identity.
func UnwrapKey(wrapped []byte, id age.Identity) (*age.X25519Identity, error) {
	r, err := age.Decrypt(bytes.NewReader(wrapped), id)
	if err != nil {
		return nil, fmt.Errorf("unwrapping the record key: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<10))
	if err != nil {
		return nil, fmt.Errorf("unwrapping the record key: %w", err)
	}
	return age.ParseX25519Identity(strings.TrimSpace(string(b)))
}

// keyDerivationMessage is what an account signs to derive its encryption key.
const keyDerivationMessage = "healthd/records/encryption-key/v1: sign only inside healthd; this signature is your record decryption key"

// DeriveIdentity derives an account's age X25519 identity from its signature
// over a fixed message: secp256k1 signatures here are deterministic (RFC 6979),
// so the same key always gives the same identity and nothing else needs to be
// stored or backed up. sign must sign with the account's key.
func DeriveIdentity(sign func(msg []byte) ([]byte, error)) (*age.X25519Identity, error) {
	seed, err := sigkey.Derive(sign, keyDerivationMessage, "healthd-age-x25519\x00", "an encryption key")
	if err != nil {
		return nil, err
	}
	s, err := bech32.ConvertAndEncode("age-secret-key-", seed[:])
	if err != nil {
		return nil, err
	}
	return age.ParseX25519Identity(strings.ToUpper(s))
}
