/* Field inspection pages (phone): the checklist filled item by item, photos from the camera, signatures drawn on
 * a canvas, the 逢查必考 exam; the record is queued in IndexedDB and sent when online, with a submission key made
 * here, so the platform stores it exactly once however often it is sent. A service worker keeps the pages and
 * their assets available offline. No inline script anywhere (the CSP allows none). */
(function () {
  "use strict";

  var body = document.body;
  if (!body || !body.classList.contains("yj-field")) { return; }

  var DB_NAME = "yingji-field";
  var STORE = "submissions";
  var texts = (document.getElementById("yj-field-text") || {}).dataset || {};

  // --- IndexedDB queue -----------------------------------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore(STORE, { keyPath: "key" });
        store.createIndex("status", "status");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && result.result !== undefined ? result.result : result); };
        t.onerror = function () { db.close(); reject(t.error); };
        t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }

  function allItems() { return tx("readonly", function (s) { return s.getAll(); }); }
  function putItem(item) { return tx("readwrite", function (s) { s.put(item); }); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : body.dataset.csrf || "";
  }

  var flushing = null;

  /* Send every queued record (with ``again``, also those already received: the platform answers the stored
   * result and stores nothing twice). Each record is sent with its own key. */
  function flush(again) {
    if (flushing) { return flushing; }
    flushing = allItems().then(function (items) {
      var chain = Promise.resolve();
      items.forEach(function (item) {
        if (item.status === "queued" || (again && item.status === "sent")) {
          chain = chain.then(function () { return send(item); });
        }
      });
      return chain;
    }).then(showQueue, showQueue).then(function () { flushing = null; });
    return flushing;
  }

  function send(item) {
    if (!navigator.onLine) { return Promise.resolve(); }
    var form = new FormData();
    form.append("submission_key", item.key);
    form.append("record", JSON.stringify(item.record));
    item.files.forEach(function (f) { form.append(f.name, f.blob, f.filename); });
    setStatus(texts.sending, "info");
    return fetch(item.url, {
      method: "POST", body: form, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok) {
          clearDraft(item.url);
          item.status = "sent";
          item.result = answer;
          item.sentAt = new Date().toISOString();
        } else if (response.status === 401 || response.status === 403) {
          item.error = texts.login;
        } else if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          item.status = "failed";
          item.error = (answer.errors || []).map(function (e) { return (e.field ? e.field + ": " : "") + e.message; })
            .join("；") || answer.detail || String(response.status);
        }
        return putItem(item);
      });
    }).catch(function () { /* no network: it stays queued */ });
  }

  // --- status line ---------------------------------------------------------------------------------------------

  function setStatus(text, kind, link) {
    var box = document.getElementById("yj-field-queue");
    if (!box) { return; }
    box.hidden = !text;
    box.className = "yj-field-status alert alert-" + (kind || "info");
    box.textContent = text || "";
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = " " + texts.openRecord;
      a.id = "yj-field-record-link";
      box.appendChild(a);
    }
  }

  function showQueue() {
    return allItems().then(function (items) {
      var mine = items.filter(function (i) { return i.url === body.dataset.submitUrl; });
      var queued = mine.filter(function (i) { return i.status === "queued"; });
      var failed = mine.filter(function (i) { return i.status === "failed"; });
      var sent = mine.filter(function (i) { return i.status === "sent"; });
      body.dataset.queued = String(queued.length);
      body.dataset.sent = String(sent.length);
      if (failed.length) {
        setStatus(texts.failed + " " + failed[failed.length - 1].error, "danger");
      } else if (queued.length) {
        setStatus(texts.queued + (queued[0].error ? " " + queued[0].error : ""), "warning");
      } else if (sent.length) {
        setStatus(texts.sent, "success", body.dataset.detailUrl);
        var form = document.getElementById("yj-field-form");
        if (form) { form.hidden = true; }
      } else {
        setStatus("", "info");
      }
    }).catch(function () { /* IndexedDB unavailable (private mode): nothing to show */ });
  }

  function showNetwork() {
    var net = document.getElementById("yj-field-net");
    if (net) { net.dataset.online = navigator.onLine ? "1" : "0"; }
  }

  // --- offline shell -------------------------------------------------------------------------------------------

  function cacheShell(extra) {
    if (!("caches" in window)) { return Promise.resolve(); }
    var urls = (body.dataset.assets || "").split(" ").filter(Boolean).concat(extra || []);
    return caches.open(body.dataset.cache).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) { return cache.put(url, response); }
          return null;
        }).catch(function () { return null; });
      }));
    });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .catch(function () { return null; });
  }

  // --- the record form -----------------------------------------------------------------------------------------

  var data = {};
  var dataNode = document.getElementById("yj-field-data");
  if (dataNode) { data = JSON.parse(dataNode.textContent); }
  var photos = {};  // item code → [{blob, filename}]
  var startedAt = null;
  var signed = new WeakSet();

  function markStarted() { if (!startedAt) { startedAt = new Date().toISOString(); } }

  function updateProgress() {
    var node = document.getElementById("yj-field-progress");
    if (!node) { return; }
    var items = document.querySelectorAll(".yj-item");
    var done = 0;
    items.forEach(function (item) { if (item.querySelector("input[type=radio]:checked")) { done += 1; } });
    node.textContent = (texts.progress || "") + " " + done + " / " + items.length;
  }

  function setupItems() {
    document.querySelectorAll(".yj-item").forEach(function (item) {
      var code = item.dataset.code;
      var more = item.querySelector(".yj-item-more");
      item.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.addEventListener("change", function () {
          markStarted();
          item.dataset.result = radio.value;
          item.dataset.at = new Date().toISOString();
          more.hidden = radio.value !== "non_compliant";
          updateProgress();
        });
      });
      var toggle = item.querySelector(".yj-hazard-toggle");
      var fields = item.querySelector(".yj-hazard-fields");
      toggle.addEventListener("change", function () { fields.hidden = !toggle.checked; });
      var input = item.querySelector(".yj-photo-input");
      var list = item.querySelector(".yj-photos");
      photos[code] = [];
      input.addEventListener("change", function () {
        Array.prototype.forEach.call(input.files, function (file) {
          var entry = { blob: file, filename: file.name || "photo.jpg" };
          photos[code].push(entry);
          var figure = document.createElement("figure");
          figure.className = "yj-photo";
          var img = document.createElement("img");
          img.alt = entry.filename;
          var reader = new FileReader();
          reader.onload = function () { img.src = reader.result; };
          reader.readAsDataURL(file);
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "btn btn-sm btn-light";
          remove.textContent = texts.remove;
          remove.addEventListener("click", function () {
            photos[code] = photos[code].filter(function (p) { return p !== entry; });
            figure.remove();
          });
          figure.appendChild(img);
          figure.appendChild(remove);
          list.appendChild(figure);
        });
        input.value = "";
      });
    });
    updateProgress();
  }

  function renderExam() {
    var list = document.getElementById("yj-exam-questions");
    var audience = document.getElementById("yj-exam-audience");
    if (!list || !audience) { return; }
    var questions = (data.exam || {})[audience.value] || [];
    list.textContent = "";
    questions.forEach(function (q) {
      var li = document.createElement("li");
      li.className = "yj-question";
      li.dataset.id = q.id;
      li.dataset.kind = q.kind;
      var p = document.createElement("p");
      p.textContent = q.text;
      li.appendChild(p);
      var options = q.kind === "true_false" ? [[texts.true, "true"], [texts.false, "false"]]
        : q.options.map(function (text, i) { return [String.fromCharCode(65 + i) + ". " + text, String.fromCharCode(65 + i)]; });
      options.forEach(function (option, i) {
        var id = "q-" + q.id + "-" + i;
        var wrap = document.createElement("div");
        wrap.className = "form-check yj-option";
        var input = document.createElement("input");
        input.className = "form-check-input";
        input.type = q.kind === "multiple" ? "checkbox" : "radio";
        input.name = "q-" + q.id;
        input.id = id;
        input.value = option[1];
        var label = document.createElement("label");
        label.className = "form-check-label";
        label.htmlFor = id;
        label.textContent = option[0];
        wrap.appendChild(input);
        wrap.appendChild(label);
        li.appendChild(wrap);
      });
      list.appendChild(li);
    });
  }

  function setupExam() {
    var audience = document.getElementById("yj-exam-audience");
    var name = document.getElementById("yj-exam-name");
    if (!audience) { return; }
    audience.addEventListener("change", function () {
      var chosen = audience.options[audience.selectedIndex];
      if (chosen && chosen.dataset.name) { name.value = chosen.dataset.name; }
      renderExam();
    });
    renderExam();
  }

  function examAnswers() {
    var answers = {};
    var complete = true;
    document.querySelectorAll(".yj-question").forEach(function (li) {
      var checked = Array.prototype.map.call(li.querySelectorAll("input:checked"), function (i) { return i.value; });
      if (!checked.length) { complete = false; return; }
      if (li.dataset.kind === "true_false") { answers[li.dataset.id] = checked[0] === "true"; }
      else { answers[li.dataset.id] = checked.join(""); }
    });
    return { answers: answers, complete: complete };
  }

  function setupSignature(section) {
    var canvas = section.querySelector("canvas");
    var ctx = canvas.getContext("2d");
    ctx.lineWidth = 4;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    var drawing = false;
    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return [(event.clientX - rect.left) * canvas.width / rect.width,
        (event.clientY - rect.top) * canvas.height / rect.height];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      signed.add(canvas);
      section.dataset.signedAt = new Date().toISOString();
      event.preventDefault();
    });
    function stop() { drawing = false; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    section.querySelector(".yj-sign-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      signed.delete(canvas);
      delete section.dataset.signedAt;
    });
  }

  function canvasBlob(canvas) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
  }

  function collect() {
    var problems = [];
    var findings = [];
    var files = [];
    var missing = [], undescribed = [], undated = [];
    document.querySelectorAll(".yj-item").forEach(function (item) {
      var code = item.dataset.code;
      var result = item.dataset.result;
      if (!result) { missing.push(code); return; }
      var finding = { item: code, result: result, recorded_at: item.dataset.at, photos: [] };
      if (result === "non_compliant") {
        finding.description = item.querySelector("textarea").value.trim();
        if (!finding.description) { undescribed.push(code); }
        photos[code].forEach(function (p, i) {
          var name = "photo-" + code + "-" + (i + 1);
          finding.photos.push(name);
          files.push({ name: name, blob: p.blob, filename: p.filename });
        });
        if (item.querySelector(".yj-hazard-toggle").checked) {
          var level = item.querySelector("select").value;
          var due = item.querySelector("input[type=date]").value;
          if (level === "general" && !due) { undated.push(code); }
          finding.hazard = { level: level, due_date: due || null };
        }
      }
      findings.push(finding);
    });
    if (missing.length) { problems.push(texts.missingResult + " " + missing.join("、")); }
    if (undescribed.length) { problems.push(texts.missingDescription + " " + undescribed.join("、")); }
    if (undated.length) { problems.push(texts.missingDue + " " + undated.join("、")); }
    var exam = examAnswers();
    var examinee = document.getElementById("yj-exam-name").value.trim();
    if (!exam.complete || !examinee) { problems.push(texts.missingExam); }
    var signatures = [];
    var pending = [];
    var reason = document.getElementById("yj-no-sign").value.trim();
    document.querySelectorAll(".yj-sign").forEach(function (section) {
      var canvas = section.querySelector("canvas");
      var role = section.dataset.role;
      if (!signed.has(canvas)) {
        if (role === "officer") { problems.push(texts.missingOfficerSign); }
        else if (!reason) { problems.push(texts.missingEnterpriseSign); }
        return;
      }
      var name = role === "officer" ? "sig-officer-" + section.dataset.officer : "sig-enterprise";
      var signature = { role: role, file: name, signed_at: section.dataset.signedAt,
        signer: role === "officer" ? section.dataset.name : document.getElementById("yj-rep-name").value.trim() };
      if (role === "officer") { signature.officer = parseInt(section.dataset.officer, 10); }
      signatures.push(signature);
      pending.push(canvasBlob(canvas).then(function (blob) {
        files.push({ name: name, blob: blob, filename: name + ".png" });
      }));
    });
    problems = problems.filter(function (p, i) { return problems.indexOf(p) === i; });
    return Promise.all(pending).then(function () {
      return {
        problems: problems, files: files,
        record: {
          started_at: startedAt, finished_at: new Date().toISOString(), findings: findings,
          signatures: signatures, no_signature_reason: signatures.some(function (s) { return s.role === "enterprise"; }) ? "" : reason,
          summary: document.getElementById("yj-summary").value.trim(),
          exam: { examinee: examinee, audience: document.getElementById("yj-exam-audience").value, answers: exam.answers,
            taken_at: new Date().toISOString() },
        },
      };
    });
  }

  /* A plain form (``data-collect="fields"``, e.g. a village's disaster report) is sent as its named fields; the
   * browser's own checks (required, min, max) decide what is missing. */
  function collectFields(form) {
    var problems = [];
    var record = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "submit" || el.type === "button") { return; }
      if (!el.checkValidity()) {
        var label = form.querySelector("label[for='" + el.id + "']");
        problems.push((label ? label.textContent.trim() + ": " : "") + el.validationMessage);
      }
      if (el.type === "checkbox") { record[el.name] = el.checked; } else if (el.value !== "") { record[el.name] = el.value; }
    });
    return Promise.resolve({ problems: problems, files: [], record: record });
  }

  // --- draft: what the officer has typed survives a reload (kept per inspection until the record is stored) ----
  // Results, texts, choices and exam answers are kept in localStorage as they change; photos and signatures are
  // not (they are taken again). The draft goes once the platform has stored the record (``send``).

  var DRAFT_PREFIX = "yingji-field-draft:";
  var restoring = false;

  function draftKey(url) { return DRAFT_PREFIX + (url || body.dataset.submitUrl); }

  function clearDraft(url) {
    try { localStorage.removeItem(draftKey(url)); } catch (e) { /* storage unavailable */ }
  }

  function saveDraft(form) {
    if (restoring) { return; }
    var values = {};
    var ats = {};
    form.querySelectorAll("input[id], textarea[id], select[id]").forEach(function (el) {
      if (el.type === "file") { return; }
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) { values[el.id] = true; } }
      else if (el.value) { values[el.id] = el.value; }
    });
    document.querySelectorAll(".yj-item[data-at]").forEach(function (item) { ats[item.dataset.code] = item.dataset.at; });
    try {
      localStorage.setItem(draftKey(), JSON.stringify({ values: values, at: ats, startedAt: startedAt,
        savedAt: new Date().toISOString() }));
    } catch (e) { /* storage full or unavailable: the form still works */ }
  }

  function restoreDraft(form) {
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(draftKey()) || "null"); } catch (e) { draft = null; }
    if (!draft || !draft.values) { return; }
    var values = draft.values;
    restoring = true;
    var audience = document.getElementById("yj-exam-audience");
    if (audience && values[audience.id]) { audience.value = values[audience.id]; renderExam(); }
    form.querySelectorAll("input[id], textarea[id], select[id]").forEach(function (el) {
      if (el.type === "file" || el === audience || !(el.id in values)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = true;
        el.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        el.value = values[el.id];
      }
    });
    Object.keys(draft.at || {}).forEach(function (code) {
      var item = form.querySelector(".yj-item[data-code='" + code + "']");
      if (item) { item.dataset.at = draft.at[code]; }
    });
    if (draft.startedAt) { startedAt = draft.startedAt; }
    restoring = false;
    body.dataset.draft = "restored";
  }

  function setupForm() {
    var form = document.getElementById("yj-field-form");
    if (!form) { clearDraft(); return; }
    setupItems();
    setupExam();
    document.querySelectorAll(".yj-sign").forEach(setupSignature);
    restoreDraft(form);
    form.addEventListener("input", function () { saveDraft(form); });
    form.addEventListener("change", function () { saveDraft(form); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var errors = document.getElementById("yj-field-errors");
      (form.dataset.collect === "fields" ? collectFields(form) : collect()).then(function (collected) {
        if (collected.problems.length) {
          errors.hidden = false;
          errors.textContent = "";
          collected.problems.forEach(function (p) {
            var div = document.createElement("div");
            div.textContent = p;
            errors.appendChild(div);
          });
          errors.scrollIntoView({ block: "center" });
          return null;
        }
        errors.hidden = true;
        var item = { key: uuid(), url: body.dataset.submitUrl, record: collected.record, files: collected.files,
          status: "queued", createdAt: new Date().toISOString() };
        return putItem(item).then(function () {
          form.hidden = true;
          return showQueue();
        }).then(function () { return flush(false); });
      });
    });
  }

  // --- the list page: cache every listed record page for offline use --------------------------------------------

  function cacheListed() {
    var links = Array.prototype.map.call(document.querySelectorAll("a.yj-field-link"), function (a) { return a.href; });
    return cacheShell([window.location.href].concat(links));
  }

  // --- start ---------------------------------------------------------------------------------------------------

  window.yjFieldQueue = { flush: flush, items: allItems };
  showNetwork();
  window.addEventListener("online", function () { showNetwork(); flush(false); });
  window.addEventListener("offline", showNetwork);
  setupForm();
  showQueue();
  var ready = registerWorker().then(function () {
    if (!navigator.onLine) { return null; }
    return body.dataset.page === "list" ? cacheListed() : cacheShell([window.location.href]);
  }).then(function () { return flush(false); });
  ready.then(function () { body.dataset.ready = "1"; }, function () { body.dataset.ready = "1"; });
})();
