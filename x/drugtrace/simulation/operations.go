package simulation

import (
	"context"
	"fmt"
	"time"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/gs1"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/keeper"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// Register adds x/drugtrace's operations: every message, accepted and refused.
func Register(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	// What re-verification on receipt, a hold or a recall racing a shipment
	// may refuse; the factories do not re-derive it.
	holds := csim.Errs(types.ErrNotSaleable, types.ErrUnderHold, types.ErrRegulatorHold, types.ErrInvalidStatus, types.ErrInTransit, types.ErrPacked)
	reg.Add(weights.Get("drugtrace_register_product", 6), csim.Succeed(RegisterProduct(k, regOK)))
	reg.Add(weights.Get("drugtrace_register_product_not_owned", 2), csim.Refuse(d, csim.Errs(types.ErrGTINNotOwned), RegisterProduct(k, regNotOwned)))
	reg.Add(weights.Get("drugtrace_register_product_bad_check_digit", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidGTIN), RegisterProduct(k, regBadCheckDigit)))
	reg.Add(weights.Get("drugtrace_commission", 25), csim.Succeed(Commission(k, true)))
	reg.Add(weights.Get("drugtrace_commission_not_manufacturer", 3), csim.Refuse(d, csim.Errs(types.ErrNotManufacturer, ctypes.ErrMissingRole, ctypes.ErrNotMember), Commission(k, false)))
	reg.Add(weights.Get("drugtrace_pack", 5), csim.Attempt(d, holds, Pack(k, true)))
	reg.Add(weights.Get("drugtrace_pack_existing_sscc", 2), csim.Refuse(d, csim.Errs(types.ErrContainerExists), Pack(k, false)))
	reg.Add(weights.Get("drugtrace_unpack", 3), csim.Attempt(d, holds, Unpack(k, true)))
	reg.Add(weights.Get("drugtrace_unpack_not_custodian", 2), csim.Refuse(d, csim.Errs(types.ErrNotCustodian, ctypes.ErrMissingRole, ctypes.ErrNotMember), Unpack(k, false)))
	reg.Add(weights.Get("drugtrace_ship", 15), csim.Attempt(d, holds, Ship(k)))
	reg.Add(weights.Get("drugtrace_receive", 12), csim.Attempt(d, holds, Receive(k, true)))
	reg.Add(weights.Get("drugtrace_receive_not_addressee", 3), csim.Refuse(d, csim.Errs(types.ErrNotAddressee, ctypes.ErrMissingRole, ctypes.ErrNotMember), Receive(k, false)))
	reg.Add(weights.Get("drugtrace_lock_settlement", 3), csim.Succeed(LockShipmentSettlement(k, true)))
	reg.Add(weights.Get("drugtrace_lock_settlement_too_soon", 1), csim.Refuse(d, csim.Errs(types.ErrSettlementTooSoon), LockShipmentSettlement(k, false)))
	reg.Add(weights.Get("drugtrace_confirm_settlement", 3), csim.Succeed(ConfirmShipmentSettlement(k, true)))
	reg.Add(weights.Get("drugtrace_confirm_settlement_not_sender", 1), csim.Refuse(d, csim.Errs(types.ErrNotSender), ConfirmShipmentSettlement(k, false)))
	reg.Add(weights.Get("drugtrace_receive_settled", 4), csim.Attempt(d, holds, ReceiveSettled(k, true)))
	reg.Add(weights.Get("drugtrace_receive_unconfirmed", 1), csim.Refuse(d, csim.Errs(types.ErrSettlementUnconfirmed), ReceiveSettled(k, false)))
	reg.Add(weights.Get("drugtrace_refuse_shipment", 3), csim.Attempt(d, holds, RefuseShipment(k, true)))
	reg.Add(weights.Get("drugtrace_refuse_shipment_closed", 2), csim.Refuse(d, csim.Errs(types.ErrShipmentClosed), RefuseShipment(k, false)))
	reg.Add(weights.Get("drugtrace_dispense", 10), csim.Attempt(d, holds, Dispense(k, true)))
	reg.Add(weights.Get("drugtrace_dispense_not_custodian", 3), csim.Refuse(d, csim.Errs(types.ErrNotCustodian, types.ErrNotSaleable, ctypes.ErrMissingRole, ctypes.ErrNotMember), Dispense(k, false)))
	reg.Add(weights.Get("drugtrace_decommission", 3), csim.Attempt(d, holds, Decommission(k)))
	reg.Add(weights.Get("drugtrace_quarantine", 3), csim.Attempt(d, append(holds, types.ErrAlreadyQuarantined), Quarantine(k)))
	reg.Add(weights.Get("drugtrace_release", 3), csim.Attempt(d, holds, Release(k, true)))
	reg.Add(weights.Get("drugtrace_release_not_quarantined", 2), csim.Refuse(d, csim.Errs(types.ErrNotQuarantined), Release(k, false)))
	reg.Add(weights.Get("drugtrace_confirm_illegitimate", 1), csim.Attempt(d, holds, ConfirmIllegitimate(k, true)))
	reg.Add(weights.Get("drugtrace_confirm_illegitimate_not_quarantined", 2), csim.Refuse(d, csim.Errs(types.ErrNotQuarantined, types.ErrInvalidStatus), ConfirmIllegitimate(k, false)))
	reg.Add(weights.Get("drugtrace_recall", 1), csim.Succeed(Recall(k, true)))
	reg.Add(weights.Get("drugtrace_recall_again", 2), csim.Refuse(d, csim.Errs(types.ErrAlreadyRecalled), Recall(k, false)))
	reg.Add(weights.Get("drugtrace_update_params", 1), csim.Succeed(UpdateParams(true)))
	reg.Add(weights.Get("drugtrace_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(false)))
}

func withCheckDigit(body string) string {
	c, err := gs1.CheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

type regMode int

const (
	regOK regMode = iota
	regNotOwned
	regBadCheckDigit
)

// RegisterProduct registers a GTIN-14 under the manufacturer's GS1 company
// prefix (indicator 0, prefix, five-digit item reference, check digit).
func RegisterProduct(k keeper.Keeper, mode regMode) simsx.SimMsgFactoryFn[*types.MsgRegisterProduct] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRegisterProduct) {
		rc := k.ConsortiumKeeper()
		mf := csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_MANUFACTURER)
		if reporter.IsSkipped() {
			return nil, nil
		}
		m, err := rc.GetMember(ctx, mf.Address)
		if err != nil || len(m.GS1CompanyPrefixes) == 0 {
			reporter.Skip("manufacturer without a GS1 company prefix")
			return nil, nil
		}
		prefix := m.GS1CompanyPrefixes[0]
		if mode == regNotOwned {
			prefix = "9" + prefix[1:] // no simulated member holds a prefix beginning with 9
		}
		r := data.Rand()
		body := fmt.Sprintf("0%s%0*d", prefix, 12-len(prefix), r.IntInRange(0, 100_000))
		gtin := withCheckDigit(body)
		if mode == regBadCheckDigit {
			gtin = body + string('0'+(gtin[13]-'0'+1)%10)
		}
		if has, _ := k.Products.Has(ctx, gtin); has && mode == regOK {
			reporter.Skip("GTIN registered")
			return nil, nil
		}
		return []simsx.SimAccount{mf}, &types.MsgRegisterProduct{
			Manufacturer: mf.AddressBech32, GTIN: gtin, Name: fmt.Sprintf("Simulated Product %d", r.IntInRange(0, 1000)),
			Strength: "10 mg", Form: "tablet",
		}
	}
}

