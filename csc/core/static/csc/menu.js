/* The main menu (base.html) opens from the start on a wide screen and stays closed on a phone, where it
   would fill the screen. Loaded without `defer` right after the menu, so that it runs before the page is
   drawn: no flash of a closed menu. */
(function () {
  "use strict";
  var menu = document.getElementById("menu-principal");
  if (menu && window.matchMedia("(min-width: 64rem)").matches) { menu.open = true; }
})();
