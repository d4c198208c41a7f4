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

// HashedTimelockERC20Lock is an auto generated low-level Go binding around an user-defined struct.
type HashedTimelockERC20Lock struct {
	Sender   common.Address
	Timelock uint64
	State    uint8
	Receiver common.Address
	Token    common.Address
	Amount   *big.Int
	Hashlock [32]byte
}

// HashedTimelockERC20MetaData contains all meta data concerning the HashedTimelockERC20 contract.
var HashedTimelockERC20MetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"expected\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"received\",\"type\":\"uint256\"}],\"name\":\"AmountNotReceived\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"timelock\",\"type\":\"uint64\"}],\"name\":\"Expired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"NotAContract\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"timelock\",\"type\":\"uint64\"}],\"name\":\"NotExpired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"},{\"internalType\":\"enumHashedTimelockERC20.State\",\"name\":\"state\",\"type\":\"uint8\"}],\"name\":\"NotOpen\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"NotSender\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"Reentrant\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"timelock\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"now_\",\"type\":\"uint256\"}],\"name\":\"TimelockNotInFuture\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"TokenCallFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"}],\"name\":\"UnknownLock\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"}],\"name\":\"WrongPreimage\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroReceiver\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"hashlock\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"timelock\",\"type\":\"uint64\"}],\"name\":\"Locked\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"hashlock\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Refunded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"hashlock\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"preimage\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"}],\"name\":\"getLock\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"timelock\",\"type\":\"uint64\"},{\"internalType\":\"enumHashedTimelockERC20.State\",\"name\":\"state\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"hashlock\",\"type\":\"bytes32\"}],\"internalType\":\"structHashedTimelockERC20.Lock\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"hashlock\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"timelock\",\"type\":\"uint64\"}],\"name\":\"lock\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"nonces\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"}],\"name\":\"refund\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"lockId\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"preimage\",\"type\":\"bytes32\"}],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "HashedTimelockERC20",
	Bin: "0x60806040526001600255348015601457600080fd5b50610d97806100246000396000f3fe608060405234801561001057600080fd5b50600436106100575760003560e01c806334e1fd001461005c57806363615149146100825780637249fbb6146100975780637ecebe00146100aa578063d6f27b58146100ca575b600080fd5b61006f61006a366004610b78565b6100ea565b6040519081526020015b60405180910390f35b610095610090366004610be0565b61043c565b005b6100956100a5366004610c02565b61062f565b61006f6100b8366004610c1b565b60016020526000908152604090205481565b6100dd6100d8366004610c02565b610795565b6040516100799190610c75565b600060025460011461010f5760405163769dd35360e11b815260040160405180910390fd5b600280556001600160a01b03851661013a57604051630d753d9b60e31b815260040160405180910390fd5b8360000361015b57604051631f2a200560e01b815260040160405180910390fd5b428267ffffffffffffffff161161019c57604051637c2e251b60e11b815267ffffffffffffffff831660048201524260248201526044015b60405180910390fd5b336000908152600160205260408120805490826101b883610d02565b90915550604080514660208201523091810191909152336060820152608081018290526001600160a01b03808a1660a0830152881660c082015260e08101879052610100810186905267ffffffffffffffff85166101208201529091506101400160408051808303601f19018152828252805160209182012060e08401835233845267ffffffffffffffff87811683860190815260018686019081526001600160a01b038d811660608901528e8116608089015260a088018d905260c088018c90526000858152958690529590942086518154925196166001600160e01b031990921691909117600160a01b959092169490940217808455915190955090829060ff60e01b1916600160e01b8360038111156102d6576102d6610c3d565b02179055506060828101516001830180546001600160a01b03199081166001600160a01b03938416179091556080808601516002860180549093169084161790915560a0850151600385015560c090940151600490930192909255604080513381528b8416602082015290810189905267ffffffffffffffff87169181019190915290881691869185917fdc347e82d81af5242701cfba9830eab83b9257d51c5fbea46fffe50dbcfc0390910160405180910390a46000610397883061087d565b604051336024820152306044820152606481018890529091506103e890899060840160408051601f198184030181529190526020810180516001600160e01b03166323b872dd60e01b1790526109a3565b6000816103f58a3061087d565b6103ff9190610d1b565b905086811461042b57604051637b6e35eb60e11b81526004810188905260248101829052604401610193565b505060016002555095945050505050565b60025460011461045f5760405163769dd35360e11b815260040160405180910390fd5b60028055600061046e83610ac2565b8054909150600160a01b900467ffffffffffffffff1642106104bf578054604051634d13561d60e01b815260048101859052600160a01b90910467ffffffffffffffff166024820152604401610193565b80600401546002836040516020016104d991815260200190565b60408051601f19818403018152908290526104f391610d2e565b602060405180830381855afa158015610510573d6000803e3d6000fd5b5050506040513d601f19601f820116820180604052508101906105339190610d5d565b1461055457604051630fd1753760e11b815260048101849052602401610193565b805460ff60e01b1916600160e11b1781556002810154600182015460038301546004840154604080518781526001600160a01b0395861660208201819052818301859052915191959094169384929189917fc4ca88ed460cde91950e14eb35e699daa3fa89bb9aac7504013c012af7052ab3919081900360600190a46040516001600160a01b0383166024820152604481018290526106229084906064015b60408051601f198184030181529190526020810180516001600160e01b031663a9059cbb60e01b1790526109a3565b5050600160025550505050565b6002546001146106525760405163769dd35360e11b815260040160405180910390fd5b60028055600061066182610ac2565b80549091506001600160a01b031633146106a3578054604051630871bc2560e41b8152600481018490526001600160a01b039091166024820152604401610193565b8054600160a01b900467ffffffffffffffff164210156106f25780546040516328e345c360e01b815260048101849052600160a01b90910467ffffffffffffffff166024820152604401610193565b8054600360e01b60ff60e01b198216178255600282015460038301546004840154604080516001600160a01b039485168082526020820185905295949094169384929188917fc63f6bd5a67183be3dcef4be39eec76093507d185e3d392a1db706aec342fe41910160405180910390a46040516001600160a01b0383166024820152604481018290526107899084906064016105f3565b50506001600255505050565b6040805160e081018252600080825260208201819052918101829052606081018290526080810182905260a0810182905260c081019190915260008281526020818152604091829020825160e08101845281546001600160a01b0381168252600160a01b810467ffffffffffffffff169382019390935292909190830190600160e01b900460ff16600381111561082e5761082e610c3d565b600381111561083f5761083f610c3d565b815260018201546001600160a01b03908116602083015260028301541660408201526003820154606082015260049091015460809091015292915050565b6000826001600160a01b03163b6000036108b5576040516322a2d07b60e21b81526001600160a01b0384166004820152602401610193565b6040516001600160a01b038381166024830152600091829186169060440160408051601f198184030181529181526020820180516001600160e01b03166370a0823160e01b179052516109089190610d2e565b600060405180830381855afa9150503d8060008114610943576040519150601f19603f3d011682016040523d82523d6000602084013e610948565b606091505b509150915081158061095b575060208151105b1561098457604051633fb2da6d60e21b81526001600160a01b0386166004820152602401610193565b808060200190518101906109989190610d5d565b925050505b92915050565b816001600160a01b03163b6000036109d9576040516322a2d07b60e21b81526001600160a01b0383166004820152602401610193565b600080836001600160a01b0316836040516109f49190610d2e565b6000604051808303816000865af19150503d8060008114610a31576040519150601f19603f3d011682016040523d82523d6000602084013e610a36565b606091505b509150915081610a6457604051633fb2da6d60e21b81526001600160a01b0385166004820152602401610193565b805115801590610a935750602081511080610a93575080806020019051810190610a8e9190610d5d565b600114155b15610abc57604051633fb2da6d60e21b81526001600160a01b0385166004820152602401610193565b50505050565b6000818152602081905260408120908154600160e01b900460ff166003811115610aee57610aee610c3d565b03610b0f57604051637783d13560e11b815260048101839052602401610193565b60018154600160e01b900460ff166003811115610b2e57610b2e610c3d565b14610b5c57805460405163013737f560e31b8152610193918491600160e01b90910460ff1690600401610d76565b919050565b80356001600160a01b0381168114610b5c57600080fd5b600080600080600060a08688031215610b9057600080fd5b610b9986610b61565b9450610ba760208701610b61565b93506040860135925060608601359150608086013567ffffffffffffffff81168114610bd257600080fd5b809150509295509295909350565b60008060408385031215610bf357600080fd5b50508035926020909101359150565b600060208284031215610c1457600080fd5b5035919050565b600060208284031215610c2d57600080fd5b610c3682610b61565b9392505050565b634e487b7160e01b600052602160045260246000fd5b60048110610c7157634e487b7160e01b600052602160045260246000fd5b9052565b81516001600160a01b0316815260208083015167ffffffffffffffff169082015260408083015160e0830191610cad90840182610c53565b5060018060a01b03606084015116606083015260018060a01b03608084015116608083015260a083015160a083015260c083015160c083015292915050565b634e487b7160e01b600052601160045260246000fd5b600060018201610d1457610d14610cec565b5060010190565b8181038181111561099d5761099d610cec565b6000825160005b81811015610d4f5760208186018101518583015201610d35565b506000920191825250919050565b600060208284031215610d6f57600080fd5b5051919050565b82815260408101610c366020830184610c5356fea164736f6c6343000825000a",
}

