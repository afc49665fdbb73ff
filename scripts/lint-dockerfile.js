// Lints the Dockerfile with dockerfile-utils (the linter behind VS Code's Docker support) and,
// unlike its command line, fails on warnings too: `npm run lint:docker [-- path]`.
import { readFileSync } from "node:fs";
import { validate } from "dockerfile-utils";

const path = process.argv[2] ?? "Dockerfile";
const content = readFileSync(path, "utf8");
const severityNames = { 1: "error", 2: "warning", 3: "info", 4: "hint" };
const diagnostics = validate(content);

for (const diagnostic of diagnostics) {
  const line = diagnostic.range.start.line + 1;
  const severity = severityNames[diagnostic.severity] ?? "problem";
  console.error(`${path}:${line}: ${severity}: ${diagnostic.message}`);
}
if (diagnostics.length > 0) process.exit(1);
console.log(`${path}: no problems found`);
