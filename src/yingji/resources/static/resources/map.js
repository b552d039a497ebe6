/* Command map: jurisdiction boundaries and resource layers (clustered), layer toggles, search by name, a card
 * per resource, and "nearest to here" through the nearby API. Settings come from the #yj-map data-attributes
 * (no inline script: CSP). Text from the server is always inserted with textContent. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function start() {
    var box = document.getElementById("yj-map");
    if (!box || typeof L === "undefined") { return; }
    var data = box.dataset;
    var kindLabels = document.getElementById("yj-map-kind-labels").dataset;
    var map = L.map(box, { zoomControl: true, minZoom: 3, maxZoom: 18 })
      .setView([parseFloat(data.centreLat), parseFloat(data.centreLon)], 11);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 18,
                                  subdomains: data.tileSubdomains || "abc" }).addTo(map);
      if (data.annotationUrl) {
        L.tileLayer(data.annotationUrl, { maxZoom: 18, subdomains: data.tileSubdomains || "abc" }).addTo(map);
      }
    } else {
      box.classList.add("yj-map-offline");
    }
    // The offline vector base (real county and neighbours) sits in its own pane under everything else.
    map.createPane("yj-base");
    map.getPane("yj-base").style.zIndex = "250";

    var overlays = {};
    var features = [];
    var card = document.getElementById("yj-map-card");
    var selected = null;

    function showCard(item, marker) {
      document.getElementById("yj-map-card-title").textContent = item.name;
      document.getElementById("yj-map-card-kind").textContent = kindLabels[item.kind] || item.kind;
      var dl = document.getElementById("yj-map-card-fields");
      dl.replaceChildren();
      (item.fields || []).forEach(function (pair) {
        dl.appendChild(el("dt", "col-5", pair[0]));
        dl.appendChild(el("dd", "col-7 mb-1", pair[1]));
      });
      var link = document.getElementById("yj-map-card-link");
      if (item.url) { link.href = item.url; link.hidden = false; } else { link.hidden = true; }
      card.hidden = false;
      card.dataset.kind = item.kind;
      card.dataset.id = String(item.id);
      if (selected && selected.getElement()) { selected.getElement().classList.remove("yj-pin-selected"); }
      selected = marker || null;
      if (selected && selected.getElement()) { selected.getElement().classList.add("yj-pin-selected"); }
    }
    document.getElementById("yj-map-card-close").addEventListener("click", function () { card.hidden = true; });

    function pin(item) {
      var className = "yj-pin yj-pin-" + item.kind + (item.risk ? " yj-risk-" + item.risk : "") +
        (item.state ? " yj-state-" + item.state : "") + (item.level ? " yj-level-" + item.level : "");
      var icon = L.divIcon({ className: className, iconSize: [14, 14], html: "" });
      var marker = L.marker([item.lat, item.lon], { icon: icon, title: item.name, keyboard: true });
      marker.on("click", function () { showCard(item, marker); });
      features.push({ item: item, marker: marker });
      return marker;
    }

    function setCount(key, n) {
      var badge = document.querySelector("[data-count-for='" + key + "']");
      if (badge) { badge.textContent = String(n); }
    }

    fetch(data.layersUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (payload) {
        if (payload.base && payload.base.features.length) {
          var offline = !data.tileUrl;
          var base = L.geoJSON(payload.base, {
            pane: "yj-base", interactive: false,
            style: function (feature) {
              var own = feature.properties.role === "county";
              return { color: own ? "#495057" : "#adb5bd", weight: own ? 2.5 : 1, dashArray: own ? null : "4 3",
                       fill: offline, fillColor: own ? "#fbfaf6" : "#e9ecef", fillOpacity: offline ? 1 : 0 };
            },
            onEachFeature: function (feature, layer) {
              if (feature.properties.role !== "county") {
                layer.bindTooltip(feature.properties.name, { permanent: true, direction: "center",
                                                             className: "yj-base-label" });
              }
            }
          }).addTo(map);
          box.dataset.baseFeatures = String(payload.base.features.length);
          if (offline && map.attributionControl) { map.attributionControl.addAttribution(payload.base.attribution); }
          overlays.base = base;
        }
        var boundaries = L.geoJSON(payload.boundaries, {
          style: function (feature) {
            var county = feature.properties.level === "county";
            return { color: "#6f42c1", weight: county ? 3 : 1.5, fill: !county, fillOpacity: 0.04 };
          },
          onEachFeature: function (feature, layer) { layer.bindTooltip(feature.properties.name); }
        });
        overlays.boundaries = boundaries.addTo(map);
        setCount("boundaries", payload.boundaries.features.length);
        Object.keys(payload.layers).forEach(function (key) {
          var group = L.markerClusterGroup({ maxClusterRadius: 40, disableClusteringAtZoom: 15,
                                             showCoverageOnHover: false });
          // Areas (a warning's polygons) and distance rings (around an incident) go with their layer's toggle.
          var shapes = L.layerGroup();
          payload.layers[key].forEach(function (item) {
            var marker = pin(item);
            group.addLayer(marker);
            if (item.area) {
              L.geoJSON(item.area, { className: "yj-area yj-area-" + (item.level || "none"), weight: 2,
                                     fillOpacity: 0.08 })
                .on("click", function () { showCard(item, marker); }).addTo(shapes);
            }
            (item.rings || []).forEach(function (metres) {
              L.circle([item.lat, item.lon], { radius: metres, className: "yj-ring", weight: 1, fill: false,
                                               interactive: false }).addTo(shapes);
            });
          });
          var layer = shapes.getLayers().length ? L.featureGroup([shapes, group]) : group;
          overlays[key] = layer.addTo(map);
          box.dataset["count" + key.replace(/(^|_)(\w)/g, function (m, sep, c) { return c.toUpperCase(); })] =
            String(payload.layers[key].length);
          setCount(key, payload.layers[key].length);
        });
        var wanted = new URLSearchParams(window.location.search);
        var lat = parseFloat(wanted.get("lat")), lon = parseFloat(wanted.get("lon"));
        if (!isNaN(lat) && !isNaN(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
          // Opened from an incident (or a link): centred there.
          var zoom = parseInt(wanted.get("zoom") || "14", 10);
          map.setView([lat, lon], isNaN(zoom) ? 14 : Math.min(Math.max(zoom, 3), 18));
          L.marker([lat, lon], { icon: L.divIcon({ className: "yj-pin yj-pin-here", iconSize: [16, 16], html: "" }),
                                 interactive: false }).addTo(map);
        } else if (payload.boundaries.features.length) {
          map.fitBounds(boundaries.getBounds(), { padding: [10, 10] });
        }
        box.dataset.loaded = "true";
      })
      .catch(function (err) {
        if (window.console) { window.console.error(err); }
        box.dataset.loaded = "error";
        document.getElementById("yj-map-hint").textContent = data.textError;
      });

    document.querySelectorAll("#yj-map-layers input[data-layer]").forEach(function (input) {
      input.addEventListener("change", function () {
        var layer = overlays[input.dataset.layer];
        if (!layer) { return; }
        if (input.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
    });

    document.getElementById("yj-map-search").addEventListener("submit", function (event) {
      event.preventDefault();
      var q = (event.target.elements.q.value || "").trim().toLowerCase();
      if (!q) { return; }
      var hit = features.find(function (f) { return f.item.name.toLowerCase().indexOf(q) !== -1; });
      if (!hit) { return; }
      map.setView([hit.item.lat, hit.item.lon], 16);
      showCard(hit.item, hit.marker);
    });

    // --- nearest to here ---
    var picking = false;
    var button = document.getElementById("yj-map-nearest");
    var list = document.getElementById("yj-map-nearest-list");
    var here = null;

    function setPicking(on) {
      picking = on;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("active", on);
      document.querySelector(".yj-map-page").classList.toggle("yj-map-picking", on);
      if (on) { document.getElementById("yj-map-hint").textContent = data.textPick; }
    }

    function nearest(latlng) {
      setPicking(false);
      var lon = ((latlng.lng + 180) % 360 + 360) % 360 - 180;
      if (here) { map.removeLayer(here); }
      here = L.marker(latlng, { icon: L.divIcon({ className: "yj-pin yj-pin-here", iconSize: [12, 12] }) })
        .addTo(map);
      var kind = document.getElementById("yj-nearest-kind").value;
      var params = new URLSearchParams({ lat: latlng.lat.toFixed(6), lon: lon.toFixed(6), kind: kind, limit: "10" });
      list.replaceChildren();
      list.dataset.state = "loading";
      fetch(data.nearbyUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
        .then(function (result) {
          var rows = result[0] ? result[1] : [];
          if (!rows.length) { list.appendChild(el("li", "list-group-item", data.textNone)); }
          rows.forEach(function (row) {
            var li = el("li", "list-group-item list-group-item-action yj-nearest-item");
            li.appendChild(el("span", "", row.name + " "));
            li.appendChild(el("span", "badge text-bg-secondary",
              (row.distance_m >= 1000 ? (row.distance_m / 1000).toFixed(1) + " k" : Math.round(row.distance_m) + " ")
              + data.textDistance));
            li.tabIndex = 0;
            li.addEventListener("click", function () {
              map.setView([row.lat, row.lon], 16);
              var fields = Object.keys(row.match || {}).map(function (k) {
                var v = row.match[k];
                return [k, Array.isArray(v) ? v.join(", ") : String(v)];
              });
              showCard({ kind: row.kind, id: row.id, name: row.name, fields: fields, url: "" }, null);
            });
            list.appendChild(li);
          });
          list.dataset.state = "done";
        });
    }

    button.addEventListener("click", function () { setPicking(!picking); });
    map.on("click", function (event) { if (picking) { nearest(event.latlng); } });
    map.on("contextmenu", function (event) { nearest(event.latlng); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
