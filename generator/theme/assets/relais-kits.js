/*
 * Relais share kits, in the browser.
 *
 * On kits/ every card is rendered by the build; here it gets its live editor: the counter
 * (RelaisCount, the network's own rule), the [[prompts]] highlighted and required before
 * copying, the other suggestions, the copy and share buttons, the Mastodon instance.
 * On a personal page the build only lists that ambassador's kits (the no-JS fallback);
 * this script fetches the one data file, kits.json, fills the page's <template> copies of
 * the same card markup, and puts the ambassador's tag into the tracked link.
 *
 * Python (generator/kits, generator/networks.py) is the authority on what a kit says:
 * texts arrive composed. Only two things are computed here: the ambassador's link (the
 * "{ambassador}" slot of link_template) and share links from the edited text, a port of
 * networks.share_url() with the same percent-encoding (Python's quote(safe="")).
 * No inline script, no eval: the page's Content-Security-Policy allows neither.
 */
(function () {
  "use strict";

  var PROMPT = /\[\[([\s\S]*?)\]\]/;
  var STORE_INSTANCE = "relais.mastodon.instance";
  var STORE_NETWORKS = "relais.kits.networks";
  var STORE_SEEN = "relais.kits.seen";
  var SEEN_KEPT = 500;  // slugs remembered: far more than a year of kits
  var SOON_MS = 48 * 3600 * 1000;  // kits.kit.SOON
  var SLOT = "{ambassador}";
  var HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

  function format(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private browsing: not remembered */ }
  }

  function json(text, fallback) {
    try { return JSON.parse(text); } catch (e) { return fallback; }
  }

  // ------------------------------------------------------------ share links (networks.share_url)

  function quote(value) {
    return encodeURIComponent(value).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  function withParams(base, params) {
    var parts = params.filter(function (p) { return p[1]; })
      .map(function (p) { return p[0] + "=" + quote(p[1]); });
    return parts.length ? base + "?" + parts.join("&") : base;
  }

  function normalise(text) {
    return String(text || "").normalize("NFC").replace(/\r\n?/g, "\n");
  }

  function withLink(text, link) {
    if (!link || text.indexOf(link) >= 0) return text;
    return text ? text + "\n" + link : link;
  }

  // "host", "https://host/" or "@user@host" -> "host" (punycode, lower case), else null.
  function instanceHost(value) {
    var raw = String(value || "").trim();
    if (raw.indexOf("://") >= 0) {
      var scheme = raw.split("://")[0].toLowerCase();
      if (scheme !== "http" && scheme !== "https") return null;
      raw = raw.split("://")[1].split(/[/?#]/)[0];
      raw = raw.slice(raw.lastIndexOf("@") + 1);
    } else {
      raw = raw.slice(raw.lastIndexOf("@") + 1).split("/")[0];
    }
    raw = raw.replace(/\.+$/, "");
    var colon = raw.indexOf(":");
    var host = colon >= 0 ? raw.slice(0, colon) : raw;
    var port = colon >= 0 ? raw.slice(colon + 1) : "";
    try {
      host = host ? new URL("http://" + host + "/").hostname : "";
    } catch (e) {
      return null;
    }
    if (!HOST.test(host)) return null;
    if (port && !(/^\d+$/.test(port) && +port > 0 && +port < 65536)) return null;
    return port ? host + ":" + port : host;
  }

  function shareUrl(network, kind, text, url, instance, subject) {
    text = normalise(text).trim();
    url = String(url || "").trim();
    if (url && text.slice(-url.length) === url) text = text.slice(0, -url.length).replace(/\s+$/, "");
    var full = withLink(text, url);
    if (network === "x") return withParams("https://x.com/intent/post", [["text", text], ["url", url]]);
    if (network === "threads") return withParams("https://www.threads.com/intent/post", [["text", text], ["url", url]]);
    if (kind === "url_only") {
      if (!url) return null;
      if (network === "facebook") return withParams("https://www.facebook.com/sharer/sharer.php", [["u", url]]);
      return withParams("https://www.linkedin.com/sharing/share-offsite/", [["url", url]]);
    }
    if (network === "bluesky") return withParams("https://bsky.app/intent/compose", [["text", full]]);
    if (network === "mastodon") {
      var host = instanceHost(instance);
      return host ? withParams("https://" + host + "/share", [["text", full]]) : null;
    }
    if (network === "whatsapp") return withParams("https://api.whatsapp.com/send", [["text", full]]);
    if (kind === "email") {
      return withParams("mailto:", [["subject", normalise(subject).trim()], ["body", full.replace(/\n/g, "\r\n")]]);
    }
    return null;
  }

  // ------------------------------------------------------------ one card's editor

  function copyText(text, area) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      area.focus();
      area.select();
      if (document.execCommand && document.execCommand("copy")) resolve(); else reject(new Error("copy"));
    });
  }

  // The UTF-16 index just after `fold` code points, or -1 when the text is shorter.
  function foldIndex(text, fold) {
    var index = 0;
    var seen = 0;
    for (var ch of text) {
      if (seen === fold) return index;
      index += ch.length;
      seen += 1;
    }
    return -1;
  }

  // The backdrop behind the transparent textarea: prompts marked, text past the fold tinted.
  function paint(backdrop, text, foldAt) {
    var cuts = [0, text.length];
    var marks = [];
    var re = /\[\[[\s\S]*?\]\]/g;
    var m;
    while ((m = re.exec(text)) !== null) {
      marks.push([m.index, m.index + m[0].length]);
      cuts.push(m.index, m.index + m[0].length);
    }
    if (foldAt > 0) cuts.push(foldAt);
    cuts = cuts.filter(function (v, i, all) { return all.indexOf(v) === i; }).sort(function (a, b) { return a - b; });
    backdrop.textContent = "";
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i];
      var b = cuts[i + 1];
      var marked = marks.some(function (r) { return a >= r[0] && b <= r[1]; });
      var el = document.createElement(marked ? "mark" : "span");
      if (foldAt > 0 && a >= foldAt) el.className = "relais-card__beyond";
      el.textContent = text.slice(a, b);
      backdrop.appendChild(el);
    }
    // A final line break only takes room in a textarea when something follows it.
    backdrop.appendChild(document.createTextNode("\u200b"));
  }

  function enhance(card, box, rules) {
    var labels = json(box.getAttribute("data-labels"), {});
    var network = card.getAttribute("data-network");
    var kind = card.getAttribute("data-share");
    var rule = rules[network] || {};
    var label = (card.querySelector(".relais-card__label") || {}).textContent || network;
    var variants = json(card.getAttribute("data-variants"), []);
    var index = +card.getAttribute("data-variant") || 0;
    var edits = {};
    var area = card.querySelector(".relais-card__text");
    var backdrop = card.querySelector(".relais-card__backdrop");
    var counter = card.querySelector(".relais-card__count");
    var hint = card.querySelector(".relais-card__hint");
    var next = card.querySelector(".relais-card__next");
    var which = card.querySelector(".relais-card__which");
    var copy = card.querySelector(".relais-card__copy");
    var share = card.querySelector(".relais-card__share");
    var device = card.querySelector(".relais-card__device");
    var status = card.querySelector(".relais-card__status");
    var host = card.querySelector(".relais-card__host");
    var subject = (card.closest(".relais-kit") || document).querySelector(".relais-kit__title");
    if (!area || !variants.length) return;
    if (index >= variants.length) index = 0;
    area.value = variants[index];

    function say(text, bad) {
      status.textContent = text;
      status.classList.toggle("relais-card__status--error", Boolean(bad));
    }

    function link() { return card.getAttribute("data-link") || ""; }

    function refresh() {
      var text = area.value;
      var result = window.RelaisCount ? window.RelaisCount.count(network, text, rules) : null;
      if (result && counter) {
        var parts = [result.count + (rule.limit ? " / " + rule.limit : "") + " " + labels.characters];
        if (rule.byte_limit) parts.push(result.bytes + " / " + rule.byte_limit + " " + labels.bytes);
        if (rule.fold) parts.push(format(labels.fold_note, { fold: rule.fold }));
        if (result.over) parts.push(format(labels.over_limit, { network: label }));
        counter.textContent = parts.join(" · ");
        counter.classList.toggle("relais-count--over", result.over);
      }
      if (backdrop) paint(backdrop, text, rule.fold && rule.counting === "chars" ? foldIndex(text, rule.fold) : -1);
      if (hint) hint.hidden = !PROMPT.test(text);
      if (share) {
        // The box is what is shared: a link deleted from it is not added back (LinkedIn and
        // Facebook share nothing but the link, so theirs stays).
        var url = link();
        if (kind !== "url_only" && url && normalise(text).indexOf(url) < 0) url = "";
        var href = shareUrl(network, kind, text, url, host ? host.value : "", subject ? subject.textContent : "");
        if (href) share.setAttribute("href", href); else share.removeAttribute("href");
      }
      // Grow with the text (the backdrop must never scroll away from it); borders are outside scrollHeight.
      area.style.height = "auto";
      area.style.height = area.scrollHeight + (area.offsetHeight - area.clientHeight) + "px";
    }

    // Copying or sharing a text that still has a [[prompt]] is refused; the prompt is selected.
    function filled() {
      var m = PROMPT.exec(area.value);
      if (!m) return true;
      say(format(labels.prompt_fill, { prompt: m[1].trim() }), true);
      area.focus();
      area.setSelectionRange(m.index, m.index + m[0].length);
      return false;
    }

    area.addEventListener("input", function () { say(""); refresh(); });

    if (next && variants.length > 1) {
      next.hidden = false;
      next.addEventListener("click", function () {
        edits[index] = area.value;
        index = (index + 1) % variants.length;
        area.value = Object.prototype.hasOwnProperty.call(edits, index) ? edits[index] : variants[index];
        if (which) which.textContent = format(labels.suggestion_n, { n: index + 1, total: variants.length });
        say("");
        refresh();
      });
    }

    if (copy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        if (!filled()) return;
        copyText(area.value, area).then(function () { say(labels.copied); }, function () { say(labels.copy_failed, true); });
      });
    }

    if (host) {
      host.value = load(STORE_INSTANCE) || box.getAttribute("data-instance") || host.value;
      host.addEventListener("input", refresh);
      host.addEventListener("change", function () { if (instanceHost(host.value)) save(STORE_INSTANCE, host.value.trim()); });
    }

    if (share) {
      share.addEventListener("click", function (event) {
        if (!filled()) { event.preventDefault(); return; }
        var href = share.getAttribute("href");
        if (!href) {
          event.preventDefault();
          say(labels.instance_bad, true);
          if (host) host.focus();
          return;
        }
        if (host) save(STORE_INSTANCE, host.value.trim());
        if (kind !== "url_only") return;  // the link carries the text itself
        // LinkedIn and Facebook drop prefilled text: copy it first, then open the share window.
        event.preventDefault();
        var open = function () { window.open(href, "_blank", "noopener,noreferrer"); };
        copyText(area.value, area).then(function () {
          say(format(labels.copied_paste, { network: label }));
          open();
        }, function () {
          say(labels.copy_failed, true);
          open();
        });
      });
    }

    var phone = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    if (device && navigator.share && phone) {
      device.hidden = false;
      device.addEventListener("click", function () {
        if (!filled()) return;
        navigator.share({ text: area.value }).catch(function () { /* closed by the person */ });
      });
    }

    // A card folded in a <details> has no size until it opens: measure the text then.
    var fold = card.closest("details");
    if (fold) fold.addEventListener("toggle", function () { if (fold.open) refresh(); });

    refresh();
  }

  // ------------------------------------------------------------ "Share now": new, closing soon, closed

  // The kits this browser has shown are remembered (no account): the others are marked new.
  // "Closes soon" is redone with the reader's clock; the build's `now` said it without JS.
  function markKits(holder) {
    var kits = Array.prototype.slice.call(holder.children).filter(function (el) {
      return el.hasAttribute("data-closes");
    });
    if (!kits.length) return;
    var now = Date.now();
    var seen = json(load(STORE_SEEN), []);
    if (!Array.isArray(seen)) seen = [];
    var state = {};
    kits.forEach(function (kit) {
      var slug = kit.getAttribute("data-kit");
      var left = Date.parse(kit.getAttribute("data-closes")) - now;
      var ended = !isNaN(left) && left <= 0;
      var soon = !isNaN(left) && left > 0 && left <= SOON_MS;
      state[slug] = { soon: soon, ended: ended, left: left };
      var show = function (name, on) {
        var mark = kit.querySelector(".relais-mark--" + name);
        if (mark) mark.hidden = !on;
      };
      show("new", !ended && seen.indexOf(slug) < 0);
      show("soon", soon);
      show("ended", ended);
      kit.classList.toggle("relais-kit--ended", ended);
    });
    // The build's order (soon first, then the newest), with this clock: closed kits go last.
    kits.sort(function (a, b) {
      var x = state[a.getAttribute("data-kit")];
      var y = state[b.getAttribute("data-kit")];
      var rank = function (s) { return s.ended ? 2 : s.soon ? 0 : 1; };
      if (rank(x) !== rank(y)) return rank(x) - rank(y);
      if (rank(x) === 0 && x.left !== y.left) return x.left - y.left;
      var sa = a.getAttribute("data-start") || "";
      var sb = b.getAttribute("data-start") || "";
      return sa < sb ? 1 : sa > sb ? -1 : 0;
    });
    kits.forEach(function (kit) { holder.appendChild(kit); });
    var slugs = kits.map(function (k) { return k.getAttribute("data-kit"); });
    var kept = seen.filter(function (s) { return slugs.indexOf(s) < 0; }).concat(slugs);
    save(STORE_SEEN, JSON.stringify(kept.slice(-SEEN_KEPT)));
  }

  // ------------------------------------------------------------ kits/: networks picked by the visitor

  function pickNetworks(box) {
    var fieldset = box.querySelector(".relais-kits__pick");
    if (!fieldset) return;
    var inputs = Array.prototype.slice.call(fieldset.querySelectorAll("input[type=checkbox]"));
    var stored = json(load(STORE_NETWORKS), null);
    if (stored && stored.on && stored.seen) {
      // A network that was not on the page when the choice was saved starts checked.
      inputs.forEach(function (input) {
        input.checked = stored.on.indexOf(input.value) >= 0 || stored.seen.indexOf(input.value) < 0;
      });
    }

    function apply() {
      var on = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      box.querySelectorAll(".relais-card").forEach(function (card) {
        card.hidden = on.indexOf(card.getAttribute("data-network")) < 0;
      });
      box.querySelectorAll(".relais-kit").forEach(function (kit) {
        kit.hidden = !kit.querySelector(".relais-card:not([hidden])");
      });
      return on;
    }

    fieldset.hidden = false;
    fieldset.addEventListener("change", function () {
      var seen = inputs.map(function (i) { return i.value; });
      if (stored && stored.seen) seen = seen.concat(stored.seen.filter(function (n) { return seen.indexOf(n) < 0; }));
      save(STORE_NETWORKS, JSON.stringify({ on: apply(), seen: seen }));
    });
    apply();
  }

  // ------------------------------------------------------------ a personal page, from kits.json

  function clone(box, selector) {
    var template = box.querySelector(selector);
    return template ? template.content.firstElementChild.cloneNode(true) : null;
  }

  function drop(el) { if (el && el.parentNode) el.parentNode.removeChild(el); }

  function fillKit(el, kit, base, item) {
    el.id = "kit-" + kit.slug;
    el.setAttribute("data-kit", kit.slug);
    el.setAttribute("data-start", item.getAttribute("data-start") || "");
    el.setAttribute("data-closes", item.getAttribute("data-closes") || "");
    var title = el.querySelector(".relais-kit__title");
    title.textContent = kit.title;
    title.href = new URL(kit.post.path, base).href;
    var campaign = el.querySelector(".relais-kit__window .relais-campaign");
    el.querySelector(".relais-kit__dates").textContent =
      (item.querySelector(".relais-mykit__window") || {}).textContent || "";
    var soon = item.querySelector(".relais-mark--soon");
    el.querySelector(".relais-mark--soon").hidden = !soon || soon.hidden;
    if (kit.campaign) {
      campaign.textContent = kit.campaign.title;
      campaign.style.setProperty("--relais-color", kit.campaign.color || "");
    } else {
      drop(campaign);
    }
    var src = kit.image ? new URL(kit.image.path, base).href : "";
    var figure = el.querySelector(".relais-kit__visual");
    if (figure && kit.image) {
      var img = figure.querySelector("img");
      img.src = src;
      img.alt = kit.image.alt;
      figure.querySelector(".relais-kit__alt").textContent = kit.image.alt;
      figure.querySelector(".relais-kit__download").href = src;
    } else {
      drop(figure);
    }
    var thumb = el.querySelector(".relais-kit__thumb");
    if (thumb && kit.image) {
      thumb.href = src;
      thumb.querySelector("img").src = src;
      thumb.querySelector("img").alt = kit.image.alt;
    } else {
      drop(thumb);
    }
    return el;
  }

  // Every card but the first folds away under "Text for <network>" (as the home page's do).
  function folded(card, label, network, labels) {
    var details = document.createElement("details");
    details.className = "relais-kit__more";
    var summary = document.createElement("summary");
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "relais-icon");
    svg.setAttribute("aria-hidden", "true");
    var use = document.createElementNS("http://www.w3.org/2000/svg", "use");
    use.setAttribute("href", "#relais-" + network);
    svg.appendChild(use);
    summary.appendChild(svg);
    summary.appendChild(document.createTextNode(" " + format(labels.text_for, { network: label })));
    details.appendChild(summary);
    details.appendChild(card);
    return details;
  }

  function fillCard(el, kit, data, network, pick, box) {
    var labels = json(box.getAttribute("data-labels"), {});
    var info = (data.networks || {})[network] || {};
    var card = kit.cards.filter(function (c) { return c.network === network; })[0];
    var tag = box.getAttribute("data-tag") || "";
    var link = card.link;
    var variants = card.variants.map(function (v) { return v.composed; });
    if (tag && card.link_template && card.link_template.indexOf(SLOT) >= 0) {
      // Only the tracked link differs for an ambassador; it ends every composed text.
      var mine = card.link_template.split(SLOT).join(tag);
      variants = variants.map(function (v) {
        return link && v.slice(-link.length) === link ? v.slice(0, -link.length) + mine : v;
      });
      link = mine;
    }
    el.id = "kit-" + kit.slug + "-" + network;
    el.setAttribute("data-network", network);
    el.setAttribute("data-share", card.share || info.share || "none");
    el.setAttribute("data-variants", JSON.stringify(variants));
    el.setAttribute("data-variant", String(pick < variants.length ? pick : 0));
    el.setAttribute("data-link", link);
    el.setAttribute("data-link-template", card.link_template);
    el.querySelector("use").setAttribute("href", "#relais-" + network);
    el.querySelector(".relais-card__label").textContent = card.label;
    var which = el.querySelector(".relais-card__which");
    if (which) which.textContent = format(labels.suggestion_n, { n: (pick < variants.length ? pick : 0) + 1, total: variants.length });
    var next = el.querySelector(".relais-card__next");
    if (next) next.hidden = variants.length < 2;
    var share = el.querySelector(".relais-card__share");
    var note = el.querySelector(".relais-card__note");
    var kind = card.share || info.share;
    var left = kit.link && !card.link && info.links === false
      ? " " + format(labels.no_link_in_text, { network: card.label }) : "";
    if (kind === "none") {
      drop(share);
      note.textContent = format(labels.no_share_link, { network: card.label }) + left;
    } else if (kind === "url_only") {
      share.textContent = format(labels.copy_and_share, { network: card.label });
      note.textContent = format(labels.copy_first_note, { network: card.label });
    } else {
      share.textContent = format(network === "email" ? labels.share_email : labels.share_on, { network: card.label });
      drop(note);
    }
    if (network !== "mastodon") drop(el.querySelector(".relais-card__instance"));
    else el.querySelector(".relais-card__host").value = box.getAttribute("data-instance") || "";
    return el;
  }

  function parsePicks(text) {
    var picks = {};
    String(text || "").split(/\s+/).forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length === 2) picks[parts[0]] = +parts[1] || 0;
    });
    return picks;
  }

  function buildAmbassador(box) {
    var list = box.querySelector(".relais-mykits");
    if (!list || !window.fetch) return;
    var base = new URL(box.getAttribute("data-src"), window.location.href);
    window.fetch(base.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        var bySlug = {};
        (data.kits || []).forEach(function (kit) { bySlug[kit.slug] = kit; });
        var holder = document.createElement("div");
        holder.className = "relais-kits__list";
        list.querySelectorAll(".relais-mykit").forEach(function (item) {
          var kit = bySlug[item.getAttribute("data-kit")];
          var el = kit && clone(box, ".relais-kit-template");
          if (!el) return;
          fillKit(el, kit, base, item);
          var cards = el.querySelector(".relais-kit__cards");
          var picks = parsePicks(item.getAttribute("data-variants"));
          var labels = json(box.getAttribute("data-labels"), {});
          (item.getAttribute("data-networks") || "").split(/\s+/).forEach(function (network) {
            var known = kit.cards.filter(function (c) { return c.network === network; })[0];
            var card = known && clone(box, ".relais-card-template");
            if (!card) return;
            card = fillCard(card, kit, data, network, picks[network] || 0, box);
            cards.appendChild(cards.children.length ? folded(card, known.label, network, labels) : card);
          });
          holder.appendChild(el);
        });
        list.hidden = true;
        var note = box.querySelector(".relais-kits__nojs");
        if (note) note.hidden = true;
        list.parentNode.insertBefore(holder, list.nextSibling);
        holder.querySelectorAll(".relais-card").forEach(function (card) { enhance(card, box, data.networks || {}); });
        markKits(holder);
        box.setAttribute("data-ready", "true");
        if (window.location.hash) {
          var target = document.getElementById(window.location.hash.slice(1));
          if (target) target.scrollIntoView();
        }
      })
      .catch(function () {
        var labels = json(box.getAttribute("data-labels"), {});
        var p = document.createElement("p");
        p.className = "relais-card__status relais-card__status--error";
        p.textContent = labels.kits_load_failed || "";
        list.parentNode.insertBefore(p, list);
      });
  }

  function start() {
    document.querySelectorAll(".relais-kits").forEach(function (box) {
      if (box.getAttribute("data-mode") === "ambassador") {
        buildAmbassador(box);
      } else {
        var rules = json(box.getAttribute("data-rules"), {});
        box.querySelectorAll(".relais-card").forEach(function (card) { enhance(card, box, rules); });
        pickNetworks(box);
        box.querySelectorAll("[data-share-now]").forEach(markKits);
        box.setAttribute("data-ready", "true");
      }
    });
  }

  window.RelaisKits = { shareUrl: shareUrl, instanceHost: instanceHost };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
