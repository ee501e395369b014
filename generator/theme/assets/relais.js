/* Relais portal behaviour (filters, copy buttons): filled in by the calendar and kits features. */

/* Accessibility (issue 20): what Material's markup leaves to a pointer.
   - Below 76.25em the navigation is a drawer, opened by a <label for="__drawer"> that a
     keyboard cannot reach: it becomes a button (Enter or Space), says whether the drawer is
     open, moves focus into it and back. relais.css hides the closed drawer from focus.
   - The search dialog gets a name (Material's role="dialog" has none): its field's label.
     On a phone, Tab out of the search closes it (it covers the page); relais.css hides the
     closed search's results from focus.
   - A table that scrolls sideways can be scrolled with the keyboard. */
(function () {
  "use strict";

  var toggle = document.getElementById("__drawer");
  var opener = document.querySelector('.md-header label[for="__drawer"]');
  var drawer = document.querySelector(".md-sidebar--primary");
  if (toggle && opener && drawer) {
    var nav = drawer.querySelector("nav[aria-label]");
    drawer.id = drawer.id || "relais-drawer";
    opener.setAttribute("role", "button");
    opener.setAttribute("tabindex", "0");
    opener.setAttribute("aria-controls", drawer.id);
    if (nav) opener.setAttribute("aria-label", nav.getAttribute("aria-label"));

    var sync = function () {
      opener.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
    };
    var close = function () {
      if (toggle.checked) toggle.click();
    };
    sync();
    toggle.addEventListener("change", sync);

    opener.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      toggle.click();
      if (!toggle.checked) return;
      // The drawer is visible at once (its visibility has no delay on opening).
      // The first link the reader can see: a level open in the drawer hides its parent's.
      var links = drawer.querySelectorAll("a[href], label.md-nav__link[tabindex='0'], [role=button]");
      for (var i = 0; i < links.length; i++) {
        links[i].focus();
        if (document.activeElement === links[i]) break;
      }
    });
    // A level's title goes back up to its parent level (a <label> too, out of keyboard reach).
    Array.prototype.forEach.call(
      drawer.querySelectorAll('label.md-nav__title[for]:not([for="__drawer"])'),
      function (title) {
        var box = document.getElementById(title.getAttribute("for"));
        if (!box) return;
        title.setAttribute("role", "button");
        title.setAttribute("tabindex", "0");
        title.addEventListener("keydown", function (event) {
          if (event.key !== "Enter" && event.key !== " ") return;
          event.preventDefault();
          box.click();
          var item = box.closest(".md-nav__item");
          var link = item && item.querySelector(".md-nav__link[tabindex], .md-nav__link[href]");
          if (link) link.focus();
        });
      }
    );
    drawer.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !toggle.checked) return;
      close();
      opener.focus();
    });
    // Tab past the drawer's last link: the drawer closes rather than cover what has focus.
    drawer.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (toggle.checked && next && !drawer.contains(next) && next !== opener) close();
    });
  }

  var dialog = document.querySelector('.md-search[role="dialog"]');
  var field = dialog && dialog.querySelector("input[aria-label]");
  if (dialog && field && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", field.getAttribute("aria-label"));
  }
  // On a phone the search covers the page: Tab out of it closes it, as on a desktop, rather
  // than leave focus on what is under it.
  var search = document.getElementById("__search");
  if (dialog && search) {
    dialog.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (!search.checked || !next || dialog.contains(next)) return;
      search.click();
    });
    // The open search locks the page's scrolling (Material's data-md-scrolllock), so what
    // takes focus when it closes was not scrolled into view: once Material unlocks the page
    // and puts it back where it was, bring the focused element into view.
    if (window.MutationObserver) {
      new MutationObserver(function () {
        var focused = document.activeElement;
        if (document.body.hasAttribute("data-md-scrolllock")) return;
        if (focused && focused !== document.body && !dialog.contains(focused)) {
          focused.scrollIntoView({ block: "nearest" });
        }
      }).observe(document.body, { attributes: true, attributeFilter: ["data-md-scrolllock"] });
    }
  }

  // A table wider than a phone scrolls in its box: the box takes focus (so that the arrow
  // keys scroll it) only while it does scroll, named after its table's caption.
  var boxes = document.querySelectorAll(".md-typeset .relais-stats-scroll, .md-typeset__scrollwrap");
  var reach = function () {
    Array.prototype.forEach.call(boxes, function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var inside = box.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (scrolls && !inside) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (caption) box.setAttribute("aria-label", caption.textContent.trim());
      } else if (box.getAttribute("tabindex") === "0" && box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  };
  if (boxes.length) {
    reach();
    window.addEventListener("resize", reach);
  }
})();
