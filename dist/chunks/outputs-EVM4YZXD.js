import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  factsTable,
  sourceLinks
} from "./chunk-G6N2AQNM.js";
import {
  combinedValues,
  templateValues
} from "./chunk-DT6MXN35.js";
import {
  changeList,
  code,
  diffSections,
  link,
  text,
  url,
  utf8Length
} from "./chunk-SXKU4PVK.js";
import {
  formatBytes
} from "./chunk-PPAZEXYU.js";
import {
  formatReference
} from "./chunk-P2LFVUZR.js";
import {
  errorMessage
} from "./chunk-CBURIO7P.js";
import {
  info,
  setOutput,
  summary,
  warning
} from "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";

// src/report/summary.ts
var SUMMARY_LIMIT_BYTES = 900 * 1024;
var LIMIT_NAME = "the job summary's limit of 1 MiB";
async function writeJobSummary(report) {
  const markdown = summaryMarkdown(report);
  if (!process.env["GITHUB_STEP_SUMMARY"]) {
    info("GITHUB_STEP_SUMMARY is not set: no job summary written.");
    return markdown;
  }
  try {
    await summary.addRaw(markdown, true).write();
  } catch (error) {
    summary.emptyBuffer();
    warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
  return markdown;
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
    return `${created ? "Opened" : "Updated"} pull request ${link(`#${number}`, prUrl)} into ${target}.`;
  }
  if (!report.commitUrl) return `Pushed a commit to ${target}.`;
  const sha = /\/commit\/([0-9a-f]{7,64})$/i.exec(report.commitUrl)?.[1];
  return `Pushed commit ${link(sha ? code(sha.slice(0, 7)) : "commit", report.commitUrl)} to ${target}.`;
}
function layers(publish, dryRun) {
  if (!publish.pushed) return dryRun ? "not pushed (dry run)" : "not pushed by this run";
  return `${publish.blobsUploaded} uploaded (${formatBytes(publish.bytesUploaded)}), ${publish.blobsPresent} already in the registry`;
}
function repositoryLink(facts) {
  const name = text(facts.gitopsRepository);
  return facts.source.serverUrl ? link(name, url(facts.source.serverUrl, facts.gitopsRepository)) : name;
}

// src/outputs.ts
async function setOutputs(settings, gitops, images, outcome2) {
  const all = settings.images.map((reference, i) => templateValues(reference, images[i].digest));
  const values = combinedValues(all);
  const changed = settings.dryRun ? outcome2.change.files.length > 0 : outcome2.written;
  const changedFiles = changed ? outcome2.change.files.map((file) => file.path) : [];
  const outputs = {
    // One image: its digest and reference; several: one per line, in the order of the input.
    digest: images.map((image) => image.digest).join("\n"),
    "pinned-image": all.map((v) => v.image).join("\n"),
    changed: String(changed),
    "changed-files": JSON.stringify(changedFiles),
    "commit-sha": outcome2.commitSha ?? "",
    "pull-request-number": outcome2.pullRequest ? String(outcome2.pullRequest.number) : "",
    "pull-request-url": outcome2.pullRequest?.url ?? "",
    images: JSON.stringify(
      settings.images.map((reference, i) => ({
        image: formatReference(reference),
        digest: images[i].digest,
        "pinned-image": all[i].image,
        "changed-files": changed ? outcome2.change.changedFilesPerImage[i] : []
      }))
    )
  };
  for (const [name, value] of Object.entries(outputs)) {
    setOutput(name, value);
    info(`${name}: ${value}`);
  }
  const sum = (key) => images.reduce((total, image) => total + image[key], 0);
  const facts = deploymentFacts(settings, gitops, outcome2.base, outcome2.change, values, {
    pushed: images.some((image) => image.pushed),
    blobsUploaded: sum("blobsUploaded"),
    blobsPresent: sum("blobsPresent"),
    bytesUploaded: sum("bytesUploaded")
  });
  await writeJobSummary({
    facts,
    mode: settings.mode,
    dryRun: settings.dryRun,
    changed,
    ...outcome2.commitSha !== void 0 && {
      commitUrl: `${settings.run.serverUrl}/${gitops.repository.fullName}/commit/${outcome2.commitSha}`
    },
    ...outcome2.pullRequest !== void 0 && { pullRequest: outcome2.pullRequest }
  });
}
export {
  setOutputs
};
