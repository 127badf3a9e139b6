/* The base map that we serve ourselves: Natural Earth's countries (npm world-atlas, which
 * scripts/setup.sh installs), drawn under the markers of every map of the site, so that a
 * map can be read with no tile server: offline, on a private network and in every test.
 *
 * django-leaflet announces each map with "map:init"; the addresses of the outlines come
 * from the page (templates/includes/basemap.html), as static files have hashed names. The
 * coarse outlines (1:110 million, 39 KB compressed) are drawn first; the finer ones (1:50
 * million) only once a visitor comes close to a country. Street tiles that an operator
 * configured are drawn above them: from a tile server (MAP_TILES_URL, which django-leaflet
 * adds) or from a PMTiles archive that we serve (MAP_PMTILES_FILE, added here: vector tiles by
 * protomaps-leaflet, raster tiles by pmtiles' layer, the page loading the one it needs).
 */
(function () {
  "use strict";

  // From this zoom a country fills the screen: the coarse outlines look like polygons.
  var FINE_FROM_ZOOM = 5;
  var loaded = {};

  function sources() {
    var element = document.getElementById("basemap-sources");
    return element ? JSON.parse(element.textContent) : null;
  }

  // Each file is asked for once per page, whatever the number of maps.
  function outlines(url) {
    if (!loaded[url]) {
      loaded[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("The base map answered " + response.status);
        return response.json();
      });
    }
    return loaded[url];
  }

  // world-atlas keeps the lines that cross the antimeridian whole (a spherical renderer cuts
  // them): drawn on a flat map, Russia, Fiji and the Aleutians would draw a line across the
  // world. Such a line or ring goes on past 180° instead; a ring that goes round the pole
  // (Antarctica) crosses once and stays as it is.
  function unwrapped(line, isRing) {
    var shift = 0;
    var result = line.map(function (point, index) {
      if (index > 0) {
        var previous = line[index - 1][0];
        var gap = point[0] - previous;
        if (gap > 180) shift -= 360;
        else if (gap < -180) shift += 360;
      }
      return [point[0] + shift, point[1]];
    });
    return isRing && shift !== 0 ? line : result;
  }

  function unwrapGeometry(geometry) {
    var c = geometry.coordinates;
    if (geometry.type === "LineString") geometry.coordinates = unwrapped(c, false);
    else if (geometry.type === "MultiLineString") geometry.coordinates = c.map(function (l) { return unwrapped(l, false); });
    else if (geometry.type === "Polygon") geometry.coordinates = c.map(function (r) { return unwrapped(r, true); });
    else if (geometry.type === "MultiPolygon")
      geometry.coordinates = c.map(function (p) {
        return p.map(function (r) { return unwrapped(r, true); });
      });
    return geometry;
  }

  function flat(geojson) {
    if (geojson.type === "FeatureCollection") geojson.features.forEach(function (f) { unwrapGeometry(f.geometry); });
    else unwrapGeometry(geojson);
    return geojson;
  }

  function layerOf(topology, renderer, attribution) {
    var countries = topology.objects.countries;
    var land = L.geoJSON(flat(topojson.feature(topology, countries)), {
      renderer: renderer,
      interactive: false,
      style: { stroke: false, fillColor: "#f4f1ea", fillOpacity: 1, className: "basemap-land" },
      attribution: attribution,
    });
    // Borders between two countries, and coasts (an arc with one country beside it).
    var borders = L.geoJSON(
      flat(
        topojson.mesh(topology, countries, function (a, b) {
          return a !== b;
        })
      ),
      { renderer: renderer, interactive: false, style: { color: "#a39e93", weight: 0.8, className: "basemap-border" } }
    );
    var coasts = L.geoJSON(
      flat(
        topojson.mesh(topology, countries, function (a, b) {
          return a === b;
        })
      ),
      { renderer: renderer, interactive: false, style: { color: "#7d9fb0", weight: 0.8, className: "basemap-coast" } }
    );
    return L.featureGroup([land, borders, coasts]);
  }

  function addBaseMap(map) {
    var from = sources();
    if (!from || typeof topojson === "undefined") return;
    var pane = map.createPane("basemap");
    // Under the tiles (200) and the markers (600): a backdrop that no pointer reaches.
    pane.style.zIndex = 150;
    pane.style.pointerEvents = "none";
    map.getContainer().classList.add("has-basemap");
    var renderer = L.svg({ pane: "basemap", padding: 0.5 });
    var shown = { coarse: null, fine: null };

    function show(detail) {
      if (shown[detail]) return;
      shown[detail] = "loading";
      outlines(from[detail])
        .then(function (topology) {
          shown[detail] = layerOf(topology, renderer, from.attribution);
          update();
        })
        .catch(function () {
          shown[detail] = null; // tried again at the next zoom
        });
    }

    function update() {
      var wanted = map.getZoom() >= FINE_FROM_ZOOM && shown.fine && shown.fine !== "loading" ? "fine" : "coarse";
      ["coarse", "fine"].forEach(function (detail) {
        var layer = shown[detail];
        if (!layer || layer === "loading") return;
        if (detail === wanted) layer.addTo(map);
        else map.removeLayer(layer);
      });
      if (map.getZoom() >= FINE_FROM_ZOOM) show("fine");
    }

    show("coarse");
    map.on("zoomend", update);
    if (from.streets) addStreets(map, from.streets);
  }

  // Within the archive's bounds only, so that the outlines stay readable around a city's map;
  // past its last zoom the tiles are drawn larger rather than asked for.
  function addStreets(map, streets) {
    var options = {
      bounds: streets.bounds,
      attribution: streets.attribution || undefined,
    };
    var layer = null;
    if (streets.kind === "vector" && window.protomapsL) {
      options.url = streets.url;
      options.flavor = streets.flavor;
      options.lang = streets.lang;
      options.maxDataZoom = streets.maxZoom;
      layer = protomapsL.leafletLayer(options);
    } else if (streets.kind === "raster" && window.pmtiles) {
      options.maxNativeZoom = streets.maxZoom;
      layer = pmtiles.leafletRasterLayer(new pmtiles.PMTiles(streets.url), options);
    }
    if (layer) layer.addTo(map);
  }

  window.addEventListener("map:init", function (event) {
    addBaseMap(event.detail.map);
  });
})();
