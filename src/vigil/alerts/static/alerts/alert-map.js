/* The alert's area on a map: CAP polygons and circles (stored latitude first, as Leaflet
   wants them) over the vendored country outlines. No tiles: works offline. */
(function () {
  "use strict";
  const box = document.getElementById("alert-map");
  const data = document.getElementById("alert-shapes");
  if (!box || !data || typeof L === "undefined") {
    return;
  }
  const shapes = JSON.parse(data.textContent);
  const map = L.map(box, { worldCopyJump: true, minZoom: 2, maxZoom: 12 });
  map.setView([8, 10], 3);

  const pane = map.createPane("basemap");
  pane.style.zIndex = "250";
  pane.style.pointerEvents = "none";
  fetch(box.dataset.basemapUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((countries) => {
      L.geoJSON(countries, {
        pane: "basemap",
        interactive: false,
        style: { color: "#8a8a8a", weight: 1, fillColor: "#f2f0eb", fillOpacity: 1 },
      }).addTo(map);
      map.attributionControl.addAttribution(box.dataset.basemapAttribution);
    })
    .catch((reason) => console.warn("Vigil: country outlines not loaded", reason));

  const drawn = L.featureGroup().addTo(map);
  const style = { color: "#b3261e", weight: 2, fillOpacity: 0.2 };
  shapes.forEach((shape) => {
    (shape.polygons || []).forEach((points) => {
      L.polygon(points, style).bindTooltip(shape.label).addTo(drawn);
    });
    (shape.circles || []).forEach((circle) => {
      L.circle([circle.lat, circle.lon], { ...style, radius: circle.radius_km * 1000 })
        .bindTooltip(shape.label)
        .addTo(drawn);
    });
  });
  if (drawn.getLayers().length) {
    map.fitBounds(drawn.getBounds(), { maxZoom: 9, padding: [20, 20] });
  }
  box.dataset.state = "ready";
})();
