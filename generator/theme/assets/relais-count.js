/*
 * Relais live counter: the counting rules of generator/networks.py, for the browser.
 *
 *   RelaisCount.count(networkId, text, rules) -> {count, over, bytes, invalid}
 *
 * `rules` is the mapping written by networks.js_rules(): {id: {limit, fold, counting, byte_limit}}.
 * `invalid` lists the characters the network refuses ("U+FFFE"), as Python names them.
 * The Python side is authoritative (it runs in `relais check`); this script gives the same
 * counts while typing (tests/test_networks.py runs both on the same cases in Node and in
 * Chromium). Where it can differ from Python:
 *   - X and Mastodon: Python finds links with twitter-text's list of top-level domains and,
 *     for X, also counts a bare domain without "https://" ("maisonexemple.fr") as a
 *     23-character link. Here a link needs its protocol, and its last label only has to
 *     look public (letters, or xn--, and not a reserved name such as .local or .example).
 *   - X: twitter-text's emoji table dates from 2019 (Emoji 12); newer emoji sequences are
 *     weighted code point by code point there, but as one emoji (2) here.
 *   - Graphemes come from Intl.Segmenter (the browser's Unicode: 17 in Chromium 156) and
 *     from the `regex` module (Unicode 18) in Python: they differ only where Unicode 18
 *     changed a rule (a virama written after no consonant). Without Intl.Segmenter (old
 *     browsers) code points are counted instead.
 * Bluesky counts the text with its http(s) links shortened as its composer does (host, then
 * 13 characters and "..."); Mastodon counts links as 23 and "@user@host" as "@user".
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
  // X weighs 1 for these code points, 2 for all others (twitter-text config v3).
  var LIGHT = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];
  var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
  var X_INVALID = /[\uFFFE\uFEFF\uFFFF]/g;

  // ---- Mastodon: its URL pattern (twitter-text's, widened by Mastodon) and its mentions
  var WHITE = "\\t-\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
  var UCHARS = "\\xA0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF\\u{10000}-\\u{1FFFD}\\u{20000}-\\u{2FFFD}" +
    "\\u{30000}-\\u{3FFFD}\\u{40000}-\\u{4FFFD}\\u{50000}-\\u{5FFFD}\\u{60000}-\\u{6FFFD}" +
    "\\u{70000}-\\u{7FFFD}\\u{80000}-\\u{8FFFD}\\u{90000}-\\u{9FFFD}\\u{A0000}-\\u{AFFFD}" +
    "\\u{B0000}-\\u{BFFFD}\\u{C0000}-\\u{CFFFD}\\u{D0000}-\\u{DFFFD}\\u{E1000}-\\u{EFFFD}" +
    "\\uE000-\\uF8FF\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}";
  var M_CHAR = "[^" + WHITE + "<>()?]";
  var M_PARENS = "\\((?:" + M_CHAR + "+|(?:" + M_CHAR + "*\\(" + M_CHAR + "+\\)" + M_CHAR + "*))\\)";
  // Mastodon's path ending takes twitter-text's own balanced parentheses (Ruby interpolated
  // them before redefining them).
  var T_CHAR = "[a-z\\u0400-\\u04FF0-9!*';:=+,.$/%#\\[\\]\\-\\u2013_~@|&" + ACCENTS + "]";
  var T_PARENS = "\\((?:" + T_CHAR + "+|(?:" + T_CHAR + "*\\(" + T_CHAR + "+\\)" + T_CHAR + "*))\\)";
  var M_END = "(?:[^" + WHITE + "()?!*\"'\\u300C\\u300D<>;:=,.$%\\[\\]~&|@]|" + T_PARENS + ")";
  var M_PATH = "(?:(?:" + M_CHAR + "*(?:" + M_PARENS + M_CHAR + "*)*" + M_END + ")|(?:" + M_CHAR + "+/))";
  var DOMAIN_CHAR = "[^!'#%&()*+,\\\\\\-./:;<=>?@\\[\\]^_{|}~$" + WHITE + "\\u180E" +
    "\\uFFFE\\uFEFF\\uFFFF\\u202A-\\u202E\\u061C\\u200E\\u200F\\u2066-\\u2069]";
  var M_DOMAIN = "(?:(?:" + DOMAIN_CHAR + "(?:[_-]|" + DOMAIN_CHAR + ")*)?" + DOMAIN_CHAR + "\\.)*" +
    "(?:(?:" + DOMAIN_CHAR + "(?:-|" + DOMAIN_CHAR + ")*)?" + DOMAIN_CHAR + "\\.)" +
    "(\\p{L}{2,63}|xn--[a-z0-9-]+)(?=[^\\p{L}\\p{N}@+-]|$)";
  var MASTODON_URL = new RegExp(
    "(^|[^A-Za-z0-9@\\uFF20$#\\uFF03\\uFFFE\\uFEFF\\uFFFF])" +
    "(((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini):\\/\\/)?(" + M_DOMAIN + ")" +
    "(?::[0-9]+)?(?:\\/" + M_PATH + "*)?" +
    "(?:\\?[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@^" + UCHARS + "]*[a-z0-9_&=#/\\-" + UCHARS + "])?)",
    "giu");
  var TCO = /^https?:\/\/t\.co\/([a-z0-9]+)/i;
  var WORD = "[\\p{L}\\p{M}\\p{Nd}\\p{Pc}]";
  var MENTION = new RegExp("(?<![=/]|" + WORD + ")@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)" +
    "(?:@(" + WORD + "+(?:[.-]+" + WORD + "+)*))?", "giu");
  var END_MENTION = new RegExp("^(?:[@\\uFF20" + ACCENTS.replace("\\u0400-\\u04FF", "") + "]|:\\/\\/)", "u");

  // ---- Bluesky: atproto's link pattern; the composer shortens links written with http(s)://
  var BLUESKY_LINK = /(^|[\s(])(https?:\/\/\S+|[a-z][a-z0-9]*(?:\.[a-z0-9]+)+\S*)/gi;

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

  // The recognised X links of text as [start, end] pairs (UTF-16 offsets).
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

  // text with each [start, end, replacement] applied, overlapping ones dropped.
  function rewrite(text, entities) {
    entities.sort(function (a, b) { return a[0] - b[0]; });
    var out = "";
    var last = 0;
    entities.forEach(function (e) {
      if (e[0] < last) return;
      out += text.slice(last, e[0]) + e[2];
      last = e[1];
    });
    return out + text.slice(last);
  }

  function asciiLength(domain) {
    try { return new URL("http://" + domain + "/").hostname.length; } catch (e) { return -1; }
  }

  function mastodonText(text) {
    var entities = [];
    var match;
    if (text.indexOf(":") >= 0) {
      MASTODON_URL.lastIndex = 0;
      while ((match = MASTODON_URL.exec(text)) !== null) {
        var url = match[2];
        var tld = match[5].toLowerCase();
        if (!match[3] || RESERVED_TLDS.indexOf(tld) >= 0) continue;
        var tco = TCO.exec(url);
        if (tco) {
          if (tco[1].length > 40) continue;
          url = tco[0];
        }
        var ascii = asciiLength(match[4]);
        if (ascii < 0 || url.length + Math.max(0, ascii - match[4].length) > 4096) continue;
        var start = match.index + match[1].length;
        entities.push([start, start + url.length, "x".repeat(URL_LENGTH)]);
      }
    }
    MENTION.lastIndex = 0;
    while ((match = MENTION.exec(text)) !== null) {
      var end = match.index + match[0].length;
      if (END_MENTION.test(text.slice(end)) || (match[2] || "").length > 253) continue;
      entities.push([match.index, end, "@" + match[1]]);
    }
    return rewrite(text, entities);
  }

  // The Bluesky composer's toShortUrl.
  function shortUrl(url) {
    var parsed;
    try { parsed = new URL(url); } catch (e) { return url; }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return url;
    var rest = (parsed.pathname === "/" ? "" : parsed.pathname) + parsed.search + parsed.hash;
    return parsed.host + (rest.length > 15 ? rest.slice(0, 13) + "..." : rest);
  }

  function blueskyText(text) {
    var entities = [];
    var match;
    BLUESKY_LINK.lastIndex = 0;
    while ((match = BLUESKY_LINK.exec(text)) !== null) {
      var url = match[2];
      if (url.slice(0, 4) !== "http" || url.slice(0, 8).indexOf("://") < 0) continue;
      if (/[.,;:!?]$/.test(url)) url = url.slice(0, -1);
      if (/\)$/.test(url) && url.indexOf("(") < 0) url = url.slice(0, -1);
      var start = match.index + match[1].length;
      entities.push([start, start + url.length, shortUrl(url)]);
    }
    return rewrite(text, entities);
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
    bluesky: function (text) { return graphemes(blueskyText(text)).length; },
    mastodon: function (text) { return graphemes(mastodonText(text)).length; }
  };

  function invalidCharacters(counting, text) {
    var found = text.match(LONE_SURROGATE) || [];
    if (counting === "x") found = found.concat(text.match(X_INVALID) || []);
    var names = [];
    found.forEach(function (c) {
      var name = "U+" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
      if (names.indexOf(name) < 0) names.push(name);
    });
    return names;
  }

  function count(networkId, text, rules) {
    var rule = (rules && rules[networkId]) || {};
    var raw = String(text || "");
    var invalid = invalidCharacters(rule.counting, raw);
    var normal = raw.replace(LONE_SURROGATE, "\uFFFD").normalize("NFC").replace(/\r\n?/g, "\n");
    var counter = COUNTERS[rule.counting] || codePoints;
    var n = counter(normal);
    var bytes = utf8Bytes(rule.counting === "bluesky" ? blueskyText(normal) : normal);
    var over = (rule.limit != null && n > rule.limit) ||
      (rule.byte_limit != null && bytes > rule.byte_limit);
    return { count: n, over: Boolean(over), bytes: bytes, invalid: invalid };
  }

  root.RelaisCount = { count: count };
})(typeof window !== "undefined" ? window : global);
