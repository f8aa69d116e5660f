// callstream's live dashboard: polls /api/dashboard every 2 s with the page's filters and redraws
// (no external libraries). The view and the filters live in the URL's fragment, so a page can be
// linked to: #view=overview|reconciliation|alerts|call&range=15m|1h|1d|all|custom&from&to&tenant&vendor.
const COLORS = { winnerlook: "#1f77b4", ucpaas: "#ff7f0e", yunhuni: "#2ca02c", ytx: "#9467bd" };
const color = (vendor) => COLORS[vendor] || "#7f7f7f";
const fmt = (value, digits = 0) =>
  value === null || value === undefined ? "–" : Number(value).toFixed(digits);

function cell(text, numeric) {
  const td = document.createElement("td");
  td.textContent = text;
  if (numeric) td.className = "num";
  return td;
}

// columns: [key, digits] (digits: a number, formatted) or [key, undefined, render(row) -> Node]
function fillTable(id, rows, columns) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(...rows.map((row) => {
    const tr = document.createElement("tr");
    columns.forEach(([key, digits, render]) => {
      if (render) {
        const td = document.createElement("td");
        td.appendChild(render(row));
        tr.appendChild(td);
      } else {
        tr.appendChild(cell(digits === undefined ? row[key] ?? "" : fmt(row[key], digits), digits !== undefined));
      }
    });
    return tr;
  }));
}

function state() {
  return new URLSearchParams(location.hash.substring(1));
}

function setState(changes) {
  const next = state();
  Object.entries(changes).forEach(([key, value]) => (value ? next.set(key, value) : next.delete(key)));
  location.hash = next.toString();
}

// The call id, linking to the call's page: the explanation of its bill (as ./callstream explain).
function explainLink(row) {
  const a = document.createElement("a");
  const next = state();
  next.set("view", "call");
  next.set("vendor", row.vendor);
  next.set("callId", row.call_id);
  a.href = "#" + next.toString();
  a.textContent = row.call_id;
  a.title = "why this bill";
  a.className = "call-link";
  return a;
}

function options(id, values) {
  const select = document.getElementById(id);
  const chosen = state().get(id) || "";
  const wanted = ["", ...values];
  if ([...select.options].map((o) => o.value).join("|") !== wanted.join("|")) {
    select.replaceChildren(...wanted.map((value) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value || "all";
      return option;
    }));
  }
  select.value = wanted.includes(chosen) ? chosen : "";
}

function query() {
  const s = state();
  const q = new URLSearchParams();
  q.set("range", s.get("range") || "1h");
  for (const key of ["from", "to", "tenant", "vendor"]) if (s.get(key)) q.set(key, s.get(key));
  return q.toString();
}

async function showCall() {
  const s = state();
  const title = `${s.get("vendor")}/${s.get("callId")}`;
  document.getElementById("call-title").textContent = `Call ${title}: why this bill`;
  const response = await fetch(`explain?vendor=${encodeURIComponent(s.get("vendor"))}` +
    `&callId=${encodeURIComponent(s.get("callId"))}`, { cache: "no-store" });
  document.getElementById("explanation").textContent = await response.text();
  document.body.dataset.call = title;
}

function reconciliation(rows) {
  const box = document.getElementById("reconciliation");
  if (!rows.length) {
    box.innerHTML = '<p class="quiet">every compared call agrees with the vendor</p>';
    return;
  }
  box.replaceChildren(...rows.map((r) => {
    const div = document.createElement("div");
    div.textContent = `${r.vendor}  ${r.difference_class}  ${r.calls}`;
    return div;
  }));
}

// One line per vendor (summed over tenants) of `field` per minute.
function lineChart(id, minutes, field) {
  const svg = document.getElementById(id);
  const series = {};
  for (const m of minutes) {
    const s = (series[m.vendor] ||= {});
    s[m.window_start] = (s[m.window_start] || 0) + (Number(m[field]) || 0);
  }
  const times = [...new Set(minutes.map((m) => m.window_start))].sort();
  const max = Math.max(1e-9, ...Object.values(series).flatMap((s) => Object.values(s)));
  const [left, right, top, bottom] = [44, 590, 10, 195];
  const x = (i) => left + (times.length < 2 ? 0 : (i * (right - left)) / (times.length - 1));
  const y = (v) => bottom - (v / max) * (bottom - top);
  const parts = [
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#ccd"/>`,
    `<text x="2" y="${top + 8}">${fmt(max, max < 10 ? 2 : 0)}</text>`,
    `<text x="2" y="${bottom}">0</text>`,
  ];
  if (times.length) {
    parts.push(`<text x="${left}" y="215">${times[0].substring(11, 16)}</text>`);
    parts.push(`<text x="${right - 30}" y="215">${times[times.length - 1].substring(11, 16)}</text>`);
  }
  for (const [vendor, points] of Object.entries(series)) {
    const d = times
      .map((t, i) => (t in points ? `${i ? "L" : "M"}${x(i).toFixed(1)},${y(points[t]).toFixed(1)}` : ""))
      .join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${color(vendor)}" stroke-width="2" data-vendor="${vendor}"/>`);
  }
  svg.innerHTML = parts.join("");
}

