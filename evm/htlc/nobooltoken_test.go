// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package htlc

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// NoBoolTokenMetaData contains all meta data concerning the NoBoolToken contract.
var NoBoolTokenMetaData = bind.MetaData{
	ABI: "[{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "NoBoolToken",
	Bin: "0x6080604052348015600f57600080fd5b506104a68061001f6000396000f3fe608060405234801561001057600080fd5b50600436106100625760003560e01c8063095ea7b31461006757806323b872dd146100a157806340c10f19146100b457806370a08231146100c7578063a9059cbb146100f9578063dd62ed3e1461010c575b600080fd5b61009f61007536600461039b565b3360009081526001602090815260408083206001600160a01b039590951683529390529190912055565b005b61009f6100af3660046103c5565b610137565b61009f6100c236600461039b565b6101f1565b6100e76100d5366004610402565b60006020819052908152604090205481565b60405190815260200160405180910390f35b61009f61010736600461039b565b610263565b6100e761011a366004610424565b600160209081526000928352604080842090915290825290205481565b6001600160a01b03831660009081526001602090815260408083203384529091529020548111156101a85760405162461bcd60e51b81526020600482015260166024820152754e6f426f6f6c546f6b656e3a20616c6c6f77616e636560501b60448201526064015b60405180910390fd5b6001600160a01b0383166000908152600160209081526040808320338452909152812080548392906101db90849061046d565b909155506101ec9050838383610272565b505050565b6001600160a01b03821660009081526020819052604081208054839290610219908490610486565b90915550506040518181526001600160a01b038316906000907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef9060200160405180910390a35050565b61026e338383610272565b5050565b6001600160a01b0383166000908152602081905260409020548111156102d15760405162461bcd60e51b81526020600482015260146024820152734e6f426f6f6c546f6b656e3a2062616c616e636560601b604482015260640161019f565b6001600160a01b038316600090815260208190526040812080548392906102f990849061046d565b90915550506001600160a01b03821660009081526020819052604081208054839290610326908490610486565b92505081905550816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8360405161037291815260200190565b60405180910390a3505050565b80356001600160a01b038116811461039657600080fd5b919050565b600080604083850312156103ae57600080fd5b6103b78361037f565b946020939093013593505050565b6000806000606084860312156103da57600080fd5b6103e38461037f565b92506103f16020850161037f565b929592945050506040919091013590565b60006020828403121561041457600080fd5b61041d8261037f565b9392505050565b6000806040838503121561043757600080fd5b6104408361037f565b915061044e6020840161037f565b90509250929050565b634e487b7160e01b600052601160045260246000fd5b8181038181111561048057610480610457565b92915050565b808201808211156104805761048061045756fea164736f6c6343000825000a",
}

// NoBoolToken is an auto generated Go binding around an Ethereum contract.
type NoBoolToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *NoBoolToken) GetABI() abi.ABI {
	return c.abi
}

// NewNoBoolToken creates a new instance of NoBoolToken.
func NewNoBoolToken() *NoBoolToken {
	parsed, err := NoBoolTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &NoBoolToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *NoBoolToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (noBoolToken *NoBoolToken) PackAllowance(arg0 common.Address, arg1 common.Address) []byte {
	enc, err := noBoolToken.abi.Pack("allowance", arg0, arg1)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (noBoolToken *NoBoolToken) TryPackAllowance(arg0 common.Address, arg1 common.Address) ([]byte, error) {
	return noBoolToken.abi.Pack("allowance", arg0, arg1)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (noBoolToken *NoBoolToken) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := noBoolToken.abi.Unpack("allowance", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(address spender, uint256 amount) returns()
func (noBoolToken *NoBoolToken) PackApprove(spender common.Address, amount *big.Int) []byte {
	enc, err := noBoolToken.abi.Pack("approve", spender, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address spender, uint256 amount) returns()
func (noBoolToken *NoBoolToken) TryPackApprove(spender common.Address, amount *big.Int) ([]byte, error) {
	return noBoolToken.abi.Pack("approve", spender, amount)
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (noBoolToken *NoBoolToken) PackBalanceOf(arg0 common.Address) []byte {
	enc, err := noBoolToken.abi.Pack("balanceOf", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (noBoolToken *NoBoolToken) TryPackBalanceOf(arg0 common.Address) ([]byte, error) {
	return noBoolToken.abi.Pack("balanceOf", arg0)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (noBoolToken *NoBoolToken) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := noBoolToken.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (noBoolToken *NoBoolToken) PackMint(to common.Address, amount *big.Int) []byte {
	enc, err := noBoolToken.abi.Pack("mint", to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (noBoolToken *NoBoolToken) TryPackMint(to common.Address, amount *big.Int) ([]byte, error) {
	return noBoolToken.abi.Pack("mint", to, amount)
}

// PackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transfer(address to, uint256 amount) returns()
func (noBoolToken *NoBoolToken) PackTransfer(to common.Address, amount *big.Int) []byte {
	enc, err := noBoolToken.abi.Pack("transfer", to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transfer(address to, uint256 amount) returns()
func (noBoolToken *NoBoolToken) TryPackTransfer(to common.Address, amount *big.Int) ([]byte, error) {
	return noBoolToken.abi.Pack("transfer", to, amount)
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 amount) returns()
func (noBoolToken *NoBoolToken) PackTransferFrom(from common.Address, to common.Address, amount *big.Int) []byte {
	enc, err := noBoolToken.abi.Pack("transferFrom", from, to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 amount) returns()
func (noBoolToken *NoBoolToken) TryPackTransferFrom(from common.Address, to common.Address, amount *big.Int) ([]byte, error) {
	return noBoolToken.abi.Pack("transferFrom", from, to, amount)
}

// NoBoolTokenTransfer represents a Transfer event raised by the NoBoolToken contract.
type NoBoolTokenTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const NoBoolTokenTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (NoBoolTokenTransfer) ContractEventName() string {
	return NoBoolTokenTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (noBoolToken *NoBoolToken) UnpackTransferEvent(log *types.Log) (*NoBoolTokenTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != noBoolToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NoBoolTokenTransfer)
	if len(log.Data) > 0 {
		if err := noBoolToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range noBoolToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}
