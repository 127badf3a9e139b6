/* Maps without movement for visitors who asked their system for less of it
 * (prefers-reduced-motion: reduce, WCAG 2.3.3): zooms, fades and pans happen at once instead
 * of gliding. Loaded after Leaflet and before any map is made (LEAFLET_CONFIG's plugins), as
 * Leaflet reads these options when it makes a map.
 */
(function () {
  "use strict";

  if (!window.L || !window.matchMedia || !window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;

  L.Map.mergeOptions({ zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false, inertia: false });
  // Arrow keys, popups opening near an edge and fitBounds pan with an animation unless told
  // otherwise: tell them.
  var panBy = L.Map.prototype.panBy;
  var setView = L.Map.prototype.setView;
  L.Map.include({
    panBy: function (offset, options) {
      return panBy.call(this, offset, L.extend({}, options, { animate: false }));
    },
    setView: function (center, zoom, options) {
      return setView.call(this, center, zoom, L.extend({}, options, { animate: false }));
    },
  });
})();
