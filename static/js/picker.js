/* The location picker: a marker that follows clicks and drags on the map and keeps the
 * latitude and longitude fields of the form in step. The fields alone work without
 * JavaScript; the map only helps to fill them in. */
(function () {
  "use strict";

  window.habitatLocationPicker = function (map) {
    var lat = document.getElementById("id_latitude");
    var lng = document.getElementById("id_longitude");
    if (!lat || !lng) return;
    var marker = null;

    function place(latlng, pan) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: false }).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) map.setView(latlng, Math.max(map.getZoom(), 13));
    }

    function write(latlng) {
      var wrapped = latlng.wrap();
      lat.value = wrapped.lat.toFixed(6);
      lng.value = wrapped.lng.toFixed(6);
    }

    function read() {
      var y = parseFloat(lat.value);
      var x = parseFloat(lng.value);
      if (isFinite(y) && isFinite(x) && Math.abs(y) <= 90 && Math.abs(x) <= 180) place([y, x], true);
    }

    map.on("click", function (event) {
      place(event.latlng, false);
      write(event.latlng);
    });
    lat.addEventListener("change", read);
    lng.addEventListener("change", read);
    read();
  };
})();
