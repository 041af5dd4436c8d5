/* The kiosk's only script: counts (a visit, a click, an end of session) sent to the centre's own
   server, and the return to the home page after the idle time. Without it the kiosk still works:
   links are plain links, and each page goes back to the home page after the idle time by itself. */
(function () {
  "use strict";
  var body = document.body;
  var eventsUrl = body.getAttribute("data-events");
  var preview = body.hasAttribute("data-preview");

  function send(event) {
    if (preview || !eventsUrl) return;
    var payload = JSON.stringify(event);
    // sendBeacon survives the page leaving for the official site; no cookie is ever sent with it.
    if (navigator.sendBeacon && navigator.sendBeacon(eventsUrl, new Blob([payload], { type: "text/plain" }))) return;
    if (window.fetch) fetch(eventsUrl, { method: "POST", body: payload, keepalive: true, credentials: "omit" });
  }

  var idleMs = parseInt(body.getAttribute("data-idle"), 10) * 1000;
  var home = body.getAttribute("data-home");
  var timer = null;
  function armIdle() {
    if (!idleMs || !home) return;
    if (timer) clearTimeout(timer);
    // The next visit starts on a fresh home page: the search box empty, nothing of this visit left.
    timer = setTimeout(function () { window.location.replace(home); }, idleMs);
  }

  var started = !body.hasAttribute("data-fresh");
  function activity() {
    if (!started) {
      // A visit starts at the first touch of a fresh home page, not when the page is merely shown.
      started = true;
      send({ type: "visite" });
    }
    armIdle();
  }
  ["pointerdown", "keydown", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, activity, { capture: true, passive: true });
  });
  if (started) armIdle();

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-tile]") : null;
    if (link) send({ type: "clic", tuile: parseInt(link.getAttribute("data-tile"), 10) });
  });

  if (body.hasAttribute("data-end")) send({ type: "fin" });
})();
