// Package autocliargs holds what the modules' AutoCLI descriptions share.
package autocliargs

import autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

// Pos names the proto fields a command takes as positional arguments, in order.
func Pos(fields ...string) []*autocliv1.PositionalArgDescriptor {
	out := make([]*autocliv1.PositionalArgDescriptor, len(fields))
	for i, f := range fields {
		out[i] = &autocliv1.PositionalArgDescriptor{ProtoField: f}
	}
	return out
}
