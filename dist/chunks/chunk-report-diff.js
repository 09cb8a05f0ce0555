import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  structuredPatch
} from "./chunk-diff-libesm-diff-array.js";

// src/report/diff.ts
var DEFAULT_CONTEXT = 3;
var MAX_EDIT_LENGTH = 2e3;
var FUNCNAME_MAX_BYTES = 80;
var NO_NEWLINE = "\\ No newline at end of file";
var VISIBLE_CR = "\u240D";
function unifiedDiff(path, before, after, context = DEFAULT_CONTEXT) {
  if (!(context >= 0 && (Number.isInteger(context) || context === Infinity))) {
    throw new RangeError(`The diff context must be a whole number of lines (0 or more), not ${context}`);
  }
  if (before === after) return "";
  const lines = Math.min(context, before.length + after.length + 1);
  const patch = structuredPatch("", "", before, after, void 0, void 0, { context: lines, maxEditLength: MAX_EDIT_LENGTH }) ?? wholeFile(before, after);
  const beforeLines = before.split("\n");
  const out = [`--- a/${path}`, `+++ b/${path}`];
  for (const hunk of patch.hunks) {
    out.push(
      `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@` + functionName(beforeLines, hunk.oldStart - 1)
    );
    out.push(...showCarriageReturns(hunk.lines));
  }
  out.push("");
  return out.join("\n");
}
function wholeFile(before, after) {
  const side = (text, prefix) => {
    if (text === "") return [];
    const lines = text.split("\n");
    const finalNewline = lines[lines.length - 1] === "";
    if (finalNewline) lines.pop();
    const shown = lines.map((line) => prefix + line);
    return finalNewline ? shown : [...shown, NO_NEWLINE];
  };
  const removed = side(before, "-");
  const added = side(after, "+");
  const count = (lines) => lines.filter((line) => line !== NO_NEWLINE).length;
  return {
    hunks: [
      { oldStart: 1, oldLines: count(removed), newStart: 1, newLines: count(added), lines: [...removed, ...added] }
    ]
  };
}
function range(start, count) {
  if (count === 1) return `${start}`;
  return `${count === 0 ? start - 1 : start},${count}`;
}
function showCarriageReturns(lines) {
  const out = [];
  let index = 0;
  while (index < lines.length) {
    if (lines[index][0] !== "-" && lines[index][0] !== "+") {
      out.push(stripCr(lines[index], false));
      index++;
      continue;
    }
    let end = index;
    while (end < lines.length && lines[end][0] !== " ") end++;
    const changed = lines.slice(index, end).filter((line) => line !== NO_NEWLINE);
    const withCr = changed.filter((line) => line.endsWith("\r")).length;
    const show = withCr > 0 && withCr < changed.length;
    for (; index < end; index++) out.push(stripCr(lines[index], show));
  }
  return out;
}
function stripCr(line, show) {
  return line.endsWith("\r") ? line.slice(0, -1) + (show ? VISIBLE_CR : "") : line;
}
function functionName(lines, hunkStart) {
  for (let index = hunkStart - 1; index >= 0; index--) {
    const text = lines[index];
    if (!/^[A-Za-z_$]/.test(text)) continue;
    const name = truncateUtf8(text, FUNCNAME_MAX_BYTES).replace(/\s+$/, "");
    return name === "" ? "" : ` ${name}`;
  }
  return "";
}
function truncateUtf8(text, maxBytes) {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

// src/writeback/facts.ts
function deploymentFacts(settings, gitops, base, change, image, publish, sourceSha) {
  return {
    image,
    registry: settings.image.registry,
    gitopsRepository: gitops.repository.fullName,
    base,
    files: change.plan.files.filter((file) => file.changes.length > 0).map((file) => ({
      path: file.path,
      diff: unifiedDiff(file.path, file.before, file.after),
      changes: file.changes
    })),
    source: {
      serverUrl: settings.run.serverUrl,
      repository: settings.run.repository,
      // The commit the GitOps commit names (a pull request's head rather than its merge preview).
      sha: sourceSha ?? settings.run.sha,
      runId: settings.run.runId
    },
    ...publish !== void 0 && { publish }
  };
}

export {
  unifiedDiff,
  deploymentFacts
};
