package relay

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/ethereum/go-ethereum/accounts/keystore"
)

// LoadKey decrypts a go-ethereum keystore file (Web3 Secret Storage JSON) with
// the password in passwordFile (its first line). Keys never come from flags:
// a flag is visible to every user of the machine in the process list.
func LoadKey(keystoreFile, passwordFile string) (*ecdsa.PrivateKey, error) {
	ks, err := os.ReadFile(keystoreFile)
	if err != nil {
		return nil, err
	}
	pw, err := os.ReadFile(passwordFile)
	if err != nil {
		return nil, err
	}
	line, _, _ := strings.Cut(string(pw), "\n")
	key, err := keystore.DecryptKey(ks, strings.TrimRight(line, "\r"))
	if err != nil {
		return nil, fmt.Errorf("keystore %s: %w", keystoreFile, err)
	}
	return key.PrivateKey, nil
}

// LockHome takes an exclusive lock on home, so that two relays never work on
// one state; the lock ends with the process.
func LockHome(home string) (*os.File, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(home+"/relay.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another relay is running on %s", home)
		}
		return nil, err
	}
	return f, nil
}
