/* « Imprimer » buttons (data-print): shown only when JavaScript runs; without it, the browser's own
   print command (Ctrl + P) does the same, and the page says so nowhere because it needs no saying. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
