/* The maps of the HUB pages. django-leaflet creates each map and calls these callbacks.
 *
 * habitatMeetingsMap: /hubs/, one marker per place, from the JSON in #meeting-points;
 * each marker is focusable and opens a list of the meetings held there. Places too near to
 * be told apart at the map's zoom share a marker (a number) that lists them all.
 * habitatMeetingMap: the small map of one meeting page (the city, not the venue).
 */
(function () {
  "use strict";

  var readJson = window.habitatMarkers.readJson;
  var escapeHtml = window.habitatMarkers.escapeHtml;
  var placeIcon = window.habitatMarkers.placeIcon;

  // A marker is 24 CSS pixels wide (placeIcon), a group of places 32 (.map-cluster-small);
  // places nearer than this on the screen are drawn as one group, so that no marker hides
  // another and each stays a target a finger can hit (WCAG 2.2, 2.5.8).
  var APART_PIXELS = 32 + 2;

  function meetingItems(point) {
    return point.meetings
      .map(function (meeting) {
        return (
          '<li><a href="' + escapeHtml(meeting.url) + '">' + escapeHtml(meeting.name) + "</a>" +
          (meeting.when ? " · " + escapeHtml(meeting.when) : "") + "</li>"
        );
      })
      .join("");
  }

  // The places in groups of those whose markers would overlap at the map's zoom.
  function groupsAt(map, points) {
    var groups = [];
    points.forEach(function (point) {
      var at = map.project([point.lat, point.lng]);
      var near = groups.find(function (group) {
        return Math.abs(group.at.x - at.x) < APART_PIXELS && Math.abs(group.at.y - at.y) < APART_PIXELS;
      });
      if (near) {
        near.points.push(point);
        // The group's marker stands at the middle of its places: measure from there.
        near.at = near.at.multiplyBy(near.points.length - 1).add(at).divideBy(near.points.length);
      } else {
        groups.push({ at: at, points: [point] });
      }
    });
    return groups;
  }

  function groupMarker(group, labels) {
    function place(point) {
      return String(labels.meetings || "{place}").replace("{place}", point.place);
    }
    var points = group.points;
    if (points.length === 1) {
      var label = place(points[0]);
      return L.marker([points[0].lat, points[0].lng], { icon: placeIcon(label), title: label }).bindPopup(
        "<strong>" + escapeHtml(label) + '</strong><ul class="map-popup-list">' + meetingItems(points[0]) + "</ul>"
      );
    }
    var text = String(labels.nearby || "{count}").replace("{count}", points.length);
    var lat = points.reduce(function (sum, point) { return sum + point.lat; }, 0) / points.length;
    var lng = points.reduce(function (sum, point) { return sum + point.lng; }, 0) / points.length;
    var icon = L.divIcon({
      className: "map-cluster map-cluster-small",
      html: '<span aria-hidden="true">' + points.length + '</span><span class="visually-hidden">' + escapeHtml(text) + "</span>",
      iconSize: null,
    });
    return L.marker([lat, lng], { icon: icon, title: text }).bindPopup(
      points
        .map(function (point) {
          return "<strong>" + escapeHtml(place(point)) + '</strong><ul class="map-popup-list">' + meetingItems(point) + "</ul>";
        })
        .join("")
    );
  }

  window.habitatMeetingsMap = function (map) {
    var points = readJson("meeting-points") || [];
    var labels = readJson("meeting-map-labels") || {};
    var layer = L.layerGroup().addTo(map);
    var bounds = points.map(function (point) { return [point.lat, point.lng]; });

    function draw() {
      layer.clearLayers();
      groupsAt(map, points).forEach(function (group) { groupMarker(group, labels).addTo(layer); });
    }

    if (bounds.length) {
      // At once: the first view is no movement to watch, and the markers are grouped for it.
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 6, animate: false });
    }
    draw();
    map.on("zoomend", draw);
    map.getContainer().closest(".hubs-map").setAttribute("data-state", "ready");
  };

  window.habitatMeetingMap = function (map) {
    var container = map.getContainer().closest("[data-lat]");
    var lat = parseFloat(container.getAttribute("data-lat"));
    var lng = parseFloat(container.getAttribute("data-lng"));
    L.marker([lat, lng], { icon: placeIcon(container.getAttribute("data-name")), keyboard: false }).addTo(map);
    map.setView([lat, lng], 11);
    container.setAttribute("data-state", "ready");
  };
})();
