// Shared pieces of the views.
import { h, short } from "./ui.js";
import { gateway } from "./api.js";

// fhirAll reads a FHIR search and follows its next links, up to pages pages.
export async function fhirAll(type, params, pages = 3) {
  let path = `/fhir/${type}?` + new URLSearchParams(params).toString();
  const out = [];
  for (let i = 0; i < pages && path; i++) {
    const b = await gateway.get(path, { headers: { Accept: "application/fhir+json" } });
    for (const e of b.entry || []) out.push(e.resource);
    const next = (b.link || []).find((l) => l.relation === "next");
    path = null;
    if (next && next.url) {
      const u = new URL(next.url, location.origin);
      path = u.pathname + u.search;
    }
  }
  return out;
}

const TEXT_FORMATS = ["FORMAT_FHIR_R4", "FORMAT_HL7_V2", 1, 2];

// recordView shows a decrypted record: text records in a preformatted box.
export function recordView(id, rec) {
  const isText = TEXT_FORMATS.includes(rec.header.format);
  const body = isText ? new TextDecoder().decode(rec.bytes) : `${rec.bytes.length} bytes (binary: use the downloaded file)`;
  return h("section", { class: "card", "aria-labelledby": "record-title" },
    h("h2", { id: "record-title" }, `Record ${id}: ${rec.header.kind || ""} (${rec.header.category || ""})`),
    h("p", { id: "record-verified", class: "msg msg-ok", "data-cid": rec.verified.cid },
      "Verified: this is the record the network recorded. Its fingerprint (", h("span", { class: "mono" }, short(rec.verified.cid)),
      ") and its content's seal were checked in this browser."),
    h("pre", { id: "record-text", class: "record", tabindex: "0" }, body));
}

// downloadRecord offers the record's bytes as a file.
export function downloadRecord(id, rec) {
  const ext = rec.header.format === "FORMAT_DICOM" || rec.header.format === 3 ? "dcm" : rec.header.format === "FORMAT_HL7_V2" || rec.header.format === 2 ? "hl7" : "json";
  const url = URL.createObjectURL(new Blob([rec.bytes], { type: "application/octet-stream" }));
  const a = h("a", { href: url, download: `record-${id}.${ext}`, class: "visually-hidden" }, "download");
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
