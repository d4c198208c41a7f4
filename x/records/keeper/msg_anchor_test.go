package keeper_test

import (
	"strings"
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/records/types"
)

// requireIndexed checks the index entries of r: by patient, by (patient,
// kind), by (patient, category) and its version entry.
func (s *KeeperTestSuite) requireIndexed(r types.Record) {
	s.T().Helper()
	patient, err := testkit.AddressCodec.StringToBytes(r.Patient)
	s.Require().NoError(err)
	idx := s.k.Records.Indexes
	has, err := indexHas(s.ctx, idx.Patient, sdk.AccAddress(patient), r.ID)
	s.Require().NoError(err)
	s.Require().True(has, "the patient index misses record %d", r.ID)
	has, err = indexHas(s.ctx, idx.PatientKind, collections.Join(sdk.AccAddress(patient), r.Kind), r.ID)
	s.Require().NoError(err)
	s.Require().True(has, "the kind index misses record %d", r.ID)
	has, err = indexHas(s.ctx, idx.PatientCategory, collections.Join(sdk.AccAddress(patient), r.Category), r.ID)
	s.Require().NoError(err)
	s.Require().True(has, "the category index misses record %d", r.ID)
	id, err := idx.Version.MatchExact(s.ctx, collections.Join(r.RootID, uint64(r.Version)))
	s.Require().NoError(err)
	s.Require().Equal(r.ID, id)
}

// indexSizes counts the entries of every records index.
func (s *KeeperTestSuite) indexSizes() [4]int {
	s.T().Helper()
	var n [4]int
	idx := s.k.Records.Indexes
	s.Require().NoError(idx.Patient.Walk(s.ctx, nil, func(sdk.AccAddress, uint64) (bool, error) { n[0]++; return false, nil }))
	type addrStr = collections.Pair[sdk.AccAddress, string]
	s.Require().NoError(idx.PatientKind.Walk(s.ctx, nil, func(addrStr, uint64) (bool, error) { n[1]++; return false, nil }))
	s.Require().NoError(idx.PatientCategory.Walk(s.ctx, nil, func(addrStr, uint64) (bool, error) { n[2]++; return false, nil }))
	s.Require().NoError(idx.Version.Walk(s.ctx, nil, func(collections.Pair[uint64, uint64], uint64) (bool, error) { n[3]++; return false, nil }))
	return n
}

