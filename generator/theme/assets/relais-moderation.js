/*
 * Relais moderation replies: search and filter, in the browser.
 *
 * The reply cards are the kits' cards: relais-kits.js gives them their counter (the limits of
 * a reply, from the box's data-rules), the [[placeholder]] blocking and the copy button. This
 * script only shows the replies that match the words typed, the situation and the network
 * chosen; the network is remembered on this device. A link to #situation-<id> (the decision
 * guide's links) picks that situation. No inline script, no eval (the page's CSP).
 */
(function () {
  "use strict";

  var STORE_NETWORK = "relais.moderation.network";

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private browsing */ }
  }

  // As the build folds data-search (kits.checks.fold): no accents, no case, spaces as one.
  function fold(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function labels(box) {
    try { return JSON.parse(box.getAttribute("data-labels")) || {}; } catch (e) { return {}; }
  }

  function plural(lang, n) {
    try { return new Intl.PluralRules(lang).select(n) === "one" ? "one" : "other"; } catch (e) { return n === 1 ? "one" : "other"; }
  }

  function enhance(box) {
    var form = box.querySelector(".relais-moderation__filters");
    if (!form) return;
    var search = form.querySelector(".relais-moderation__search");
    var situation = form.querySelector(".relais-moderation__situation");
    var network = form.querySelector(".relais-moderation__network");
    var count = form.querySelector(".relais-moderation__count");
    var none = box.querySelector(".relais-moderation__none");
    var sections = Array.prototype.slice.call(box.querySelectorAll(".relais-situation"));
    var text = labels(box);
    var lang = document.documentElement.lang || "fr";
    // One card per reply is what fits a phone: the remembered network, else the site's first.
    var stored = load(STORE_NETWORK);
    var first = network.querySelector("option[value]:not([value=''])");
    if (stored !== null && (stored === "" || network.querySelector('option[value="' + stored.replace(/[^a-z0-9-]/g, "") + '"]'))) network.value = stored;
    else if (first) network.value = first.value;

    function fromHash() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      if (id.indexOf("situation-") !== 0) return false;
      var value = id.slice("situation-".length);
      if (!situation.querySelector('option[value="' + value.replace(/[^a-z0-9-]/g, "") + '"]')) return false;
      situation.value = value;
      return true;
    }

    function apply() {
      var words = fold(search.value).split(" ").filter(Boolean);
      var chosen = situation.value;
      var onNetwork = network.value;
      var shown = 0;
      sections.forEach(function (section) {
        var visible = 0;
        section.querySelectorAll(".relais-reply").forEach(function (reply) {
          var haystack = reply.getAttribute("data-search") || "";
          var networks = (reply.getAttribute("data-networks") || "").split(" ");
          var ok = (!chosen || reply.getAttribute("data-situation") === chosen) &&
            (!onNetwork || networks.indexOf(onNetwork) >= 0) &&
            words.every(function (w) { return haystack.indexOf(w) >= 0; });
          reply.hidden = !ok;
          reply.querySelectorAll(".relais-card").forEach(function (card) {
            card.hidden = Boolean(onNetwork) && card.getAttribute("data-network") !== onNetwork;
          });
          if (ok) visible += 1;
        });
        var filtering = words.length || onNetwork;
        section.hidden = chosen ? section.getAttribute("data-situation") !== chosen : (filtering && !visible);
        shown += section.hidden ? 0 : visible;
      });
      var key = "mod_shown_" + plural(lang, shown);
      count.textContent = String(text[key] || "").replace("{n}", String(shown));
      if (none) none.hidden = shown > 0;
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    search.addEventListener("input", apply);
    situation.addEventListener("change", apply);
    network.addEventListener("change", function () { save(STORE_NETWORK, network.value); apply(); });
    window.addEventListener("hashchange", function () { if (fromHash()) apply(); });
    fromHash();
    form.hidden = false;
    apply();
    box.setAttribute("data-filters", "ready");
  }

  function start() {
    document.querySelectorAll(".relais-moderation").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
