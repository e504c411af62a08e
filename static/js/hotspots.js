/* Hotspot page: reads /api/v1/hotspots/ and draws the ranked cells, the
   weekly trend (ECharts line) and a bubble map of Hunan counties at their
   centroids (no map polygons offline). Clicking a cell or a county drills
   down to the underlying cases. */
(function () {
  "use strict";

  const form = document.getElementById("hotspot-filters");
  if (!form) return;
  const i18n = JSON.parse(document.getElementById("hotspot-i18n").textContent);
  const errors = document.getElementById("hotspot-errors");
  let trendChart = null;
  let mapChart = null;
  let lastParams = null;
  let lastWindow = null;

  function params() {
    const data = new FormData(form);
    const out = new URLSearchParams();
    for (const [key, value] of data.entries()) {
      if (key === "patterns_only") continue;
      if (String(value).trim() !== "") out.set(key, value);
    }
    out.set("patterns_only", form.elements.patterns_only.checked ? "true" : "false");
    return out;
  }

  function text(tag, value, attrs) {
    const el = document.createElement(tag);
    el.textContent = value == null ? "" : String(value);
    if (attrs) Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
    return el;
  }

  function showErrors(body) {
    errors.textContent = "";
    if (!body || typeof body !== "object") { errors.textContent = i18n.failed; return; }
    const lines = Object.entries(body).map(([field, msgs]) =>
      field + ": " + (Array.isArray(msgs) ? msgs.join(" ") : msgs));
    errors.textContent = lines.join("; ");
  }

  async function getJSON(url) {
    // The API answers in the language asked for: ask for the page's own.
    const headers = { Accept: "application/json", "Accept-Language": document.documentElement.lang };
    const resp = await fetch(url, { headers, credentials: "same-origin" });
    const body = await resp.json().catch(() => null);
    if (!resp.ok) { showErrors(body); throw new Error(String(resp.status)); }
    errors.textContent = "";
    return body;
  }

  function drawCells(data) {
    const tbody = document.querySelector("#hotspot-cells tbody");
    tbody.replaceChildren();
    document.getElementById("hotspot-total").textContent = "(" + data.total_cells + ")";
    if (!data.cells.length) {
      const row = document.createElement("tr");
      row.append(text("td", i18n.none, { colspan: "12" }));
      tbody.append(row);
    }
    for (const cell of data.cells) {
      const row = document.createElement("tr");
      row.dataset.cell = cell.key;
      row.append(
        text("td", cell.rank), text("td", cell.region_name), text("td", cell.category_name),
        text("td", cell.subject_name || cell.subject), text("td", cell.count), text("td", cell.distinct_complainants),
        text("td", cell.weeks_present), text("td", cell.weighted_count),
        text("td", cell.previous_count + (cell.trend == null ? "" : " (" + (cell.trend >= 0 ? "+" : "") + Math.round(cell.trend * 100) + "%)")),
        text("td", cell.score),
        text("td", cell.patterns.map((p) => i18n.patterns[p] || p).join(", ")));
      const td = document.createElement("td");
      const button = text("button", i18n.drill, { type: "button", class: "drill" });
      button.addEventListener("click", () => drill(cell.key, cellName(cell)));
      td.append(button);
      row.append(td);
      tbody.append(row);
    }
  }

  function drawLists(data) {
    const surges = document.getElementById("hotspot-surges");
    surges.replaceChildren(...data.surges.map((s) =>
      text("li", s.region_name + " · " + s.category_name + ": " + s.count + " / " + s.baseline)));
    const brands = document.getElementById("hotspot-brands");
    brands.replaceChildren(...data.brand_spreads.map((b) =>
      text("li", b.brand_key + ": " + b.sellers + " sellers, " + b.counties + " counties")));
    const terms = document.getElementById("hotspot-terms");
    terms.replaceChildren(...(data.emerging_terms || []).map((t) =>
      text("li", t.term + " (" + t.count + " / " + t.background_count + ")")));
  }

  function drawTrend(data) {
    if (!window.echarts || !data.trend) return;
    const el = document.getElementById("hotspot-trend");
    trendChart = trendChart || window.echarts.init(el);
    const series = [{ name: i18n.all, type: "line", data: data.trend.total, smooth: true }];
    // Officers read places, categories and sellers, not cell keys.
    const labels = Object.fromEntries(data.cells.map((c) =>
      [c.key, cellName(c)]));
    for (const [key, counts] of Object.entries(data.trend.cells)) {
      series.push({ name: labels[key] || key, type: "line", data: counts });
    }
    trendChart.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: data.trend.weeks },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    }, true);
  }

  function drawMap(data) {
    if (!window.echarts || !data.map) return;
    const el = document.getElementById("hotspot-map");
    mapChart = mapChart || window.echarts.init(el);
    const max = Math.max(1, ...data.map.map((p) => p.count));
    mapChart.setOption({
      tooltip: { formatter: (p) => p.data.name + ": " + p.data.value[2] },
      xAxis: { type: "value", scale: true, name: "lon" },
      yAxis: { type: "value", scale: true, name: "lat" },
      series: [{
        type: "scatter",
        data: data.map.map((p) => ({ name: p.name, code: p.code, value: [p.longitude, p.latitude, p.count] })),
        symbolSize: (v) => 8 + 32 * Math.sqrt(v[2] / max),
        label: { show: true, formatter: (p) => p.data.name, position: "right", fontSize: 10 },
      }],
    }, true);
    mapChart.off("click");
    mapChart.on("click", (p) => {
      // Drill into the county: the filters narrow to it and the table follows.
      form.elements.region.value = p.data.code;
      load();
    });
  }

  // The enforcement search with the cell's filters and the same window.
  function searchLink(key) {
    const [region, category, subject] = splitKey(key);
    const query = new URLSearchParams();
    query.set("region", region);
    query.set("category", category);
    query.set(form.elements.dimension.value === "brand" ? "brand" : "seller", subject);
    if (lastParams.get("counterfeit_only") !== "false") query.set("counterfeit", "true");
    if (lastWindow) {
      query.set("received_from", lastWindow.start);
      query.set("received_to", lastWindow.end);
    }
    for (const name of ["problem_type", "source"]) {
      if (lastParams.get(name)) query.set(name, lastParams.get(name));
    }
    return form.dataset.searchUrl + "?" + query.toString();
  }

  function splitKey(key) {
    const first = key.indexOf("|");
    const second = key.indexOf("|", first + 1);
    return [key.slice(0, first), key.slice(first + 1, second), key.slice(second + 1)];
  }

  // The label the filter form shows for a code (sources, problem types).
  function optionLabel(name, value) {
    const option = Array.from(form.querySelectorAll(`select[name=${name}] option`))
      .find((o) => o.value === value);
    return option ? option.textContent : value;
  }

  // A status code the page has no label for shows nothing rather than a code.
  function statusLabel(code) {
    return (i18n.statuses || {})[code] || "";
  }

  function cellName(cell) {
    return cell.region_name + " · " + cell.category_name + " · " + (cell.subject_name || cell.subject);
  }

  async function drill(key, name) {
    const query = new URLSearchParams(lastParams);
    query.delete("include");
    query.set("cell", key);
    const data = await getJSON(form.dataset.casesApi + "?" + query.toString());
    const section = document.getElementById("hotspot-drill");
    document.getElementById("hotspot-drill-cell").textContent = name || "";
    const link = document.getElementById("hotspot-drill-search");
    if (link && form.dataset.searchUrl) link.href = searchLink(key);
    const tbody = section.querySelector("tbody");
    tbody.replaceChildren();
    for (const c of data.cases) {
      const row = document.createElement("tr");
      const code = document.createElement("td");
      if (c.url) code.append(text("a", c.tracking_code, { href: c.url }));
      else code.textContent = c.tracking_code;
      row.append(code, text("td", c.received_at.slice(0, 10)), text("td", statusLabel(c.status)),
        text("td", optionLabel("source", c.source)), text("td", optionLabel("problem_type", c.problem_type)),
        text("td", c.seller_name), text("td", c.brand));
      tbody.append(row);
    }
    section.hidden = false;
    section.scrollIntoView({ behavior: "smooth" });
  }

  async function load() {
    const query = params();
    query.set("include", "trend,map,terms");
    lastParams = query;
    try {
      const data = await getJSON(form.dataset.api + "?" + query.toString());
      lastWindow = data.window;
      drawCells(data);
      drawLists(data);
      drawTrend(data);
      drawMap(data);
      document.body.dataset.hotspotsLoaded = "1";
    } catch (err) {
      document.body.dataset.hotspotsLoaded = "error";
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  window.addEventListener("resize", () => { trendChart && trendChart.resize(); mapChart && mapChart.resize(); });
  load();
})();
