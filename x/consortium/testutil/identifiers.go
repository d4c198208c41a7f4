// Package testutil makes valid, distinct external identifiers for test
// fixtures: x/consortium refuses an NPI, GLN or DEA number that already
// belongs to another member, so every fixture member needs its own.
package testutil

import (
	"crypto/sha256"
	"fmt"

	"github.com/healthchain/healthd/x/consortium/types"
)

// digits returns n decimal digits derived from seed.
func digits(seed []byte, n int) string {
	h := sha256.Sum256(seed)
	out := make([]byte, n)
	for i := range out {
		out[i] = '0' + h[i]%10
	}
	return string(out)
}

// NPI returns a valid NPI derived from seed (typically the member's address
// bytes): distinct seeds give distinct NPIs with overwhelming probability.
func NPI(seed []byte) string {
	for i := 0; ; i++ {
		body := digits(append([]byte(fmt.Sprintf("npi/%d/", i)), seed...), 9)
		for c := byte('0'); c <= '9'; c++ {
			if types.ValidateNPI(body+string(c)) == nil {
				return body + string(c)
			}
		}
	}
}

// GLN returns a valid GLN derived from seed.
func GLN(seed []byte) string {
	body := digits(append([]byte("gln/"), seed...), 12)
	cd, err := types.GS1CheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(cd)
}
