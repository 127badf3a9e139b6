/* The maps of the HUB pages. django-leaflet creates each map and calls these callbacks.
 *
 * habitatMeetingsMap: /hubs/, one marker per place, from the JSON in #meeting-points;
 * each marker is focusable and opens a list of the meetings held there.
 * habitatMeetingMap: the small map of one meeting page (the city, not the venue).
 */
(function () {
  "use strict";

  var readJson = window.habitatMarkers.readJson;
  var escapeHtml = window.habitatMarkers.escapeHtml;
  var placeIcon = window.habitatMarkers.placeIcon;

  window.habitatMeetingsMap = function (map) {
    var points = readJson("meeting-points") || [];
    var labels = readJson("meeting-map-labels") || {};
    var bounds = [];
    points.forEach(function (point) {
      var label = String(labels.meetings || "{place}").replace("{place}", point.place);
      var items = point.meetings
        .map(function (meeting) {
          return (
            '<li><a href="' + escapeHtml(meeting.url) + '">' + escapeHtml(meeting.name) + "</a>" +
            (meeting.when ? " · " + escapeHtml(meeting.when) : "") + "</li>"
          );
        })
        .join("");
      L.marker([point.lat, point.lng], { icon: placeIcon(label), title: label })
        .bindPopup("<strong>" + escapeHtml(label) + '</strong><ul class="map-popup-list">' + items + "</ul>")
        .addTo(map);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 6 });
    }
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
