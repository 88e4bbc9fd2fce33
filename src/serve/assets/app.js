// The workbench's script: reads the form, asks the server (/api/...), shows what it answers.
// It decides nothing: every verdict, date, question and fix comes from the server's HTML and JSON.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const TEXT_FIELDS = ["id", "title", "partner", "recipient", "amount_usd", "start", "offer_date", "duration_months",
  "funding", "leahy", "major_defense_equipment_usd", "emergency"];
const today = () => {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

let facts = {};
let undoStack = [];
let versionA = null;
let timer = null;
let seq = 0;
// The request the panel on screen answers: a candidate opened later is asked about the same one.
let shown = null;

function readForm() {
  const f = {};
  for (const name of TEXT_FIELDS) f[name] = $(`#f-${name}`).value;
  f.partner_outside_registry = $("#f-partner_outside_registry").checked;
  f.purposes = $$("input[name=purposes]:checked").map((c) => c.value);
  f.activities = $$("input[name=activities]:checked").map((c) => c.value);
  f.facts = Object.assign({}, facts);
  return f;
}

function groupDigits(v) {
  const digits = String(v).replace(/[,_\s]/g, "");
  return /^\d+$/.test(digits) ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : String(v);
}

function fillForm(f) {
  for (const name of TEXT_FIELDS) {
    const el = $(`#f-${name}`);
    let v = f[name] === undefined || f[name] === null ? "" : String(f[name]);
    if (el.classList.contains("money")) v = groupDigits(v);
    el.value = v;
  }
  $("#f-partner_outside_registry").checked = !!f.partner_outside_registry;
  for (const list of ["purposes", "activities"]) {
    const chosen = new Set(f[list] || []);
    for (const c of $$(`input[name=${list}]`)) c.checked = chosen.has(c.value);
  }
  facts = Object.assign({}, f.facts || {});
  drawFacts();
}

function drawFacts() {
  const ul = $("#fact-list");
  ul.textContent = "";
  for (const [name, value] of Object.entries(facts)) {
    const li = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = name;
    li.append(code, ` = ${JSON.stringify(value)} `);
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = "Remove";
    b.setAttribute("aria-label", `Remove fact ${name}`);
    b.addEventListener("click", () => { delete facts[name]; drawFacts(); schedule(); });
    li.append(b);
    ul.append(li);
  }
}

function typed(text, kind) {
  const t = text.trim();
  if (t === "true" || t === "yes") return true;
  if (t === "false" || t === "no") return false;
  if (kind !== "str" && /^-?\d+$/.test(t.replace(/[,_]/g, ""))) return Number(t.replace(/[,_]/g, ""));
  return t;
}

function status(text) { $("#status").textContent = text; }

function clearErrors() {
  for (const e of $$(".error")) e.textContent = "";
  for (const f of $$(".field.invalid")) f.classList.remove("invalid");
  for (const i of $$("[aria-invalid]")) i.removeAttribute("aria-invalid");
}

function showErrors(errors) {
  clearErrors();
  const general = [];
  for (const e of errors) {
    const slot = e.field ? $(`#e-${e.field}`) : null;
    const words = `${e.code}: ${e.message}${e.help ? ` (${e.help})` : ""}`;
    if (!slot) { general.push(e); continue; }
    slot.textContent = slot.textContent ? `${slot.textContent} ${words}` : words;
    slot.closest(".field").classList.add("invalid");
    const input = $(`#f-${e.field}`);
    if (input) input.setAttribute("aria-invalid", "true");
  }
  const result = $("#result");
  result.textContent = "";
  const h = document.createElement("h2");
  h.textContent = `The proposal does not read (${errors.length} problem${errors.length === 1 ? "" : "s"})`;
  result.append(h);
  for (const e of errors) {
    const pre = document.createElement("pre");
    pre.className = "diagnostic";
    pre.textContent = e.text;
    result.append(pre);
  }
  return general;
}

async function post(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return res;
}

async function evaluate() {
  const mine = ++seq;
  let res;
  try {
    res = await post("/api/eval?detail=brief", { form: readForm(), today: today() });
  } catch (e) {
    status(`The server did not answer: ${e}`);
    return;
  }
  const data = await res.json();
  if (mine !== seq) return;
  if (res.status === 200 && data.ok) {
    clearErrors();
    shown = { form: readForm(), today: today() };
    $("#result").innerHTML = data.panel;
    $("#result").dataset.recommended = data.brief.recommended || "";
    status(`Evaluated: ${data.brief.recommended || "no authority fits"}`);
  } else if (res.status === 422) {
    showErrors(data.errors);
    status("The proposal has problems: see the marked fields.");
  } else {
    status(data.error || `The server refused the request (${res.status}).`);
  }
}

// A candidate's findings and fix, fetched the first time it is opened.
async function loadCandidate(details) {
  const body = $(".cand-body[data-pending]", details);
  if (!body || !shown) return;
  body.removeAttribute("data-pending");
  const id = details.dataset.authority;
  const res = await post(`/api/candidate?authority=${encodeURIComponent(id)}`, shown);
  const data = await res.json();
  if (res.status === 200 && data.ok) {
    body.innerHTML = data.html;
    body.dataset.loaded = "1";
  } else {
    body.textContent = data.error || `The server refused the request (${res.status}).`;
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(evaluate, 200);
}

function snapshot() {
  undoStack.push(readForm());
  $("#undo").disabled = false;
}

function applyChanges(changes) {
  snapshot();
  const f = readForm();
  for (const c of changes) {
    switch (c.change) {
      case "amount_usd": f.amount_usd = String(c.to); break;
      case "duration_months": f.duration_months = String(c.to); break;
      case "start": f.start = c.to; break;
      case "major_defense_equipment_usd": f.major_defense_equipment_usd = String(c.to); break;
      case "recipient": f.recipient = c.to; break;
      case "funding": f.funding = c.to; break;
      case "remove_activity": f.activities = f.activities.filter((a) => a !== c.activity); break;
      case "fact": f.facts[c.name] = c.to; break;
      default: break;
    }
  }
  fillForm(f);
  evaluate();
}

function fileName(res, fallback) {
  const cd = res.headers.get("Content-Disposition") || "";
  const m = /filename="([^"]+)"/.exec(cd);
  return m ? m[1] : fallback;
}

