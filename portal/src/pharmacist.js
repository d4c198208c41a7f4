// The pharmacist's view: verify a pack (camera DataMatrix scan, or the GS1
// element string / Digital Link typed or pasted), see the verdict in words
// and colour, and dispense a verified pack.
import { h, field, message, progress, busy } from "./ui.js";
import { gateway } from "./api.js";
import { send } from "./tx.js";
import * as msgs from "./msgs.js";
import { VERDICTS } from "./words.js";
import { validAddress } from "./keys.js";
import { prescriptionCommitment, validReference } from "./prescription.js";

// cleanScan drops a scanner's symbology identifier (]d2 DataMatrix, ]C1
// GS1-128, ]Q3 QR); FNC1 separators stay as GS characters, which the chain reads.
export function cleanScan(s) {
  return s.replace(/^\](d2|C1|Q3|e0)/, "").trim();
}

export async function verify(ctx, main) {
  const status = h("div", { id: "verify-status", class: "status", "aria-live": "polite" });
  const unit = h("input", { id: "verify-unit", type: "text", autocomplete: "off", spellcheck: "false", placeholder: "(01)09506000134352(17)280630(10)LOT24A(21)SN0001" });
  const go = h("button", { type: "submit", class: "primary", id: "verify-submit" }, "Verify");
  const scanBtn = h("button", { type: "button", id: "scan-start" }, "Scan with camera");
  const video = h("video", { id: "scan-video", class: "scan hidden", muted: true, playsinline: true, "aria-label": "Camera view for scanning" });
  const verdict = h("div", { id: "verdict", class: "verdict", "aria-live": "assertive" });
  const dispenseBox = h("div", { id: "dispense-box" });
  const form = h("form", { class: "card", id: "verify-form" },
    field("Pack code", unit, "Scan the pack's 2D code, or type or paste its GS1 code (with the numbers in brackets) or its web link."),
    h("div", { class: "actions" }, go, scanBtn), video);

  let reader = null;
  const stopScan = () => {
    if (reader) reader.reset();
    reader = null;
    video.classList.add("hidden");
    scanBtn.textContent = "Scan with camera";
  };
  scanBtn.addEventListener("click", async () => {
    if (reader) return stopScan();
    try {
      const { BrowserMultiFormatReader, DecodeHintType, BarcodeFormat } = await import("@zxing/library");
      const hints = new Map([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.DATA_MATRIX, BarcodeFormat.QR_CODE, BarcodeFormat.CODE_128]]]);
      reader = new BrowserMultiFormatReader(hints);
      video.classList.remove("hidden");
      scanBtn.textContent = "Stop the camera";
      message(status, "info", "Hold the pack's code in front of the camera.");
      await reader.decodeFromVideoDevice(undefined, video, (res) => {
        if (!res) return;
        unit.value = cleanScan(res.getText());
        stopScan();
        form.requestSubmit();
      });
    } catch (e) {
      stopScan();
      message(status, "error", "The camera could not be used (" + (e.name || e.message) + "). Type or paste the code instead.");
    }
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const u = cleanScan(unit.value);
    if (!u) {
      message(status, "error", "Scan or enter the pack's code first.");
      return;
    }
    busy(go, true);
    verdict.replaceChildren();
    dispenseBox.replaceChildren();
    try {
      const res = await gateway.get("/v1/verify?unit=" + encodeURIComponent(u), { auth: false });
      const [tone, title, words] = VERDICTS[res.verdict] || ["warn", res.verdict, "The network gave an unexpected answer."];
      verdict.className = "verdict verdict-" + tone;
      verdict.dataset.verdict = res.verdict;
      verdict.replaceChildren(h("p", { class: "verdict-title" }, tone === "ok" ? "✔ " : "✖ ", title), h("p", {}, words));
      status.replaceChildren();
      if (res.verdict === "AUTHENTIC_SALEABLE" && ctx.roles.includes("PHARMACY")) dispenseBox.append(dispenseForm(ctx, u, status));
    } catch (e) {
      message(status, "error", e.message);
    } finally {
      busy(go, false);
    }
  });

  main.replaceChildren(h("h1", {}, "Verify a pack"), status, form, verdict, dispenseBox);
  unit.focus();
}

function dispenseForm(ctx, u, status) {
  const patient = h("input", { id: "dispense-patient", type: "text", autocomplete: "off", spellcheck: "false", placeholder: "health1…" });
  const rxId = h("input", { id: "dispense-rx-id", type: "text", inputmode: "numeric", autocomplete: "off" });
  const rx = h("input", { id: "dispense-rx", type: "text", autocomplete: "off", spellcheck: "false" });
  const ok = h("button", { type: "submit", class: "primary", id: "dispense-submit" }, "Dispense this pack");
  const form = h("form", { class: "card", id: "dispense-form" }, h("h2", {}, "Dispense"),
    field("Patient's account", patient),
    field("Pharmacy prescription reference", rx, "Your own reference of the prescription (e.g. RX-42). Only a commitment to it, keyed by your pharmacy's key, goes on the network."),
    field("Or e-prescription number", rxId, "The e-prescription's number on the network, when it came through the bridge."),
    ok);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = patient.value.trim();
    if (!validAddress(p)) {
      message(status, "error", "That is not a health1… account: check it and try again.");
      return;
    }
    const id = rxId.value.trim();
    const ref = rx.value.trim();
    if (id && !/^[1-9][0-9]*$/.test(id)) {
      message(status, "error", "The e-prescription number is a number.");
      return;
    }
    if (id && ref) {
      message(status, "error", "Give your prescription reference or the e-prescription number, not both.");
      return;
    }
    if (ref && !validReference(ref)) {
      message(status, "error", "A prescription reference is up to 64 letters, digits and - _ . : characters.");
      return;
    }
    try {
      busy(ok, true);
      let commitment;
      if (ref) {
        // The commitment's salt is keyed to the unit's GTIN and serial, as the chain names it.
        const res = await gateway.get("/v1/supply/unit?unit=" + encodeURIComponent(u));
        commitment = await prescriptionCommitment(ctx.account, `${res.unit.gtin}/${res.unit.serial}`, ref);
      }
      await send(ctx.account, [msgs.dispense({ actor: ctx.account.address, unit: u, patientRef: p, prescriptionId: id || 0, prescriptionCommitment: commitment })], progress(status));
      message(status, "ok", "Dispensed. The pack is now recorded as handed to the patient.");
      status.dataset.result = "dispensed";
      form.replaceChildren(h("p", {}, "Dispensed."));
    } catch (e) {
      message(status, "error", e.message);
    } finally {
      busy(ok, false);
    }
  });
  return form;
}
