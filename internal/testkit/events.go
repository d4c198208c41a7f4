package testkit

import (
	"fmt"
	"strings"

	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Events returns the typed events of type T emitted on ctx, in order.
func Events[T proto.Message](ctx sdk.Context) []T {
	var zero T
	name := proto.MessageName(zero)
	var out []T
	for _, e := range ctx.EventManager().ABCIEvents() {
		if e.Type != name {
			continue
		}
		msg, err := sdk.ParseTypedEvent(e)
		if err != nil {
			// EmitTypedEvent wrote it: a parse failure is a broken kit, not a test failure.
			panic(fmt.Sprintf("testkit: event %s does not parse: %v", name, err))
		}
		out = append(out, msg.(T))
	}
	return out
}

// EventTypes returns the types of the events emitted on ctx that begin with
// prefix ("healthd.consent." for one module's), in order.
func EventTypes(ctx sdk.Context, prefix string) []string {
	var out []string
	for _, e := range ctx.EventManager().Events() {
		if strings.HasPrefix(e.Type, prefix) {
			out = append(out, e.Type)
		}
	}
	return out
}
