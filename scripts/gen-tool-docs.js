// Rewrites the tool reference in README.md from the built registry: `npm run docs`.
// `--check` only reports whether README.md is current (exit 1 when it is not).
import { readFileSync, writeFileSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";

const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const { tools } = await import("../dist/server/registry.js");
const { renderToolDocs, replaceToolDocs } = await import("../dist/report/render-tool-docs.js");

const current = readFileSync(readmePath, "utf8");
// Formatted as the CI format check expects, so generating never breaks `format:check`.
const options = { ...(await resolveConfig(readmePath)), filepath: readmePath };
const updated = await format(replaceToolDocs(current, renderToolDocs(tools)), options);

if (process.argv.includes("--check")) {
  if (updated !== current) {
    console.error("README.md's tool reference is out of date; run `npm run docs`");
    process.exit(1);
  }
  console.log("README.md's tool reference is current");
} else if (updated !== current) {
  writeFileSync(readmePath, updated);
  console.log(`README.md: tool reference rewritten for ${tools.length} tools`);
} else {
  console.log("README.md: tool reference already current");
}