func products(ctx context.Context, k keeper.Keeper) []types.Product {
	var out []types.Product
	_ = k.Products.Walk(ctx, nil, func(_ string, p types.Product) (bool, error) {
		out = append(out, p)
		return len(out) >= 300, nil
	})
	return out
}

// Commission commissions one to five new serials of a lot of a product, by
// its manufacturer; with byOwner false by another manufacturer or member.
func Commission(k keeper.Keeper, byOwner bool) simsx.SimMsgFactoryFn[*types.MsgCommission] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCommission) {
		rc := k.ConsortiumKeeper()
		p := csim.Pick(data, reporter, "product", products(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		owner := data.GetAccount(reporter, p.Manufacturer)
		if reporter.IsSkipped() {
			return nil, nil
		}
		signer := owner
		if byOwner {
			if rc.RequireRole(ctx, owner.Address, ctypes.Role_ROLE_MANUFACTURER) != nil {
				reporter.Skip("manufacturer no longer active")
				return nil, nil
			}
		} else {
			signer = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(owner))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		lot := fmt.Sprintf("L%04d", r.IntInRange(0, 50))
		if has, _ := k.Recalls.Has(ctx, collections.Join(p.GTIN, lot)); has && byOwner {
			reporter.Skip("lot recalled")
			return nil, nil
		}
		if has, _ := k.LotHolds.Has(ctx, collections.Join(p.GTIN, lot)); has && byOwner {
			reporter.Skip("lot held")
			return nil, nil
		}
		n := r.IntInRange(1, 6)
		seen := map[string]bool{}
		var serials []string
		for len(serials) < n {
			s := fmt.Sprintf("SN%08d", r.IntInRange(0, 100_000_000))
			if has, _ := k.Units.Has(ctx, collections.Join(p.GTIN, s)); has || seen[s] {
				continue
			}
			seen[s] = true
			serials = append(serials, s)
		}
		expiry := sdk.UnwrapSDKContext(ctx).BlockTime().AddDate(2, 0, 0).Format(time.DateOnly)
		return []simsx.SimAccount{signer}, &types.MsgCommission{Manufacturer: signer.AddressBech32, GTIN: p.GTIN, Lot: lot, Expiry: expiry, Serials: serials}
	}
}

// units returns up to 300 units that keep.
func units(ctx context.Context, k keeper.Keeper, keep func(types.Unit) bool) []types.Unit {
	var out []types.Unit
	_ = k.Units.Walk(ctx, nil, func(_ keeper.UnitPK, u types.Unit) (bool, error) {
		if keep(u) {
			out = append(out, u)
		}
		return len(out) >= 300, nil
	})
	return out
}

func loose(u types.Unit) bool {
	return u.Status == types.UnitStatus_UNIT_STATUS_ACTIVE && u.Container == "" && u.ShipmentID == 0
}

// custodian returns the unit's custodian as a simulation account when it
// holds one of roles, or skips.
func custodian(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, addr string, act types.Action) simsx.SimAccount {
	a := data.GetAccount(reporter, addr)
	if reporter.IsSkipped() {
		return a
	}
	if k.ConsortiumKeeper().RequireRole(ctx, a.Address, types.RolesTo(act)...) != nil {
		reporter.Skip("custodian may not act")
	}
	return a
}

func ref(u types.Unit) string { return types.UnitKey(u.GTIN, u.Serial) }

// newSSCC is an SSCC: extension digit, a seven-digit company prefix, a
// nine-digit serial reference and the check digit.
func newSSCC(data *simsx.ChainDataSource) string {
	r := data.Rand()
	return withCheckDigit(fmt.Sprintf("3%s%09d", csim.CompanyPrefix(r.IntInRange(0, 100)), r.IntInRange(0, 1_000_000_000)))
}

// Pack packs one to three loose units a member holds into a new case; with
// fresh false into an SSCC already used, which is refused.
func Pack(k keeper.Keeper, fresh bool) simsx.SimMsgFactoryFn[*types.MsgPack] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgPack) {
		u := csim.Pick(data, reporter, "loose unit", units(ctx, k, loose))
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := custodian(ctx, k, data, reporter, u.Custodian, types.ActionPack)
		if reporter.IsSkipped() {
			return nil, nil
		}
		refs := []string{ref(u)}
		for _, v := range units(ctx, k, func(v types.Unit) bool { return loose(v) && v.Custodian == u.Custodian && ref(v) != ref(u) }) {
			if len(refs) >= 3 {
				break
			}
			refs = append(refs, ref(v))
		}
		var sscc string
		if fresh {
			sscc = newSSCC(data)
			if has, _ := k.Containers.Has(ctx, sscc); has {
				reporter.Skip("SSCC used")
				return nil, nil
			}
		} else {
			var used []string
			_ = k.Containers.Walk(ctx, nil, func(s string, _ types.Container) (bool, error) {
				used = append(used, s)
				return len(used) >= 100, nil
			})
			sscc = csim.Pick(data, reporter, "container", used)
			if reporter.IsSkipped() {
				return nil, nil
			}
		}
		return []simsx.SimAccount{actor}, &types.MsgPack{Actor: actor.AddressBech32, SSCC: sscc, Units: refs}
	}
}

