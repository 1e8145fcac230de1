// wijkwijzer page: search box, situation picker, SVG map of the coverage areas, result card.
// Which layers and words it shows comes from /v1/config (the municipality's profile).
// No libraries and no network beyond this server (an optional tile layer excepted).
"use strict";

const R = 6378137;
const $ = (id) => document.getElementById(id);
const svg = $("map");
const NS = "http://www.w3.org/2000/svg";
const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948"];

// Web Mercator metres, y pointing down as in SVG.
function project(lon, lat) {
  const x = R * lon * Math.PI / 180;
  const y = R * Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360));
  return [x, -y];
}
function unproject(x, y) {
  const lon = x / R * 180 / Math.PI;
  const lat = (2 * Math.atan(Math.exp(-y / R)) - Math.PI / 2) * 180 / Math.PI;
  return [lon, lat];
}

const state = { lwa: [], buurt: [], home: null, view: null, tiles: null, drag: null, coverageLayer: "", baseLayer: "", areaWord: "", municipality: "" };

/// An area of the coverage layer as people name it: its area word (from the profile) and name.
function coverageTitle(name) {
  return state.areaWord ? state.areaWord + " " + name : name;
}

// A key for the control room: kept in this tab only (sessionStorage), sent as Authorization.
const KEY = "wijkwijzer.key";
// The page is Dutch whatever the browser prefers: the service answers in Dutch too.
const DUTCH = { "Accept-Language": "nl" };
async function api(url) {
  const key = sessionStorage.getItem(KEY);
  if (!key) return fetch(url, { headers: DUTCH });
  const res = await fetch(url, { headers: { ...DUTCH, Authorization: "Bearer " + key } });
  // A key revoked meanwhile: drop it and carry on as the public page.
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    showKeyState();
    return fetch(url, { headers: DUTCH });
  }
  return res;
}
function showKeyState() {
  $("intern").hidden = !sessionStorage.getItem(KEY);
}
function setupKey() {
  $("key-use").addEventListener("click", async () => {
    const key = $("key").value.trim();
    if (!key) return;
    // Checked once against the server before it is kept.
    const res = await fetch("/v1/config", { headers: { ...DUTCH, Authorization: "Bearer " + key } });
    if (!res.ok) {
      $("key-error").textContent = "Deze sleutel wordt niet aanvaard.";
      $("key-error").hidden = false;
      return;
    }
    $("key-error").hidden = true;
    $("key").value = "";
    sessionStorage.setItem(KEY, key);
    showKeyState();
    if ($("q").value.trim()) lookup($("q").value.trim(), false);
  });
  $("key-drop").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    showKeyState();
    if ($("q").value.trim()) lookup($("q").value.trim(), false);
  });
  showKeyState();
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function svgEl(tag, attrs = {}) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function pathOf(geometry) {
  const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let d = "";
  for (const poly of polys) for (const ring of poly) {
    ring.forEach(([lon, lat], i) => {
      const [x, y] = project(lon, lat);
      d += (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
    });
    d += "Z";
  }
  return d;
}

function bboxOf(features) {
  let b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const poly of polys) for (const [lon, lat] of poly[0]) {
      const [x, y] = project(lon, lat);
      b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
    }
  }
  return b;
}

function setView(v) {
  const rect = svg.getBoundingClientRect();
  const aspect = rect.height > 0 ? rect.width / rect.height : 1.3;
  const w = v.w, h = w / aspect;
  state.view = v;
  svg.setAttribute("viewBox", `${v.cx - w / 2} ${v.cy - h / 2} ${w} ${h}`);
  // Labels are drawn in map metres, so their size follows the zoom; never below 13 screen
  // pixels, so that they stay legible on a phone.
  const metresPerPixel = w / Math.max(1, rect.width);
  $("labels").setAttribute("font-size", Math.max(v.w / 55, 13 * metresPerPixel).toFixed(0));
  $("labels").setAttribute("stroke-width", (v.w / 500).toFixed(1));
  const zoomed = state.home && v.w < state.home.w / 1.9;
  $("buurt").style.display = zoomed ? "" : "none";
  drawTiles();
}

