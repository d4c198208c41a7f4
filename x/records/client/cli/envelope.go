package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/x/records/types"
)

// envelopeMagic starts every plaintext envelope.
const envelopeMagic = "healthd-record/v1\n"

// maxHeader bounds an envelope's header.
const maxHeader = 64 << 10

// ErrBadEnvelope is returned for a decrypted blob that is not a record envelope.
var ErrBadEnvelope = errors.New("not a healthd record envelope")

// Header is what an envelope carries besides the record: only holders of the
// record key can read it.
type Header struct {
	Format   types.Format `json:"format"`
	Kind     string       `json:"kind"`
	Category string       `json:"category"`
	Salt     []byte       `json:"salt"`
}

// Envelope is the plaintext the vault stores encrypted: magic, header length
// (4 bytes, big endian), JSON header, the record's original bytes.
func Envelope(h Header, record []byte) ([]byte, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(envelopeMagic) + 4 + len(hb) + len(record))
	buf.WriteString(envelopeMagic)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(hb)))
	buf.Write(hb)
	buf.Write(record)
	return buf.Bytes(), nil
}

// OpenEnvelope splits an envelope into its header and the record's bytes.
func OpenEnvelope(b []byte) (Header, []byte, error) {
	var h Header
	if !bytes.HasPrefix(b, []byte(envelopeMagic)) || len(b) < len(envelopeMagic)+4 {
		return h, nil, ErrBadEnvelope
	}
	b = b[len(envelopeMagic):]
	n := binary.BigEndian.Uint32(b)
	b = b[4:]
	if n > maxHeader || int(n) > len(b) {
		return h, nil, fmt.Errorf("%w: header length %d", ErrBadEnvelope, n)
	}
	if err := json.Unmarshal(b[:n], &h); err != nil {
		return h, nil, fmt.Errorf("%w: header: %w", ErrBadEnvelope, err)
	}
	if len(h.Salt) != SaltSize {
		return h, nil, fmt.Errorf("%w: salt of %d bytes", ErrBadEnvelope, len(h.Salt))
	}
	return h, b[n:], nil
}

// Seal encrypts an envelope under a fresh per-record key (an age X25519
// identity) and returns the ciphertext and the key.
func Seal(envelope []byte) ([]byte, *age.X25519Identity, error) {
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	w, err := age.Encrypt(&out, key.Recipient())
	if err != nil {
		return nil, nil, err
	}
	if _, err := w.Write(envelope); err != nil {
		return nil, nil, err
	}
	if err := w.Close(); err != nil {
		return nil, nil, err
	}
	return out.Bytes(), key, nil
}

// Unseal decrypts a blob with its record key. age authenticates every chunk,
// so a blob changed by even one byte does not decrypt.
func Unseal(ciphertext []byte, key age.Identity) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(ciphertext), key)
	if err != nil {
		return nil, fmt.Errorf("decrypting the record: %w", err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("decrypting the record (the blob is corrupt or was tampered with): %w", err)
	}
	return b, nil
}

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
	sig1, err := sign([]byte(keyDerivationMessage))
	if err != nil {
		return nil, err
	}
	sig2, err := sign([]byte(keyDerivationMessage))
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(sig1, sig2) {
		return nil, errors.New("this key's signatures are not deterministic: it cannot derive an encryption key")
	}
	seed := sha256.Sum256(append([]byte("healthd-age-x25519\x00"), sig1...))
	s, err := bech32.ConvertAndEncode("age-secret-key-", seed[:])
	if err != nil {
		return nil, err
	}
	return age.ParseX25519Identity(strings.ToUpper(s))
}