// HashedTimelockERC20 is an auto generated Go binding around an Ethereum contract.
type HashedTimelockERC20 struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *HashedTimelockERC20) GetABI() abi.ABI {
	return c.abi
}

// NewHashedTimelockERC20 creates a new instance of HashedTimelockERC20.
func NewHashedTimelockERC20() *HashedTimelockERC20 {
	parsed, err := HashedTimelockERC20MetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &HashedTimelockERC20{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *HashedTimelockERC20) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackGetLock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd6f27b58.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getLock(bytes32 lockId) view returns((address,uint64,uint8,address,address,uint256,bytes32))
func (hashedTimelockERC20 *HashedTimelockERC20) PackGetLock(lockId [32]byte) []byte {
	enc, err := hashedTimelockERC20.abi.Pack("getLock", lockId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetLock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd6f27b58.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getLock(bytes32 lockId) view returns((address,uint64,uint8,address,address,uint256,bytes32))
func (hashedTimelockERC20 *HashedTimelockERC20) TryPackGetLock(lockId [32]byte) ([]byte, error) {
	return hashedTimelockERC20.abi.Pack("getLock", lockId)
}

// UnpackGetLock is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd6f27b58.
//
// Solidity: function getLock(bytes32 lockId) view returns((address,uint64,uint8,address,address,uint256,bytes32))
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackGetLock(data []byte) (HashedTimelockERC20Lock, error) {
	out, err := hashedTimelockERC20.abi.Unpack("getLock", data)
	if err != nil {
		return *new(HashedTimelockERC20Lock), err
	}
	out0 := *abi.ConvertType(out[0], new(HashedTimelockERC20Lock)).(*HashedTimelockERC20Lock)
	return out0, nil
}

// PackLock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x34e1fd00.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function lock(address token, address receiver, uint256 amount, bytes32 hashlock, uint64 timelock) returns(bytes32 lockId)
func (hashedTimelockERC20 *HashedTimelockERC20) PackLock(token common.Address, receiver common.Address, amount *big.Int, hashlock [32]byte, timelock uint64) []byte {
	enc, err := hashedTimelockERC20.abi.Pack("lock", token, receiver, amount, hashlock, timelock)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x34e1fd00.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function lock(address token, address receiver, uint256 amount, bytes32 hashlock, uint64 timelock) returns(bytes32 lockId)
func (hashedTimelockERC20 *HashedTimelockERC20) TryPackLock(token common.Address, receiver common.Address, amount *big.Int, hashlock [32]byte, timelock uint64) ([]byte, error) {
	return hashedTimelockERC20.abi.Pack("lock", token, receiver, amount, hashlock, timelock)
}

// UnpackLock is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x34e1fd00.
//
// Solidity: function lock(address token, address receiver, uint256 amount, bytes32 hashlock, uint64 timelock) returns(bytes32 lockId)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackLock(data []byte) ([32]byte, error) {
	out, err := hashedTimelockERC20.abi.Unpack("lock", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ecebe00.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nonces(address ) view returns(uint256)
func (hashedTimelockERC20 *HashedTimelockERC20) PackNonces(arg0 common.Address) []byte {
	enc, err := hashedTimelockERC20.abi.Pack("nonces", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ecebe00.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nonces(address ) view returns(uint256)
func (hashedTimelockERC20 *HashedTimelockERC20) TryPackNonces(arg0 common.Address) ([]byte, error) {
	return hashedTimelockERC20.abi.Pack("nonces", arg0)
}

// UnpackNonces is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7ecebe00.
//
// Solidity: function nonces(address ) view returns(uint256)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackNonces(data []byte) (*big.Int, error) {
	out, err := hashedTimelockERC20.abi.Unpack("nonces", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRefund is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7249fbb6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function refund(bytes32 lockId) returns()
func (hashedTimelockERC20 *HashedTimelockERC20) PackRefund(lockId [32]byte) []byte {
	enc, err := hashedTimelockERC20.abi.Pack("refund", lockId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRefund is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7249fbb6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function refund(bytes32 lockId) returns()
func (hashedTimelockERC20 *HashedTimelockERC20) TryPackRefund(lockId [32]byte) ([]byte, error) {
	return hashedTimelockERC20.abi.Pack("refund", lockId)
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x63615149.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw(bytes32 lockId, bytes32 preimage) returns()
func (hashedTimelockERC20 *HashedTimelockERC20) PackWithdraw(lockId [32]byte, preimage [32]byte) []byte {
	enc, err := hashedTimelockERC20.abi.Pack("withdraw", lockId, preimage)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x63615149.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw(bytes32 lockId, bytes32 preimage) returns()
func (hashedTimelockERC20 *HashedTimelockERC20) TryPackWithdraw(lockId [32]byte, preimage [32]byte) ([]byte, error) {
	return hashedTimelockERC20.abi.Pack("withdraw", lockId, preimage)
}

// HashedTimelockERC20Locked represents a Locked event raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20Locked struct {
	LockId   [32]byte
	Hashlock [32]byte
	Receiver common.Address
	Sender   common.Address
	Token    common.Address
	Amount   *big.Int
	Timelock uint64
	Raw      *types.Log // Blockchain specific contextual infos
}

const HashedTimelockERC20LockedEventName = "Locked"

// ContractEventName returns the user-defined event name.
func (HashedTimelockERC20Locked) ContractEventName() string {
	return HashedTimelockERC20LockedEventName
}

// UnpackLockedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Locked(bytes32 indexed lockId, bytes32 indexed hashlock, address indexed receiver, address sender, address token, uint256 amount, uint64 timelock)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackLockedEvent(log *types.Log) (*HashedTimelockERC20Locked, error) {
	event := "Locked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != hashedTimelockERC20.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(HashedTimelockERC20Locked)
	if len(log.Data) > 0 {
		if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range hashedTimelockERC20.abi.Events[event].Inputs {
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

// HashedTimelockERC20Refunded represents a Refunded event raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20Refunded struct {
	LockId   [32]byte
	Hashlock [32]byte
	Sender   common.Address
	Token    common.Address
	Amount   *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const HashedTimelockERC20RefundedEventName = "Refunded"

// ContractEventName returns the user-defined event name.
func (HashedTimelockERC20Refunded) ContractEventName() string {
	return HashedTimelockERC20RefundedEventName
}

// UnpackRefundedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Refunded(bytes32 indexed lockId, bytes32 indexed hashlock, address indexed sender, address token, uint256 amount)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackRefundedEvent(log *types.Log) (*HashedTimelockERC20Refunded, error) {
	event := "Refunded"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != hashedTimelockERC20.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(HashedTimelockERC20Refunded)
	if len(log.Data) > 0 {
		if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range hashedTimelockERC20.abi.Events[event].Inputs {
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

// HashedTimelockERC20Withdrawn represents a Withdrawn event raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20Withdrawn struct {
	LockId   [32]byte
	Hashlock [32]byte
	Receiver common.Address
	Preimage [32]byte
	Token    common.Address
	Amount   *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const HashedTimelockERC20WithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (HashedTimelockERC20Withdrawn) ContractEventName() string {
	return HashedTimelockERC20WithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(bytes32 indexed lockId, bytes32 indexed hashlock, address indexed receiver, bytes32 preimage, address token, uint256 amount)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackWithdrawnEvent(log *types.Log) (*HashedTimelockERC20Withdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != hashedTimelockERC20.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(HashedTimelockERC20Withdrawn)
	if len(log.Data) > 0 {
		if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range hashedTimelockERC20.abi.Events[event].Inputs {
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

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["AmountNotReceived"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackAmountNotReceivedError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["Expired"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["NotAContract"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackNotAContractError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["NotExpired"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackNotExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["NotOpen"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackNotOpenError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["NotSender"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackNotSenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["Reentrant"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackReentrantError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["TimelockNotInFuture"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackTimelockNotInFutureError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["TokenCallFailed"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackTokenCallFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["UnknownLock"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackUnknownLockError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["WrongPreimage"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackWrongPreimageError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackZeroAmountError(raw[4:])
	}
	if bytes.Equal(raw[:4], hashedTimelockERC20.abi.Errors["ZeroReceiver"].ID.Bytes()[:4]) {
		return hashedTimelockERC20.UnpackZeroReceiverError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// HashedTimelockERC20AmountNotReceived represents a AmountNotReceived error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20AmountNotReceived struct {
	Expected *big.Int
	Received *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AmountNotReceived(uint256 expected, uint256 received)
func HashedTimelockERC20AmountNotReceivedErrorID() common.Hash {
	return common.HexToHash("0xf6dc6bd632562962e1deb68d4056d34ba5490d8ef3cea901a614963c291dfd39")
}

// UnpackAmountNotReceivedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AmountNotReceived(uint256 expected, uint256 received)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackAmountNotReceivedError(raw []byte) (*HashedTimelockERC20AmountNotReceived, error) {
	out := new(HashedTimelockERC20AmountNotReceived)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "AmountNotReceived", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20Expired represents a Expired error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20Expired struct {
	LockId   [32]byte
	Timelock uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Expired(bytes32 lockId, uint64 timelock)
func HashedTimelockERC20ExpiredErrorID() common.Hash {
	return common.HexToHash("0x4d13561d202649df924bbd6f5e5366c146c7208f85e7ffd6f01bd59318e8957c")
}

// UnpackExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Expired(bytes32 lockId, uint64 timelock)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackExpiredError(raw []byte) (*HashedTimelockERC20Expired, error) {
	out := new(HashedTimelockERC20Expired)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "Expired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20NotAContract represents a NotAContract error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20NotAContract struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotAContract(address token)
func HashedTimelockERC20NotAContractErrorID() common.Hash {
	return common.HexToHash("0x8a8b41ec6b8382733436ac0321a506b0d1e41dc29c8650d1fd1ff17e726ab809")
}

// UnpackNotAContractError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotAContract(address token)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackNotAContractError(raw []byte) (*HashedTimelockERC20NotAContract, error) {
	out := new(HashedTimelockERC20NotAContract)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "NotAContract", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20NotExpired represents a NotExpired error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20NotExpired struct {
	LockId   [32]byte
	Timelock uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotExpired(bytes32 lockId, uint64 timelock)
func HashedTimelockERC20NotExpiredErrorID() common.Hash {
	return common.HexToHash("0x28e345c31151dba70f4939562a27c6118f0c5813273ef376627220224ec22361")
}

// UnpackNotExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotExpired(bytes32 lockId, uint64 timelock)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackNotExpiredError(raw []byte) (*HashedTimelockERC20NotExpired, error) {
	out := new(HashedTimelockERC20NotExpired)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "NotExpired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20NotOpen represents a NotOpen error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20NotOpen struct {
	LockId [32]byte
	State  uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOpen(bytes32 lockId, uint8 state)
func HashedTimelockERC20NotOpenErrorID() common.Hash {
	return common.HexToHash("0x09b9bfa8532f041aafe2ba84510a9994bcb423b7ae99bbf6d6779ce8bb7c5f83")
}

// UnpackNotOpenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOpen(bytes32 lockId, uint8 state)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackNotOpenError(raw []byte) (*HashedTimelockERC20NotOpen, error) {
	out := new(HashedTimelockERC20NotOpen)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "NotOpen", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20NotSender represents a NotSender error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20NotSender struct {
	LockId [32]byte
	Sender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotSender(bytes32 lockId, address sender)
func HashedTimelockERC20NotSenderErrorID() common.Hash {
	return common.HexToHash("0x871bc250aa57d84573dea0a7390a550abdd0819391d884cf7e7ba016819bb309")
}

// UnpackNotSenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotSender(bytes32 lockId, address sender)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackNotSenderError(raw []byte) (*HashedTimelockERC20NotSender, error) {
	out := new(HashedTimelockERC20NotSender)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "NotSender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20Reentrant represents a Reentrant error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20Reentrant struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Reentrant()
func HashedTimelockERC20ReentrantErrorID() common.Hash {
	return common.HexToHash("0xed3ba6a62877a99990a32617b4e001f2c85c7886f010c9b166e8438fd38bcb40")
}

// UnpackReentrantError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Reentrant()
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackReentrantError(raw []byte) (*HashedTimelockERC20Reentrant, error) {
	out := new(HashedTimelockERC20Reentrant)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "Reentrant", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20TimelockNotInFuture represents a TimelockNotInFuture error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20TimelockNotInFuture struct {
	Timelock uint64
	Now      *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TimelockNotInFuture(uint64 timelock, uint256 now_)
func HashedTimelockERC20TimelockNotInFutureErrorID() common.Hash {
	return common.HexToHash("0xf85c4a36b5cf70ac9beb3534cc4c2a41b0b8de7d9302d97fedbcf48136efd402")
}

// UnpackTimelockNotInFutureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TimelockNotInFuture(uint64 timelock, uint256 now_)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackTimelockNotInFutureError(raw []byte) (*HashedTimelockERC20TimelockNotInFuture, error) {
	out := new(HashedTimelockERC20TimelockNotInFuture)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "TimelockNotInFuture", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20TokenCallFailed represents a TokenCallFailed error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20TokenCallFailed struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TokenCallFailed(address token)
func HashedTimelockERC20TokenCallFailedErrorID() common.Hash {
	return common.HexToHash("0xfecb69b4f00b9203b60da5ed901012a39c115c782cd06a41cb7715ca2556cd47")
}

// UnpackTokenCallFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TokenCallFailed(address token)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackTokenCallFailedError(raw []byte) (*HashedTimelockERC20TokenCallFailed, error) {
	out := new(HashedTimelockERC20TokenCallFailed)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "TokenCallFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20UnknownLock represents a UnknownLock error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20UnknownLock struct {
	LockId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownLock(bytes32 lockId)
func HashedTimelockERC20UnknownLockErrorID() common.Hash {
	return common.HexToHash("0xef07a26ac7daa263cc855a22ae1e45190febf6a90ca2d2ad98353de94cf06230")
}

// UnpackUnknownLockError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownLock(bytes32 lockId)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackUnknownLockError(raw []byte) (*HashedTimelockERC20UnknownLock, error) {
	out := new(HashedTimelockERC20UnknownLock)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "UnknownLock", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20WrongPreimage represents a WrongPreimage error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20WrongPreimage struct {
	LockId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongPreimage(bytes32 lockId)
func HashedTimelockERC20WrongPreimageErrorID() common.Hash {
	return common.HexToHash("0x1fa2ea6e5b8169ee4d614d5d9fbb8e5441ae35f50318e1f1a35549322cb46d98")
}

// UnpackWrongPreimageError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongPreimage(bytes32 lockId)
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackWrongPreimageError(raw []byte) (*HashedTimelockERC20WrongPreimage, error) {
	out := new(HashedTimelockERC20WrongPreimage)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "WrongPreimage", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20ZeroAmount represents a ZeroAmount error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20ZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func HashedTimelockERC20ZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackZeroAmountError(raw []byte) (*HashedTimelockERC20ZeroAmount, error) {
	out := new(HashedTimelockERC20ZeroAmount)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// HashedTimelockERC20ZeroReceiver represents a ZeroReceiver error raised by the HashedTimelockERC20 contract.
type HashedTimelockERC20ZeroReceiver struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroReceiver()
func HashedTimelockERC20ZeroReceiverErrorID() common.Hash {
	return common.HexToHash("0x6ba9ecd878fa468e149195b419d3e55375c73c59c7dad6b0c64dc4525650ade2")
}

// UnpackZeroReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroReceiver()
func (hashedTimelockERC20 *HashedTimelockERC20) UnpackZeroReceiverError(raw []byte) (*HashedTimelockERC20ZeroReceiver, error) {
	out := new(HashedTimelockERC20ZeroReceiver)
	if err := hashedTimelockERC20.abi.UnpackIntoInterface(out, "ZeroReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}
