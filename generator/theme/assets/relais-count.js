/*
 * Relais live counter: the counting rules of generator/networks.py, for the browser.
 *
 *   RelaisCount.count(networkId, text, rules) -> {count, over, bytes}
 *
 * `rules` is the mapping written by networks.js_rules(): {id: {limit, fold, counting, byte_limit}}.
 * The Python side is authoritative (it runs in `relais check`); this script only gives
 * live feedback while typing. Where it can differ from Python:
 *   - X and Mastodon: Python finds links with twitter-text, which knows the real list of
 *     top-level domains and, for X, also counts a bare domain without "https://"
 *     ("maisonexemple.fr") as a 23-character link. Here only http(s) links count as 23,
 *     with an ASCII host whose last label looks public (letters, not a reserved name such
 *     as .local or .example); links with a non-ASCII host (IDN) count character by character.
 *   - X: twitter-text's emoji table dates from 2019 (Emoji 12); newer emoji sequences are
 *     weighted code point by code point there, but as one emoji (2) here.
 *   - Graphemes come from Intl.Segmenter (the browser's Unicode version) and from the
 *     `grapheme` package (Unicode 13) in Python; they differ only on rare scripts. Without
 *     Intl.Segmenter (old browsers) code points are counted instead.
 * Plain ES2019, no dependency; its regexes use lookbehind and \p{...} (ES2018).
 */
(function (root) {
  "use strict";

  var URL_LENGTH = 23;
  var RESERVED_TLDS = ["example", "invalid", "local", "localhost", "test", "internal",
    "intranet", "lan", "home", "corp", "localdomain", "private", "mail"];
  // twitter-text's URL shape: path and query characters, and what a link may end with.
  var ACCENTS = "\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0300-\\u036F\\u1E00-\\u1EFF\\u0400-\\u04FF";
  var PATH = "[a-z0-9" + ACCENTS + "!*';:=+,.$/%#\\[\\]\\-\\u2013_~@|&()]";
  var QUERY = "[a-z0-9!?*'@();:&=+$/%#\\[\\]\\-_.,~|]";
  var URL_RE = new RegExp(
    "(?<![A-Za-z0-9@\\uFF20$#\\uFF03\\u202A-\\u202E])https?:\\/\\/" +
    "(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\\.)+([a-z]{2,63}|xn--[a-z0-9-]+)" +
    "(?::\\d{1,5})?(?![a-z0-9_-]|\\.[a-z0-9])(?:\\/" + PATH + "*)?(?:\\?" + QUERY + "*)?", "giu");
  var PATH_END = new RegExp("[+\\-a-z0-9=_#/" + ACCENTS + "]", "iu");
  var QUERY_END = /[a-z0-9\-_&=#/]/i;
  var EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
  var MENTION = /(?<![=/\p{L}\p{N}_])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)@[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*[\p{L}\p{N}_]/gu;
  // X weighs 1 for these code points, 2 for all others (twitter-text config v3).
  var LIGHT = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];

  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ?
    new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  // Two ASCII characters in a row always have a grapheme boundary between them (CR LF
  // aside, normalised away), so only the pieces around other characters go through
  // Intl.Segmenter, which is slow (about 25 µs a grapheme in V8).
  var ASCII_PAIR = /(?<=[\0-\x7f])(?=[\0-\x7f])/;

  function graphemes(text) {
    if (!segmenter) return Array.from(text);
    var out = [];
    text.split(ASCII_PAIR).forEach(function (piece) {
      if (piece.length === 1) { out.push(piece); return; }
      for (var s of segmenter.segment(piece)) out.push(s.segment);
    });
    return out;
  }

  function codePoints(text) { return Array.from(text).length; }

  function utf8Bytes(text) { return new TextEncoder().encode(text).length; }

  function trimUrl(url) {
    // Drop trailing punctuation that twitter-text leaves out, keeping balanced ")".
    var ending = url.indexOf("?") >= 0 ? QUERY_END : PATH_END;
    while (url.length) {
      var last = url.charAt(url.length - 1);
      if (last === ")" && url.split("(").length >= url.split(")").length) break;
      if (last !== ")" && ending.test(last)) break;
      url = url.slice(0, -1);
    }
    return url;
  }

  // The recognised links of text as [start, end] pairs (UTF-16 offsets).
  function links(text) {
    var spans = [];
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      if (RESERVED_TLDS.indexOf(match[1].toLowerCase()) < 0) {
        spans.push([match.index, match.index + trimUrl(match[0]).length]);
      }
    }
    return spans;
  }

  function withLinksReplaced(text) {
    var out = "";
    var last = 0;
    links(text).forEach(function (span) {
      out += text.slice(last, span[0]) + "x".repeat(URL_LENGTH);
      last = span[1];
    });
    return out + text.slice(last);
  }

  function xWeight(text) {
    var total = 0;
    graphemes(text).forEach(function (cluster) {
      if (EMOJI.test(cluster)) { total += 200; return; }
      Array.from(cluster).forEach(function (ch) {
        var cp = ch.codePointAt(0);
        var light = LIGHT.some(function (r) { return cp >= r[0] && cp <= r[1]; });
        total += light ? 100 : 200;
      });
    });
    return total;
  }

  function countX(text) {
    var total = 0;
    var last = 0;
    links(text).forEach(function (span) {
      total += xWeight(text.slice(last, span[0])) + URL_LENGTH * 100;
      last = span[1];
    });
    return Math.floor((total + xWeight(text.slice(last))) / 100);
  }

  function countThreads(text) {
    return graphemes(text).reduce(function (sum, cluster) {
      return sum + (EMOJI.test(cluster) ? utf8Bytes(cluster) : codePoints(cluster));
    }, 0);
  }

  var COUNTERS = {
    x: countX,
    threads: countThreads,
    bluesky: function (text) { return graphemes(text).length; },
    mastodon: function (text) {
      return graphemes(withLinksReplaced(text).replace(MENTION, "@$1")).length;
    }
  };

  function count(networkId, text, rules) {
    var rule = (rules && rules[networkId]) || {};
    var normal = String(text || "").normalize("NFC").replace(/\r\n?/g, "\n");
    var counter = COUNTERS[rule.counting] || codePoints;
    var n = counter(normal);
    var bytes = utf8Bytes(normal);
    var over = (rule.limit != null && n > rule.limit) ||
      (rule.byte_limit != null && bytes > rule.byte_limit);
    return { count: n, over: Boolean(over), bytes: bytes };
  }

  root.RelaisCount = { count: count };
})(typeof window !== "undefined" ? window : global);
