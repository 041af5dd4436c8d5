/* The kiosk's only script: counts (a visit, a click, an end of session) sent to the centre's own
   server, and the return to the home page after the idle time. Without it the kiosk still works:
   links are plain links, and each page goes back to the home page after the idle time by itself.

   When the server cannot store a count (the database away: 503 with Retry-After; no network; too many
   at once: 429), the count is kept in the browser's storage — anonymous counts, nothing about anyone —
   and sent again, in batches, once the server answers. A kept batch carries an id, so that the same batch
   sent twice (its answer lost as the page left) is counted once (kiosk.services.store_batch). At most
   MAX_KEPT counts are kept: past that, the oldest go first. While the server is known to be away, the
   return to the home page after the idle time stays on the page already shown, emptied for the next
   visitor, instead of opening a page the server cannot give. */
(function () {
  "use strict";
  var body = document.body;
  var eventsUrl = body.getAttribute("data-events");
  var preview = body.hasAttribute("data-preview");
  var storeKey = "csc-borne-comptes:" + eventsUrl;
  var MAX_KEPT = 2000;      // counts kept while the server is away: days of a busy kiosk
  var PER_BATCH = 50;       // what the server takes in one request (kiosk.services.MAX_EVENTS_PER_REQUEST)
  var FIRST_DELAY = 5000, MAX_DELAY = 300000;
  var flushTimer = null, flushing = false, failures = 0;

  function load() {
    try {
      var kept = JSON.parse(window.localStorage.getItem(storeKey));
      if (kept && kept.lots instanceof Array) return kept;
    } catch (e) { /* storage refused or damaged: start again */ }
    return { lots: [], downUntil: 0 };
  }
  function save(kept) {
    try { window.localStorage.setItem(storeKey, JSON.stringify(kept)); } catch (e) { /* storage full or refused */ }
  }
  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // Counts join the last batch not yet sent; a batch once sent keeps its id and its contents.
  function keep(events) {
    var kept = load();
    events.forEach(function (event) {
      var last = kept.lots[kept.lots.length - 1];
      if (!last || last.sent || last.evenements.length >= PER_BATCH) {
        last = { lot: newId(), evenements: [], sent: false };
        kept.lots.push(last);
      }
      last.evenements.push(event);
    });
    var total = kept.lots.reduce(function (n, lot) { return n + lot.evenements.length; }, 0);
    while (total > MAX_KEPT && kept.lots.length) { total -= kept.lots.shift().evenements.length; }
    save(kept);
  }

  function serverAway() {
    var kept = load();
    return kept.lots.length > 0 || Date.now() < kept.downUntil;
  }

  // Whether the answer says « not now » (keep the counts) rather than « never » (a refusal for good).
  function retryable(status) { return status === 0 || status === 429 || status >= 500; }

  function markAway(response) {
    var asked = response ? parseInt(response.headers.get("Retry-After"), 10) : NaN;
    var delay = asked > 0 ? asked * 1000 : Math.min(FIRST_DELAY * Math.pow(2, failures), MAX_DELAY);
    failures += 1;
    var kept = load();
    kept.downUntil = Date.now() + delay;
    save(kept);
    scheduleFlush(delay);
  }

  function scheduleFlush(delay) {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, delay);
  }

  function post(payload) {
    return fetch(eventsUrl, { method: "POST", body: JSON.stringify(payload), keepalive: true, credentials: "omit" });
  }

  // The kept batches, one request each, oldest first, until the server says « not now ».
  function flush() {
    flushTimer = null;
    if (flushing || !window.fetch) return;
    var kept = load();
    var lot = kept.lots[0];
    if (!lot) return;
    lot.sent = true;
    save(kept);
    flushing = true;
    var done = function (dropIt, response) {
      flushing = false;
      var now = load();
      if (dropIt) {
        now.lots = now.lots.filter(function (l) { return l.lot !== lot.lot; });
        now.downUntil = 0;
        failures = 0;
        save(now);
        if (now.lots.length) flush();
      } else {
        markAway(response);
      }
    };
    post({ lot: lot.lot, evenements: lot.evenements }).then(function (response) {
      // Stored, or refused for good (a tile removed since…): either way it leaves the queue.
      done(!retryable(response.status), response);
    }, function () { done(false, null); });
  }

  function send(event) {
    if (preview || !eventsUrl) return;
    if (!window.fetch) {
      if (navigator.sendBeacon) navigator.sendBeacon(eventsUrl, new Blob([JSON.stringify(event)], { type: "text/plain" }));
      return;
    }
    if (serverAway()) {
      // Behind the counts already waiting, in their order; sent with them.
      keep([event]);
      if (!flushTimer && !flushing) scheduleFlush(Math.max(load().downUntil - Date.now(), 0));
      return;
    }
    // keepalive: the request survives the page leaving for the official site; no cookie is ever sent.
    // If the page is gone before the answer, nothing can be kept: only then may a count be lost.
    post(event).then(function (response) {
      if (retryable(response.status)) { keep([event]); markAway(response); }
    }, function () { keep([event]); markAway(null); });
  }

  var idleMs = parseInt(body.getAttribute("data-idle"), 10) * 1000;
  var home = body.getAttribute("data-home");
  var timer = null;
  var started = !body.hasAttribute("data-fresh");

  function emptyForNextVisit() {
    document.querySelectorAll("input:not([type=hidden]):not([type=submit]), textarea").forEach(function (field) {
      if (field.type === "radio" || field.type === "checkbox") { field.checked = false; } else { field.value = ""; }
    });
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    window.scrollTo(0, 0);
    started = false;  // the next touch starts a new visit
  }

  function armIdle() {
    if (!idleMs || !home) return;
    if (timer) clearTimeout(timer);
    // The next visit starts on a fresh home page: the search box empty, nothing of this visit left.
    timer = setTimeout(function () {
      if (serverAway()) {
        // The server cannot give the home page now: this one, emptied, serves the next visitor.
        emptyForNextVisit();
        armIdle();
        return;
      }
      window.location.replace(home);
    }, idleMs);
  }

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
  // Counts kept by an earlier page: sent now, or when the server said to try again.
  if (!preview && eventsUrl && load().lots.length) scheduleFlush(Math.max(load().downUntil - Date.now(), 0));
})();
