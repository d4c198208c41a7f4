package main

import (
	"crypto/ecdsa"

	"github.com/ethereum/go-ethereum/common"
)

// ecdsaKey is a party's key and its address.
type ecdsaKey struct {
	k    *ecdsa.PrivateKey
	addr common.Address
}
