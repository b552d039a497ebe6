/* Duty console: after each live refresh of the panel, new log entries, incidents and alarms flash and a short
   beep sounds (WebAudio), unless the officer muted it; the choice is remembered in localStorage. */
(function () {
  "use strict";

  var MUTE_KEY = "yingji.duty.muted";
  var ITEM_SELECTOR = "[data-entry], [data-incident], [data-alarm]";
  var FLASH_CLASS = "yj-flash";
  var seen = null;
  var audio = null;

  function itemKey(el) {
    if (el.dataset.entry) { return "entry:" + el.dataset.entry; }
    if (el.dataset.incident) { return "incident:" + el.dataset.incident; }
    return "alarm:" + el.dataset.alarm;
  }

  function isMuted() {
    try {
      return window.localStorage.getItem(MUTE_KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  function setMuted(muted) {
    try {
      window.localStorage.setItem(MUTE_KEY, muted ? "1" : "0");
    } catch (e) { /* storage disabled: the choice lasts for this page only */ }
    showMuted(muted);
  }

  function showMuted(muted) {
    var button = document.getElementById("yj-sound-toggle");
    if (!button) { return; }
    button.setAttribute("aria-pressed", muted ? "true" : "false");
    button.dataset.muted = muted ? "1" : "0";
    var label = button.querySelector("span");
    if (label) { label.textContent = muted ? button.dataset.labelOff : button.dataset.labelOn; }
    var icon = button.querySelector("i");
    if (icon) { icon.className = (muted ? "bi bi-volume-mute" : "bi bi-volume-up") + " me-1"; }
  }

  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return null; }
    if (!audio) { audio = new Ctx(); }
    if (audio.state === "suspended") { audio.resume(); }
    return audio;
  }

  function beep() {
    var panel = document.getElementById("yj-duty-panel");
    if (panel) { panel.dataset.beeps = String(Number(panel.dataset.beeps || "0") + 1); }
    var ctx = audioContext();
    if (!ctx) { return; }
    var oscillator = ctx.createOscillator();
    var gain = ctx.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.3, ctx.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.25);
    oscillator.connect(gain);
    gain.connect(ctx.destination);
    oscillator.start();
    oscillator.stop(ctx.currentTime + 0.3);
  }

  function collect(root) {
    var keys = {};
    root.querySelectorAll(ITEM_SELECTOR).forEach(function (el) { keys[itemKey(el)] = el; });
    return keys;
  }

  function refreshed(panel) {
    var current = collect(panel);
    var fresh = 0;
    Object.keys(current).forEach(function (key) {
      if (seen && !seen[key]) {
        current[key].classList.add(FLASH_CLASS);
        fresh += 1;
      }
    });
    seen = current;
    panel.dataset.newItems = String(fresh);
    if (fresh > 0 && !isMuted()) { beep(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("yj-duty-panel");
    if (!panel) { return; }
    seen = collect(panel);
    showMuted(isMuted());
    var button = document.getElementById("yj-sound-toggle");
    if (button) {
      button.addEventListener("click", function () {
        var muted = !isMuted();
        setMuted(muted);
        if (!muted) { audioContext(); }  // a click is the gesture browsers require before audio may play
      });
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "yj-duty-panel") { refreshed(target); }
  });
})();
