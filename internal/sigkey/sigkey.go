// Package sigkey derives client-side secrets from an account's signing key:
// the account signs a fixed message, and a labelled hash of the signature is
// the secret. secp256k1 signatures here are deterministic (RFC 6979), so the
// same signing key always gives the same secret and nothing else needs to be
// stored, backed up or shared; whoever lacks the signing key cannot compute
// it. Each use (x/records' encryption key, x/claims' member id key,
// x/drugtrace's prescription key) has its own message and label, so the
// secrets are unrelated though they come from one key.
package sigkey

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
)

// Signer signs bytes with an account's key.
type Signer func(msg []byte) ([]byte, error)

// KeyringSigner signs with key name of kr, as transactions are signed.
func KeyringSigner(kr keyring.Keyring, name string) Signer {
	return func(msg []byte) ([]byte, error) {
		if kr == nil || name == "" {
			return nil, errors.New("no signing key: give --from, the name of a key in the keyring")
		}
		sig, _, err := kr.Sign(name, msg, signing.SignMode_SIGN_MODE_DIRECT)
		return sig, err
	}
}

// Derive returns SHA-256(label ‖ signature of message). It signs twice and
// refuses a key whose signatures differ (some hardware wallets): its secret
// would change every time. what names the secret in that error.
func Derive(sign Signer, message, label, what string) ([32]byte, error) {
	sig1, err := sign([]byte(message))
	if err != nil {
		return [32]byte{}, err
	}
	sig2, err := sign([]byte(message))
	if err != nil {
		return [32]byte{}, err
	}
	if !bytes.Equal(sig1, sig2) {
		return [32]byte{}, fmt.Errorf("this key's signatures are not deterministic: it cannot derive %s", what)
	}
	return sha256.Sum256(append([]byte(label), sig1...)), nil
}