function homeView() {
  const [x0, y0, x1, y1] = bboxOf(state.lwa);
  const rect = svg.getBoundingClientRect();
  const aspect = rect.height > 0 ? rect.width / rect.height : 1.3;
  // Fit both extents: the wider of the city's width and its height at the map's aspect.
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: Math.max(x1 - x0, (y1 - y0) * aspect) * 1.08 };
}

function zoom(factor, cx, cy) {
  const v = state.view;
  const nx = cx === undefined ? v.cx : cx + (v.cx - cx) * factor;
  const ny = cy === undefined ? v.cy : cy + (v.cy - cy) * factor;
  setView({ cx: nx, cy: ny, w: Math.max(150, Math.min(state.home.w * 4, v.w * factor)) });
}

function drawTiles() {
  const g = $("tiles");
  g.replaceChildren();
  if (!state.tiles || !state.view) return;
  const rect = svg.getBoundingClientRect();
  const mpp = state.view.w / Math.max(1, rect.width);
  const z = Math.max(0, Math.min(19, Math.round(Math.log2(156543.034 / mpp))));
  const size = 2 * Math.PI * R / 2 ** z;
  const [vx, vy, vw, vh] = svg.getAttribute("viewBox").split(" ").map(Number);
  const half = Math.PI * R;
  for (let tx = Math.floor((vx + half) / size); tx <= Math.floor((vx + vw + half) / size); tx++) {
    for (let ty = Math.floor((vy + half) / size); ty <= Math.floor((vy + vh + half) / size); ty++) {
      const href = state.tiles.replace("{z}", z).replace("{x}", tx).replace("{y}", ty);
      g.appendChild(svgEl("image", { href, x: tx * size - half, y: ty * size - half, width: size, height: size, opacity: 0.8 }));
    }
  }
}

function drawAreas() {
  const lwa = $("lwa"), buurt = $("buurt"), labels = $("labels"), legend = $("legend");
  for (const g of [lwa, buurt, labels, legend]) g.replaceChildren();
  state.lwa.forEach((f, i) => {
    const color = COLORS[i % COLORS.length];
    const p = svgEl("path", { d: pathOf(f.geometry), class: "area", fill: color, "data-id": f.properties.id });
    const title = svgEl("title");
    title.textContent = coverageTitle(f.properties.name);
    p.appendChild(title);
    lwa.appendChild(p);
    const [x0, y0, x1, y1] = bboxOf([f]);
    const t = svgEl("text", { x: (x0 + x1) / 2, y: (y0 + y1) / 2, class: "label", "text-anchor": "middle" });
    t.textContent = f.properties.name;
    labels.appendChild(t);
    const li = el("li");
    // A style property, not a style attribute: the page runs under a CSP without inline styles.
    const swatch = el("span");
    swatch.style.background = color;
    li.appendChild(swatch);
    li.appendChild(document.createTextNode(f.properties.name));
    legend.appendChild(li);
  });
  for (const f of state.buurt) {
    const p = svgEl("path", { d: pathOf(f.geometry), class: "buurt", "data-id": f.properties.id });
    const title = svgEl("title");
    title.textContent = "Buurt " + f.properties.name;
    p.appendChild(title);
    buurt.appendChild(p);
  }
  // The municipality's overlays of the day (an event terrain, a park): outlined, named on hover.
  const overlays = $("overlays");
  overlays.replaceChildren();
  for (const f of state.overlays || []) {
    const p = svgEl("path", { d: pathOf(f.geometry), class: "overlay-area", "data-id": f.properties.id });
    const title = svgEl("title");
    title.textContent = "Bijzonder gebied: " + f.properties.name;
    p.appendChild(title);
    overlays.appendChild(p);
  }
}



function showMarker(lon, lat, radiusM) {
  const [x, y] = project(lon, lat);
  const r = state.view.w / 120;
  // The disc of the answer's uncertainty, in map metres (Web Mercator stretches by 1/cos(lat)).
  const disc = radiusM ? [svgEl("circle", { cx: x, cy: y, r: radiusM / Math.cos(lat * Math.PI / 180), class: "uncertainty", id: "marker-disc" })] : [];
  $("marker").replaceChildren(
    ...disc,
    svgEl("circle", { cx: x, cy: y, r: r * 1.6, fill: "#fff", "fill-opacity": 0.8 }),
    svgEl("circle", { cx: x, cy: y, r, fill: "#c81e1e", id: "marker-dot" }),
  );
}

