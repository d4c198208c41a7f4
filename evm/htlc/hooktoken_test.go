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

// HookTokenMetaData contains all meta data concerning the HookToken contract.
var HookTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"feeOnTransferFrom\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"hookCalled\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"hookData\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"hookOK\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"hookResult\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"hookTarget\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"fee\",\"type\":\"uint256\"}],\"name\":\"setFee\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"target\",\"type\":\"address\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"setHook\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "HookToken",
	Bin: "0x608060405234801561001057600080fd5b5060405180604001604052806004815260200163486f6f6b60e01b81525060405180604001604052806004815260200163484f4f4b60e01b815250816000908161005a919061011b565b506001610067828261011b565b5050506101dd565b634e487b7160e01b600052604160045260246000fd5b600181811c9082168061009957607f821691505b6020821081036100b957634e487b7160e01b600052602260045260246000fd5b50919050565b601f821115610116578282111561011657806000526020600020601f840160051c60208510156100ed575060005b90810190601f840160051c0360005b81811015610112576000838201556001016100fc565b5050505b505050565b81516001600160401b038111156101345761013461006f565b610148816101428454610085565b846100bf565b6020601f82116001811461017c57600083156101645750848201515b600019600385901b1c1916600184901b1784556101d6565b600084815260208120601f198516915b828110156101ac578785015182556020948501946001909201910161018c565b50848210156101ca5786840151600019600387901b60f8161c191681555b505060018360011b0184555b5050505050565b610c0c806101ec6000396000f3fe608060405234801561001057600080fd5b50600436106101165760003560e01c806369fe0e2d116100a2578063a9059cbb11610071578063a9059cbb1461023e578063c5ad9a3014610251578063dd62ed3e1461025e578063e9ebdd2114610289578063f87a70941461029257600080fd5b806369fe0e2d146101fb5780636e22da191461020e57806370a082311461021657806395d89b411461023657600080fd5b8063313ce567116100e9578063313ce56714610186578063353ac5f9146101a057806340c10f19146101cb57806343072d2e146101e05780635dff6a3c146101f357600080fd5b806306fdde031461011b578063095ea7b31461013957806318160ddd1461015c57806323b872dd14610173575b600080fd5b6101236102a4565b604051610130919061079a565b60405180910390f35b61014c6101473660046107d0565b610332565b6040519015158152602001610130565b61016560025481565b604051908152602001610130565b61014c6101813660046107fa565b61039f565b61018e600681565b60405160ff9091168152602001610130565b6005546101b3906001600160a01b031681565b6040516001600160a01b039091168152602001610130565b6101de6101d93660046107d0565b6103e0565b005b6101de6101ee366004610837565b610469565b610123610497565b6101de6102093660046108bc565b600955565b6101236104a4565b6101656102243660046108d5565b60036020526000908152604090205481565b6101236104b1565b61014c61024c3660046107d0565b6104be565b60075461014c9060ff1681565b61016561026c3660046108f0565b600460209081526000928352604080842090915290825290205481565b61016560095481565b60075461014c90610100900460ff1681565b600080546102b190610923565b80601f01602080910402602001604051908101604052809291908181526020018280546102dd90610923565b801561032a5780601f106102ff5761010080835404028352916020019161032a565b820191906000526020600020905b81548152906001019060200180831161030d57829003601f168201915b505050505081565b3360008181526004602090815260408083206001600160a01b038716808552925280832085905551919290917f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b9259061038d9086815260200190565b60405180910390a35060015b92915050565b60006103ab84836104d4565b60095480156103c1576103c18561dead83610581565b6103d585856103d08487610973565b610581565b506001949350505050565b80600260008282546103f29190610986565b90915550506001600160a01b0382166000908152600360205260408120805483929061041f908490610986565b90915550506040518181526001600160a01b038316906000907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef9060200160405180910390a35050565b600580546001600160a01b0319166001600160a01b0385161790556006610491828483610a0a565b50505050565b600880546102b190610923565b600680546102b190610923565b600180546102b190610923565b60006104cb338484610581565b50600192915050565b6001600160a01b0382166000908152600460209081526040808320338452909152902054600019811461057c578181101561054d5760405162461bcd60e51b815260206004820152601460248201527354657374546f6b656e3a20616c6c6f77616e636560601b60448201526064015b60405180910390fd5b6105578282610973565b6001600160a01b03841660009081526004602090815260408083203384529091529020555b505050565b61058c838383610649565b6005546001600160a01b0316801561049157600580546001600160a01b03191690556007805460ff191660011790556040516001600160a01b038216906105d590600690610acb565b6000604051808303816000865af19150503d8060008114610612576040519150601f19603f3d011682016040523d82523d6000602084013e610617565b606091505b506007600160086106288482610b40565b508391906101000a81548160ff021916908315150217905550505050505050565b6001600160a01b0383166000908152600360205260409020548111156106a65760405162461bcd60e51b815260206004820152601260248201527154657374546f6b656e3a2062616c616e636560701b6044820152606401610544565b6001600160a01b038316600090815260036020526040812080548392906106ce908490610973565b90915550506001600160a01b038216600090815260036020526040812080548392906106fb908490610986565b92505081905550816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8360405161074791815260200190565b60405180910390a3505050565b6000815180845260005b8181101561077a5760208185018101518683018201520161075e565b506000602082860101526020601f19601f83011685010191505092915050565b6020815260006107ad6020830184610754565b9392505050565b80356001600160a01b03811681146107cb57600080fd5b919050565b600080604083850312156107e357600080fd5b6107ec836107b4565b946020939093013593505050565b60008060006060848603121561080f57600080fd5b610818846107b4565b9250610826602085016107b4565b929592945050506040919091013590565b60008060006040848603121561084c57600080fd5b610855846107b4565b9250602084013567ffffffffffffffff81111561087157600080fd5b8401601f8101861361088257600080fd5b803567ffffffffffffffff81111561089957600080fd5b8660208284010111156108ab57600080fd5b939660209190910195509293505050565b6000602082840312156108ce57600080fd5b5035919050565b6000602082840312156108e757600080fd5b6107ad826107b4565b6000806040838503121561090357600080fd5b61090c836107b4565b915061091a602084016107b4565b90509250929050565b600181811c9082168061093757607f821691505b60208210810361095757634e487b7160e01b600052602260045260246000fd5b50919050565b634e487b7160e01b600052601160045260246000fd5b818103818111156103995761039961095d565b808201808211156103995761039961095d565b634e487b7160e01b600052604160045260246000fd5b601f82111561057c578282111561057c57806000526020600020601f840160051c60208510156109dd575060005b90810190601f840160051c0360005b81811015610a02576000838201556001016109ec565b505050505050565b67ffffffffffffffff831115610a2257610a22610999565b610a3683610a308354610923565b836109af565b6000601f841160018114610a6a5760008515610a525750838201355b600019600387901b1c1916600186901b178355610ac4565b600083815260209020601f19861690835b82811015610a9b5786850135825560209485019460019092019101610a7b565b5086821015610ab85760001960f88860031b161c19848701351681555b505060018560011b0183555b5050505050565b6000808354610ad981610923565b600182168015610af05760018114610b0557610b35565b60ff1983168652811515820286019350610b35565b86600052602060002060005b83811015610b2d57815488820152600190910190602001610b11565b505081860193505b509195945050505050565b815167ffffffffffffffff811115610b5a57610b5a610999565b610b6e81610b688454610923565b846109af565b6020601f821160018114610ba25760008315610b8a5750848201515b600019600385901b1c1916600184901b178455610ac4565b600084815260208120601f198516915b82811015610bd25787850151825560209485019460019092019101610bb2565b5084821015610bf05786840151600019600387901b60f8161c191681555b50505050600190811b0190555056fea164736f6c6343000825000a",
}