async function exportAs(kind) {
  const res = await post(`/api/export/${kind}`, { form: readForm(), today: today() });
  if (res.status !== 200) {
    const data = await res.json();
    if (data.errors) showErrors(data.errors);
    status(data.error || "Fix the marked fields first.");
    return;
  }
  const blob = await res.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = fileName(res, `proposal.${kind}`);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  status(`Exported ${a.download}`);
}

async function importFile(file) {
  const text = await file.text();
  const res = await fetch(`/api/import?name=${encodeURIComponent(file.name)}`, { method: "POST", body: text });
  const data = await res.json();
  if (data.ok) {
    snapshot();
    fillForm(data.form);
    status(`Opened ${file.name}`);
    evaluate();
  } else if (data.errors) {
    showErrors(data.errors);
    status(`${file.name} does not read: see the result panel.`);
  } else {
    status(data.error || "The file was refused.");
  }
}

async function compare() {
  const res = await post("/api/whatif", { a: { form: versionA, today: today() }, b: { form: readForm(), today: today() } });
  const data = await res.json();
  const out = $("#whatif-result");
  if (data.ok) out.innerHTML = data.html;
  else if (data.errors) out.textContent = `Version ${data.version} does not read: ${data.errors.map((e) => e.message).join("; ")}`;
  else out.textContent = data.error || "The server refused the comparison.";
}

