// Concord's maps, drawn by Leaflet from data attributes (no inline script: the
// Content-Security-Policy forbids it). A map is a supplement: the page lists as text
// everything drawn here.
//
// <div class="map" data-map ...> takes:
//   data-map-label          the map's accessible name (aria-label; role="region")
//   data-tile-url           a tile URL template; empty: no tiles, a plain background
//   data-tile-attribution   the tiles' attribution
//   data-map-point="lat,lon"        one marker, the map centred there
//   data-map-geojson-url="<url>"    FeatureCollection(s) to draw (several URLs may be
//                                   given, separated by spaces): Points as clustered
//                                   markers with a popup from properties reference,
//                                   title, url, tlp, status; Polygons as outlines with a
//                                   popup of their name
//   data-map-geojson-id="<id>"      the same, from a json_script element on the page
//   data-map-pick="<lat id>,<lon id>"  a click, or dragging the marker, sets those
//                                   inputs and fires `change` on them; typing in them
//                                   moves the marker
// The view fits the data; with none, a point, or a pick, it falls back to a wide view.
(function () {
  "use strict";

  var WORLD = { center: [20, 0], zoom: 2 };
  var POINT_ZOOM = 13;
  var OUTLINE = { color: "#0b4f8a", weight: 2, opacity: 0.9, fillColor: "#0b4f8a", fillOpacity: 0.04 };
  // A pin drawn as SVG with presentation attributes: it needs no image file (whose
  // hashed name Leaflet cannot guess) and no stylesheet beyond Leaflet's own.
  function pinIcon(fill) {
    return L.divIcon({
      className: "concord-marker",
      html:
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="34" viewBox="0 0 24 34" ' +
        'aria-hidden="true" focusable="false"><path d="M12 1C5.9 1 1 5.9 1 12c0 8.3 11 21 11 21' +
        's11-12.7 11-21C23 5.9 18.1 1 12 1z" fill="' + fill + '" stroke="#ffffff" stroke-width="2"/>' +
        '<circle cx="12" cy="12" r="4.5" fill="#ffffff"/></svg>',
      iconSize: [24, 34],
      iconAnchor: [12, 33],
      popupAnchor: [0, -30],
    });
  }
  var INCIDENT_PIN = "#0b4f8a";
  var PICK_PIN = "#b42318";

  function tlpClass(marking) {
    return "tlp-" + String(marking).toLowerCase().replace("+", "-");
  }

  // Popups are built as DOM nodes with textContent: titles are people's text.
  function popupFor(properties) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var name = [properties.reference, properties.title].filter(Boolean).join(" · ");
    if (name) {
      var heading = document.createElement(properties.url ? "a" : "strong");
      if (properties.url) heading.href = properties.url;
      heading.textContent = name;
      box.appendChild(heading);
    } else if (properties.name) {
      var title = document.createElement("strong");
      title.textContent = properties.name;
      box.appendChild(title);
      if (properties.level) box.appendChild(document.createTextNode(" (" + properties.level + ")"));
    }
    if (properties.tlp || properties.status) {
      var facts = document.createElement("div");
      if (properties.tlp) {
        var badge = document.createElement("span");
        badge.className = "tlp " + tlpClass(properties.tlp);
        badge.textContent = "TLP:" + properties.tlp;
        facts.appendChild(badge);
        facts.appendChild(document.createTextNode(" "));
      }
      if (properties.status) facts.appendChild(document.createTextNode(properties.status));
      if (properties.exercise) facts.appendChild(document.createTextNode(" · EXERCISE"));
      box.appendChild(facts);
    }
    return box;
  }

  function featureLabel(properties) {
    return [properties.reference, properties.title].filter(Boolean).join(" ") ||
      properties.name || "Map feature";
  }

  function parseLatLon(text) {
    var parts = String(text || "").split(",");
    if (parts.length !== 2) return null;
    var lat = parseFloat(parts[0]);
    var lon = parseFloat(parts[1]);
    if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return L.latLng(lat, lon);
  }

  function say(container, text) {
    var note = document.createElement("p");
    note.className = "map-status";
    note.setAttribute("role", "status");
    note.textContent = text;
    container.insertAdjacentElement("afterend", note);
  }

  function init(container) {
    if (container.dataset.mapReady === "true" || typeof L === "undefined") return;
    container.dataset.mapReady = "true";
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", container.dataset.mapLabel || "Map");

    var map = L.map(container, { keyboard: true, worldCopyJump: true, minZoom: 1, maxZoom: 19 });
    if (container.dataset.tileUrl) {
      L.tileLayer(container.dataset.tileUrl, {
        attribution: container.dataset.tileAttribution || "",
        maxZoom: 19,
      }).addTo(map);
    }
    var markers = typeof L.markerClusterGroup === "function"
      ? L.markerClusterGroup({ showCoverageOnHover: false })
      : L.featureGroup();
    var outlines = L.featureGroup();
    outlines.addTo(map);
    markers.addTo(map);

    var point = parseLatLon(container.dataset.mapPoint);
    if (point) {
      L.marker(point, { icon: pinIcon(INCIDENT_PIN), title: "Location", alt: "Location", keyboard: true })
        .addTo(map);
    }
    var pick = setUpPick(container, map);

    function draw(collection) {
      L.geoJSON(collection, {
        // On a pick map a click anywhere sets the point, so outlines take no clicks.
        interactive: !pick,
        style: function () { return OUTLINE; },
        pointToLayer: function (feature, latlng) {
          var label = featureLabel(feature.properties || {});
          return L.marker(latlng, { icon: pinIcon(INCIDENT_PIN), title: label, alt: label, keyboard: true });
        },
        onEachFeature: function (feature, layer) {
          if (layer instanceof L.Marker || !pick) layer.bindPopup(popupFor(feature.properties || {}));
        },
      }).eachLayer(function (layer) {
        (layer instanceof L.Marker ? markers : outlines).addLayer(layer);
      });
    }

    function fit() {
      var focus = point || (pick && pick.current());
      if (focus) {
        map.setView(focus, POINT_ZOOM);
        return;
      }
      // The incidents are what people came for: frame them, and the boundaries only
      // when there are none (a state's outline would shrink a city's incidents to a dot).
      var bounds = markers.getBounds();
      if (!bounds.isValid()) bounds = outlines.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: POINT_ZOOM });
      } else {
        map.setView(WORLD.center, WORLD.zoom);
      }
    }

    var sources = [];
    if (container.dataset.mapGeojsonId) {
      var script = document.getElementById(container.dataset.mapGeojsonId);
      if (script) sources.push(Promise.resolve(JSON.parse(script.textContent)));
    }
    (container.dataset.mapGeojsonUrl || "").split(/\s+/).filter(Boolean).forEach(function (url) {
      sources.push(
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
      );
    });
    fit();
    if (!sources.length) return;
    Promise.allSettled(sources).then(function (results) {
      var failed = 0;
      results.forEach(function (result) {
        if (result.status === "fulfilled") draw(result.value);
        else failed += 1;
      });
      if (failed) say(container, "Part of the map's data could not be loaded; the list on this page is complete.");
      fit();
    });
  }

  // The pick: a draggable marker bound to two inputs, in both directions.
  function setUpPick(container, map) {
    var ids = (container.dataset.mapPick || "").split(",");
    var latInput = ids.length === 2 && document.getElementById(ids[0].trim());
    var lonInput = ids.length === 2 && document.getElementById(ids[1].trim());
    if (!latInput || !lonInput) return null;
    var marker = null;

    function fromInputs() {
      return parseLatLon(latInput.value + "," + lonInput.value);
    }
    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
        return;
      }
      marker = L.marker(latlng, {
        icon: pinIcon(PICK_PIN),
        draggable: true,
        keyboard: true,
        title: "The incident's location (drag to move)",
        alt: "The incident's location",
      }).addTo(map);
      marker.on("dragend", function () { choose(marker.getLatLng()); });
    }
    function choose(latlng) {
      latlng = latlng.wrap();
      place(latlng);
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      [latInput, lonInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    map.on("click", function (event) { choose(event.latlng); });
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var latlng = fromInputs();
        if (!latlng) return;
        place(latlng);
        if (!map.getBounds().contains(latlng)) map.panTo(latlng);
      });
    });
    var start = fromInputs();
    if (start) place(start);
    return { current: fromInputs };
  }

  function scan(root) {
    if (root.matches && root.matches("[data-map]")) init(root);
    root.querySelectorAll("[data-map]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
  // Maps that arrive in an htmx swap are drawn as they settle.
  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
})();