// HookToken is an auto generated Go binding around an Ethereum contract.
type HookToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *HookToken) GetABI() abi.ABI {
	return c.abi
}

// NewHookToken creates a new instance of HookToken.
func NewHookToken() *HookToken {
	parsed, err := HookTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &HookToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *HookToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (hookToken *HookToken) PackAllowance(arg0 common.Address, arg1 common.Address) []byte {
	enc, err := hookToken.abi.Pack("allowance", arg0, arg1)
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
func (hookToken *HookToken) TryPackAllowance(arg0 common.Address, arg1 common.Address) ([]byte, error) {
	return hookToken.abi.Pack("allowance", arg0, arg1)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (hookToken *HookToken) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := hookToken.abi.Unpack("allowance", data)
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
// Solidity: function approve(address spender, uint256 amount) returns(bool)
func (hookToken *HookToken) PackApprove(spender common.Address, amount *big.Int) []byte {
	enc, err := hookToken.abi.Pack("approve", spender, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address spender, uint256 amount) returns(bool)
func (hookToken *HookToken) TryPackApprove(spender common.Address, amount *big.Int) ([]byte, error) {
	return hookToken.abi.Pack("approve", spender, amount)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 amount) returns(bool)
func (hookToken *HookToken) UnpackApprove(data []byte) (bool, error) {
	out, err := hookToken.abi.Unpack("approve", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (hookToken *HookToken) PackBalanceOf(arg0 common.Address) []byte {
	enc, err := hookToken.abi.Pack("balanceOf", arg0)
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
func (hookToken *HookToken) TryPackBalanceOf(arg0 common.Address) ([]byte, error) {
	return hookToken.abi.Pack("balanceOf", arg0)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (hookToken *HookToken) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := hookToken.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function decimals() view returns(uint8)
func (hookToken *HookToken) PackDecimals() []byte {
	enc, err := hookToken.abi.Pack("decimals")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function decimals() view returns(uint8)
func (hookToken *HookToken) TryPackDecimals() ([]byte, error) {
	return hookToken.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (hookToken *HookToken) UnpackDecimals(data []byte) (uint8, error) {
	out, err := hookToken.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackFeeOnTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe9ebdd21.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function feeOnTransferFrom() view returns(uint256)
func (hookToken *HookToken) PackFeeOnTransferFrom() []byte {
	enc, err := hookToken.abi.Pack("feeOnTransferFrom")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackFeeOnTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe9ebdd21.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function feeOnTransferFrom() view returns(uint256)
func (hookToken *HookToken) TryPackFeeOnTransferFrom() ([]byte, error) {
	return hookToken.abi.Pack("feeOnTransferFrom")
}

// UnpackFeeOnTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe9ebdd21.
//
// Solidity: function feeOnTransferFrom() view returns(uint256)
func (hookToken *HookToken) UnpackFeeOnTransferFrom(data []byte) (*big.Int, error) {
	out, err := hookToken.abi.Unpack("feeOnTransferFrom", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackHookCalled is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc5ad9a30.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hookCalled() view returns(bool)
func (hookToken *HookToken) PackHookCalled() []byte {
	enc, err := hookToken.abi.Pack("hookCalled")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHookCalled is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc5ad9a30.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hookCalled() view returns(bool)
func (hookToken *HookToken) TryPackHookCalled() ([]byte, error) {
	return hookToken.abi.Pack("hookCalled")
}

// UnpackHookCalled is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc5ad9a30.
//
// Solidity: function hookCalled() view returns(bool)
func (hookToken *HookToken) UnpackHookCalled(data []byte) (bool, error) {
	out, err := hookToken.abi.Unpack("hookCalled", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackHookData is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6e22da19.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hookData() view returns(bytes)
func (hookToken *HookToken) PackHookData() []byte {
	enc, err := hookToken.abi.Pack("hookData")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHookData is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6e22da19.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hookData() view returns(bytes)
func (hookToken *HookToken) TryPackHookData() ([]byte, error) {
	return hookToken.abi.Pack("hookData")
}

// UnpackHookData is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6e22da19.
//
// Solidity: function hookData() view returns(bytes)
func (hookToken *HookToken) UnpackHookData(data []byte) ([]byte, error) {
	out, err := hookToken.abi.Unpack("hookData", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackHookOK is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf87a7094.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hookOK() view returns(bool)
func (hookToken *HookToken) PackHookOK() []byte {
	enc, err := hookToken.abi.Pack("hookOK")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHookOK is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf87a7094.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hookOK() view returns(bool)
func (hookToken *HookToken) TryPackHookOK() ([]byte, error) {
	return hookToken.abi.Pack("hookOK")
}

// UnpackHookOK is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf87a7094.
//
// Solidity: function hookOK() view returns(bool)
func (hookToken *HookToken) UnpackHookOK(data []byte) (bool, error) {
	out, err := hookToken.abi.Unpack("hookOK", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackHookResult is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5dff6a3c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hookResult() view returns(bytes)
func (hookToken *HookToken) PackHookResult() []byte {
	enc, err := hookToken.abi.Pack("hookResult")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHookResult is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5dff6a3c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hookResult() view returns(bytes)
func (hookToken *HookToken) TryPackHookResult() ([]byte, error) {
	return hookToken.abi.Pack("hookResult")
}

// UnpackHookResult is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5dff6a3c.
//
// Solidity: function hookResult() view returns(bytes)
func (hookToken *HookToken) UnpackHookResult(data []byte) ([]byte, error) {
	out, err := hookToken.abi.Unpack("hookResult", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackHookTarget is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x353ac5f9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hookTarget() view returns(address)
func (hookToken *HookToken) PackHookTarget() []byte {
	enc, err := hookToken.abi.Pack("hookTarget")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHookTarget is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x353ac5f9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hookTarget() view returns(address)
func (hookToken *HookToken) TryPackHookTarget() ([]byte, error) {
	return hookToken.abi.Pack("hookTarget")
}

// UnpackHookTarget is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x353ac5f9.
//
// Solidity: function hookTarget() view returns(address)
func (hookToken *HookToken) UnpackHookTarget(data []byte) (common.Address, error) {
	out, err := hookToken.abi.Unpack("hookTarget", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (hookToken *HookToken) PackMint(to common.Address, amount *big.Int) []byte {
	enc, err := hookToken.abi.Pack("mint", to, amount)
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
func (hookToken *HookToken) TryPackMint(to common.Address, amount *big.Int) ([]byte, error) {
	return hookToken.abi.Pack("mint", to, amount)
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (hookToken *HookToken) PackName() []byte {
	enc, err := hookToken.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() view returns(string)
func (hookToken *HookToken) TryPackName() ([]byte, error) {
	return hookToken.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (hookToken *HookToken) UnpackName(data []byte) (string, error) {
	out, err := hookToken.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackSetFee is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69fe0e2d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setFee(uint256 fee) returns()
func (hookToken *HookToken) PackSetFee(fee *big.Int) []byte {
	enc, err := hookToken.abi.Pack("setFee", fee)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetFee is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69fe0e2d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setFee(uint256 fee) returns()
func (hookToken *HookToken) TryPackSetFee(fee *big.Int) ([]byte, error) {
	return hookToken.abi.Pack("setFee", fee)
}

// PackSetHook is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x43072d2e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setHook(address target, bytes data) returns()
func (hookToken *HookToken) PackSetHook(target common.Address, data []byte) []byte {
	enc, err := hookToken.abi.Pack("setHook", target, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetHook is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x43072d2e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setHook(address target, bytes data) returns()
func (hookToken *HookToken) TryPackSetHook(target common.Address, data []byte) ([]byte, error) {
	return hookToken.abi.Pack("setHook", target, data)
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() view returns(string)
func (hookToken *HookToken) PackSymbol() []byte {
	enc, err := hookToken.abi.Pack("symbol")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function symbol() view returns(string)
func (hookToken *HookToken) TryPackSymbol() ([]byte, error) {
	return hookToken.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (hookToken *HookToken) UnpackSymbol(data []byte) (string, error) {
	out, err := hookToken.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (hookToken *HookToken) PackTotalSupply() []byte {
	enc, err := hookToken.abi.Pack("totalSupply")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupply() view returns(uint256)
func (hookToken *HookToken) TryPackTotalSupply() ([]byte, error) {
	return hookToken.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (hookToken *HookToken) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := hookToken.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transfer(address to, uint256 amount) returns(bool)
func (hookToken *HookToken) PackTransfer(to common.Address, amount *big.Int) []byte {
	enc, err := hookToken.abi.Pack("transfer", to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transfer(address to, uint256 amount) returns(bool)
func (hookToken *HookToken) TryPackTransfer(to common.Address, amount *big.Int) ([]byte, error) {
	return hookToken.abi.Pack("transfer", to, amount)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 amount) returns(bool)
func (hookToken *HookToken) UnpackTransfer(data []byte) (bool, error) {
	out, err := hookToken.abi.Unpack("transfer", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 amount) returns(bool)
func (hookToken *HookToken) PackTransferFrom(from common.Address, to common.Address, amount *big.Int) []byte {
	enc, err := hookToken.abi.Pack("transferFrom", from, to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 amount) returns(bool)
func (hookToken *HookToken) TryPackTransferFrom(from common.Address, to common.Address, amount *big.Int) ([]byte, error) {
	return hookToken.abi.Pack("transferFrom", from, to, amount)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 amount) returns(bool)
func (hookToken *HookToken) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := hookToken.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// HookTokenApproval represents a Approval event raised by the HookToken contract.
type HookTokenApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const HookTokenApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (HookTokenApproval) ContractEventName() string {
	return HookTokenApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (hookToken *HookToken) UnpackApprovalEvent(log *types.Log) (*HookTokenApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != hookToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(HookTokenApproval)
	if len(log.Data) > 0 {
		if err := hookToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range hookToken.abi.Events[event].Inputs {
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

// HookTokenTransfer represents a Transfer event raised by the HookToken contract.
type HookTokenTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const HookTokenTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (HookTokenTransfer) ContractEventName() string {
	return HookTokenTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (hookToken *HookToken) UnpackTransferEvent(log *types.Log) (*HookTokenTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != hookToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(HookTokenTransfer)
	if len(log.Data) > 0 {
		if err := hookToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range hookToken.abi.Events[event].Inputs {
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
