import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  bodyLength,
  changeList,
  code,
  diffSections,
  link,
  plural,
  structuredPatch,
  table,
  text,
  url
} from "./chunk-SXKU4PVK.js";

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
  const side = (text2, prefix) => {
    if (text2 === "") return [];
    const lines = text2.split("\n");
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
    const text2 = lines[index];
    if (!/^[A-Za-z_$]/.test(text2)) continue;
    const name = truncateUtf8(text2, FUNCNAME_MAX_BYTES).replace(/\s+$/, "");
    return name === "" ? "" : ` ${name}`;
  }
  return "";
}
function truncateUtf8(text2, maxBytes) {
  if (Buffer.byteLength(text2) <= maxBytes) return text2;
  let bytes = 0;
  let end = 0;
  for (const char of text2) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text2.slice(0, end);
}

// src/report/pull-request.ts
var PULL_REQUEST_MARKER = "<!-- gitops-deploy-action -->";
var MAX_BODY_LENGTH = 65536;
var LIMIT_NAME = "GitHub's limit of 65,536 characters";
var TABLE_FILES = 10;
function pullRequestBody(facts, intro) {
  for (const layout of ["full", "no-diffs", "table-only"]) {
    const body = compose(facts, intro, layout);
    if (bodyLength(body) <= MAX_BODY_LENGTH) return body;
  }
  return compose(facts, "", "table-only");
}
function compose(facts, intro, layout) {
  const summaryTable = factsTable(facts);
  const links = sourceLinks(facts.source);
  const footer = `${links ? `${links}

` : ""}${PULL_REQUEST_MARKER}
`;
  let budget = MAX_BODY_LENGTH - bodyLength(summaryTable) - bodyLength(footer) - 64;
  const introText = intro.trim() === "" ? "" : fitIntro(intro.trim(), Math.min(budget - 2e3, budget * 0.75));
  budget -= bodyLength(introText) + 4;
  const sections = [introText, summaryTable];
  const withChanges = facts.files.filter((file) => file.changes.length > 0);
  if (layout !== "table-only" && withChanges.length > 0) {
    sections.push(`**Changed containers**

${changeList(withChanges, Math.max(0, budget * 0.5), bodyLength)}`);
    budget -= bodyLength(sections[sections.length - 1]) + 4;
  }
  if (facts.files.some((file) => file.diff !== "")) {
    sections.push(
      layout === "full" ? `**Diff**

${diffSections(facts.files, budget - 32, bodyLength, LIMIT_NAME)}` : `_The diffs are left out to stay under ${LIMIT_NAME}; the commit has the full change._`
    );
  }
  sections.push(footer);
  return sections.filter((section) => section !== "").map((section) => section.replace(/\n+$/, "")).join("\n\n") + "\n";
}
function factsTable(facts, extraRows = []) {
  const paths = facts.files.map((file) => code(file.path));
  const shown = paths.slice(0, TABLE_FILES);
  if (paths.length > TABLE_FILES) shown.push(`\u2026 and ${plural(paths.length - TABLE_FILES, "more file")}`);
  return table([
    ["Image", code(facts.image.image)],
    ["Digest", code(facts.image.digest)],
    ["Registry", code(facts.registry)],
    ...extraRows,
    ["Files", shown.length > 0 ? shown.join("<br>") : "none"]
  ]);
}
function sourceLinks(source) {
  const { serverUrl, repository, sha, runId } = source;
  if (!serverUrl || !repository) return "";
  const commit = sha ? `from commit ${link(code(sha.slice(0, 7)), url(serverUrl, repository, "commit", sha))} of ${text(repository)}` : "";
  const run = runId ? `by ${link(`workflow run ${text(runId)}`, url(serverUrl, repository, "actions/runs", runId))}${sha ? "" : ` of ${text(repository)}`}` : "";
  return commit || run ? `Deployed ${[commit, run].filter(Boolean).join(" ")}.` : "";
}
function fitIntro(intro, room) {
  if (bodyLength(intro) <= room) return intro;
  const note = `

_The description above is cut to stay under ${LIMIT_NAME}._`;
  let end = 0;
  let size = bodyLength(note);
  for (const line of intro.split("\n")) {
    const next = bodyLength(line) + 2;
    if (size + next > room) break;
    size += next;
    end += line.length + 1;
  }
  return intro.slice(0, Math.max(0, end - 1)) + note;
}

// src/writeback/facts.ts
function deploymentFacts(settings, gitops, base, change, image, publish) {
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
      sha: settings.run.sha,
      runId: settings.run.runId
    },
    ...publish !== void 0 && { publish }
  };
}

export {
  unifiedDiff,
  pullRequestBody,
  factsTable,
  sourceLinks,
  deploymentFacts
};
