import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  unifiedDiff
} from "./chunk-report-diff.js";
import {
  combinedValues,
  renderForAll,
  renderTemplate,
  templateValues
} from "./chunk-fleet-images.js";
import {
  readSourceCommit
} from "./chunk-provenance-source.js";
import {
  rereadManifests
} from "./chunk-manifests-gotemplate.js";
import {
  planPins
} from "./chunk-manifests-json6902.js";
import {
  DEFAULT_DELAY_MS,
  policy,
  pushToBase
} from "./chunk-gitops-writer.js";
import {
  pullRequestBody
} from "./chunk-diff-libesm-diff-array.js";
import {
  gitBlobSha
} from "./chunk-gitops-reader.js";
import {
  withReferenceTrailers
} from "./chunk-provenance-trailers.js";
import {
  createGitHubClient
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import {
  retry,
  statusOf
} from "./chunk-net-budget.js";
import {
  InputError,
  errorMessage
} from "./chunk-errors.js";
import {
  info
} from "./chunk-actions-core-lib-command.js";

// src/gitops/pull-request.ts
var SETTLE_ATTEMPTS = 4;
async function updatePullRequest(repo, options) {
  const { initial } = options;
  const prepared = await options.prepare(initial);
  if (prepared.files.length === 0) return { prepared, attempts: 1 };
  const head = await repo.findBranch(options.branch);
  let placed;
  if (head !== void 0 && await holdsChange(repo, initial, head, prepared.files)) {
    info(
      `${options.branch} already holds this change on top of ${options.base} (${head.commitSha}); not moving it`
    );
    placed = { commitSha: head.commitSha, moved: false, created: false };
  } else {
    const tree = await repo.createTree(initial.treeSha, prepared.files);
    if (tree === initial.treeSha) return { prepared, attempts: 1 };
    placed = await placeCommit(repo, options, tree, head);
  }
  const { commitSha, moved, created } = placed;
  const pull = await upsertPullRequest(repo, options, options.body(prepared), moved, created);
  if (options.labels.some((label) => !pull.labels.includes(label))) {
    await settle(options, pull.created, () => repo.addLabels(pull.number, options.labels));
  }
  return {
    prepared,
    // A rerun that finds its change already on the branch writes nothing.
    ...moved && { commitSha },
    attempts: 1,
    pullRequest: { number: pull.number, url: pull.url, created: pull.created }
  };
}
async function holdsChange(repo, initial, head, files) {
  if (head.parents.length !== 1 || head.parents[0] !== initial.commitSha) return false;
  const moved = await repo.movedSince(initial.commitSha, head.branch);
  if (moved?.changes === void 0 || moved.head.commitSha !== head.commitSha) return false;
  const { changes } = moved;
  return changes.size === files.length && files.every((file) => {
    const change = changes.get(file.path);
    return change?.status === "modified" && change.blob === gitBlobSha(file.content);
  });
}
async function placeCommit(repo, options, tree, head) {
  const { base, branch, initial } = options;
  if (head !== void 0 && head.treeSha === tree && head.parents.length === 1 && head.parents[0] === initial.commitSha) {
    info(`${branch} already holds this change on top of ${base} (${head.commitSha}); not moving it`);
    return { commitSha: head.commitSha, moved: false, created: false };
  }
  const commit = await repo.createCommit(options.message, tree, [initial.commitSha]);
  if (head === void 0 && await repo.createBranch(branch, commit) === "created") {
    info(`Created ${branch} at ${commit} in ${repo.fullName}`);
    return { commitSha: commit, moved: true, created: true };
  }
  await repo.updateBranch(branch, commit, true);
  info(`Moved ${branch} to ${commit} on top of ${base} in ${repo.fullName}`);
  return { commitSha: commit, moved: true, created: false };
}
async function upsertPullRequest(repo, options, body, justMoved, branchCreated) {
  const { base, branch, title } = options;
  const existing = branchCreated ? void 0 : await repo.findPullRequest(branch);
  if (existing !== void 0) return updateExisting(repo, existing, base, title, body);
  const created = await settle(options, justMoved, () => repo.createPullRequest(branch, base, title, body));
  if (created !== "exists") {
    info(`Opened pull request #${created.number}: ${created.url}`);
    return { ...created, created: true };
  }
  const raced = await retry(
    async () => {
      const found = await repo.findPullRequest(branch);
      if (found === void 0) throw new NotListedYet();
      return found;
    },
    {
      policy: { ...policy(options.retryDelayMs ?? DEFAULT_DELAY_MS), attempts: SETTLE_ATTEMPTS },
      classify: (error) => error instanceof NotListedYet ? { retry: true, reason: "not listed yet" } : { retry: false },
      ...options.clock !== void 0 && { clock: options.clock }
    }
  ).catch((error) => {
    if (!(error instanceof NotListedYet)) throw error;
    throw new Error(
      `Could not open a pull request from ${branch} into ${base} in ${repo.fullName}: GitHub says one already exists, but lists no open one.`
    );
  });
  return updateExisting(repo, raced, base, title, body);
}
var NotListedYet = class extends Error {
};
async function updateExisting(repo, pull, base, title, body) {
  if (pull.title === title && pull.body === body && pull.base === base) {
    info(`Pull request #${pull.number} is up to date: ${pull.url}`);
    return { ...pull, created: false };
  }
  const updated = await repo.updatePullRequest(pull.number, title, body, base);
  info(`Updated pull request #${updated.number}: ${updated.url}`);
  return { ...updated, created: false };
}
function settle(options, fresh, call) {
  return retry(call, {
    policy: { ...policy(options.retryDelayMs ?? DEFAULT_DELAY_MS), attempts: fresh ? SETTLE_ATTEMPTS : 1 },
    classify: (error) => {
      const status = statusOf(error);
      return status === 422 || status === 404 ? { retry: true, reason: `HTTP ${status}` } : { retry: false };
    },
    onRetry: ({ reason, delayMs }) => info(`GitHub has not caught up yet (${reason}); retrying in ${delayMs} ms`),
    ...options.clock !== void 0 && { clock: options.clock }
  });
}

// src/writeback/write.ts
function pinAll(files, selectors, pinned) {
  let current = files;
  const plans = selectors.map((selector, i) => {
    const plan = planPins(current, selector, pinned[i]);
    current = plan.files.map((file, j) => ({ ...current[j], content: file.after }));
    return plan;
  });
  const combinedFiles = files.map((file, j) => ({
    path: file.path,
    before: file.content,
    after: current[j].content,
    // By line, not by image: the same images in another order describe the change the same way.
    changes: plans.flatMap((plan) => plan.files[j].changes).sort((a, b) => a.line - b.line),
    sites: plans.reduce((sum, plan) => sum + plan.files[j].sites, 0)
  }));
  const combined = {
    files: combinedFiles,
    changedFiles: files.filter((file, j) => file.content !== current[j].content).map((file) => file.path),
    changes: combinedFiles.flatMap((file) => file.changes)
  };
  return { combined, perImage: plans.map((plan) => plan.changedFiles) };
}
async function writeBack(gitops, settings, target, digests, sourceAlreadyRead) {
  const all = settings.images.map((image, i) => templateValues(image, digests[i]));
  const values = combinedValues(all);
  let known = target;
  const prepare = async (snapshot, moved) => {
    if (moved !== void 0) known = await rereadManifests(gitops, settings, snapshot, known, moved);
    const { combined: plan, perImage } = pinAll(
      known.files,
      gitops.selectors,
      all.map((v) => v.image)
    );
    return {
      plan,
      files: plan.files.filter((file) => file.before !== file.after).map((file) => {
        const mode = known.files.find((read) => read.path === file.path)?.mode;
        return { path: file.path, content: file.after, ...mode !== void 0 && { mode } };
      }),
      changedFilesPerImage: perImage
    };
  };
  const render = (input, template, forImages = all) => {
    try {
      return renderForAll(template, forImages);
    } catch (error) {
      throw new InputError(input, errorMessage(error));
    }
  };
  const base = target.base;
  if (settings.dryRun) {
    const change = await prepare(target.snapshot);
    logChange(change);
    info(
      `Dry run: would ${settings.mode === "push" ? `commit to ${base}` : `open or update a pull request from ${settings.branch} into ${base}${settings.merge ? ` and merge it (${settings.merge.method}) once GitHub allows it` : ""}`}; nothing was written.`
    );
    return { base, commitMessage: render("commit-message", settings.templates.commitMessage), change, written: false };
  }
  const source = sourceAlreadyRead ?? await readSourceCommit(settings.run, () => createGitHubClient(settings.sourceToken, settings.run.apiUrl));
  const message = withReferenceTrailers(render("commit-message", settings.templates.commitMessage), source);
  if (settings.mode === "push") {
    const outcome2 = await pushToBase(gitops.repository, {
      base,
      initial: target.snapshot,
      message,
      prepare,
      timeoutMs: settings.pushTimeoutMs
    });
    return written(base, message, outcome2, source);
  }
  const title = render("title", settings.templates.title);
  const intro = render("body", settings.templates.body);
  const outcome = await updatePullRequest(gitops.repository, {
    base,
    initial: target.snapshot,
    branch: settings.branch,
    message,
    title,
    labels: [
      ...new Set(settings.labels.flatMap((label) => all.map((v) => render("labels", renderTemplate(label, v)))))
    ],
    prepare,
    body: (change) => pullRequestBody(deploymentFacts(settings, gitops, base, change, values, void 0, source.sha), intro)
  });
  return written(base, message, outcome, source);
}
function written(base, commitMessage, outcome, source) {
  logChange(outcome.prepared);
  return {
    base,
    commitMessage,
    source,
    change: outcome.prepared,
    written: outcome.commitSha !== void 0,
    ...outcome.commitSha !== void 0 && { commitSha: outcome.commitSha },
    ...outcome.pullRequest !== void 0 && { pullRequest: outcome.pullRequest }
  };
}
function logChange(change) {
  if (change.files.length === 0) {
    info("Every matching container already runs this digest: nothing to change.");
    return;
  }
  for (const file of change.plan.files) {
    if (file.changes.length > 0) info(unifiedDiff(file.path, file.before, file.after));
  }
}

export {
  updatePullRequest,
  writeBack
};
