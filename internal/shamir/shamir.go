// Package shamir splits a secret into n shares of which any k reconstruct
// it and any k-1 reveal nothing about it (Shamir, "How to share a secret",
// CACM 1979), byte by byte over GF(2^8).
//
// The vault network splits each record key among the founding members'
// vaults with it, so that an emergency reader under an on-chain
// break-glass grant, or a patient recovering a lost key, gets the key only
// when k vaults agree, and no single vault can decrypt anything.
//
// It is written here because the Go module proxy this project builds from
// serves no maintained Shamir library (hashicorp/vault's shamir package is
// not a module of its own and brings the whole of Vault). It is small on
// purpose: the field is GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1,
// multiplication is carry-less and branch-free (no log tables, so no
// secret-dependent memory access), shares carry their x coordinate in
// their first byte, and there are fixed vectors, a secrecy test and a fuzz
// target.
//
// Shares are not authenticated: a wrong share yields a wrong secret, not an
// error. Callers authenticate what they reconstruct (the vault's record key
// opens the record's age envelope, or fails).
package shamir

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

// MaxShares is the most shares a secret can be split into: x runs over the
// non-zero field elements.
const MaxShares = 255

// MaxSecret bounds a secret (record keys are 32 bytes; this is generous).
const MaxSecret = 4096

// Errors.
var (
	ErrParams     = errors.New("shamir: need 2 <= k <= n <= 255 and a secret of 1 to 4096 bytes")
	ErrShares     = errors.New("shamir: shares must be at least one, of equal length, with distinct non-zero x")
	ErrShortShare = errors.New("shamir: a share is its x byte and at least one byte of y")
)

// mul multiplies in GF(2^8) modulo x^8+x^4+x^3+x+1, in constant time.
func mul(a, b byte) byte {
	var p byte
	for range 8 {
		// p ^= a if the low bit of b is set, without a branch.
		p ^= a & -(b & 1)
		// a *= x, reducing by 0x1b when the top bit falls off.
		hi := a >> 7
		a = a<<1 ^ 0x1b&-hi
		b >>= 1
	}
	return p
}

// inv is the multiplicative inverse (a^254; inv(0) = 0, never used).
func inv(a byte) byte {
	// a^254 = a^(2+4+8+16+32+64+128)
	r := byte(1)
	sq := a
	for range 7 {
		sq = mul(sq, sq) // a^2, a^4, ..., a^128
		r = mul(r, sq)
	}
	return r
}

// Split returns n shares of secret, any k of which reconstruct it. Each
// share is its x coordinate (1..n) followed by len(secret) bytes.
func Split(secret []byte, n, k int) ([][]byte, error) {
	return SplitFrom(rand.Reader, secret, n, k)
}

// SplitFrom is Split with the randomness from r (tests give fixed bytes).
func SplitFrom(r io.Reader, secret []byte, n, k int) ([][]byte, error) {
	if k < 2 || k > n || n > MaxShares || len(secret) == 0 || len(secret) > MaxSecret {
		return nil, ErrParams
	}
	shares := make([][]byte, n)
	for i := range shares {
		shares[i] = make([]byte, 1+len(secret))
		shares[i][0] = byte(i + 1)
	}
	coef := make([]byte, k) // coef[0] is the secret byte; the rest random
	defer clear(coef)
	for j, s := range secret {
		coef[0] = s
		if _, err := io.ReadFull(r, coef[1:]); err != nil {
			return nil, fmt.Errorf("shamir: reading randomness: %w", err)
		}
		for i := range shares {
			x := shares[i][0]
			// Horner: ((c[k-1] x + c[k-2]) x + ...) x + c[0]
			var y byte
			for d := k - 1; d >= 0; d-- {
				y = mul(y, x) ^ coef[d]
			}
			shares[i][1+j] = y
		}
	}
	return shares, nil
}

// Combine reconstructs the secret from shares by Lagrange interpolation at
// zero. Given fewer than the k the secret was split with, or a share of
// another secret, it returns a wrong secret without error (see the package
// doc).
func Combine(shares [][]byte) ([]byte, error) {
	if len(shares) == 0 || len(shares) > MaxShares {
		return nil, ErrShares
	}
	size := len(shares[0])
	if size < 2 {
		return nil, ErrShortShare
	}
	var seen [256]bool
	for _, s := range shares {
		if len(s) != size {
			return nil, ErrShares
		}
		if s[0] == 0 || seen[s[0]] {
			return nil, ErrShares
		}
		seen[s[0]] = true
	}
	// Lagrange basis at 0: l_i = prod_{m != i} x_m / (x_m - x_i); in
	// characteristic 2, subtraction is XOR.
	basis := make([]byte, len(shares))
	for i, si := range shares {
		num, den := byte(1), byte(1)
		for m, sm := range shares {
			if m == i {
				continue
			}
			num = mul(num, sm[0])
			den = mul(den, sm[0]^si[0])
		}
		basis[i] = mul(num, inv(den))
	}
	secret := make([]byte, size-1)
	for j := range secret {
		var v byte
		for i, s := range shares {
			v ^= mul(basis[i], s[1+j])
		}
		secret[j] = v
	}
	return secret, nil
}
