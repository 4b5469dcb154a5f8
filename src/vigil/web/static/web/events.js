/*
 * Events browser: fills the map, the timeline and the table from the REST API, using the
 * filter form's own query string, so the page shows exactly what the API would return.
 *
 * Situation rooms are often offline and may run a strict Content-Security-Policy, so this
 * file loads nothing from the internet (country outlines are a GeoJSON we ship, tiles only
 * if an operator configures a tile server), has no inline code, and takes its settings from
 * data- attributes on #events-browser. Text from the data is always set with textContent.
 */
(function () {
  "use strict";

  const root = document.getElementById("events-browser");
  if (!root || !window.L) {
    return;
  }
  document.documentElement.classList.add("js");

  // gettext comes from Django's JavaScript catalogue (jsi18n); fall back to English if absent.
  const gettext = window.gettext || ((s) => s);
  const ngettext = window.ngettext || ((singular, plural, n) => (n === 1 ? singular : plural));
  const interpolate =
    window.interpolate ||
    ((fmt, obj, named) =>
      named
        ? fmt.replace(/%\((\w+)\)s/g, (_, key) => String(obj[key]))
        : fmt.replace(/%s/g, () => String(obj.shift())));

  const MAP_LIMIT = 5000;
  const TABLE_LIMIT = 50;
  const INTERVAL = "month";
  const SVG_NS = "http://www.w3.org/2000/svg";

  const config = {
    apiRoot: root.dataset.apiRoot || "/api/v1/",
    basemapUrl: root.dataset.basemapUrl,
    basemapAttribution: root.dataset.basemapAttribution,
    tileUrl: root.dataset.tileUrl,
    tileAttribution: root.dataset.tileAttribution,
  };

  const lang = document.documentElement.lang || "en";
  const numberFormat = new Intl.NumberFormat(lang);
  const monthFormat = new Intl.DateTimeFormat(lang, {
    year: "numeric",
    month: "short",
    timeZone: "UTC",
  });
  const dayFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" });
  const formatNumber = (n) => numberFormat.format(n || 0);
  // A missing estimate is not zero deaths.
  const formatFatalities = (n) => (n == null ? gettext("unknown") : formatNumber(n));

  const form = document.getElementById("event-filters");
  const summary = document.getElementById("summary");
  const timeline = document.getElementById("timeline");
  const table = document.getElementById("events-table");
  const tbody = table.tBodies[0];

  /** Labels of a select's options, so codes in the data read as the form reads them. */
  function optionLabels(name) {
    const labels = new Map();
    const select = form.elements.namedItem(name);
    if (select && select.options) {
      for (const option of select.options) {
        if (option.value) {
          labels.set(option.value, option.textContent.trim());
        }
      }
    }
    return labels;
  }

  const labels = {
    country: optionLabels("country"),
    category: optionLabels("category"),
    source: optionLabels("source"),
  };
  const labelFor = (kind, value) => (value && labels[kind].get(value)) || value || "";

  /** The form's non-empty fields: empty ones would be invalid values for the API's dates. */
  function filterParams() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      const text = String(value).trim();
      if (text !== "") {
        params.append(name, text);
      }
    }
    return params;
  }

  function apiUrl(path, params, extra) {
    const query = new URLSearchParams(params);
    for (const [name, value] of Object.entries(extra)) {
      query.set(name, String(value));
    }
    return config.apiRoot + path + "?" + query.toString();
  }

  class ApiError extends Error {}

  /** The reason an API call failed, from its problem+json (or ninja validation) body. */
  function problemText(body, fallback) {
    if (!body || typeof body !== "object") {
      return fallback;
    }
    if (Array.isArray(body.errors) && body.errors.length) {
      return body.errors.map((e) => [e.field, e.reason].filter(Boolean).join(": ")).join("; ");
    }
    if (Array.isArray(body.detail)) {
      return body.detail
        .map((e) => {
          const field = Array.isArray(e.loc) ? e.loc[e.loc.length - 1] : "";
          return [field, e.msg].filter(Boolean).join(": ");
        })
        .join("; ");
    }
    return body.detail || body.title || fallback;
  }

  async function getJSON(url, signal) {
    const response = await fetch(url, {
      headers: { Accept: "application/json, application/geo+json, application/problem+json" },
      credentials: "same-origin",
      signal,
    });
    if (!response.ok) {
      let body = null;
      try {
        body = await response.json();
      } catch (_) {
        // Not JSON: the status text is all we have.
      }
      throw new ApiError(problemText(body, response.status + " " + response.statusText));
    }
    return response.json();
  }

  function svg(name, attrs, parent) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attrs || {})) {
      node.setAttribute(key, String(value));
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function html(name, attrs, text, parent) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attrs || {})) {
      node.setAttribute(key, String(value));
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  const parseDay = (iso) => new Date(iso + "T00:00:00Z");
  const isoDay = (date) => date.toISOString().slice(0, 10);
  const formatDay = (iso) => (iso ? dayFormat.format(parseDay(iso)) : "");

  function formatPeriod(iso, interval) {
    if (interval === "year") {
      return iso.slice(0, 4);
    }
    if (interval === "month") {
      return monthFormat.format(parseDay(iso));
    }
    return formatDay(iso);
  }

  function dateRange(start, end) {
    return end && end !== start ? formatDay(start) + " – " + formatDay(end) : formatDay(start);
  }

  const truncate = (text, max) =>
    text && text.length > max ? text.slice(0, max - 1).trimEnd() + "…" : text || "";

  /* ------------------------------------------------------------------ map */

  const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 12 });
  map.setView([8, 10], 3);
  let basemap = null;

  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  } else {
    // Country outlines sit where tiles would (tile pane 200, overlays 400): under the event
    // markers whichever loads first. Set here, not in CSS, so the layering never depends on
    // a stylesheet having loaded.
    const pane = map.createPane("basemap");
    pane.style.zIndex = "250";
    pane.style.pointerEvents = "none";
    fetch(config.basemapUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((countries) => {
        basemap = L.geoJSON(countries, {
          pane: "basemap",
          interactive: false,
          style: basemapStyle,
        }).addTo(map);
        map.attributionControl.addAttribution(config.basemapAttribution);
      })
      .catch((reason) => console.warn("Vigil: country outlines not loaded", reason));
  }

  function basemapStyle(feature) {
    const selected = feature.properties.ISO_A3 === form.elements.namedItem("country").value;
    return {
      color: "#8a97a8",
      weight: selected ? 2 : 0.7,
      fillColor: selected ? "#fff4d6" : "#f7f5ef",
      fillOpacity: 1,
    };
  }

  const eventsLayer = L.featureGroup().addTo(map);

  /** Marker area grows with fatalities, so a 100-death event does not hide a region. */
  function markerRadius(fatalities) {
    return Math.min(4 + 1.5 * Math.sqrt(fatalities || 0), 22);
  }

  function popupContent(props) {
    const box = html("div", { class: "event-popup" });
    html("strong", {}, labelFor("category", props.category), box);
    const facts = html("dl", {}, null, box);
    const place = [props.location, props.admin1, labelFor("country", props.country)]
      .filter(Boolean)
      .join(", ");
    for (const [term, value] of [
      [gettext("Date"), dateRange(props.date_start, props.date_end)],
      [gettext("Fatalities"), formatFatalities(props.fatalities_best)],
      [gettext("Location"), place],
      [gettext("Source"), labelFor("source", props.source)],
    ]) {
      if (value) {
        html("dt", {}, term, facts);
        html("dd", {}, value, facts);
      }
    }
    if (props.description) {
      html("p", {}, truncate(props.description, 280), box);
    }
    html(
      "a",
      { href: config.apiRoot + "events/" + encodeURIComponent(props.id) },
      gettext("Full record"),
      box,
    );
    return box;
  }

  function drawMarkers(collection) {
    eventsLayer.clearLayers();
    const features = (collection.features || []).filter(
      (f) => f.geometry && f.geometry.type === "Point",
    );
    // Big circles first, so small events drawn later stay visible and clickable on top.
    const deaths = (feature) => feature.properties.fatalities_best || 0;
    features.sort((a, b) => deaths(b) - deaths(a));
    L.geoJSON(
      { type: "FeatureCollection", features },
      {
        pointToLayer: (feature, latlng) =>
          L.circleMarker(latlng, {
            radius: markerRadius(feature.properties.fatalities_best),
            className: "vigil-event",
            color: "#7a1d17",
            weight: 1,
            fillColor: "#d9534f",
            fillOpacity: 0.55,
          }),
        onEachFeature: (feature, layer) => {
          layer.bindPopup(() => popupContent(feature.properties));
        },
      },
    ).eachLayer((layer) => eventsLayer.addLayer(layer));
    if (features.length) {
      // Jump rather than glide: the map is settled (and clickable) once the page says "ready".
      map.fitBounds(eventsLayer.getBounds().pad(0.1), { maxZoom: 6, animate: false });
    }
    if (basemap) {
      basemap.setStyle(basemapStyle);
    }
    return {
      located: features.length,
      truncated: Boolean(collection.next_cursor) || (collection.features || []).length >= MAP_LIMIT,
    };
  }

  /* ------------------------------------------------------------- timeline */

  function nextPeriod(date, interval) {
    const next = new Date(date.getTime());
    if (interval === "year") {
      next.setUTCFullYear(next.getUTCFullYear() + 1);
    } else if (interval === "month") {
      next.setUTCMonth(next.getUTCMonth() + 1);
    } else if (interval === "week") {
      next.setUTCDate(next.getUTCDate() + 7);
    } else {
      next.setUTCDate(next.getUTCDate() + 1);
    }
    return next;
  }

  /** Periods without events become zero bars, so the time axis stays evenly spaced. */
  function fillGaps(items, interval) {
    if (!items.length) {
      return [];
    }
    const byPeriod = new Map(items.map((item) => [item.period, item]));
    const sorted = items.map((item) => item.period).sort();
    const filled = [];
    const last = parseDay(sorted[sorted.length - 1]);
    // A guard against an unknown interval stepping forever.
    let day = parseDay(sorted[0]);
    for (; day <= last && filled.length < 5000; day = nextPeriod(day, interval)) {
      const period = isoDay(day);
      filled.push(byPeriod.get(period) || { period, events: 0, fatalities: 0 });
    }
    return filled.length >= items.length ? filled : items;
  }

  /** Round, whole-number axis ticks from 0 up to at least `max` (counts are never fractional). */
  function niceTicks(max, count) {
    if (max <= 0) {
      return [0, 1];
    }
    const rough = max / count;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough));
    const ticks = [0];
    while (ticks[ticks.length - 1] < max) {
      ticks.push(ticks[ticks.length - 1] + step);
    }
    return ticks;
  }

  let lastTimeline = null;

  function drawTimeline(data) {
    lastTimeline = data;
    const interval = data.interval || INTERVAL;
    const items = fillGaps(data.items || [], interval);
    timeline.replaceChildren();
    if (!items.length) {
      html("p", { class: "empty" }, gettext("No events to chart."), timeline);
      return;
    }

    const width = Math.max(timeline.clientWidth || 0, 320);
    const height = 240;
    const margin = { top: 28, right: 48, bottom: 32, left: 48 };
    const innerW = width - margin.left - margin.right;
    const innerH = height - margin.top - margin.bottom;

    const eventTicks = niceTicks(Math.max(...items.map((i) => i.events || 0)), 4);
    const fatalTicks = niceTicks(Math.max(...items.map((i) => i.fatalities || 0)), 4);
    const eventMax = eventTicks[eventTicks.length - 1];
    const fatalMax = fatalTicks[fatalTicks.length - 1];
    const slot = innerW / items.length;
    const barW = Math.min(Math.max(slot * 0.8, 1), 40);
    const xCenter = (i) => margin.left + slot * (i + 0.5);
    const yEvents = (v) => margin.top + innerH - (innerH * v) / eventMax;
    const yFatal = (v) => margin.top + innerH - (innerH * v) / fatalMax;

    const chart = svg("svg", {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: "img",
      "aria-labelledby": "timeline-heading summary",
    });
    // Attached before drawing so text widths can be measured for the legend.
    timeline.appendChild(chart);

    const grid = svg("g", { class: "grid" }, chart);
    const leftAxis = svg("g", { class: "axis axis-events" }, chart);
    for (const tick of eventTicks) {
      const y = yEvents(tick);
      svg("line", { x1: margin.left, x2: width - margin.right, y1: y, y2: y }, grid);
      svg("text", { x: margin.left - 6, y: y + 4, "text-anchor": "end" }, leftAxis).textContent =
        formatNumber(tick);
    }
    const rightAxis = svg("g", { class: "axis axis-fatalities" }, chart);
    for (const tick of fatalTicks) {
      svg("text", { x: width - margin.right + 6, y: yFatal(tick) + 4 }, rightAxis).textContent =
        formatNumber(tick);
    }

    const bars = svg("g", { class: "bars" }, chart);
    items.forEach((item, i) => {
      const y = yEvents(item.events || 0);
      const bar = svg(
        "rect",
        {
          class: "bar",
          x: xCenter(i) - barW / 2,
          y,
          width: barW,
          height: margin.top + innerH - y,
          "data-period": item.period,
        },
        bars,
      );
      svg("title", {}, bar).textContent = interpolate(
        gettext("%(period)s: %(events)s, %(fatalities)s"),
        {
          period: formatPeriod(item.period, interval),
          events: interpolate(ngettext("%s event", "%s events", item.events), [
            formatNumber(item.events),
          ]),
          fatalities: interpolate(ngettext("%s fatality", "%s fatalities", item.fatalities), [
            formatNumber(item.fatalities),
          ]),
        },
        true,
      );
    });

    const points = items.map((item, i) => `${xCenter(i)},${yFatal(item.fatalities || 0)}`);
    svg("polyline", { class: "fatalities-line", points: points.join(" ") }, chart);
    if (items.length <= 60) {
      items.forEach((item, i) => {
        const dot = { class: "fatalities-dot", cx: xCenter(i), cy: yFatal(item.fatalities || 0) };
        svg("circle", { ...dot, r: 2.5 }, chart);
      });
    }

    const xAxis = svg("g", { class: "axis axis-time" }, chart);
    svg("line", {
      x1: margin.left,
      x2: width - margin.right,
      y1: margin.top + innerH,
      y2: margin.top + innerH,
    }, xAxis);
    const every = Math.ceil(items.length / Math.max(1, Math.floor(innerW / 70)));
    items.forEach((item, i) => {
      if (i % every === 0) {
        const label = { x: xCenter(i), y: height - margin.bottom + 16, "text-anchor": "middle" };
        svg("text", label, xAxis).textContent = formatPeriod(item.period, interval);
      }
    });

    const legend = svg("g", { class: "legend" }, chart);
    svg("rect", { class: "bar", x: margin.left, y: 8, width: 12, height: 10 }, legend);
    const eventsLabel = svg("text", { x: margin.left + 16, y: 17 }, legend);
    eventsLabel.textContent = gettext("Events");
    const lineX = margin.left + 16 + eventsLabel.getComputedTextLength() + 16;
    svg("line", { class: "fatalities-line", x1: lineX, x2: lineX + 16, y1: 13, y2: 13 }, legend);
    svg("text", { x: lineX + 20, y: 17 }, legend).textContent = gettext("Fatalities (right axis)");
  }

  let resizeFrame = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => lastTimeline && drawTimeline(lastTimeline));
  });

  /* ---------------------------------------------------------------- table */

  const placeName = (value) => (value && typeof value === "object" ? value.name : value) || "";

  function drawTable(page) {
    tbody.replaceChildren();
    for (const event of page.items || []) {
      const row = html("tr", { "data-event-id": event.id }, null, tbody);
      html("td", { class: "date" }, dateRange(event.date_start, event.date_end), row);
      html("td", { "data-country": event.country || "" }, labelFor("country", event.country), row);
      html("td", {}, placeName(event.admin1), row);
      html("td", {}, event.location, row);
      html("td", {}, labelFor("category", event.category), row);
      html("td", {}, labelFor("source", event.source), row);
      const fatalities = html("td", { class: "num" }, formatFatalities(event.fatalities_best), row);
      if (event.fatalities_low != null && event.fatalities_high != null) {
        fatalities.title = interpolate(gettext("low %(low)s, high %(high)s"), {
          low: formatNumber(event.fatalities_low),
          high: formatNumber(event.fatalities_high),
        }, true);
      }
      const shortText = truncate(event.description, 160);
      const description = html("td", { class: "description" }, shortText, row);
      if (event.description && event.description.length > 160) {
        description.title = event.description;
      }
    }
    if (!tbody.rows.length) {
      const row = html("tr", {}, null, tbody);
      html("td", { colspan: 8 }, gettext("No events match these filters."), row);
    }
    let note = document.getElementById("events-table-note");
    if (page.next_cursor) {
      if (!note) {
        note = html("p", { id: "events-table-note", class: "table-note" });
        table.parentNode.after(note);
      }
      note.textContent = gettext(
        "More events match these filters: narrow them, or page through the REST API.",
      );
    } else if (note) {
      note.remove();
    }
  }

  /* -------------------------------------------------------------- summary */

  function summaryText(series, markers) {
    const items = (series.items || []).filter((item) => item.events > 0);
    const events = items.reduce((sum, item) => sum + item.events, 0);
    const fatalities = items.reduce((sum, item) => sum + (item.fatalities || 0), 0);
    if (!events) {
      return gettext("No events match these filters.");
    }
    const periods = items.map((item) => item.period).sort();
    const interval = series.interval || INTERVAL;
    const start = formatPeriod(periods[0], interval);
    const end = formatPeriod(periods[periods.length - 1], interval);
    let text = interpolate(
      start === end
        ? gettext("%(events)s, %(fatalities)s, in %(start)s.")
        : gettext("%(events)s, %(fatalities)s, from %(start)s to %(end)s."),
      {
        events: interpolate(ngettext("%s event", "%s events", events), [formatNumber(events)]),
        fatalities: interpolate(ngettext("%s fatality", "%s fatalities", fatalities), [
          formatNumber(fatalities),
        ]),
        start,
        end,
      },
      true,
    );
    if (markers.truncated) {
      text += " " + interpolate(gettext("The map shows the latest %s."), [formatNumber(MAP_LIMIT)]);
    } else if (markers.located < events) {
      const unmapped = events - markers.located;
      text +=
        " " +
        interpolate(
          ngettext(
            "%s event has no coordinates and is not on the map.",
            "%s events have no coordinates and are not on the map.",
            unmapped,
          ),
          [formatNumber(unmapped)],
        );
    }
    return text;
  }

  function setSummary(text, isError) {
    summary.textContent = text;
    summary.classList.toggle("is-error", Boolean(isError));
  }

  /* -------------------------------------------------------------- refresh */

  let controller = null;

  async function refresh() {
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    const signal = controller.signal;
    root.dataset.state = "loading";
    root.setAttribute("aria-busy", "true");
    setSummary(gettext("Loading events…"));
    const params = filterParams();
    try {
      const [collection, series, page] = await Promise.all([
        getJSON(apiUrl("events", params, { format: "geojson", limit: MAP_LIMIT }), signal),
        getJSON(apiUrl("events/timeline", params, { interval: INTERVAL }), signal),
        getJSON(apiUrl("events", params, { format: "json", limit: TABLE_LIMIT }), signal),
      ]);
      const markers = drawMarkers(collection);
      drawTimeline(series);
      drawTable(page);
      setSummary(summaryText(series, markers));
      root.dataset.state = "ready";
    } catch (error) {
      if (signal.aborted) {
        return;
      }
      console.error("Vigil: events not loaded", error);
      setSummary(
        interpolate(gettext("The events could not be loaded: %s"), [
          error instanceof ApiError ? error.message : gettext("the server did not answer."),
        ]),
        true,
      );
      root.dataset.state = "error";
    }
    if (!signal.aborted) {
      root.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = filterParams().toString();
    // Keep the address bookmarkable: it is the same URL the plain GET form would load.
    history.replaceState(null, "", params ? "?" + params : window.location.pathname);
    refresh();
  });

  refresh();
})();
