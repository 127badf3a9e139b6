/* The project maps. django-leaflet creates each map and calls the callbacks below.
 *
 * habitatProjectsMap: the clustered directory map. It asks /projects/map.json for the
 * current view with the list's filters and draws clusters, stacks and projects. Every
 * marker is a focusable element with a text label, so the map works with a keyboard.
 * The page's own address may name the first view (bbox=west,south,east,north, or lat, lon
 * and zoom), so that a shared link or an embedded map (/embed/map/) opens where it was shared.
 * habitatProjectMap: the small map of one project page.
 */
(function () {
  "use strict";

  var escapeHtml = window.habitatMarkers.escapeHtml;
  var projectIcon = window.habitatMarkers.placeIcon;

  // From the southern tip of the Americas to the north of Europe, round the world.
  var WORLD = [[-56, -170], [72, 180]];

  function labels() {
    return window.habitatMarkers.readJson("map-labels") || {};
  }

  function format(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  function clusterIcon(count, text) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    return L.divIcon({
      className: "map-cluster map-cluster-" + size,
      html: '<span aria-hidden="true">' + count + '</span><span class="visually-hidden">' + escapeHtml(text) + "</span>",
      iconSize: null,
    });
  }

  function projectLink(project) {
    return '<a href="' + escapeHtml(project.url) + '">' + escapeHtml(project.name) + "</a>";
  }

  // A project's marker carries its stage and housing model as classes: the map's section
  // says which of the two colours it (static/css/site.css, the legend's swatches alike).
  function projectMarkerIcon(p, text) {
    var icon = projectIcon(text);
    icon.options.className += " stage-" + p.stage + " model-" + (p.housing_model || "none");
    // A project its group has not confirmed this year fades (projects.confirmation).
    if (p.unconfirmed) icon.options.className += " map-project-unconfirmed";
    return icon;
  }

  function projectPopup(p) {
    var facts = [p.stage_label, p.housing_model_label].filter(Boolean).join(" · ");
    facts = facts.charAt(0).toUpperCase() + facts.slice(1);
    // The photo's thumbnail, when it has one, sized in advance so the popup does not jump.
    var photo = p.photo
      ? '<img class="popup-photo" src="' + escapeHtml(p.photo.url) + '" alt="' + escapeHtml(p.photo.alt) +
        '" width="160" height="90" decoding="async">'
      : "";
    return (
      photo + '<p class="popup-title">' + projectLink(p) + '</p><p class="popup-meta">' +
      escapeHtml([p.city, p.country].filter(Boolean).join(", ")) + "</p>" +
      (facts ? '<p class="popup-meta">' + escapeHtml(facts) + "</p>" : "") +
      (p.summary ? '<p class="popup-summary">' + escapeHtml(p.summary) + "</p>" : "") +
      (p.unconfirmed ? '<p class="popup-meta">' + escapeHtml(labels().unconfirmed) + "</p>" : "")
    );
  }

  // The legend's choice: colour the projects by stage or by housing model.
  function showLegend(section) {
    var legend = section && section.querySelector(".map-legend");
    if (!legend) return;
    var choice = legend.querySelector("select");
    function apply() {
      section.classList.toggle("colour-by-stage", choice.value === "stage");
      section.classList.toggle("colour-by-housing-model", choice.value === "housing-model");
      legend.querySelectorAll("[data-colour-by]").forEach(function (list) {
        list.hidden = list.getAttribute("data-colour-by") !== choice.value;
      });
    }
    choice.addEventListener("change", apply);
    apply();
    legend.hidden = false;
  }

  // The view named by a query string, or null. Numbers that cannot be a view are ignored:
  // the map then opens as it would without them.
  function requestedView(query) {
    var params = new URLSearchParams(query);
    function number(name) {
      var text = (params.get(name) || "").trim();
      var value = text === "" ? NaN : Number(text);
      return isFinite(value) ? value : null;
    }
    // A list that follows the map opens on the area it shows.
    var box = (params.get("bbox") || params.get("area") || "").split(",").map(function (part) {
      return part.trim() === "" ? NaN : Number(part);
    });
    if (box.length === 4 && box.every(isFinite) && box[1] <= box[3]) {
      // A view across the antimeridian may come as west > east.
      var east = box[2] < box[0] ? box[2] + 360 : box[2];
      return { bounds: [[box[1], box[0]], [box[3], east]] };
    }
    var lat = number("lat");
    var lon = number("lon");
    var zoom = number("zoom");
    var centre = lat !== null && lon !== null && Math.abs(lat) <= 90 ? [lat, lon] : null;
    if (zoom !== null) zoom = Math.round(zoom);
    if (!centre && zoom === null) return null;
    return { centre: centre, zoom: zoom };
  }

  window.habitatProjectsMap = function (map) {
    var container = map.getContainer().closest("[data-map-url]");
    var status = document.getElementById("map-status");
    var text = labels();
    var layer = L.layerGroup().addTo(map);
    var request = 0;
    // The server gives the filters alone (no sort, no page): any of them frames the results.
    var filterQuery = container.getAttribute("data-filter-query") || "";
    map.options.worldCopyJump = true;
    container.setAttribute("data-state", "loading");
    // Set before the map listens for moves, so that the first view is loaded once.
    var view = requestedView(window.location.search);
    if (view && view.bounds) {
      map.fitBounds(view.bounds, { animate: false });
    } else if (view) {
      map.setView(view.centre || map.getCenter(), view.zoom === null ? map.getZoom() : view.zoom, { animate: false });
    } else {
      // The whole inhabited world, however narrow the map (beside the list it is half as
      // wide): the first answer then holds every project, and with filters the map frames
      // the projects found.
      map.fitBounds(WORLD, { animate: false, maxZoom: map.getZoom() });
    }

    function viewBox() {
      var bounds = map.getBounds();
      return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
        .map(function (n) { return n.toFixed(5); })
        .join(",");
    }

    function url() {
      var params = new URLSearchParams(filterQuery);
      params.set("bbox", viewBox());
      params.set("zoom", String(Math.round(map.getZoom())));
      // The address has no language prefix: names, stages and countries in the page's.
      params.set("lang", document.documentElement.lang);
      return container.getAttribute("data-map-url") + "?" + params.toString();
    }

    // Leaflet repeats the world at low zoom and when panning far east or west; the server
    // answers in -180..180, so put each marker on the copy of the world that is in view.
    function intoView(lng, west, east) {
      while (lng < west) lng += 360;
      while (lng > east) lng -= 360;
      return lng;
    }

    function zoomInto(lat, lng, bounds, offset) {
      if (bounds[0] === bounds[2] && bounds[1] === bounds[3]) {
        map.setView([lat, lng], Math.min(map.getZoom() + 3, map.getMaxZoom()));
      } else {
        map.fitBounds(
          [[bounds[1], bounds[0] + offset], [bounds[3], bounds[2] + offset]],
          { padding: [40, 40], maxZoom: map.getMaxZoom() }
        );
      }
    }

    function makeMarker(p, lat, lng, offset) {
      var marker;
      if (p.kind === "project") {
        var label = format(p.unconfirmed ? text.project_unconfirmed : text.project, p);
        marker = L.marker([lat, lng], { icon: projectMarkerIcon(p, label), title: p.name, riseOnHover: true });
        marker.bindPopup(projectPopup(p));
      } else if (p.kind === "stack") {
        marker = L.marker([lat, lng], { icon: clusterIcon(p.count, format(text.stack, p)), title: format(text.stack, p) });
        marker.bindPopup(
          '<p class="popup-title">' + escapeHtml(format(text.stack, p)) + "</p><ul>" +
            p.projects.map(function (project) { return "<li>" + projectLink(project) + "</li>"; }).join("") +
            "</ul>"
        );
      } else {
        marker = L.marker([lat, lng], { icon: clusterIcon(p.count, format(text.cluster, p)), title: format(text.cluster, p) });
        marker.on("click", function () { zoomInto(lat, lng, p.bounds, offset); });
        // Leaflet makes markers focusable but, without a popup, Enter does nothing.
        // The marker is redrawn at the new zoom: the focus goes to the map, not to the page.
        marker.on("keypress", function (event) {
          if (event.originalEvent.key === "Enter") {
            zoomInto(lat, lng, p.bounds, offset);
            map.getContainer().focus({ preventScroll: true });
          }
        });
      }
      return marker;
    }

    // With filters, the first view frames the projects found rather than the world.
    // Leaflet ends every fitBounds with "moveend", even when the view does not change, so the
    // framed view is loaded (and the map ready) only after that move.
    function fitToResults(data) {
      var extent = L.latLngBounds([]);
      data.features.forEach(function (feature) {
        var b = feature.properties.bounds;
        var c = feature.geometry.coordinates;
        if (b) extent.extend([[b[1], b[0]], [b[3], b[2]]]);
        else extent.extend([c[1], c[0]]);
      });
      if (!extent.isValid()) return false;
      map.fitBounds(extent, { padding: [30, 30], maxZoom: 12 });
      return true;
    }

    // Markers are kept across redraws when the new answer has the same feature, so that
    // an open popup survives the reload its own auto-pan causes.
    var markers = {};

    function draw(data, bounds) {
      var next = {};
      data.features.forEach(function (feature) {
        var p = feature.properties;
        var lat = feature.geometry.coordinates[1];
        var lng = intoView(feature.geometry.coordinates[0], bounds.getWest(), bounds.getEast());
        var offset = lng - feature.geometry.coordinates[0];
        var key = [p.kind, lat, lng, p.count || "", p.url || ""].join("|");
        next[key] = markers[key] || makeMarker(p, lat, lng, offset).addTo(layer);
      });
      Object.keys(markers).forEach(function (key) {
        if (!next[key]) layer.removeLayer(markers[key]);
      });
      markers = next;
      container.setAttribute("data-in-view", data.in_view);
      container.setAttribute("data-total", data.total);
      if (status) {
        var template = data.shown_at_most ? text.status_limited
          : data.total === 0 ? text.status_none : data.total === 1 ? text.status_one : text.status;
        status.textContent = format(template, data);
      }
    }

    // The charts beside the map (templates/projects/includes/map_charts.html): a row per
    // value, its bar as wide as its share of the largest, its button adds it to the filters.
    var charts = document.getElementById("map-charts");

    function drawCharts(counts) {
      if (!charts || !counts) return;
      var uncounted = false;
      charts.querySelectorAll("table[data-facet]").forEach(function (table) {
        var facet = table.getAttribute("data-facet");
        var chart = counts[facet];
        var body = table.querySelector("tbody");
        body.textContent = "";
        table.hidden = !chart || chart.bars.length === 0;
        if (!chart) {
          uncounted = true;
          return;
        }
        var largest = chart.bars.reduce(function (most, bar) { return Math.max(most, bar.count); }, 1);
        var rows = chart.bars.map(function (bar) { return { label: bar.label, value: bar.value, count: bar.count }; });
        if (chart.others) rows.push({ label: table.getAttribute("data-others"), value: null, count: chart.others });
        rows.forEach(function (bar) {
          var row = body.insertRow();
          var name = document.createElement("th");
          name.scope = "row";
          if (bar.value === null) {
            name.textContent = bar.label;
          } else {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "link-button chart-value";
            button.textContent = bar.label.charAt(0).toUpperCase() + bar.label.slice(1);
            button.addEventListener("click", function () { addFilter(facet, bar.value); });
            name.appendChild(button);
          }
          row.appendChild(name);
          var cell = row.insertCell();
          // The other countries together are a number, not a bar: theirs would be the longest.
          if (bar.value !== null) {
            var line = document.createElement("span");
            line.className = "chart-bar";
            line.setAttribute("aria-hidden", "true");
            // Set through the DOM: the Content-Security-Policy refuses style attributes.
            line.style.width = Math.max(2, Math.round((100 * bar.count) / largest)) + "%";
            cell.appendChild(line);
          }
          cell.appendChild(document.createTextNode(" " + bar.count.toLocaleString(document.documentElement.lang)));
        });
      });
      charts.querySelector("[data-uncounted]").hidden = !uncounted;
      charts.hidden = false;
    }

    // Asked once the markers are drawn, with the same view and filters: the map never waits.
    function loadCharts(mine) {
      if (!charts) return;
      var address = url().replace(container.getAttribute("data-map-url"), charts.getAttribute("data-charts-url"));
      fetch(address, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (mine === request) drawCharts(data.charts);
        })
        .catch(function () {
          if (mine === request) charts.hidden = true;
        });
    }

    // The list's own form, with the value's box ticked: the page answers as if chosen there.
    function addFilter(facet, value) {
      var form = document.querySelector(".filter-form");
      var box = form && form.querySelector('input[name="' + facet + '"][value="' + CSS.escape(value) + '"]');
      if (!box) return;
      box.checked = true;
      form.requestSubmit();
    }

    function load() {
      var mine = ++request;
      var bounds = map.getBounds();
      container.setAttribute("data-state", "loading");
      fetch(url(), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (mine !== request) return; // an answer to an older view
          draw(data, bounds);
          loadCharts(mine);
          if (mine === 1 && filterQuery && !view && fitToResults(data)) return;
          container.setAttribute("data-state", "ready");
        })
        .catch(function () {
          if (mine !== request) return;
          container.setAttribute("data-state", "error");
          if (status) status.textContent = text.error;
        });
    }

    // A popup takes the focus when it opens, so that the keyboard reads it next rather than
    // after every other marker; Escape, or its closing, gives the focus back to its marker.
    map.on("popupopen", function (event) {
      var element = event.popup.getElement();
      var link = element.querySelector(".leaflet-popup-content a");
      if (link) link.focus({ preventScroll: true });
      element.addEventListener("keydown", function (key) {
        if (key.key === "Escape") map.closePopup(event.popup);
      });
    });
    map.on("popupclose", function (event) {
      var element = event.popup.getElement();
      var icon = event.popup._source && event.popup._source.getElement && event.popup._source.getElement();
      var focus = document.activeElement;
      if (icon && (focus === document.body || (element && element.contains(focus)))) icon.focus({ preventScroll: true });
    });

    // "Update the list as I move the map": the list's own page, asked again with the map's
    // view as its area, and its results put in place of these (the address follows, so that
    // it can be shared or reloaded); the boxes' counts follow too.
    var follow = document.getElementById("map-follow");
    var listing = 0;
    var waiting = null;

    function refreshList() {
      var params = new URLSearchParams(window.location.search);
      params.delete("page");
      params.delete("bbox");
      if (follow.checked) params.set("area", viewBox());
      else params.delete("area");
      var address = window.location.pathname + (params.toString() ? "?" + params.toString() : "");
      if (address === window.location.pathname + window.location.search) return;
      window.history.replaceState(null, "", address);
      var mine = ++listing;
      var results = document.getElementById("project-results");
      results.setAttribute("aria-busy", "true");
      fetch(address, { headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          if (mine !== listing) return;
          var fresh = new DOMParser().parseFromString(html, "text/html");
          results.replaceWith(document.importNode(fresh.getElementById("project-results"), true));
          var area = document.getElementById("id_area");
          var freshArea = fresh.getElementById("id_area");
          if (area && freshArea) area.value = freshArea.value;
          fresh.querySelectorAll(".filter-form label[for]").forEach(function (label) {
            var count = label.querySelector(".value-count");
            var mineLabel = document.querySelector('.filter-form label[for="' + label.getAttribute("for") + '"] .value-count');
            if (count && mineLabel) mineLabel.replaceWith(document.importNode(count, true));
          });
        })
        .catch(function () {
          if (mine !== listing) return;
          // The list could not follow: load its page, which works without this script.
          window.location.assign(address);
        });
    }

    if (follow) {
      follow.closest(".map-follow").hidden = false;
      follow.addEventListener("change", refreshList);
      map.on("moveend", function () {
        if (!follow.checked) return;
        window.clearTimeout(waiting);
        waiting = window.setTimeout(refreshList, 400);
      });
    }

    showLegend(container.closest(".map-section"));
    map.on("moveend", load);
    load();
  };

  window.habitatProjectMap = function (map) {
    var container = map.getContainer().closest("[data-lat]");
    var lat = parseFloat(container.getAttribute("data-lat"));
    var lng = parseFloat(container.getAttribute("data-lng"));
    if (container.getAttribute("data-approximate") === "true") {
      // The public point is the centre of a ~1 km cell: show the area, not a pin.
      L.circle([lat, lng], { radius: 700, className: "map-area" }).addTo(map);
      map.setView([lat, lng], 13);
    } else {
      L.marker([lat, lng], { icon: projectIcon(container.getAttribute("data-name")), keyboard: false }).addTo(map);
      map.setView([lat, lng], 14);
    }
  };
})();
