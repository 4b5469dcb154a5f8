/*
 * Monitors' forms, made nicer by JavaScript but complete without it.
 *
 * 1. Area selects: htmx refills the region list when the country changes. If the country was
 *    changed before htmx had loaded (a slow phone), the list is refilled once it has.
 * 2. The report form's map picker. Without it latitude and longitude are plain inputs. With
 *    JavaScript a "Pick on map" button appears; Leaflet (about 150 KB) is fetched only when it
 *    is pressed, so the form stays light on a phone over a slow connection.
 *
 * No inline code and nothing from the internet: settings and texts come from data-
 * attributes, Leaflet and the country outlines from our own /static/.
 */
(function () {
  "use strict";

  window.addEventListener("load", () => {
    for (const areas of document.querySelectorAll("select[data-areas-of]")) {
      const country = areas.form && areas.form.elements.namedItem(areas.dataset.countryField);
      if (window.htmx && country && country.value !== areas.dataset.areasOf) {
        window.htmx.trigger(country, "change");
      }
    }
  });
})();

(function () {
  "use strict";

  const picker = document.getElementById("map-picker");
  const form = picker && picker.closest("form");
  if (!form) {
    return;
  }
  const field = (name) => form.elements.namedItem(name);
  const latitude = field("latitude");
  const longitude = field("longitude");
  const country = field("country");
  const button = document.getElementById("pick-on-map");
  const status = picker.querySelector(".map-status");
  const box = document.getElementById("picker-map");
  const config = picker.dataset;

  let map = null;
  let outlines = null;
  let point = null;
  let loading = null;

  button.hidden = false;

  /** Adds a <script> or <link> for a file of ours, resolving when it has loaded. */
  function load(tag, attributes) {
    return new Promise((resolve, reject) => {
      const node = document.createElement(tag);
      Object.assign(node, attributes);
      node.addEventListener("load", resolve, { once: true });
      node.addEventListener("error", () => reject(new Error(attributes.src || attributes.href)), {
        once: true,
      });
      document.head.appendChild(node);
    });
  }

  function loadLeaflet() {
    if (window.L) {
      return Promise.resolve();
    }
    if (!loading) {
      loading = Promise.all([
        load("link", { rel: "stylesheet", href: config.leafletCss }),
        load("script", { src: config.leafletJs }),
      ]).catch((error) => {
        loading = null;
        throw error;
      });
    }
    return loading;
  }

  function typedPoint() {
    const lat = parseFloat(latitude.value);
    const lng = parseFloat(longitude.value);
    if (Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      return L.latLng(lat, lng);
    }
    return null;
  }

  function showPoint(latlng) {
    if (!latlng) {
      if (point) {
        point.remove();
        point = null;
      }
      return;
    }
    if (point) {
      point.setLatLng(latlng);
    } else {
      point = L.circleMarker(latlng, {
        radius: 9,
        className: "picked-point",
        color: "#7a1d17",
        weight: 2,
        fillColor: "#d9534f",
        fillOpacity: 0.7,
        interactive: false,
      }).addTo(map);
    }
  }

  function pick(event) {
    const latlng = event.latlng.wrap();
    latitude.value = latlng.lat.toFixed(5);
    longitude.value = latlng.lng.toFixed(5);
    for (const input of [latitude, longitude]) {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    showPoint(latlng);
  }

  function outlineStyle(feature) {
    const chosen = feature.properties.ISO_A3 === country.value;
    return {
      color: "#8a97a8",
      weight: chosen ? 2 : 0.7,
      fillColor: chosen ? "#fff4d6" : "#f7f5ef",
      fillOpacity: 1,
    };
  }

  /** Frames the chosen country, unless a point is already picked. */
  function frameCountry() {
    if (!map) {
      return;
    }
    if (outlines) {
      outlines.setStyle(outlineStyle);
    }
    if (point || !outlines || !country.value) {
      return;
    }
    outlines.eachLayer((layer) => {
      if (layer.feature.properties.ISO_A3 === country.value) {
        map.fitBounds(layer.getBounds(), { maxZoom: 8 });
      }
    });
  }

  function drawBasemap() {
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
      return;
    }
    map.createPane("basemap");
    fetch(config.basemapUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((countries) => {
        outlines = L.geoJSON(countries, { pane: "basemap", interactive: false, style: outlineStyle });
        outlines.addTo(map);
        map.attributionControl.addAttribution(config.basemapAttribution);
        frameCountry();
        picker.dataset.state = "ready";
      })
      .catch((reason) => console.warn("Vigil: country outlines not loaded", reason));
  }

  function createMap() {
    map = L.map(box, { worldCopyJump: true, minZoom: 2, maxZoom: 16 });
    const typed = typedPoint();
    map.setView(typed || [8, 10], typed ? 8 : 3);
    showPoint(typed);
    map.on("click", pick);
    drawBasemap();
    if (config.tileUrl) {
      picker.dataset.state = "ready";
    }
  }

  function setOpen(open) {
    box.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? config.textHide : config.textShow;
    status.textContent = open ? config.textReady : "";
  }

  button.addEventListener("click", async () => {
    if (map) {
      setOpen(box.hidden);
      map.invalidateSize();
      return;
    }
    button.disabled = true;
    status.textContent = config.textLoading;
    try {
      await loadLeaflet();
    } catch (error) {
      console.warn("Vigil: map not loaded", error);
      status.textContent = config.textFailed;
      button.disabled = false;
      return;
    }
    button.disabled = false;
    setOpen(true);
    createMap();
  });

  country.addEventListener("change", () => {
    frameCountry();
  });
  for (const input of [latitude, longitude]) {
    input.addEventListener("input", () => map && showPoint(typedPoint()));
  }
})();
