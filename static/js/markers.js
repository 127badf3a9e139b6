/* What every map of the site shares: reading JSON the page carries, escaping text for
 * popups, and the marker of one place (a focusable dot with a text label for screen readers).
 * Loaded before map.js and hubs.js, which read it from window.habitatMarkers.
 */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function placeIcon(text) {
    return L.divIcon({
      className: "map-project",
      html: '<span class="visually-hidden">' + escapeHtml(text) + "</span>",
      // 24 CSS pixels: the smallest target a finger can be asked to hit (WCAG 2.5.8).
      iconSize: [24, 24],
      iconAnchor: [12, 12],
      popupAnchor: [0, -12],
    });
  }

  window.habitatMarkers = { readJson: readJson, escapeHtml: escapeHtml, placeIcon: placeIcon };
})();
