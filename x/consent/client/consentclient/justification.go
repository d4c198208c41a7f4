// Package consentclient seals and opens break-glass justifications on the
// client: the chain holds only their commitment and ciphertext.
package consentclient

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"

	"github.com/healthchain/healthd/x/consent/types"
)

// Sealed justification: the plaintext is the salt (types.JustificationSaltSize
// bytes), types.CanonicalJustification and zero bytes up to
// types.JustificationPadding; it is encrypted with age (one file key, wrapped
// per recipient) to the opening member's key and to the x/records encryption
// keys the patient and the patient's live guardians registered.

// SealedJustification is what MsgBreakGlass carries of the justification.
type SealedJustification struct {
	Commitment []byte
	Ciphertext []byte
}

// SealJustification commits to j under a fresh salt and encrypts the salt and
// j to recipients (the member's, the patient's, the guardians').
func SealJustification(j types.JustificationCode, recipients ...age.Recipient) (*SealedJustification, error) {
	if err := types.ValidateJustification(j); err != nil {
		return nil, err
	}
	if len(recipients) == 0 {
		return nil, errors.New("the justification needs recipients: at least the member's own key")
	}
	salt := make([]byte, types.JustificationSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	plain := make([]byte, types.JustificationPadding)
	copy(plain, salt)
	copy(plain[len(salt):], types.CanonicalJustification(j))

	var out bytes.Buffer
	w, err := age.Encrypt(&out, recipients...)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plain); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	s := &SealedJustification{Commitment: types.JustificationCommitment(salt, j), Ciphertext: out.Bytes()}
	if err := types.ValidateSealedJustification(s.Commitment, s.Ciphertext); err != nil {
		return nil, fmt.Errorf("a justification for %d recipients does not fit: %w", len(recipients), err)
	}
	return s, nil
}

// OpenedJustification is a break-glass access's justification, decrypted and
// checked against its commitment.
type OpenedJustification struct {
	Code types.JustificationCode
	// Salt opens the commitment: with it and the code, anyone can check them
	// against the chain (types.JustificationCommitment).
	Salt []byte
}

// ErrNotRecipient is returned for a justification sealed to other keys than the caller's.
var ErrNotRecipient = errors.New("the justification is not encrypted to this key: only the patient and their guardians (with an encryption key on chain) and the member that broke the glass read it")

// OpenJustification decrypts a justification with id and checks it against
// the commitment. Nothing is returned unless the ciphertext opens, the
// plaintext is well formed and the commitment matches.
func OpenJustification(commitment, ciphertext []byte, id age.Identity) (*OpenedJustification, error) {
	r, err := age.Decrypt(bytes.NewReader(ciphertext), id)
	if err != nil {
		var none *age.NoIdentityMatchError
		if errors.As(err, &none) {
			return nil, ErrNotRecipient
		}
		return nil, fmt.Errorf("decrypting the justification: %w", err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, types.MaxJustificationCiphertext))
	if err != nil {
		return nil, fmt.Errorf("decrypting the justification (the ciphertext is corrupt or was tampered with): %w", err)
	}
	if len(plain) != types.JustificationPadding {
		return nil, fmt.Errorf("sealed justification of %d bytes: not a padded envelope", len(plain))
	}
	salt, body := plain[:types.JustificationSaltSize], bytes.TrimRight(plain[types.JustificationSaltSize:], "\x00")
	j, err := types.ParseCanonicalJustification(body)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(types.JustificationCommitment(salt, j), commitment) {
		return nil, fmt.Errorf("integrity: the decrypted justification's commitment does not match the break-glass access's %x", commitment)
	}
	return &OpenedJustification{Code: j, Salt: salt}, nil
}

// OpenBreakGlass is OpenJustification on a break-glass access.
func OpenBreakGlass(bg types.BreakGlass, id age.Identity) (*OpenedJustification, error) {
	return OpenJustification(bg.JustificationCommitment, bg.JustificationCiphertext, id)
}
