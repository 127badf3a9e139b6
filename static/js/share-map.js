/* The "share or embed this map" box of the project list (projects/includes/share_map.html).
 *
 * The server writes the link and the frame code for the page's filters; this adds the map's
 * current view (lat, lon, zoom) to both each time the map moves, and makes the Copy buttons
 * work. The frame code is built as projects/embed.py's frame_code() builds it.
 * Loaded with defer: it runs before the window's load event, when django-leaflet creates the
 * map and announces it with "map:init".
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-share-map]");
  if (!box) return;
  var linkField = box.querySelector("[data-share-link]");
  var codeField = box.querySelector("[data-share-code]");
  var status = box.querySelector(".share-map-status");

  function escapeAttribute(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/"/g, "&quot;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
  }

  function withQuery(base, params) {
    var query = params.toString();
    return query ? base + "?" + query : base;
  }

  // Enough decimals to find the same place again at this zoom (about a pixel), no more.
  function rounded(value, zoom) {
    var pixelsPerDegree = (256 * Math.pow(2, zoom)) / 360;
    var places = Math.max(1, Math.min(6, Math.ceil(Math.log(pixelsPerDegree) / Math.LN10)));
    return String(Number(value.toFixed(places)));
  }

  function update(map) {
    var centre = map.getCenter().wrap();
    var zoom = Math.round(map.getZoom());
    var params = new URLSearchParams(box.getAttribute("data-filter-query") || "");
    params.set("lat", rounded(centre.lat, zoom));
    params.set("lon", rounded(centre.lng, zoom));
    params.set("zoom", String(zoom));
    linkField.value = withQuery(box.getAttribute("data-list-url"), params);
    params.set("lang", box.getAttribute("data-language"));
    var src = withQuery(box.getAttribute("data-embed-url"), params);
    codeField.value =
      '<iframe src="' + escapeAttribute(src) + '" width="100%" height="' +
      escapeAttribute(box.getAttribute("data-frame-height")) + '" title="' +
      escapeAttribute(box.getAttribute("data-frame-title")) + '" loading="lazy"></iframe>';
  }

  window.addEventListener("map:init", function (event) {
    if (event.detail.id !== "projects-map") return;
    var map = event.detail.map;
    map.on("moveend", function () { update(map); });
    // map.js may set the first view itself (from the address, or to fit the results).
    window.setTimeout(function () { update(map); }, 0);
  });

  function say(text) {
    status.textContent = "";
    // A change of text, even to the same words, is what a screen reader announces.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyByHand(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  box.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    button.hidden = false;
    button.addEventListener("click", function () {
      var copied = navigator.clipboard && window.isSecureContext
        ? navigator.clipboard.writeText(field.value).then(
            function () { return true; },
            function () { return copyByHand(field); }
          )
        : Promise.resolve(copyByHand(field));
      copied.then(function (ok) {
        say(box.getAttribute(ok ? "data-copied" : "data-copy-failed"));
        if (!ok) field.select();
      });
    });
  });

  // A click in a field selects all of it, ready to copy by hand.
  [linkField, codeField].forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