func containers(ctx context.Context, k keeper.Keeper) []types.Container {
	var out []types.Container
	_ = k.Containers.Walk(ctx, nil, func(_ string, c types.Container) (bool, error) {
		out = append(out, c)
		return len(out) >= 300, nil
	})
	return out
}

// Unpack unpacks a container its custodian holds; with byCustodian false by
// another member, which is refused.
func Unpack(k keeper.Keeper, byCustodian bool) simsx.SimMsgFactoryFn[*types.MsgUnpack] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUnpack) {
		c := csim.Pick(data, reporter, "container", containers(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var actor simsx.SimAccount
		if byCustodian {
			actor = custodian(ctx, k, data, reporter, c.Custodian, types.ActionPack)
		} else {
			actor = data.AnyAccountN(10, reporter, simsx.ExcludeAddresses(c.Custodian))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgUnpack{Actor: actor.AddressBech32, SSCC: c.SSCC}
	}
}

// Ship ships one to three loose units a member holds to a distributor,
// pharmacy or hospital.
func Ship(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgShip] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgShip) {
		u := csim.Pick(data, reporter, "loose unit", units(ctx, k, loose))
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := custodian(ctx, k, data, reporter, u.Custodian, types.ActionShip)
		to := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), types.RolesTo(types.ActionReceive)...)
		if reporter.IsSkipped() {
			return nil, nil
		}
		if to.Address.Equals(actor.Address) {
			reporter.Skip("would ship to itself")
			return nil, nil
		}
		refs := []string{ref(u)}
		for _, v := range units(ctx, k, func(v types.Unit) bool { return loose(v) && v.Custodian == u.Custodian && ref(v) != ref(u) }) {
			if len(refs) >= 3 {
				break
			}
			refs = append(refs, ref(v))
		}
		return []simsx.SimAccount{actor}, &types.MsgShip{Actor: actor.AddressBech32, To: to.AddressBech32, Units: refs,
			TransactionReference: fmt.Sprintf("PO-%d", data.Rand().IntInRange(0, 1_000_000))}
	}
}

