/* Yingji web shell behaviour. The Content-Security-Policy forbids inline scripts and event-handler
   attributes, so pages declare behaviour with data attributes and this file wires it up. */
(function () {
  "use strict";

  function initTooltips(root) {
    if (!window.bootstrap) {
      return;
    }
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }

  // Filter forms submit as soon as a select changes; text fields still wait for Enter or the button.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLSelectElement) && !(field instanceof HTMLInputElement && field.type === "checkbox")) {
      return;
    }
    var form = field.form;
    if (form && form.hasAttribute("data-autosubmit")) {
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }
  });

  // Forms or buttons with data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Rows marked with data-href open their link when clicked anywhere (links inside still work normally).
  document.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-href]");
    if (!row || event.target.closest("a, button, input, select, label")) {
      return;
    }
    if (window.getSelection && String(window.getSelection()).length > 0) {
      return;
    }
    window.location.assign(row.getAttribute("data-href"));
  });

  // An empty filter field adds nothing to the query string, so exported links and pages stay readable.
  document.addEventListener("formdata", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-autosubmit")) {
      return;
    }
    var empty = [];
    event.formData.forEach(function (value, key) {
      if (value === "") {
        empty.push(key);
      }
    });
    empty.forEach(function (key) {
      var kept = event.formData.getAll(key).filter(function (v) { return v !== ""; });
      event.formData.delete(key);
      kept.forEach(function (v) { event.formData.append(key, v); });
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    initTooltips(document);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    initTooltips(event.target);
  });
})();