/// Zooms to an answer: its disc with room around it, never closer than a few streets.
function zoomTo(lon, lat, radiusM) {
  const [x, y] = project(lon, lat);
  const w = Math.max(2500, 8 * radiusM / Math.cos(lat * Math.PI / 180));
  setView({ cx: x, cy: y, w: Math.min(state.home.w, w) });
}

function highlight(answer) {
  for (const p of document.querySelectorAll("#lwa path, #buurt path")) {
    const id = p.getAttribute("data-id");
    const on = (answer.areas || []).some((h) => (h.layer === state.coverageLayer || h.layer === state.baseLayer) && (h.id === id || h.code === id));
    p.classList.toggle("selected", !!on);
  }
}

function channelNode(ch) {
  if (ch.kind === "phone") {
    const a = el("a", { href: "tel:" + ch.value.replace(/[^0-9+]/g, "") }, ch.value);
    return a;
  }
  if (ch.kind === "web") return el("a", { href: ch.value, rel: "noopener" }, ch.value.replace(/^https?:\/\//, ""));
  return document.createTextNode(ch.value);
}

function personBlock(c, extraClass = "") {
  const div = el("div", { class: "who " + extraClass });
  div.appendChild(el("strong", {}, c.name + (c.person ? " — " + c.person : "")));
  const line = el("span");
  c.channels.forEach((ch, i) => {
    if (i) line.appendChild(document.createTextNode(" · "));
    line.appendChild(channelNode(ch));
  });
  div.appendChild(line);
  // Why this person is named here: on request, so that the card stays short.
  if (c.why && c.why.text) {
    const why = el("details", { class: "why" });
    why.appendChild(el("summary", {}, "Waarom?"));
    why.appendChild(el("p", {}, c.why.text));
    div.appendChild(why);
  }
  return div;
}

function renderAnswer(a) {
  const card = $("result");
  card.replaceChildren();
  const inside = a.position !== "outside";
  const own = (a.areas || []).find((h) => h.layer === state.coverageLayer);
  card.appendChild(el("h2", {}, inside && own ? coverageTitle(own.name) : "Buiten " + state.municipality));
  if (a.understood) card.appendChild(el("p", { class: "note" }, "Gelezen als " + a.understood.understood_as));
  if (a.place) card.appendChild(el("p", { class: "place", "data-kind": a.place.kind }, `Plaats: ${a.place.name} (${KIND[a.place.kind] || a.place.kind.replace(/_/g, " ")})`));
  if (a.address && !a.place) {
    const m = a.address;
    const exact = m.quality === "exact";
    card.appendChild(el("p", { class: exact ? "address" : "address inexact", "data-quality": m.quality },
      `Adres: ${m.matched.label}` + (exact ? "" : ` — geen exacte match (${QUALITY[m.quality] || m.quality}); controleer het adres`)));
    if (m.alternatives.length) {
      const det = el("details");
      det.appendChild(el("summary", {}, `Andere mogelijkheden (${m.alternatives.length})`));
      det.appendChild(candidateList(m.alternatives));
      card.appendChild(det);
    }
  }
  // A dispatcher's screen: the people to call come before the details of the place.
  if (inside) {
    const uncertain = a.certainty && a.certainty.level !== "certain";
    // Where the municipality drew an overlay (an event terrain, a park), its people first.
    const drawn = (a.overlays || []).filter((o) => o.position !== "near");
    const special = a.contacts.filter((c) => c.why && c.why.rule === "overlay");
    if (drawn.length) {
      card.appendChild(el("h3", { class: "overlay" }, "Bijzonder gebied: " + drawn.map((o) => o.name).join(", ")));
      if (drawn.some((o) => o.position === "boundary")) card.appendChild(el("p", { class: "note" }, "Dicht bij de rand: de plaats ligt misschien net buiten dit gebied."));
      for (const c of special) card.appendChild(personBlock(c));
    }
    const near = (a.overlays || []).filter((o) => o.position === "near");
    if (near.length) card.appendChild(el("p", { class: "note overlay-near" }, "Misschien in: " + near.map((o) => o.name).join(", ") + " (net erbuiten; die contacten staan hier niet)"));
    card.appendChild(el("h3", {}, "Verantwoordelijk in dit gebied"));
    const pick = (role) => a.contacts.filter((c) => c.role === role && !special.includes(c));
    // When the area is not certain, the first two of each area are in the box above.
    const first = uncertain ? pick("wijkagent") : [...pick("senior_wijkgebonden_medewerker"), ...pick("coordinator"), ...pick("wijkagent")];
    for (const c of first) card.appendChild(personBlock(c));
    const rest = a.contacts.filter((c) => !special.includes(c) && !["senior_wijkgebonden_medewerker", "coordinator", "wijkagent"].includes(c.role));
    if (rest.length) {
      const det = el("details");
      det.appendChild(el("summary", {}, `Thema's en partners (${rest.length})`));
      for (const c of rest) det.appendChild(personBlock(c));
      card.appendChild(det);
    }
  }
  const dl = el("dl");
  const row = (k, v) => { dl.appendChild(el("dt", {}, k)); dl.appendChild(el("dd", {}, v)); };
  if (inside) {
    if (a.buurt) row("Buurt", `${a.buurt.name} (${a.buurt.code})`);
    if (a.wijk) row("Wijk", `${a.wijk.name} (${a.wijk.code})`);
    const shown = [state.coverageLayer, "wijk", "buurt"];
    for (const h of a.areas.filter((h) => !shown.includes(h.layer))) row(h.layer[0].toUpperCase() + h.layer.slice(1), h.name);
    if (a.position === "boundary") row("Ligging", "op een grens; toegewezen volgens de vaste regel");
    if (a.also_possible && a.also_possible.length) row("Misschien ook", a.also_possible.map((x) => x.name).join(", "));
    if (a.position === "near") row("Ligging", `net buiten de vereenvoudigde gebiedsgrens (${Math.round(a.nearest.distance_m)} m): het dichtstbijzijnde gebied`);
  } else if (a.nearest) {
    row("Dichtstbij", `${a.nearest.lwa.name}, ${Math.round(a.nearest.distance_m).toLocaleString("nl-NL")} m`);
  }
  row("Punt", `${a.point.wgs84.lat.toFixed(6)}, ${a.point.wgs84.lon.toFixed(6)} · RD ${a.point.rd.x.toFixed(0)} ${a.point.rd.y.toFixed(0)}`);
  if ($("as-of").value) {
    const d = a.data;
    const period = d.valid_until ? `${d.valid_from} t/m ${d.valid_until}` : `vanaf ${d.valid_from || "altijd"}`;
    row("Peildatum", `${d.as_of} (gebiedsindeling ${period})`);
  }
  card.appendChild(dl);
  card.appendChild(el("p", { class: "note" }, a.message));
  if (a.certainty) certaintyBlock(card, a.certainty);

  if (a.situation) {
    const s = a.situation;
    card.appendChild(el("h3", {}, "Situatie: " + s.name));
    card.appendChild(el("p", {}, s.advice));
    // A route by time: say which holds now and until when, so nobody calls a closed desk.
    if (s.route) {
      const until = s.route.valid_until ? new Date(s.route.valid_until) : null;
      const when = s.route.hours ? `binnen ${s.route.hours}` : "buiten de tijden van de andere routes";
      const fmt = (d) => d.toLocaleString("nl-NL", { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });
      card.appendChild(el("p", { class: "route" }, `Nu ${when}` + (until ? `, tot ${fmt(until)}` : "")));
    }
    const ul = el("ul", { class: "report" });
    for (const r of s.report) {
      const li = el("li");
      li.appendChild(channelNode(r));
      li.appendChild(document.createTextNode(" — " + r.label));
      // A channel closed at the moment asked comes after the open ones and says when it opens.
      if (r.open === false) {
        const opens = r.opens ? new Date(r.opens).toLocaleString("nl-NL", { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" }) : null;
        li.appendChild(el("span", { class: "closed" }, opens ? ` (nu gesloten; open vanaf ${opens})` : " (nu gesloten)"));
      }
      ul.appendChild(li);
    }
    card.appendChild(ul);
    if (s.handlers.length) {
      card.appendChild(el("h3", {}, "Wie handelt dit hier af"));
      for (const c of s.handlers) card.appendChild(personBlock(c, s.urgency === "emergency" ? "emergency" : ""));
    }
  }
  const d = a.data;
  card.appendChild(el("p", { class: "note" }, `Gegevens: ${d.source}${d.generalized ? " — vereenvoudigde grenzen" : ""}; versie ${d.version}.`));
}

const LEVEL = { certain: "zeker", likely: "waarschijnlijk", ambiguous: "onzeker" };

// Place kinds as OpenStreetMap names them, in Dutch for the card.
const KIND = {
  parking_entrance: "ingang parkeergarage", parking: "parkeerplaats", museum: "museum", school: "school",
  supermarket: "supermarkt", restaurant: "restaurant", cafe: "café", bar: "bar", pharmacy: "apotheek",
  hotel: "hotel", clothes: "kledingwinkel", gift: "cadeauwinkel", florist: "bloemist", bakery: "bakker",
  place_of_worship: "gebedshuis", hospital: "ziekenhuis", library: "bibliotheek", theatre: "theater",
  fast_food: "snackbar", bank: "bank", townhall: "stadhuis", police: "politie",
  buurt: "buurt", wijk: "wijk", stadsdeel: "stadsdeel",
};

const QUALITY = {
  area: "gebied",
  exact: "exact",
  huisletter_ignored: "huisletter genegeerd",
  toevoeging_ignored: "toevoeging genegeerd",
  number_range: "reeks huisnummers: het eerste dat bestaat",
  fuzzy_street: "straatnaam verbeterd",
  postcode_ignored: "postcode hoort niet bij deze straat: genegeerd",
  street_ignored: "straat hoort niet bij deze postcode: genegeerd",
  street_only: "alleen de straat",
  postcode_only: "alleen de postcode",
  postcode_area: "alleen de cijfers van de postcode: het hele postcodegebied",
  other_number: "ander huisnummer",
  place: "plaats met deze naam",
  fuzzy_place: "plaats met een naam die hierop lijkt",
};

function candidateList(candidates) {
  const ul = el("ol", { class: "candidates" });
  for (const c of candidates) {
    const li = el("li");
    const a = c.address;
    // An address by postcode and number; a place or area by its own point (RD), which names
    // exactly that candidate where its name would not (namesakes, part of an area).
    const q = a.postcode && a.number ? `${a.postcode} ${a.number}${a.huisletter || ""}${a.toevoeging ? "-" + a.toevoeging : ""}` : `${a.rd.x.toFixed(1)} ${a.rd.y.toFixed(1)}`;
    const b = el("button", { type: "button", class: "link" }, a.label);
    b.addEventListener("click", () => { $("q").value = q; lookup(q); });
    li.appendChild(b);
    const kind = c.place && c.place.kind ? `${KIND[c.place.kind] || c.place.kind.replace(/_/g, " ")}, ` : "";
    li.appendChild(document.createTextNode(` (${kind}${QUALITY[c.quality] || c.quality})` + (c.area ? ` — in ${c.area.name}` : "")));
    ul.appendChild(li);
  }
  return ul;
}

/// How sure the answer is, right under its heading: the level in words, and when it is not
/// certain, the people of every area the place may lie in.
function certaintyBlock(card, c) {
  const shares = c.areas.map((s) => `${s.name} ${Math.round(s.share * 100)} %`).join(", ");
  const p = el("p", { class: "certainty " + c.level, "data-level": c.level },
    `Zekerheid: ${LEVEL[c.level]} (±${Math.round(c.radius_m)} m` + (c.level === "certain" ? ")" : `; ${shares})`));
  card.insertBefore(p, card.children[1] || null);
  if (c.level === "certain") return;
  const box = el("div", { class: "call-each" });
  box.appendChild(el("h3", {}, c.areas.length > 1 ? "Bel bij twijfel elk gebied" : "Bel bij twijfel"));
  for (const s of c.areas) {
    box.appendChild(el("h4", {}, `${s.name} (${Math.round(s.share * 100)} %)`));
    for (const person of (s.contacts || []).filter((x) => ["senior_wijkgebonden_medewerker", "coordinator"].includes(x.role))) box.appendChild(personBlock(person));
  }
  card.insertBefore(box, p.nextSibling);
}

function renderProblem(p) {
  const card = $("result");
  card.replaceChildren(el("h2", {}, p.title || "Niet gevonden"), el("p", { class: "error" }, p.detail || ""));
  if (p.certainty) certaintyBlock(card, p.certainty);
  if (p.candidates && p.candidates.length) {
    card.appendChild(el("h3", {}, p.status === 300 ? "Bedoelt u" : "Wel bekend"));
    card.appendChild(candidateList(p.candidates));
  }
}

/// The candidates of a 300 on the map, numbered as in the list; the map shows them all.
function showCandidates(candidates) {
  const marks = [];
  let box = null;
  candidates.forEach((c, i) => {
    if (!c.wgs84) return;
    const [x, y] = project(c.wgs84.lon, c.wgs84.lat);
    box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y];
    const r = state.view.w / 110;
    marks.push(svgEl("circle", { cx: x, cy: y, r, class: "candidate" }));
    const t = svgEl("text", { x, y: y + r * 0.45, class: "candidate-label", "text-anchor": "middle", "font-size": (r * 1.3).toFixed(0) });
    t.textContent = String(i + 1);
    marks.push(t);
  });
  $("marker").replaceChildren(...marks);
  if (box) {
    const aspect = svg.getBoundingClientRect().width / Math.max(1, svg.getBoundingClientRect().height);
    setView({ cx: (box[0] + box[2]) / 2, cy: (box[1] + box[3]) / 2, w: Math.min(state.home.w, Math.max(1500, (box[2] - box[0]) * 1.6, (box[3] - box[1]) * 1.6 * aspect)) });
  }
}

let suggestTimer = null;
function wireSuggest() {
  $("q").addEventListener("input", () => {
    clearTimeout(suggestTimer);
    const text = $("q").value.trim();
    // Coordinates and links need no suggestions; addresses start with a letter or a postcode.
    if (text.length < 3 || /^-?\d+[.,]\d|^\w+:/.test(text)) { $("suggestions").replaceChildren(); return; }
    suggestTimer = setTimeout(async () => {
      const res = await api("/v1/addresses/suggest?" + new URLSearchParams({ q: text, limit: "8" }));
      if (!res.ok) return;
      const body = await res.json();
      $("suggestions").replaceChildren(...body.suggestions.map((s) => el("option", { value: s.query }, s.label)));
    }, 120);
  });
}

async function lookup(q, pushUrl = true) {
  const situation = $("situation").value;
  const asOf = $("as-of").value;
  const params = new URLSearchParams({ q });
  if (situation) params.set("situation", situation);
  if (asOf) params.set("as_of", asOf);
  if (pushUrl) history.replaceState(null, "", "?" + params.toString());
  const res = await api("/v1/lookup?" + params.toString());
  const body = await res.json();
  if (res.headers.get("content-type").startsWith("application/problem+json")) {
    renderProblem(body);
    // A failed search leaves nothing of the previous answer on the map; a 300 shows its
    // candidates instead.
    $("marker").replaceChildren();
    highlight({});
    if (res.status === 300 && body.candidates) showCandidates(body.candidates);
    return;
  }
  renderAnswer(body);
  const radius = body.certainty ? body.certainty.radius_m : 0;
  zoomTo(body.point.wgs84.lon, body.point.wgs84.lat, radius);
  showMarker(body.point.wgs84.lon, body.point.wgs84.lat, radius);
  highlight(body);
  $("result").setAttribute("data-state", body.position);
}

function svgPoint(evt) {
  const pt = svg.createSVGPoint();
  pt.x = evt.clientX; pt.y = evt.clientY;
  return pt.matrixTransform(svg.getScreenCTM().inverse());
}

function lookupAtMap(x, y) {
  const [lon, lat] = unproject(x, y);
  const q = `${lat.toFixed(6)}, ${lon.toFixed(6)}`;
  $("q").value = q;
  lookup(q);
}

function wireMap() {
  svg.addEventListener("pointerdown", (e) => {
    state.drag = { x: e.clientX, y: e.clientY, view: { ...state.view }, moved: false };
    svg.setPointerCapture(e.pointerId);
  });
  svg.addEventListener("pointermove", (e) => {
    const d = state.drag;
    if (!d) return;
    const dx = e.clientX - d.x, dy = e.clientY - d.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) d.moved = true;
    if (!d.moved) return;
    const scale = d.view.w / svg.getBoundingClientRect().width;
    setView({ cx: d.view.cx - dx * scale, cy: d.view.cy - dy * scale, w: d.view.w });
  });
  svg.addEventListener("pointerup", (e) => {
    const d = state.drag;
    state.drag = null;
    if (d && !d.moved) {
      const p = svgPoint(e);
      lookupAtMap(p.x, p.y);
    }
  });
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const p = svgPoint(e);
    zoom(e.deltaY > 0 ? 1.25 : 0.8, p.x, p.y);
  }, { passive: false });
  svg.addEventListener("keydown", (e) => {
    const v = state.view, step = v.w / 10;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[e.key]) { setView({ ...v, cx: v.cx + moves[e.key][0], cy: v.cy + moves[e.key][1] }); e.preventDefault(); }
    else if (e.key === "+" || e.key === "=") zoom(0.8);
    else if (e.key === "-") zoom(1.25);
    else if (e.key === "Enter" || e.key === " ") { lookupAtMap(v.cx, v.cy); e.preventDefault(); }
  });
  $("zoom-in").addEventListener("click", () => zoom(0.7));
  $("zoom-out").addEventListener("click", () => zoom(1.4));
  $("zoom-reset").addEventListener("click", () => setView(state.home));
  window.addEventListener("resize", () => setView(state.view));
}

