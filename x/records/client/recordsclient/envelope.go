package recordsclient

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"

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
	if len(h.Salt) != types.SaltSize {
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
