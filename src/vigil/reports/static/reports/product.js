/* The product page's map: the events of the period over country outlines (no tile server
   needed), each marker sized by deaths. Data comes from the page's data attributes, so the
   page needs no inline script under the site's Content-Security-Policy. */
(function () {
  "use strict";
  const element = document.getElementById("product-map");
  if (!element || typeof L === "undefined") return;
  const points = JSON.parse(element.dataset.points || "[]");
  const map = L.map(element, { worldCopyJump: true, minZoom: 2, maxZoom: 12 });
  const layer = L.featureGroup().addTo(map);
  for (const [lat, lon, deaths, id] of points) {
    L.circleMarker([lat, lon], {
      radius: Math.min(4 + 1.5 * Math.sqrt(deaths || 0), 22),
      color: "#b03a2e",
      weight: 1,
      fillOpacity: 0.5,
      className: "product-event",
    })
      .bindTooltip("#" + id + " · " + (deaths || 0) + " †")
      .addTo(layer);
  }
  if (points.length) {
    map.fitBounds(layer.getBounds().pad(0.3), { maxZoom: 7 });
  } else {
    map.setView([8, 10], 3);
  }
  fetch(element.dataset.basemapUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((countries) => {
      const pane = map.createPane("basemap");
      pane.style.zIndex = "250";
      pane.style.pointerEvents = "none";
      L.geoJSON(countries, {
        pane: "basemap",
        interactive: false,
        style: { color: "#8a97a8", weight: 0.7, fillColor: "#f7f5ef", fillOpacity: 1 },
      }).addTo(map);
      map.attributionControl.addAttribution("Natural Earth (public domain)");
    })
    .catch((reason) => console.warn("Vigil: country outlines not loaded", reason));
})();
