// The 503 page of a kiosk (csc/templates/503.html): nobody is there to press « Réessayer », so the page
// opens itself again after the server's Retry-After. replace(), not reload(): after a form's POST, a
// reload would ask to send it again, a dialog nobody answers on a kiosk. A file, not an inline script:
// the Content-Security-Policy refuses inline scripts (csc/core/tests/test_templates_csp.py).
(function () {
  var script = document.currentScript;
  var seconds = parseInt(script && script.getAttribute("data-seconds"), 10) || 30;
  setTimeout(function () { window.location.replace(window.location.href); }, seconds * 1000);
})();