func shipments(ctx context.Context, k keeper.Keeper, inTransit bool) []types.Shipment {
	var out []types.Shipment
	_ = k.Shipments.Walk(ctx, nil, func(_ uint64, s types.Shipment) (bool, error) {
		if (s.Status == types.ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT) == inTransit {
			out = append(out, s)
		}
		return len(out) >= 300, nil
	})
	return out
}

// Receive receives a shipment in transit without a locked settlement (those
// are ReceiveSettled's), by its addressee; with addressee false by another
// member, which is refused.
func Receive(k keeper.Keeper, addressee bool) simsx.SimMsgFactoryFn[*types.MsgReceive] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReceive) {
		s := csim.Pick(data, reporter, "shipment in transit", settledShipments(ctx, k, func(_ types.Settlement, locked bool) bool { return !locked }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var actor simsx.SimAccount
		if addressee {
			actor = custodian(ctx, k, data, reporter, s.To, types.ActionReceive)
		} else {
			actor = data.AnyAccountN(10, reporter, simsx.ExcludeAddresses(s.To))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgReceive{Actor: actor.AddressBech32, ShipmentID: s.ID}
	}
}

// RefuseShipment refuses a shipment in transit, by its addressee; with
// open false a closed shipment, which is refused.
func RefuseShipment(k keeper.Keeper, open bool) simsx.SimMsgFactoryFn[*types.MsgRefuseShipment] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRefuseShipment) {
		s := csim.Pick(data, reporter, "shipment", shipments(ctx, k, open))
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := custodian(ctx, k, data, reporter, s.To, types.ActionReceive)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgRefuseShipment{Actor: actor.AddressBech32, ShipmentID: s.ID}
	}
}

// Dispense dispenses a saleable loose unit a pharmacy or hospital holds to a
// patient; with byCustodian false by a pharmacy that does not hold it.
func Dispense(k keeper.Keeper, byCustodian bool) simsx.SimMsgFactoryFn[*types.MsgDispense] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgDispense) {
		rc := k.ConsortiumKeeper()
		u := csim.Pick(data, reporter, "unit at a dispenser", units(ctx, k, func(u types.Unit) bool {
			if !loose(u) {
				return false
			}
			a, err := k.AddressCodec().StringToBytes(u.Custodian)
			return err == nil && rc.RequireRole(ctx, a, types.RolesTo(types.ActionDispense)...) == nil
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var actor simsx.SimAccount
		if byCustodian {
			actor = custodian(ctx, k, data, reporter, u.Custodian, types.ActionDispense)
		} else {
			actor = csim.MemberWithRole(ctx, data, reporter, rc, types.RolesTo(types.ActionDispense)...)
			if !reporter.IsSkipped() && actor.AddressBech32 == u.Custodian {
				reporter.Skip("picked the custodian")
			}
		}
		patient := csim.Patient(ctx, data, reporter, rc)
		if reporter.IsSkipped() {
			return nil, nil
		}
		if p, err := k.Products.Get(ctx, u.GTIN); err != nil || p.PrescriptionOnly {
			reporter.Skip("prescription-only product")
			return nil, nil
		}
		if byCustodian {
			v, err := k.Verdict(ctx, u, actor.Address)
			if err != nil || v != types.Verdict_VERDICT_AUTHENTIC_SALEABLE {
				reporter.Skipf("unit not saleable: %s", v)
				return nil, nil
			}
		}
		return []simsx.SimAccount{actor}, &types.MsgDispense{Actor: actor.AddressBech32, Unit: ref(u), PatientRef: patient.AddressBech32}
	}
}

// Decommission takes a loose unit its custodian holds out of the supply chain.
func Decommission(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgDecommission] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgDecommission) {
		u := csim.Pick(data, reporter, "loose unit", units(ctx, k, loose))
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := custodian(ctx, k, data, reporter, u.Custodian, types.ActionDecommission)
		if reporter.IsSkipped() {
			return nil, nil
		}
		reason := types.DecommissionReason(data.Rand().IntInRange(1, 5))
		return []simsx.SimAccount{actor}, &types.MsgDecommission{Actor: actor.AddressBech32, Unit: ref(u), Reason: reason}
	}
}

