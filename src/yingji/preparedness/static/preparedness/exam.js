/* The exam on a phone: a countdown of the time allowed (from the seconds the server says are left when the page
   was drawn, so a wrong phone clock does not matter), a warning in the last five minutes, and at zero the paper
   is handed in with whatever was answered (the server accepts it within a short grace; later it is refused).
   Loaded as a static file: the content security policy allows no inline scripts. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function start() {
    var form = document.getElementById("yj-exam-form");
    var clock = document.getElementById("yj-exam-clock");
    if (!form || !clock) { return; }
    var left = parseInt(form.getAttribute("data-seconds-left"), 10);
    if (isNaN(left)) { return; }
    var display = clock.querySelector("[data-role=time]");
    var deadline = Date.now() + left * 1000;
    var handedIn = false;

    form.addEventListener("submit", function () {
      handedIn = true;
      var button = document.getElementById("yj-exam-submit");
      if (button) { button.disabled = true; }
    });

    function tick() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      display.textContent = pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60);
      clock.classList.toggle("text-bg-warning", seconds <= 300 && seconds > 60);
      clock.classList.toggle("text-bg-danger", seconds <= 60);
      if (seconds <= 0) {
        if (!handedIn) {
          handedIn = true;
          var note = clock.querySelector("[data-role=note]");
          if (note) { note.hidden = false; }
          var button = document.getElementById("yj-exam-submit");
          if (button) { button.disabled = true; }
          form.submit();
        }
        return;
      }
      window.setTimeout(tick, 1000 - (Date.now() % 1000) || 1000);
    }
    tick();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
