/* Parts of a page that fold away on a phone: the site's menu, the list's filters. A button
 * with data-fold-toggle shows or hides the element it controls (aria-controls). The folding
 * itself is CSS, on narrow screens and only where scripts run (static/css/site.css): without
 * JavaScript, or on a wide screen, everything stays open and the buttons are not shown. */
(function () {
  "use strict";

  document.querySelectorAll("[data-fold-toggle]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;

    function set(open) {
      button.setAttribute("aria-expanded", String(open));
      target.classList.toggle("is-open", open);
    }

    // Open from the start where the page asks for it (filters with an error to correct).
    set(button.hasAttribute("data-open"));
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    target.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.offsetParent !== null && target.classList.contains("is-open")) {
        set(false);
        button.focus();
      }
    });
  });
})();
