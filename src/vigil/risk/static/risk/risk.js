/*
 * Regional risk map: ranked areas as circles sized by deaths over three months, coloured by
 * the forecast chance of any death next month. Data comes from a JSON block the server
 * rendered (json_script), so the map shows exactly the table beside it. No inline code,
 * nothing loaded from the internet: outlines are a GeoJSON we ship, tiles only if configured.
 */
(function () {
  "use strict";
  const element = document.getElementById("risk-map");
  const data = document.getElementById("risk-markers");
  if (!element || !data || !window.L) {
    return;
  }
  const markers = JSON.parse(data.textContent);
  const map = L.map(element, { worldCopyJump: true });
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution }).addTo(map);
  } else if (element.dataset.basemapUrl) {
    fetch(element.dataset.basemapUrl)
      .then((response) => response.json())
      .then((countries) => {
        L.geoJSON(countries, {
          interactive: false,
          style: { color: "#888", weight: 1, fillColor: "#f2f2ee", fillOpacity: 1 },
        }).addTo(map).bringToBack();
      })
      .catch((reason) => console.warn("Vigil: country outlines not loaded", reason));
  }
  const colour = (p) =>
    p == null ? "#777" : p >= 0.9 ? "#8e0000" : p >= 0.6 ? "#c0392b" : p >= 0.3 ? "#e67e22" : "#f1c40f";
  const bounds = [];
  for (const m of markers) {
    const radius = 4 + Math.sqrt(m.fatalities || 0);
    const circle = L.circleMarker([m.lat, m.lon], {
      radius: Math.min(radius, 40),
      color: "#333",
      weight: 1,
      fillColor: colour(m.p_any),
      fillOpacity: 0.75,
    });
    const body = document.createElement("div");
    const link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name;
    const detail = document.createElement("p");
    detail.textContent =
      m.fatalities + " deaths (3 months), change " + (m.change > 0 ? "+" : "") + m.change +
      (m.p_any == null ? "" : ", P(any death) next month " + m.p_any.toFixed(2));
    body.append(link, detail);
    circle.bindPopup(body);
    circle.addTo(map);
    bounds.push([m.lat, m.lon]);
  }
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 7 });
  } else {
    map.setView([10, 10], 3);
  }
  element.dataset.markers = String(bounds.length);
})();