function failures(rows) {
  const byVendor = {};
  rows.forEach((r) => (byVendor[r.vendor] ||= []).push(r));
  const max = Math.max(1, ...rows.map((r) => r.calls));
  const box = document.getElementById("failures");
  box.replaceChildren(...Object.entries(byVendor).map(([vendor, list]) => {
    const div = document.createElement("div");
    const title = document.createElement("h3");
    title.textContent = vendor;
    div.appendChild(title);
    list.forEach((r) => {
      const bar = document.createElement("div");
      bar.className = "bar";
      bar.innerHTML = `<span class="label">${r.failure_category}</span>` +
        `<span class="fill" style="width:${(200 * r.calls) / max}px"></span><span>${r.calls}</span>`;
      div.appendChild(bar);
    });
    return div;
  }));
  if (!rows.length) box.innerHTML = '<p class="quiet">no failures</p>';
}

function alerts(rows) {
  const box = document.getElementById("alerts");
  if (!rows.length) {
    box.innerHTML = '<p class="quiet">none</p>';
    return;
  }
  box.replaceChildren(...rows.map((a) => {
    const div = document.createElement("div");
    div.className = "alert";
    div.textContent = `${a.event_time.substring(0, 19)}Z  ${a.message}`;
    return div;
  }));
}

function legend(minutes) {
  const vendors = [...new Set(minutes.map((m) => m.vendor))].sort();
  document.getElementById("legend").innerHTML = vendors
    .map((v) => `<span class="swatch" style="background:${color(v)}"></span>${v}`)
    .join("");
}

function showView() {
  const s = state();
  const view = s.get("view") || "overview";
  document.body.dataset.view = view;
  document.querySelectorAll("main.view").forEach((main) =>
    (main.hidden = main.id !== (view === "overview" ? "overview" : `${view}-view`)));
  document.querySelectorAll("[data-nav]").forEach((a) => {
    const next = state();
    next.set("view", a.dataset.nav);
    next.delete("callId");
    a.href = "#" + next.toString();
    a.classList.toggle("current", a.dataset.nav === view);
  });
  const range = s.get("range") || "1h";
  document.getElementById("range").value = range;
  document.getElementById("custom-range").hidden = range !== "custom";
  document.getElementById("from").value = s.get("from") || "";
  document.getElementById("to").value = s.get("to") || "";
  if (view === "call") showCall();
}

async function refresh() {
  try {
    const response = await fetch("/api/dashboard?" + query(), { cache: "no-store" });
    const data = await response.json();
    if (data.waiting || data.error) {
      document.getElementById("status").textContent = data.waiting ? "waiting for the first calls…" : data.error;
      return;
    }
    fillTable("totals", data.totals, [["vendor"], ["tenant_id"], ["calls", 0], ["asr", 3], ["ner", 3],
      ["acd_seconds", 1], ["billed_minutes", 1], ["flagged_calls", 0], ["no_final_share", 3]]);
    lineChart("chart-calls", data.minutes, "attempts");
    lineChart("chart-asr", data.minutes, "asr");
    lineChart("chart-ner", data.minutes, "ner");
    lineChart("chart-acd", data.minutes, "acd_seconds");
    lineChart("chart-billed", data.minutes, "billed_minutes");
    failures(data.failures);
    alerts(data.alerts);
    fillTable("calls", data.calls, [["vendor"], ["call_id", undefined, explainLink], ["tenant_id"], ["start_time"],
      ["outcome"], ["failure_category"], ["talk_seconds", 0], ["billed_seconds", 0],
      ["billing_difference_seconds", 0], ["difference_class"], ["quality_flags"], ["version", 0]]);
    reconciliation(data.reconciliation);
    fillTable("classes", data.reconciliation, [["vendor"], ["difference_class"], ["calls", 0]]);
    fillTable("differing", data.differing, [["vendor"], ["call_id", undefined, explainLink], ["tenant_id"],
      ["start_time"], ["difference_class"], ["talk_seconds", 0], ["vendor_talk_seconds", 0], ["leg_a_seconds", 0],
      ["vendor_leg_a_seconds", 0], ["billed_seconds", 0],
      ["vendor_billed_seconds", 0], ["vendor_billed_source"], ["amount"], ["vendor_amount"], ["quality_flags"]]);
    fillTable("alert-history", data.alertHistory, [["event_time"], ["kind"], ["state"], ["tenant_id"],
      ["vendor"], ["failure_rate", 3], ["baseline_rate", 3], ["attempts", 0], ["expected_attempts", 0], ["failures", 0], ["top_categories"], ["message"]]);
    options("tenant", data.tenants.map((t) => t.tenant_id));
    options("vendor", data.vendors.map((v) => v.vendor));
    legend(data.minutes);
    const total = data.totals.reduce((sum, t) => sum + Number(t.calls), 0);
    document.getElementById("status").textContent =
      `${total} calls · ${data.alerts.length} active alerts · updated ${new Date().toISOString().substring(11, 19)} UTC`;
    document.body.dataset.query = query();
    document.body.dataset.ready = String(total > 0);
  } catch (error) {
    document.getElementById("status").textContent = `cannot reach callstream: ${error}`;
  }
}

document.getElementById("filters").addEventListener("change", (event) => {
  const target = event.target;
  setState({ [target.name]: target.value });
});
window.addEventListener("hashchange", () => {
  showView();
  refresh();
});
showView();
refresh();
setInterval(refresh, 2000);
