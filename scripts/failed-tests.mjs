// Lists every failed test in a results folder (the .trx files of dotnet test and Vitest's JSON report), each with
// the start of its message, so that the end of a long test log says what failed and why.
// Usage: node scripts/failed-tests.mjs RESULTS_FOLDER
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const folder = process.argv[2];
const headLines = 12;
const tailLines = 25;

const decode = (text) =>
  text.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-f]+|#[0-9]+);/gi, (_, name) => {
    const named = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" }[name.toLowerCase()];
    if (named) return named;
    return String.fromCodePoint(name[1].toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
  });

const shorten = (text) => {
  const lines = text.trim().split("\n");
  if (lines.length <= headLines + tailLines) return lines;
  return [...lines.slice(0, headLines), `... (${lines.length - headLines - tailLines} lines left out)`, ...lines.slice(-tailLines)];
};

const failures = [];

for (const file of readdirSync(folder).filter((name) => name.endsWith(".trx"))) {
  const trx = readFileSync(join(folder, file), "utf8");
  for (const match of trx.matchAll(/<UnitTestResult\b([^>]*?)(\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
    const attributes = match[1];
    if (!/\boutcome="Failed"/.test(attributes)) continue;
    const name = decode(/\btestName="([^"]*)"/.exec(attributes)?.[1] ?? "(unnamed test)");
    const body = match[3] ?? "";
    const message = decode(/<Message>([\s\S]*?)<\/Message>/.exec(body)?.[1] ?? "");
    const stack = decode(/<StackTrace>([\s\S]*?)<\/StackTrace>/.exec(body)?.[1] ?? "");
    failures.push({ name, text: `${message}\n${stack}` });
  }
}

try {
  const report = JSON.parse(readFileSync(join(folder, "vitest.json"), "utf8"));
  for (const suite of report.testResults ?? []) {
    const failed = (suite.assertionResults ?? []).filter((test) => test.status === "failed");
    for (const test of failed) failures.push({ name: `${suite.name}: ${test.fullName}`, text: (test.failureMessages ?? []).join("\n") });
    if (suite.status === "failed" && failed.length === 0) failures.push({ name: suite.name, text: suite.message ?? "" });
  }
} catch {
  // No Vitest report: scripts/test already counts that as a failure.
}

if (failures.length > 0) {
  console.log(`\nFailed tests (${failures.length}):`);
  for (const { name, text } of failures) {
    console.log(`- ${name}`);
    if (text.trim()) for (const line of shorten(text)) console.log(`    ${line}`);
  }
}
