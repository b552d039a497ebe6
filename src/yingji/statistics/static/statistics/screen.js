/* The big screen: draws the map from the embedded payload, then polls the data URL (every data-refresh seconds,
 * never faster than 15 s; after errors it keeps the last figures and says so). Text is always set with
 * textContent. The whole page reloads itself every few minutes (meta refresh) for the charts. */
(function () {
  "use strict";

  var LEVEL_COLOURS = { red: "#e02020", orange: "#fa8c16", yellow: "#fadb14", blue: "#1677ff" };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function drawMap(payload) {
    var box = document.getElementById("yj-screen-map");
    if (!box || typeof L === "undefined") { return null; }
    var map = L.map(box, { zoomControl: false, attributionControl: false, zoomSnap: 0.1 });
    var bounds = L.geoJSON(payload.boundaries, {
      style: function (f) {
        var county = f.properties.level === "county";
        return { color: county ? "#3ea6ff" : "#1f6feb", weight: county ? 3 : 1, fillColor: "#12345a",
                 fillOpacity: county ? 0.35 : 0.15 };
      },
      onEachFeature: function (f, layer) {
        if (f.properties.level !== "county") {
          layer.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "yj-screen-label" });
        }
      }
    }).addTo(map);
    if (bounds.getLayers().length) { map.fitBounds(bounds.getBounds(), { padding: [10, 10] }); }
    var group = L.layerGroup().addTo(map);
    map.yjGroup = group;
    return map;
  }

  function drawLayers(map, layers) {
    if (!map) { return; }
    var group = map.yjGroup;
    group.clearLayers();
    Object.keys(layers || {}).forEach(function (key) {
      (layers[key] || []).forEach(function (item) {
        if (item.area) {
          L.geoJSON(item.area, { color: LEVEL_COLOURS[item.level] || "#fa8c16", weight: 2, fillOpacity: 0.12,
                                 interactive: false }).addTo(group);
        }
        if (key === "stations" && item.state === "online") { return; }  // the screen shows what needs eyes
        var cls = "yj-spin yj-spin-" + item.kind + (item.state ? " yj-state-" + item.state : "") +
          (item.level ? " yj-alarm-" + item.level : "");
        var size = item.kind === "incident" ? 20 : 14;
        L.marker([item.lat, item.lon], { icon: L.divIcon({ className: cls, iconSize: [size, size], html: "" }),
                                         title: item.name }).bindTooltip(item.name).addTo(group);
        (item.rings || []).forEach(function (m) {
          L.circle([item.lat, item.lon], { radius: m, color: "#ff3b30", weight: 1, dashArray: "4 4", fill: false,
                                           interactive: false }).addTo(group);
        });
      });
    });
    document.getElementById("yj-screen").dataset.mapItems = String(group.getLayers().length);
  }

  function setText(id, value) {
    var node = document.getElementById(id);
    if (node) { node.textContent = String(value); }
  }

  function rows(id, items, build, emptyText) {
    var body = document.getElementById(id);
    if (!body) { return; }
    var keepEmpty = body.querySelector(".yj-none");
    var empty = emptyText || (keepEmpty ? keepEmpty.textContent : "");
    body.replaceChildren();
    if (!items.length && empty) {
      var isTable = body.tagName === "TBODY";
      var row = el(isTable ? "tr" : "li", isTable ? "" : "yj-none");
      if (isTable) { var td = el("td", "yj-none", empty); td.colSpan = 3; row.appendChild(td); } else { row.textContent = empty; }
      body.appendChild(row);
      return;
    }
    items.forEach(function (item) { body.appendChild(build(item)); });
  }

  function levels(id, byLevel) {
    document.querySelectorAll("#" + id + " [data-level]").forEach(function (chip) {
      chip.textContent = String(byLevel[chip.dataset.level] || 0);
    });
  }

  function update(data, map) {
    setText("yj-screen-now", data.now);
    setText("yj-n-incidents", data.incidents.count);
    rows("yj-incidents", data.incidents.rows, function (i) {
      var tr = el("tr", i.overdue ? "yj-overdue" : "");
      tr.appendChild(el("td", "", i.title));
      tr.appendChild(el("td", "", i.grade));
      tr.appendChild(el("td", "", (i.next_report + " " + i.due).trim()));
      return tr;
    });
    setText("yj-n-warnings", data.warnings.count);
    levels("yj-warning-levels", data.warnings.by_level);
    setText("yj-warning-confirmed", data.warnings.confirmed);
    setText("yj-warning-recipients", data.warnings.recipients);
    rows("yj-warnings", data.warnings.rows, function (w) {
      var li = el("li");
      li.appendChild(el("span", "yj-dot yj-alarm-" + w.level));
      li.appendChild(document.createTextNode(w.headline));
      return li;
    });
    setText("yj-n-alarms", data.alarms.count);
    levels("yj-alarm-levels", data.alarms.by_level);
    rows("yj-alarms", data.alarms.rows, function (a) {
      var li = el("li");
      li.appendChild(el("span", "yj-dot yj-alarm-" + a.level));
      li.appendChild(document.createTextNode(a.station + " " + a.message + " "));
      li.appendChild(el("small", "", a.raised));
      return li;
    });
    rows("yj-duty", data.duty, function (s) {
      var li = el("li");
      li.appendChild(el("b", "", s.desk));
      li.appendChild(document.createTextNode(" " + [s.leader, s.officers].filter(Boolean).join(" · ")));
      return li;
    });
    document.querySelectorAll("#yj-resources [data-key]").forEach(function (dd) {
      dd.textContent = String(data.resources[dd.dataset.key] || 0);
    });
    document.querySelectorAll("#yj-hazards [data-key]").forEach(function (dd) {
      var v = data.hazards[dd.dataset.key];
      dd.textContent = dd.dataset.key === "rate" ? (v === null ? "—" : v + "%") : String(v);
    });
    if (data.map) { drawLayers(map, data.map.layers); }
  }

  function start() {
    var root = document.getElementById("yj-screen");
    if (!root) { return; }
    var payloadNode = document.getElementById("yj-screen-map-data");
    var map = null;
    if (payloadNode) {
      var payload = JSON.parse(payloadNode.textContent);
      map = drawMap(payload);
      if (map) { drawLayers(map, payload.layers); }
    }
    var every = Math.max(15, parseInt(root.dataset.refresh || "30", 10)) * 1000;
    var failures = 0;
    function poll() {
      fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          failures = 0;
          setText("yj-screen-status", "");
          update(data, map);
          root.dataset.updates = String(parseInt(root.dataset.updates || "0", 10) + 1);
        })
        .catch(function () {
          failures += 1;
          setText("yj-screen-status", root.dataset.textError);
        })
        .then(function () { window.setTimeout(poll, every * Math.min(failures + 1, 4)); });
    }
    window.setTimeout(poll, every);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
