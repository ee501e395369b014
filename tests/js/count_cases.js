// Reads {"rules": ..., "cases": [[networkId, text], ...]} on stdin, prints the counts as JSON.
"use strict";
const path = require("path");
require(path.join(__dirname, "..", "..", "generator", "theme", "assets", "relais-count.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { rules, cases } = JSON.parse(input);
  const results = cases.map(([id, text]) => global.RelaisCount.count(id, text, rules));
  process.stdout.write(JSON.stringify(results));
});
