import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatBytes
} from "./chunk-util-bytes.js";
import {
  changeList,
  code,
  diffSections,
  factsTable,
  link,
  sourceLinks,
  text,
  url,
  utf8Length
} from "./chunk-diff-libesm-diff-array.js";
import {
  errorMessage
} from "./chunk-errors.js";
import {
  info,
  summary,
  warning
} from "./chunk-actions-core-lib-command.js";

// src/report/summary.ts
var SUMMARY_LIMIT_BYTES = 900 * 1024;
var LIMIT_NAME = "the job summary's limit of 1 MiB";
async function writeJobSummary(report) {
  const markdown = summaryMarkdown(report);
  if (!process.env["GITHUB_STEP_SUMMARY"]) info("GITHUB_STEP_SUMMARY is not set: no job summary written.");
  else await appendJobSummary(markdown);
  return markdown;
}
async function appendJobSummary(markdown) {
  if (!process.env["GITHUB_STEP_SUMMARY"]) return;
  try {
    await summary.addRaw(markdown, true).write();
  } catch (error) {
    summary.emptyBuffer();
    warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
}
function summaryMarkdown(report) {
  const { facts } = report;
  const sections = [`## Deploy ${code(facts.image.name)}`, outcome(report)];
  const rows = [];
  if (facts.publish) rows.push(["Layers", layers(facts.publish, report.dryRun)]);
  rows.push(["GitOps repository", `${repositoryLink(facts)} \u2192 ${code(facts.base)}`]);
  const summaryTable = factsTable(facts, rows);
  sections.push(summaryTable);
  const links = sourceLinks(facts.source);
  let budget = SUMMARY_LIMIT_BYTES - sections.reduce((sum, section) => sum + utf8Length(section) + 2, 0) - utf8Length(links) - 64;
  const withChanges = facts.files.filter((file) => file.changes.length > 0);
  if (withChanges.length > 0) {
    sections.push(`### Changed containers

${changeList(withChanges, budget * 0.5, utf8Length)}`);
    budget -= utf8Length(sections[sections.length - 1]) + 2;
  }
  if (facts.files.some((file) => file.diff !== "")) {
    sections.push(`### Diff

${diffSections(facts.files, budget - 32, utf8Length, LIMIT_NAME)}`);
  }
  if (links) sections.push(links);
  return sections.map((section) => section.replace(/\n+$/, "")).join("\n\n") + "\n";
}
function outcome(report) {
  const { facts } = report;
  const target = `${code(facts.base)} of ${text(facts.gitopsRepository)}`;
  if (!report.changed) {
    return `${report.dryRun ? "**Dry run.** " : ""}Nothing to change: the manifests already pin ${code(facts.image.digest)}.`;
  }
  if (report.dryRun) {
    const action = report.mode === "push" ? `push a commit to ${target}` : `open or update a pull request into ${target}`;
    return `**Dry run:** nothing was pushed or written. The run would ${action}.`;
  }
  if (report.mode === "pr") {
    if (!report.pullRequest) return `Prepared a pull request into ${target}.`;
    const { number, url: prUrl, created } = report.pullRequest;
    const opened = `${created ? "Opened" : "Updated"} pull request ${link(`#${number}`, prUrl)} into ${target}`;
    if (!report.merged || !report.commitUrl) return `${opened}.`;
    return `${opened} and merged it as ${commitLink(report.commitUrl)}.`;
  }
  if (!report.commitUrl) return `Pushed a commit to ${target}.`;
  return `Pushed commit ${commitLink(report.commitUrl)} to ${target}.`;
}
function commitLink(commitUrl) {
  const sha = /\/commit\/([0-9a-f]{7,64})$/i.exec(commitUrl)?.[1];
  return link(sha ? code(sha.slice(0, 7)) : "commit", commitUrl);
}
function layers(publish, dryRun) {
  if (!publish.pushed) return dryRun ? "not pushed (dry run)" : "not pushed by this run";
  return `${publish.blobsUploaded} uploaded (${formatBytes(publish.bytesUploaded)}), ${publish.blobsPresent} already in the registry`;
}
function repositoryLink(facts) {
  const name = text(facts.gitopsRepository);
  return facts.source.serverUrl ? link(name, url(facts.source.serverUrl, facts.gitopsRepository)) : name;
}

export {
  writeJobSummary,
  appendJobSummary
};