func (s *KeeperTestSuite) TestAnchorRecord() {
	msg := s.anchorMsg(s.hospital, s.patient, "a")
	res, err := s.ms.AnchorRecord(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.ID)

	want := types.Record{
		ID: 1, Patient: s.addr(s.patient), Author: s.addr(s.hospital), Format: types.Format_FORMAT_FHIR_R4,
		Kind: "Observation", Category: "laboratory", Commitment: commitment("a"), CID: cidOf("a"), BlobSize: 1234,
		Version: 1, Supersedes: 0, SupersededBy: 0, RootID: 1, AnchoredAt: blockTime,
	}
	s.Require().Equal(want, s.record(1))
	s.requireIndexed(want)
	s.Require().Equal([4]int{1, 1, 1, 1}, s.indexSizes())
	next, err := s.k.RecordSeq.Peek(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(uint64(2), next)

	ev, attrs := event[*types.EventRecordAnchored](s)
	s.Require().Equal(&types.EventRecordAnchored{
		ID: 1, Patient: want.Patient, Author: want.Author, Version: 1,
	}, ev)
	// no format, no category: with the patient they would tell what kind of record it is
	s.requireAttrs(attrs, "id", "patient", "author", "version", "supersedes")
	s.requireNoContent(attrs, want)
	s.Require().Equal([]string{evAnchored}, s.recordsEvents())

	// a second record gets the next id and its own index entries
	s.advance(90 * time.Second)
	id2 := s.anchorWith(&types.MsgAnchorRecord{
		Author: s.addr(s.lab), Patient: s.addr(s.patient2), Format: types.Format_FORMAT_HL7_V2, Kind: "ORU^R01",
		Category: "laboratory", Commitment: commitment("b"), CID: cidOf("b"), BlobSize: 7,
	})
	s.Require().Equal(uint64(2), id2)
	r2 := s.record(2)
	s.Require().Equal(s.addr(s.lab), r2.Author)
	s.Require().Equal(s.addr(s.patient2), r2.Patient)
	s.Require().Equal(uint64(2), r2.RootID)
	s.Require().Equal(s.now(), r2.AnchoredAt)
	s.requireIndexed(r2)
	s.Require().Equal([4]int{2, 2, 2, 2}, s.indexSizes())
}

func (s *KeeperTestSuite) TestAnchorEveryFormat() {
	cases := []struct {
		format         types.Format
		kind, category string
	}{
		{types.Format_FORMAT_FHIR_R4, "Bundle", "Composition"},
		{types.Format_FORMAT_FHIR_R4, "Condition", "Condition"},
		{types.Format_FORMAT_FHIR_R4, "DiagnosticReport", "imaging"},
		{types.Format_FORMAT_HL7_V2, "ADT^A01", "Encounter"},
		{types.Format_FORMAT_HL7_V2, "ORU^R01", "laboratory"},
		{types.Format_FORMAT_DICOM, dicomCT, "imaging"},
		{types.Format_FORMAT_DICOM, "1.2.840.10008.5.1.4.1.1.4", "ImagingStudy"},
	}
	for i, c := range cases {
		msg := s.anchorMsg(s.lab, s.patient, c.kind)
		msg.Format, msg.Kind, msg.Category = c.format, c.kind, c.category
		id := s.anchorWith(msg)
		s.Require().Equal(uint64(i+1), id)
		r := s.record(id)
		s.Require().Equal(c.format, r.Format)
		s.Require().Equal(c.kind, r.Kind)
		s.Require().Equal(c.category, r.Category)
		s.requireIndexed(r)
	}

	// CIDs built by hand the way the refusals below build theirs are accepted
	// with the raw and dag-pb codecs: those refusals fail on the codec alone.
	for _, codec := range []byte{0x55, 0x70} {
		msg := s.anchorMsg(s.hospital, s.patient, "hand-built")
		msg.CID = rawCID(append([]byte{0x01, codec, 0x12, 0x20}, commitment("x")...))
		r := s.record(s.anchorWith(msg))
		s.Require().Equal(msg.CID, r.CID)
	}
}

func (s *KeeperTestSuite) TestAnchorRecordRefusals() {
	longCID := "b" + strings.Repeat("a", types.MaxCIDLength)
	digest := commitment("x")
	cases := []struct {
		name     string
		malleate func(m *types.MsgAnchorRecord)
		want     error
	}{
		{"empty author", func(m *types.MsgAnchorRecord) { m.Author = "" }, types.ErrInvalidAddress},
		{"author with another prefix", func(m *types.MsgAnchorRecord) { m.Author = testkit.OtherPrefix(s.hospital) }, types.ErrInvalidAddress},
		{"author not an address", func(m *types.MsgAnchorRecord) { m.Author = "hospital" }, types.ErrInvalidAddress},
		{"empty patient", func(m *types.MsgAnchorRecord) { m.Patient = "" }, types.ErrInvalidAddress},
		{"patient with another prefix", func(m *types.MsgAnchorRecord) { m.Patient = testkit.OtherPrefix(s.patient) }, types.ErrInvalidAddress},
		{"patient with a bad checksum", func(m *types.MsgAnchorRecord) { m.Patient = m.Patient[:len(m.Patient)-1] + "q" }, types.ErrInvalidAddress},
		{"unspecified format", func(m *types.MsgAnchorRecord) { m.Format = types.Format_FORMAT_UNSPECIFIED }, types.ErrInvalidFormat},
		{"unknown format", func(m *types.MsgAnchorRecord) { m.Format = 9 }, types.ErrInvalidFormat},
		{"FHIR kind Unicorn", func(m *types.MsgAnchorRecord) { m.Kind = "Unicorn" }, types.ErrInvalidKind},
		{"FHIR kind lower case", func(m *types.MsgAnchorRecord) { m.Kind = "observation" }, types.ErrInvalidKind},
		{"FHIR kind an observation category", func(m *types.MsgAnchorRecord) { m.Kind = "laboratory" }, types.ErrInvalidKind},
		{"FHIR kind holding no patient data", func(m *types.MsgAnchorRecord) { m.Kind = "Organization" }, types.ErrInvalidKind},
		{"empty kind", func(m *types.MsgAnchorRecord) { m.Kind = "" }, types.ErrInvalidKind},
		{"kind too long", func(m *types.MsgAnchorRecord) { m.Kind = strings.Repeat("A", types.MaxKindLength+1) }, types.ErrInvalidKind},
		{"HL7 ORU-R01", func(m *types.MsgAnchorRecord) { m.Format, m.Kind = types.Format_FORMAT_HL7_V2, "ORU-R01" }, types.ErrInvalidKind},
		{"HL7 lower case", func(m *types.MsgAnchorRecord) { m.Format, m.Kind = types.Format_FORMAT_HL7_V2, "oru^r01" }, types.ErrInvalidKind},
		{"HL7 with trigger structure", func(m *types.MsgAnchorRecord) { m.Format, m.Kind = types.Format_FORMAT_HL7_V2, "ORU^R01^ORU_R01" }, types.ErrInvalidKind},
		{"HL7 kind for FHIR", func(m *types.MsgAnchorRecord) { m.Kind = "ORU^R01" }, types.ErrInvalidKind},
		{"DICOM 1.2.03", func(m *types.MsgAnchorRecord) { m.Format, m.Kind = types.Format_FORMAT_DICOM, "1.2.03" }, types.ErrInvalidKind},
		{"DICOM single arc", func(m *types.MsgAnchorRecord) { m.Format, m.Kind = types.Format_FORMAT_DICOM, "1" }, types.ErrInvalidKind},
		{"DICOM empty arc", func(m *types.MsgAnchorRecord) { m.Format, m.Kind = types.Format_FORMAT_DICOM, "1..2" }, types.ErrInvalidKind},
		{"DICOM FHIR kind", func(m *types.MsgAnchorRecord) { m.Format, m.Kind = types.Format_FORMAT_DICOM, "ImagingStudy" }, types.ErrInvalidKind},
		{"category Unicorn", func(m *types.MsgAnchorRecord) { m.Category = "Unicorn" }, types.ErrInvalidCategory},
		{"empty category", func(m *types.MsgAnchorRecord) { m.Category = "" }, types.ErrInvalidCategory},
		{"category all", func(m *types.MsgAnchorRecord) { m.Category = "*" }, types.ErrInvalidCategory},
		{"commitment of 31 bytes", func(m *types.MsgAnchorRecord) { m.Commitment = m.Commitment[:31] }, types.ErrInvalidCommitment},
		{"commitment of 33 bytes", func(m *types.MsgAnchorRecord) { m.Commitment = append(m.Commitment, 0) }, types.ErrInvalidCommitment},
		{"no commitment", func(m *types.MsgAnchorRecord) { m.Commitment = nil }, types.ErrInvalidCommitment},
		{"CIDv0", func(m *types.MsgAnchorRecord) { m.CID = "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4" }, types.ErrInvalidCID},
		{"upper-case CID", func(m *types.MsgAnchorRecord) { m.CID = strings.ToUpper(m.CID) }, types.ErrInvalidCID},
		{"CID codec dag-cbor", func(m *types.MsgAnchorRecord) { m.CID = rawCID(append([]byte{0x01, 0x71, 0x12, 0x20}, digest...)) }, types.ErrInvalidCID},
		{"CID hash sha2-512 code", func(m *types.MsgAnchorRecord) { m.CID = rawCID(append([]byte{0x01, 0x55, 0x13, 0x20}, digest...)) }, types.ErrInvalidCID},
		{"empty CID", func(m *types.MsgAnchorRecord) { m.CID = "" }, types.ErrInvalidCID},
		{"CID too long", func(m *types.MsgAnchorRecord) { m.CID = longCID }, types.ErrInvalidCID},
		{"size 0", func(m *types.MsgAnchorRecord) { m.BlobSize = 0 }, types.ErrInvalidSize},
		{"author not a member", func(m *types.MsgAnchorRecord) { m.Author = s.addr(s.stranger) }, consortiumtypes.ErrNotMember},
		{"author suspended", func(m *types.MsgAnchorRecord) { m.Author = s.addr(s.suspended) }, consortiumtypes.ErrNotMember},
		{"author a pharmacy", func(m *types.MsgAnchorRecord) { m.Author = s.addr(s.pharmacy) }, consortiumtypes.ErrMissingRole},
		{"CID of an existing record", func(m *types.MsgAnchorRecord) { m.CID = cidOf("existing") }, types.ErrCIDInUse},
		{"CID of an existing record, for another patient by another author", func(m *types.MsgAnchorRecord) {
			m.CID, m.Author, m.Patient = cidOf("existing"), s.addr(s.lab), s.addr(s.stranger)
		}, types.ErrCIDInUse},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			s.SetupTest()
			s.anchor(s.patient, "existing") // state is not empty
			s.freshEvents()
			msg := s.anchorMsg(s.hospital, s.patient, "new")
			c.malleate(msg)
			s.refuse(c.want, testkit.Call(s.ms.AnchorRecord, msg))
		})
	}
}