// A map's data for the day asked for (the as-of field), as the answer uses.
function dated(path) {
  const asOf = $("as-of").value;
  return path + (asOf ? (path.includes("?") ? "&" : "?") + `as_of=${asOf}` : "");
}

function areasUrl(layer) {
  return dated(`/v1/areas?layer=${layer}`);
}

function overlaysUrl() {
  return dated("/v1/overlays");
}

async function init() {
  setupKey();
  const get = (url) => api(url).then((r) => r.json());
  const params = new URLSearchParams(location.search);
  if (params.get("as_of")) $("as-of").value = params.get("as_of");
  const config = await get("/v1/config");
  state.coverageLayer = config.coverage_layer;
  state.baseLayer = config.base_layer;
  state.areaWord = config.area_word || "";
  state.municipality = config.municipality;
  // Examples of the served data's own addresses and coverage, not another municipality's.
  if (config.placeholder) $("q").placeholder = config.placeholder;
  if (state.areaWord) KIND[state.coverageLayer] = state.areaWord;
  const [situations, lwa, buurt, overlays] = await Promise.all([
    get("/v1/situations"), get(areasUrl(state.coverageLayer)), get(areasUrl(state.baseLayer)), get(overlaysUrl()),
  ]);
  state.overlays = overlays.features;
  if (config.first_day) $("as-of").min = config.first_day;
  for (const s of situations.situations) $("situation").appendChild(el("option", { value: s.id }, s.name));
  state.lwa = lwa.features;
  state.buurt = buurt.features;
  state.tiles = config.tiles;
  $("attribution").textContent = lwa.attribution + " · " + config.addresses_attribution + (config.tiles_attribution ? " · Achtergrond: " + config.tiles_attribution : "");
  drawAreas();
  state.home = homeView();
  setView(state.home);
  wireMap();
  wireSuggest();
  $("search").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("q").value.trim();
    if (q) lookup(q);
  });
  $("situation").addEventListener("change", () => { const q = $("q").value.trim(); if (q) lookup(q); });
  $("as-of").addEventListener("change", async () => {
    // The map shows the areas of the day asked for, as the answer does.
    const [lwa, buurt, overlays] = await Promise.all([api(areasUrl(state.coverageLayer)), api(areasUrl(state.baseLayer)), api(overlaysUrl())]);
    if (lwa.ok && buurt.ok && overlays.ok) {
      state.lwa = (await lwa.json()).features;
      state.buurt = (await buurt.json()).features;
      state.overlays = (await overlays.json()).features;
      drawAreas();
    }
    const q = $("q").value.trim();
    if (q) lookup(q);
  });
  if (params.get("situation")) $("situation").value = params.get("situation");
  if (params.get("q")) { $("q").value = params.get("q"); lookup(params.get("q"), false); }
  document.body.setAttribute("data-ready", "true");
}

init().catch((e) => renderProblem({ title: "De pagina kon niet laden", detail: String(e) }));
