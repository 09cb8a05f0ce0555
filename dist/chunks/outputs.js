import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts
} from "./chunk-report-diff.js";
import {
  combinedValues,
  templateValues
} from "./chunk-fleet-images.js";
import {
  writeJobSummary
} from "./chunk-report-summary.js";
import "./chunk-util-bytes.js";
import "./chunk-diff-libesm-diff-array.js";
import {
  formatReference
} from "./chunk-image-reference.js";
import "./chunk-errors.js";
import {
  info,
  setOutput
} from "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";

// src/outputs.ts
async function setOutputs(settings, gitops, images, outcome) {
  const all = settings.images.map((reference, i) => templateValues(reference, images[i].digest));
  const values = combinedValues(all);
  const changed = settings.dryRun ? outcome.change.files.length > 0 : outcome.written;
  const changedFiles = changed ? outcome.change.files.map((file) => file.path) : [];
  const outputs = {
    // One image: its digest and reference; several: one per line, in the order of the input.
    digest: images.map((image) => image.digest).join("\n"),
    "pinned-image": all.map((v) => v.image).join("\n"),
    changed: String(changed),
    "changed-files": JSON.stringify(changedFiles),
    "commit-sha": outcome.commitSha ?? "",
    "pull-request-number": outcome.pullRequest ? String(outcome.pullRequest.number) : "",
    "pull-request-url": outcome.pullRequest?.url ?? "",
    images: JSON.stringify(
      settings.images.map((reference, i) => ({
        image: formatReference(reference),
        digest: images[i].digest,
        "pinned-image": all[i].image,
        "changed-files": changed ? outcome.change.changedFilesPerImage[i] : []
      }))
    )
  };
  for (const [name, value] of Object.entries(outputs)) {
    setOutput(name, value);
    info(`${name}: ${value}`);
  }
  const sum = (key) => images.reduce((total, image) => total + image[key], 0);
  const facts = deploymentFacts(
    settings,
    gitops,
    outcome.base,
    outcome.change,
    values,
    {
      pushed: images.some((image) => image.pushed),
      blobsUploaded: sum("blobsUploaded"),
      blobsPresent: sum("blobsPresent"),
      bytesUploaded: sum("bytesUploaded")
    },
    outcome.source?.sha
  );
  await writeJobSummary({
    facts,
    mode: settings.mode,
    dryRun: settings.dryRun,
    changed,
    ...outcome.commitSha !== void 0 && {
      commitUrl: `${settings.run.serverUrl}/${gitops.repository.fullName}/commit/${outcome.commitSha}`
    },
    ...outcome.pullRequest !== void 0 && { pullRequest: outcome.pullRequest },
    ...outcome.merged === true && { merged: true }
  });
}
export {
  setOutputs
};
