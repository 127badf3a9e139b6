/* The map of /policies/: the countries where public policies are listed, shaded, drawn from
 * the countries' outlines that we serve (static/js/basemap.js loads the same file). The map is
 * a picture: the list of those countries beside it links each to its policies, for the
 * keyboard and screen readers alike. django-leaflet calls habitatPoliciesMap.
 */
(function () {
  "use strict";

  var readJson = window.habitatMarkers.readJson;

  window.habitatPoliciesMap = function (map) {
    var countries = readJson("policy-countries") || [];
    var sources = readJson("basemap-sources");
    var container = map.getContainer();
    if (!countries.length || !sources || typeof topojson === "undefined") return;
    var byNumber = {};
    countries.forEach(function (country) {
      byNumber[country.numeric] = country;
    });
    fetch(sources.coarse, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("The countries answered " + response.status);
        return response.json();
      })
      .then(function (topology) {
        var shaded = topojson.feature(topology, topology.objects.countries).features.filter(function (feature) {
          return byNumber[feature.id];
        });
        var layer = L.geoJSON(
          { type: "FeatureCollection", features: shaded },
          { interactive: false, style: { className: "policy-country", weight: 1 } }
        ).addTo(map);
        if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 4, animate: false });
        container.setAttribute("data-shaded", String(shaded.length));
      })
      .catch(function () {
        container.setAttribute("data-shaded", "0");
      });
  };
})();
