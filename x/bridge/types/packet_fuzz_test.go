package types_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/healthchain/healthd/x/bridge/types"
)

// FuzzDecodePacket checks that DecodePacket never panics, refuses with a
// registered bridge error, and accepts only the canonical encoding of a valid
// packet that carries a flow.
func FuzzDecodePacket(f *testing.F) {
	valid := []types.PacketData{prescriptionData(), dispenseData(), verifyData(), recallData(),
		prescriptionData(func(p *types.PrescriptionPacket) { p.GTIN, p.NDC, p.Refills = "", ndcA, 0 }),
		verifyData(func(p *types.VerifyPacket) { p.Unit = "]d201" + gtinA + "10LOT42\x1d21SN1" }),
	}
	for _, d := range valid {
		bz := enc(d)
		f.Add(bz)
		f.Add(cat(bz, unknownField))
		f.Add(cat(bz, bz))
		f.Add(bz[:len(bz)-1])
	}
	f.Add([]byte{})
	f.Add([]byte{0xff})
	f.Add([]byte("garbage"))
	f.Add(bytesField(1, nil))
	f.Add(bytesField(3, []byte{0x08, 0x87, 0x00}))
	f.Add(make([]byte, types.MaxPacketBytes+1))

	f.Fuzz(func(t *testing.T, bz []byte) {
		in := bytes.Clone(bz)
		d, err := types.DecodePacket(bz)
		if !bytes.Equal(in, bz) {
			t.Fatalf("DecodePacket modified its input")
		}
		if err != nil {
			if !errors.Is(err, types.ErrInvalidPacket) && !errors.Is(err, types.ErrInvalidUnit) {
				t.Fatalf("unregistered refusal %v", err)
			}
			return
		}
		again, err := types.EncodePacket(d)
		if err != nil {
			t.Fatalf("decoded packet does not encode: %v", err)
		}
		if !bytes.Equal(again, bz) {
			t.Fatalf("re-encoding differs:\n in  %x\n out %x", bz, again)
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("decoded packet invalid: %v", err)
		}
		if d.Kind() == types.PacketKind_PACKET_KIND_UNSPECIFIED {
			t.Fatalf("decoded packet has no flow")
		}
	})
}

// FuzzDecodeAck checks that DecodeAck never panics, refuses with ErrInvalidAck
// and accepts only canonical encodings.
func FuzzDecodeAck(f *testing.F) {
	for _, a := range validAcks() {
		bz := types.EncodeAck(a)
		f.Add(bz)
		f.Add(cat(bz, unknownField))
		f.Add(cat(bz, bz))
		f.Add(bz[:len(bz)-1])
	}
	f.Add([]byte{})
	f.Add([]byte{0xff})
	f.Add(bytesField(3, varintField(1, 0)))
	f.Add(make([]byte, types.MaxPacketBytes+1))

	f.Fuzz(func(t *testing.T, bz []byte) {
		a, err := types.DecodeAck(bz)
		if err != nil {
			if !errors.Is(err, types.ErrInvalidAck) {
				t.Fatalf("unregistered refusal %v", err)
			}
			return
		}
		if again := types.EncodeAck(a); !bytes.Equal(again, bz) {
			t.Fatalf("re-encoding differs:\n in  %x\n out %x", bz, again)
		}
		if a.Result == nil {
			t.Fatalf("decoded ack has no result")
		}
	})
}
