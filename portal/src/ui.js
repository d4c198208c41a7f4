// Small DOM helpers: elements built with createElement (no innerHTML, no
// inline styles, so the page's CSP holds), labelled fields, the progress
// panel and messages.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let fieldSeq = 0;

// field is a labelled input, select or textarea with an optional hint.
export function field(label, control, hint) {
  const id = control.id || "f" + ++fieldSeq;
  control.id = id;
  const parts = [h("label", { for: id }, label), control];
  if (hint) {
    const hid = id + "-hint";
    control.setAttribute("aria-describedby", hid);
    parts.push(h("p", { class: "hint", id: hid }, hint));
  }
  return h("div", { class: "field" }, parts);
}

export function select(attrs, options) {
  return h("select", attrs, options.map(([v, t]) => h("option", { value: v }, t)));
}

// message shows a sentence in a region: kind is ok, error or info.
export function message(region, kind, text) {
  region.replaceChildren(h("p", { class: "msg msg-" + kind, role: kind === "error" ? "alert" : "status" }, text));
}

// progress returns a progress callback for tx.send writing into region.
export function progress(region) {
  const steps = ["prepare", "simulate", "sign", "broadcast", "wait", "done"];
  return (step, words, hash) => {
    const i = steps.indexOf(step);
    const bar = h("progress", { max: steps.length - 1, value: Math.max(i, 0), "aria-label": "Progress of the transaction" });
    // "done" is the transaction in a block; the view then refreshes and says
    // the outcome with message(region, "ok", ...): only that one is "ok".
    const p = h("p", { class: "msg msg-info", role: "status" },
      step === "done" ? null : h("span", { class: "spinner", "aria-hidden": "true" }), words);
    const kids = [p, bar];
    if (hash) kids.push(h("p", { class: "hint mono" }, "Transaction " + hash));
    region.replaceChildren(...kids);
    region.dataset.step = step;
  };
}

export function short(addr) {
  return addr && addr.length > 20 ? addr.slice(0, 12) + "…" + addr.slice(-6) : addr || "";
}

export function date(s) {
  if (!s) return "";
  const d = new Date(s);
  if (isNaN(d)) return s;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function day(s) {
  const d = new Date(s);
  return isNaN(d) ? s : d.toLocaleDateString(undefined, { dateStyle: "long" });
}

// table builds a table with a caption, headers and rows of cells.
export function table(caption, headers, rows, attrs = {}) {
  return h("div", { class: "table-wrap" },
    h("table", attrs,
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.length ? rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))
        : h("tr", {}, h("td", { colspan: headers.length, class: "empty" }, "Nothing yet.")))));
}

export function busy(button, on) {
  button.disabled = on;
  button.setAttribute("aria-busy", on ? "true" : "false");
}
