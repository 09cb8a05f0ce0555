import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts
} from "./chunk-S4UVXIRB.js";
import {
  combinedValues,
  templateValues
} from "./chunk-DT6MXN35.js";
import {
  writeJobSummary
} from "./chunk-ED7BM26R.js";
import "./chunk-AZD3H6BX.js";
import "./chunk-PPAZEXYU.js";
import {
  formatReference
} from "./chunk-P2LFVUZR.js";
import "./chunk-CBURIO7P.js";
import {
  info,
  setOutput
} from "./chunk-ZF7ZNZLC.js";
import "./chunk-PUMHU2BD.js";

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
  const facts = deploymentFacts(settings, gitops, outcome.base, outcome.change, values, {
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
    ...outcome.commitSha !== void 0 && {
      commitUrl: `${settings.run.serverUrl}/${gitops.repository.fullName}/commit/${outcome.commitSha}`
    },
    ...outcome.pullRequest !== void 0 && { pullRequest: outcome.pullRequest }
  });
}
export {
  setOutputs
};
