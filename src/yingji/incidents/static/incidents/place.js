/* Place picker of the incident forms and the small map of the incident page.
 * The map (#yj-place-map) takes its settings from data attributes and the township boundaries from a JSON script
 * element (no inline script: CSP). On a form, picking a township, village or enterprise fills the coordinates from
 * the option's data-lat/data-lon, a township narrows the village list, a village or enterprise sets its township,
 * and a click (or dragging the pin) on the map sets the coordinates. Without JavaScript the fields still work:
 * the server fills empty coordinates from the place. */
(function () {
  "use strict";

  function byPlace(form, role) {
    return form ? form.querySelector("[data-place='" + role + "']") : null;
  }

  function selectedData(select) {
    if (!select || select.selectedIndex < 0) { return null; }
    var option = select.options[select.selectedIndex];
    return option && option.value ? option.dataset : null;
  }

  function start() {
    var box = document.getElementById("yj-place-map");
    if (!box || typeof L === "undefined") { return; }
    var data = box.dataset;
    var readonly = data.readonly === "true";
    var map = L.map(box, { zoomControl: true, minZoom: 5, maxZoom: 18, scrollWheelZoom: !readonly })
      .setView([parseFloat(data.centreLat), parseFloat(data.centreLon)], readonly ? 13 : 11);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 18 }).addTo(map);
    }
    var boundaryData = document.getElementById(data.boundaries || "");
    var boundaries = null;
    if (boundaryData) {
      try {
        boundaries = L.geoJSON(JSON.parse(boundaryData.textContent), {
          style: function (feature) {
            var level = feature.properties.level;
            if (level === "village") {
              return { color: "#6f42c1", weight: 0.6, opacity: 0.6, dashArray: "3 3", fill: true, fillOpacity: 0 };
            }
            return { color: "#6f42c1", weight: level === "county" ? 2.5 : 1.2, fill: level !== "county",
                     fillOpacity: 0.03 };
          },
          onEachFeature: function (feature, layer) {
            if (feature.properties.level !== "county") {
              layer.bindTooltip(feature.properties.name, { sticky: true, direction: "top", opacity: 0.8 });
            }
          }
        }).addTo(map);
      } catch (err) {
        boundaries = null;
      }
    }

    var icon = L.divIcon({ className: "yj-place-pin", iconSize: [18, 18], html: "" });
    var marker = null;

    function showPoint(lat, lon, pan) {
      if (isNaN(lat) || isNaN(lon)) {
        if (marker) { map.removeLayer(marker); marker = null; }
        return;
      }
      if (!marker) {
        marker = L.marker([lat, lon], { icon: icon, draggable: !readonly, keyboard: !readonly }).addTo(map);
        if (!readonly) {
          marker.on("dragend", function () {
            var at = marker.getLatLng();
            setInputs(at.lat, at.lng, false);
          });
        }
      } else {
        marker.setLatLng([lat, lon]);
      }
      if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), 13)); }
    }

    if (data.lat && data.lon && readonly) {
      // The incident page: the place with its 1, 3 and 5 km rings and the recommended resources as pins.
      var at = [parseFloat(data.lat), parseFloat(data.lon)];
      var rings = L.featureGroup();
      [1000, 3000, 5000].forEach(function (metres) {
        L.circle(at, { radius: metres, className: "yj-ring", weight: 1, fill: false, interactive: false })
          .addTo(rings);
      });
      rings.addTo(map);
      var nearby = document.getElementById("yj-incident-nearby");
      var pins = [];
      if (nearby) {
        try {
          JSON.parse(nearby.textContent).forEach(function (item) {
            var pinIcon = L.divIcon({ className: "yj-pin yj-pin-" + item.kind, iconSize: [12, 12], html: "" });
            var m = L.marker([item.lat, item.lon], { icon: pinIcon, title: item.name + " " + item.distance })
              .bindTooltip(item.name + " · " + item.distance).addTo(map);
            pins.push(m);
          });
        } catch (err) { pins = []; }
      }
      box.dataset.nearbyPins = String(pins.length);
      box.dataset.rings = String(rings.getLayers().length);
      showPoint(at[0], at[1], false);
      map.fitBounds(rings.getBounds(), { padding: [4, 4] });
    } else if (data.lat && data.lon) {
      showPoint(parseFloat(data.lat), parseFloat(data.lon), true);
    } else if (boundaries && boundaries.getLayers().length) {
      map.fitBounds(boundaries.getBounds(), { padding: [8, 8] });
    }
    if (readonly) { return; }

    var form = box.closest("form");
    var latInput = byPlace(form, "lat");
    var lonInput = byPlace(form, "lon");
    var township = byPlace(form, "township");
    var village = byPlace(form, "village");
    var enterprise = byPlace(form, "enterprise");

    function setInputs(lat, lon, pan) {
      if (latInput) { latInput.value = Number(lat).toFixed(6); }
      if (lonInput) { lonInput.value = Number(lon).toFixed(6); }
      showPoint(parseFloat(latInput.value), parseFloat(lonInput.value), pan);
    }

    function fillFrom(select) {
      var d = selectedData(select);
      if (d && d.lat && d.lon) { setInputs(d.lat, d.lon, true); }
    }

    function narrowVillages() {
      if (!village || !township) { return; }
      var code = township.value;
      Array.prototype.forEach.call(village.options, function (option) {
        var show = !option.value || !code || option.dataset.parent === code;
        option.hidden = !show;
        option.disabled = !show;
      });
      var current = selectedData(village);
      if (current && code && current.parent !== code) { village.value = ""; }
    }

    function chooseTownship(code) {
      if (township && code && township.value !== code &&
          township.querySelector("option[value='" + code + "']")) {
        township.value = code;
        narrowVillages();
      }
    }

    if (township) {
      township.addEventListener("change", function () { narrowVillages(); fillFrom(township); });
      narrowVillages();
    }
    if (village) {
      village.addEventListener("change", function () {
        var d = selectedData(village);
        if (d && d.parent) { chooseTownship(d.parent); }
        if (d && d.lat) { fillFrom(village); } else if (township) { fillFrom(township); }
      });
    }
    if (enterprise) {
      enterprise.addEventListener("change", function () {
        var d = selectedData(enterprise);
        if (!d) { return; }
        if (d.township) { chooseTownship(d.township); }
        if (village && d.village && village.querySelector("option[value='" + d.village + "']")) {
          village.value = d.village;
        }
        fillFrom(enterprise);
      });
    }
    [latInput, lonInput].forEach(function (input) {
      if (!input) { return; }
      input.addEventListener("change", function () {
        showPoint(parseFloat(latInput.value), parseFloat(lonInput.value), true);
      });
    });
    map.on("click", function (event) { setInputs(event.latlng.lat, event.latlng.lng, false); });
    box.classList.add("yj-place-map-ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
