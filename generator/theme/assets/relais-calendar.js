/* Relais calendar: filters by network, campaign, owner and status, kept in the address
   (?network=linkedin) and carried along month links; copy buttons for .ics subscriptions.
   Without JavaScript the filters stay hidden and every item is listed. No inline code:
   the pages' Content-Security-Policy is script-src 'self'. */
(function () {
  "use strict";

  var KEYS = ["network", "campaign", "owner", "status"];

  function matches(item, filters) {
    var isSlot = item.getAttribute("data-kind") === "slot";
    if (filters.network) {
      var nets = (item.getAttribute("data-networks") || "").split(" ");
      if (nets.indexOf(filters.network) < 0) return false;
    }
    // A free slot belongs to no campaign, owner or status: those filters hide it.
    if (isSlot) return !filters.campaign && !filters.owner && !filters.status;
    if (filters.campaign && item.getAttribute("data-campaign") !== filters.campaign) return false;
    if (filters.owner && item.getAttribute("data-owner") !== filters.owner) return false;
    if (filters.status && item.getAttribute("data-status") !== filters.status) return false;
    return true;
  }

  function read(form) {
    var filters = {};
    KEYS.forEach(function (key) {
      var field = form.elements[key];
      filters[key] = field ? field.value : "";
    });
    return filters;
  }

  function query(filters) {
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { if (filters[key]) params.set(key, filters[key]); });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function keepLinks(search) {
    document.querySelectorAll("a[data-relais-keep]").forEach(function (link) {
      var base = link.getAttribute("data-relais-href");
      if (base === null) {
        base = link.getAttribute("href").split("?")[0];
        link.setAttribute("data-relais-href", base);
      }
      link.setAttribute("href", base + search);
    });
  }

  function apply(root, form) {
    var filters = read(form);
    var items = root.querySelectorAll(".relais-cal-item[data-kind]");
    var shown = 0;
    items.forEach(function (item) {
      var ok = matches(item, filters);
      item.hidden = !ok;
      if (ok) shown += 1;
    });
    root.querySelectorAll("[data-relais-group]").forEach(function (group) {
      var any = group.querySelector(".relais-cal-item[data-kind]:not([hidden])");
      var keyDates = group.querySelector(".relais-cal-keydate");
      group.hidden = !any && !keyDates;
    });
    var count = form.querySelector(".relais-cal-count");
    if (count) {
      var active = KEYS.some(function (key) { return filters[key]; });
      count.textContent = active
        ? count.getAttribute("data-template").replace("{n}", shown).replace("{total}", items.length)
        : "";
    }
    var search = query(filters);
    if (window.history && history.replaceState) {
      history.replaceState(null, "", location.pathname + search + location.hash);
    }
    keepLinks(search);
  }

  function setUpFilters(root) {
    var form = root.querySelector("form[data-relais-filters]");
    if (!form) return;
    var params = new URLSearchParams(location.search);
    KEYS.forEach(function (key) {
      var field = form.elements[key];
      var value = params.get(key);
      if (field && value && field.querySelector('option[value="' + CSS.escape(value) + '"]')) field.value = value;
    });
    form.hidden = false;
    form.addEventListener("change", function () { apply(root, form); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(root, form); }, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply(root, form);
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function setUpCopy(root) {
    root.querySelectorAll("button.relais-cal-copy[data-copy]").forEach(function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button.getAttribute("data-copy")).then(function () {
          button.textContent = button.getAttribute("data-done") || label;
          button.classList.add("relais-cal-copy--done");
          setTimeout(function () {
            button.textContent = label;
            button.classList.remove("relais-cal-copy--done");
          }, 2000);
        }, function () {
          // The URL is printed beside the button: select it so that Ctrl+C works.
          var code = button.parentNode.querySelector(".relais-cal-feed__url");
          if (code && window.getSelection) {
            var range = document.createRange();
            range.selectNodeContents(code);
            var selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
          }
        });
      });
    });
  }

  function init() {
    document.querySelectorAll(".relais-cal").forEach(function (root) {
      if (root.getAttribute("data-relais-ready")) return;
      root.setAttribute("data-relais-ready", "1");
      setUpFilters(root);
      setUpCopy(root);
    });
  }

  // Material's instant navigation swaps pages without reloading: document$ fires on each page.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