// Quarantine is a regulator quarantining a unit.
func Quarantine(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgQuarantine] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgQuarantine) {
		u := csim.Pick(data, reporter, "active unit", units(ctx, k, func(u types.Unit) bool { return u.Status == types.UnitStatus_UNIT_STATUS_ACTIVE }))
		reg := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_REGULATOR)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{reg}, &types.MsgQuarantine{Actor: reg.AddressBech32, Unit: ref(u)}
	}
}

// Release is a regulator releasing a quarantined unit; with quarantined
// false an active one, which is refused.
func Release(k keeper.Keeper, quarantined bool) simsx.SimMsgFactoryFn[*types.MsgRelease] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRelease) {
		want := types.UnitStatus_UNIT_STATUS_ACTIVE
		if quarantined {
			want = types.UnitStatus_UNIT_STATUS_QUARANTINED
		}
		u := csim.Pick(data, reporter, "unit", units(ctx, k, func(u types.Unit) bool { return u.Status == want }))
		reg := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_REGULATOR)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{reg}, &types.MsgRelease{Actor: reg.AddressBech32, Unit: ref(u)}
	}
}

// ConfirmIllegitimate is a regulator confirming a quarantined unit
// illegitimate; with quarantined false an active one, which is refused.
func ConfirmIllegitimate(k keeper.Keeper, quarantined bool) simsx.SimMsgFactoryFn[*types.MsgConfirmIllegitimate] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgConfirmIllegitimate) {
		want := types.UnitStatus_UNIT_STATUS_ACTIVE
		if quarantined {
			want = types.UnitStatus_UNIT_STATUS_QUARANTINED
		}
		u := csim.Pick(data, reporter, "unit", units(ctx, k, func(u types.Unit) bool { return u.Status == want }))
		reg := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_REGULATOR)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{reg}, &types.MsgConfirmIllegitimate{Actor: reg.AddressBech32, Unit: ref(u)}
	}
}

// Recall is a regulator recalling a lot that has units; with fresh false a
// lot already recalled, which is refused.
func Recall(k keeper.Keeper, fresh bool) simsx.SimMsgFactoryFn[*types.MsgRecall] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRecall) {
		var gtin, lot string
		if fresh {
			u := csim.Pick(data, reporter, "unit", units(ctx, k, func(types.Unit) bool { return true }))
			if reporter.IsSkipped() {
				return nil, nil
			}
			gtin, lot = u.GTIN, u.Lot
			if has, _ := k.Recalls.Has(ctx, collections.Join(gtin, lot)); has {
				reporter.Skip("lot recalled")
				return nil, nil
			}
		} else {
			var lots []collections.Pair[string, string]
			_ = k.Recalls.Walk(ctx, nil, func(key collections.Pair[string, string], _ types.Recall) (bool, error) {
				lots = append(lots, key)
				return len(lots) >= 100, nil
			})
			l := csim.Pick(data, reporter, "recalled lot", lots)
			if reporter.IsSkipped() {
				return nil, nil
			}
			gtin, lot = l.K1(), l.K2()
		}
		reg := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_REGULATOR)
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		return []simsx.SimAccount{reg}, &types.MsgRecall{Actor: reg.AddressBech32, GTIN: gtin, Lot: lot,
			Class: types.RecallClass(r.IntInRange(1, 4)), ReasonCode: types.RecallReason(r.IntInRange(1, 14))}
	}
}