function wireForm() {
  const form = $("#proposal");
  form.addEventListener("input", (e) => { if (!e.target.classList.contains("pick-filter")) schedule(); });
  form.addEventListener("change", (e) => { if (!e.target.classList.contains("pick-filter")) schedule(); });
  form.addEventListener("submit", (e) => { e.preventDefault(); evaluate(); });
  for (const m of $$(".money")) m.addEventListener("blur", () => { m.value = groupDigits(m.value); });
  for (const filter of $$(".pick-filter")) {
    filter.addEventListener("input", () => {
      const q = filter.value.toLowerCase();
      for (const li of $$(`#f-${filter.dataset.for} li`)) li.hidden = q !== "" && !li.textContent.toLowerCase().includes(q);
    });
  }
  $("#fact-add").addEventListener("click", () => {
    const name = $("#fact-name").value;
    const raw = $("#fact-value").value;
    if (!name || raw.trim() === "") { status("Choose a fact and give its value."); return; }
    facts[name] = typed(raw, "any");
    $("#fact-value").value = "";
    drawFacts();
    evaluate();
  });
  // `toggle` does not bubble: listen in the capture phase.
  $("#result").addEventListener("toggle", (e) => {
    if (e.target.matches("details.candidate") && e.target.open) loadCandidate(e.target);
  }, true);
  $("#result").addEventListener("click", (e) => {
    const answer = e.target.closest("button.answer");
    if (answer) {
      snapshot();
      const input = answer.dataset.input ? $(`#${answer.dataset.input}`) : null;
      const raw = input ? input.value : answer.dataset.value;
      if (answer.dataset.target === "field") {
        const f = readForm();
        f[answer.dataset.name] = raw.trim();
        fillForm(f);
      } else {
        facts[answer.dataset.name] = typed(raw, input ? input.dataset.kind : "any");
        drawFacts();
      }
      evaluate();
      return;
    }
    const apply = e.target.closest("button.apply");
    if (apply) applyChanges(JSON.parse(apply.dataset.changes));
  });
  $("#undo").addEventListener("click", () => {
    const f = undoStack.pop();
    if (f) { fillForm(f); evaluate(); }
    $("#undo").disabled = undoStack.length === 0;
  });
  $("#export-ron").addEventListener("click", () => exportAs("ron"));
  $("#export-markdown").addEventListener("click", () => exportAs("markdown"));
  $("#export-json").addEventListener("click", () => exportAs("json"));
  $("#print-memo").addEventListener("click", () => {
    $("#memo-request").value = JSON.stringify({ form: readForm(), today: today() });
    $("#memo-form").submit();
  });
  $("#import").addEventListener("change", (e) => { if (e.target.files[0]) importFile(e.target.files[0]); });
  $("#keep-a").addEventListener("click", () => {
    versionA = readForm();
    $("#compare").disabled = false;
    status("Kept this version as A: change the form, then compare.");
  });
  $("#compare").addEventListener("click", compare);
}

function wireBatch() {
  $("#batch-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = [...$("#batch-files").files, ...$("#batch-folder").files];
    const zip = $("#batch-zip").files[0];
    if (chosen.length === 0 && !zip) { $("#batch-status").textContent = "Choose files, a folder or a zip archive first."; return; }
    let res;
    if (zip) {
      // The archive as it is: the server reads its entries in memory.
      $("#batch-status").textContent = `Checking ${zip.name}…`;
      res = await fetch("/api/batch/zip", { method: "POST", headers: { "Content-Type": "application/zip" }, body: zip });
    } else {
      $("#batch-status").textContent = `Checking ${chosen.length} file(s)…`;
      const files = await Promise.all(chosen.map(async (f) => ({ name: f.webkitRelativePath || f.name, text: await f.text() })));
      res = await post("/api/batch", { files });
    }
    const data = await res.json();
    if (res.status === 200) {
      $("#batch-report").innerHTML = data.html;
      $("#batch-status").textContent = `Checked: ${data.summary.proposals} evaluated, ${data.summary.invalid_files} invalid.`;
    } else {
      $("#batch-status").textContent = data.error || `Refused (${res.status}).`;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  if ($("#proposal")) wireForm();
  if ($("#batch-form")) wireBatch();
});
