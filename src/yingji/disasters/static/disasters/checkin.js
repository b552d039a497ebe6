/* The ranger's check-in (phone): the location from the phone fills the hidden fields; the check-in is sent with
 * fetch and, when the network fails, kept in localStorage with its own id and sent again when the phone is back
 * online (the platform counts an id once however often it arrives). No inline script (the CSP allows none). */
(function () {
  "use strict";
  var root = document.getElementById("yj-checkin");
  var form = document.getElementById("yj-checkin-form");
  if (!root || !form) { return; }
  var KEY = "yingji-forest-checkins";
  var where = document.getElementById("yj-checkin-location");
  var banner = document.getElementById("yj-checkin-queue");
  var t = root.dataset;

  function queue() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(); }
  function show() {
    var n = queue().length;
    banner.classList.toggle("d-none", n === 0);
    banner.textContent = n ? t.queued + " (" + n + ")" : "";
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function send(fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    body.set("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    return fetch(form.action || window.location.href, {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    });
  }
  function flush() {
    var items = queue();
    if (!items.length || !navigator.onLine) { return Promise.resolve(); }
    banner.textContent = t.sending;
    var left = [];
    return items.reduce(function (p, item) {
      return p.then(function () {
        return send(item).then(function (r) { if (r.status >= 500) { left.push(item); } })
          .catch(function () { left.push(item); });
      });
    }, Promise.resolve()).then(function () { save(left); });
  }

  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lon.value = pos.coords.longitude.toFixed(6);
      where.textContent = pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5) +
        " (±" + Math.round(pos.coords.accuracy) + " m)";
    }, function () { where.textContent = t.noloc; where.className = "alert alert-danger py-2 small"; },
    { enableHighAccuracy: true, timeout: 20000 });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.elements.client_id.value) { form.elements.client_id.value = newId(); }
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name !== "csrfmiddlewaretoken") { fields[el.name] = el.value; }
    });
    send(fields).then(function (r) {
      if (r.ok) { window.location.reload(); return; }
      if (r.status >= 500) { save(queue().concat([fields])); form.reset(); return; }
      form.submit();  // field errors: let the server render them
    }).catch(function () {
      save(queue().concat([fields]));
      form.elements.client_id.value = "";
      form.reset();
    });
  });
  window.addEventListener("online", flush);
  show();
  flush();
}());
