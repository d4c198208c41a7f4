// Package htlc holds the Go bindings (abigen v2) of the contracts in evm/contracts:
// HashedTimelockERC20, the hash-time-locked ERC-20 payments healthd settles claims
// and shipments with, and TestToken, the open-mint ERC-20 of tests and the local
// Ethereum network. The bindings are generated from the committed artifacts
// (evm/artifacts, compiled by build.mjs with the pinned solc) by `make evm`; the test
// tokens used only by the tests are generated into _test.go files.
package htlc

//go:generate go tool abigen --v2 --pkg htlc --type HashedTimelockERC20 --abi ../artifacts/HashedTimelockERC20.abi --bin ../artifacts/HashedTimelockERC20.bin --out hashedtimelockerc20.go
//go:generate go tool abigen --v2 --pkg htlc --type TestToken --abi ../artifacts/TestToken.abi --bin ../artifacts/TestToken.bin --out testtoken.go
//go:generate go tool abigen --v2 --pkg htlc --type NoBoolToken --abi ../artifacts/NoBoolToken.abi --bin ../artifacts/NoBoolToken.bin --out nobooltoken_test.go
//go:generate go tool abigen --v2 --pkg htlc --type HookToken --abi ../artifacts/HookToken.abi --bin ../artifacts/HookToken.bin --out hooktoken_test.go
