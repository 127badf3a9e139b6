/* Finding the project's town by its name, in the location step of the project editor.
 *
 * The "Town or neighbourhood" field becomes a combobox with a list of suggestions (the
 * WAI-ARIA Authoring Practices' pattern, list autocomplete): the suggestions come from the
 * site's "places" address (habitat.places), the arrow keys move among them, Enter chooses,
 * Escape closes the list (or clears the field when it is closed), and a live region says how
 * many there are. Choosing one fills the city (and the country when none is chosen), puts
 * the latitude and longitude at the town's centre and the precision at "approximate"; the
 * location picker (picker.js) sees the new coordinates and moves the map and its marker,
 * which the group then drags to its place.
 *
 * Without this script the "Find" button sends the form and the page lists the towns found:
 * the field works on its own.
 */
(function () {
  "use strict";

  // Wait this long after a key before asking: one request for a word typed, not one a letter.
  var DELAY_MS = 250;
  var MIN_LETTERS = 2;

  function setUp(container) {
    var input = container.querySelector("input[name=town]");
    var list = container.querySelector("[role=listbox]");
    var status = container.querySelector("[role=status]");
    var button = container.querySelector("button[name=action][value=find]");
    var address = container.getAttribute("data-places-url");
    if (!input || !list || !status || !address || !window.fetch || !window.URLSearchParams) return;
    var form = input.form;
    var found = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    var answers = {};

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    if (button) {
      // Suggestions replace the page that lists the towns: the button now only shows them.
      button.type = "button";
      button.addEventListener("click", function () {
        input.focus();
        search();
      });
    }

    function field(name) {
      return form.elements.namedItem(name);
    }

    function announce(message) {
      // Emptied first, so that the same message said twice is read twice.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message || ""; }, 50);
    }

    function query() {
      var params = new URLSearchParams();
      params.set("q", input.value.trim());
      var country = field("country");
      if (country && country.value) params.set("country", country.value);
      return params.toString();
    }

    function search() {
      window.clearTimeout(timer);
      if (input.value.trim().length < MIN_LETTERS) {
        show([], "");
        return;
      }
      var asked = query();
      if (answers[asked]) {
        show(answers[asked].places, answers[asked].message);
        return;
      }
      var number = ++latest;
      window.fetch(address + "?" + asked, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (number !== latest) return; // an older question, answered after a newer one
          if (answer.error) {
            show([], answer.error);
            return;
          }
          answers[asked] = answer;
          show(answer.places, answer.message);
        })
        .catch(function () {
          if (number === latest) show([], container.getAttribute("data-failed-message"));
        });
    }

    function show(places, message) {
      found = places || [];
      list.textContent = "";
      found.forEach(function (place, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "town-name";
        name.textContent = place.name;
        option.appendChild(name);
        var where = place.label.slice(place.name.length);
        if (where) {
          var rest = document.createElement("span");
          rest.className = "town-where";
          rest.textContent = where;
          option.appendChild(rest);
        }
        // Keeps the focus in the field, where the keyboard goes on working.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(index); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      open(found.length > 0);
      announce(message);
    }

    function open(yes) {
      list.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
      }
    }

    function isOpen() {
      return !list.hidden;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      var option = options[index];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      if (option.scrollIntoView) option.scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var place = found[index];
      if (!place) return;
      input.value = place.name;
      var city = field("city");
      if (city) city.value = place.city;
      var country = field("country");
      if (country && !country.value && place.country) {
        country.value = place.country;
        // A code that the list does not offer leaves it empty, as it was.
        if (country.value !== place.country) country.value = "";
      }
      var approximate = form.querySelector("input[name=location_precision][value=approximate]");
      if (approximate) approximate.checked = true;
      var latitude = field("latitude");
      var longitude = field("longitude");
      if (latitude && longitude) {
        latitude.value = place.latitude.toFixed(6);
        longitude.value = place.longitude.toFixed(6);
        // The location picker listens for this: it moves the map and the marker.
        latitude.dispatchEvent(new Event("change", { bubbles: true }));
      }
      open(false);
      announce(container.getAttribute("data-chosen-message"));
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var count = found.length;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            if (count) open(true);
            else search();
            if (count) highlight(0);
          } else if (count) {
            highlight((active + 1) % count);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen() && count) open(true);
          if (count) highlight(active <= 0 ? count - 1 : active - 1);
          break;
        case "Enter":
          // Enter in this field finds or chooses a town; it never sends the form.
          event.preventDefault();
          if (isOpen() && active >= 0) choose(active);
          else search();
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            open(false);
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            show([], "");
          }
          break;
        case "Tab":
          open(false);
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () { open(false); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".town-search"), setUp);
  });
})();
