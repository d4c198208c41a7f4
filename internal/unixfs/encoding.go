package unixfs

import (
	"errors"
	"fmt"
)

// Protocol Buffers wire types used by dag-pb and UnixFS.
const (
	wireVarint = 0
	wireBytes  = 2
)

func appendTag(b []byte, field, wire uint64) []byte {
	return appendVarint(b, field<<3|wire)
}

// appendVarint appends x as an unsigned LEB128 varint (the encoding shared by
// Protocol Buffers and multiformats' unsigned-varint).
func appendVarint(b []byte, x uint64) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

func varintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// readVarint decodes a multiformats unsigned-varint: at most 9 bytes and in
// its minimal form (no trailing zero groups).
func readVarint(b []byte) (x uint64, n int, err error) {
	const maxBytes = 9
	for i := 0; i < len(b); i++ {
		if i == maxBytes {
			return 0, 0, errors.New("varint longer than 9 bytes")
		}
		c := b[i]
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				return 0, 0, errors.New("varint not minimally encoded")
			}
			return x, i + 1, nil
		}
	}
	return 0, 0, errors.New("truncated varint")
}

const base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567"

// base32Encode encodes b with the RFC 4648 alphabet in lower case and
// without padding (multibase 'b').
func base32Encode(b []byte) string {
	out := make([]byte, 0, (len(b)*8+4)/5)
	var acc uint64
	bits := 0
	for _, c := range b {
		acc = acc<<8 | uint64(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out = append(out, base32Alphabet[(acc>>bits)&0x1f])
		}
	}
	if bits > 0 {
		out = append(out, base32Alphabet[(acc<<(5-bits))&0x1f])
	}
	return string(out)
}

// base32Decode is the strict inverse of base32Encode: it refuses characters
// outside the lower-case alphabet (padding included), impossible lengths, and
// non-zero bits after the last whole byte, so that every byte string has
// exactly one accepted encoding.
func base32Decode(s string) ([]byte, error) {
	switch len(s) % 8 {
	case 1, 3, 6:
		return nil, fmt.Errorf("base32 length %d is impossible", len(s))
	}
	out := make([]byte, 0, len(s)*5/8)
	var acc uint64
	bits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var v byte
		switch {
		case c >= 'a' && c <= 'z':
			v = c - 'a'
		case c >= '2' && c <= '7':
			v = c - '2' + 26
		default:
			// Offset counts the multibase prefix, so it indexes the CID string.
			return nil, fmt.Errorf("character at offset %d is not in the base32 lower-case alphabet", i+1)
		}
		acc = acc<<5 | uint64(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	if acc&(1<<bits-1) != 0 {
		return nil, errors.New("non-zero padding bits in the last base32 character")
	}
	return out, nil
}
