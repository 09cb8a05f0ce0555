import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  isExplicitFileList,
  selectManifests
} from "./chunk-picomatch-index.js";
import {
  NoMatchError,
  checkManifests,
  findKustomizeImages,
  findPatchImages,
  isKustomizationPath
} from "./chunk-manifests-json6902.js";
import {
  parseRelaxed,
  require_dist
} from "./chunk-yaml-dist-compose-compose-collection.js";
import {
  formatReference
} from "./chunk-image-reference.js";
import {
  InputError,
  errorMessage
} from "./chunk-errors.js";
import {
  info,
  notice,
  warning
} from "./chunk-actions-core-lib-command.js";
import {
  __toESM
} from "./chunk-esbuild-runtime.js";

// src/writeback/read.ts
import { posix } from "node:path";

// src/manifests/gotemplate.ts
var import_yaml = __toESM(require_dist(), 1);
function isGoTemplate(content) {
  if (!content.includes("{{")) return false;
  const { documents } = parseRelaxed(content, (text) => [(0, import_yaml.parseAllDocuments)(text)].flat());
  return documents.some((document) => document.errors.length > 0);
}
function templateAdvice(path) {
  const chart = /^(.*?)\/?templates\//.exec(path)?.[1];
  const values = chart ? `${chart}/values.yaml` : "CHART/values.yaml";
  return `${path} is a Go/Helm template (it contains "{{" and is not YAML until Helm renders it), so it cannot be pinned in place. Pin the chart's image where its values are set, with the fields input (e.g. "${values}#image.tag=tag"), and leave the template out of manifests`;
}

// src/writeback/read.ts
async function readManifestTarget(gitops, settings) {
  const base = settings.base ?? await gitops.repository.defaultBranch();
  if (settings.mode === "pr" && base === settings.branch) {
    throw new InputError(
      "branch",
      `is "${base}", the base branch. The pull request needs a branch of its own; use mode: push to commit to "${base}" directly.`
    );
  }
  const snapshot = await gitops.repository.snapshot(base);
  info(`${gitops.repository.fullName}@${base} is at ${snapshot.commitSha}`);
  const { files, considered } = await readManifests(gitops, settings, snapshot);
  checkEveryImage(files, gitops, settings);
  return { base, snapshot, files, considered };
}
function checkEveryImage(files, gitops, settings) {
  const unmatched = [];
  const several = gitops.selectors.length > 1;
  for (const [i, selector] of gitops.selectors.entries()) {
    try {
      for (const { path, sites, kustomize, patches, fields } of checkManifests(files, selector)) {
        const found = [
          ...sites.length > 0 ? [plural(sites.length, "matching container")] : [],
          ...kustomize.length > 0 ? [plural(kustomize.length, "kustomize images entry", "kustomize images entries")] : [],
          ...patches.length > 0 ? [plural(patches.length, "JSON6902 patch operation")] : [],
          ...fields > 0 ? [plural(fields, "field")] : []
        ];
        if (!several || found.length > 0) {
          info(`${path}: ${found.join(", ") || "nothing to pin"}${several ? ` of ${selector.repository}` : ""}`);
        }
      }
    } catch (error) {
      if (!several || !(error instanceof NoMatchError)) throw error;
      unmatched.push(`${formatReference(settings.images[i])} (${error.message})`);
    }
  }
  if (unmatched.length > 0) {
    throw new InputError(
      "image",
      `${unmatched.length} of ${gitops.selectors.length} images match no container in the selected manifests; nothing was pushed or written: ${unmatched.join("; ")}`
    );
  }
}
async function readManifests(gitops, settings, snapshot) {
  const { repository } = gitops;
  const where = `${repository.fullName}@${snapshot.branch}`;
  const tree = await repository.listTree(snapshot);
  let selected;
  let named;
  let excluded = () => false;
  if (isExplicitFileList(settings.manifests)) {
    selected = [...settings.manifests];
    named = new Set(selected);
  } else {
    ;
    ({
      files: selected,
      named,
      excluded
    } = selectManifests(settings.manifests, repository.completePaths(snapshot, tree), where));
  }
  selected = await followLinks(gitops, snapshot, selected, tree.modes, where);
  const inSelection = new Set(selected);
  const present = new Set(tree.paths);
  const fieldFiles = [...new Set(settings.fields.map((field) => field.file))].filter((file) => !inSelection.has(file));
  for (const file of fieldFiles) {
    if (!tree.truncated && !present.has(file)) {
      throw new InputError(
        "fields",
        `${file} does not exist in ${where}; give its path relative to the repository root`
      );
    }
  }
  if (tree.truncated) {
    warning(
      `${where} has too many files for GitHub to list in one call: kustomizations outside the selection were not checked for images entries that override the pin.`
    );
  }
  const overlays = tree.truncated ? [] : tree.paths.filter((path) => isKustomizationPath(path) && !inSelection.has(path) && !excluded(path));
  const texts = new Map(
    (await repository.readFiles(snapshot, [...selected, ...fieldFiles, ...overlays])).map((file) => [
      file.path,
      file.content
    ])
  );
  const skipped = [];
  const files = [];
  for (const path of selected) {
    const content = texts.get(path);
    if (isGoTemplate(content)) {
      if (named.has(path)) throw new InputError("manifests", templateAdvice(path));
      skipped.push(path);
      continue;
    }
    const mode = tree.modes.get(path);
    files.push({ path, content, ...mode !== void 0 && mode !== "100644" && { mode } });
  }
  if (skipped.length > 0) {
    notice(
      `Skipped ${plural(skipped.length, "Go/Helm template")} (they contain "{{" and are not YAML until Helm renders them): ${skipped.slice(0, 10).join(", ")}${skipped.length > 10 ? `, and ${skipped.length - 10} more` : ""}. To pin a chart, name its values with the fields input.`
    );
  }
  for (const selector of gitops.selectors) checkOverlays(overlays, texts, selector);
  for (const path of fieldFiles) files.push({ path, content: texts.get(path), fieldsOnly: true });
  return { files, considered: /* @__PURE__ */ new Set([...selected, ...fieldFiles]) };
}
var SYMLINK = "120000";
var MAX_LINK_HOPS = 8;
async function followLinks(gitops, snapshot, selected, modes, where) {
  if (!selected.some((path) => modes.get(path) === SYMLINK)) return [...selected];
  const result = [];
  for (const path of selected) {
    let current = path;
    for (let hop = 0; modes.get(current) === SYMLINK; hop++) {
      const [link] = await gitops.repository.readFiles(snapshot, [current]);
      const target = posix.normalize(posix.join(posix.dirname(current), link.content.trim()));
      const refuse = (why) => new InputError(
        "manifests",
        `${path} is a symbolic link${current === path ? "" : ` (through ${current})`} to ${link.content.trim()}, ${why}; select the file it should point to instead, or exclude the link ("!${path}").`
      );
      if (hop >= MAX_LINK_HOPS) throw refuse(`a chain of more than ${MAX_LINK_HOPS} links`);
      if (target === ".." || target.startsWith("../") || posix.isAbsolute(target))
        throw refuse("outside the repository");
      if (!modes.has(target)) throw refuse(`which is not a file in ${where}`);
      current = target;
    }
    if (current !== path) info(`${path} is a symbolic link: pinning the file it points to, ${current}`);
    if (!result.includes(current)) result.push(current);
  }
  return result;
}
function checkOverlays(overlays, texts, selector) {
  for (const path of overlays) {
    let entries;
    try {
      entries = findKustomizeImages(texts.get(path), path, selector.repository);
    } catch (error) {
      warning(`Could not check ${path} for kustomize images entries that override the pin: ${errorMessage(error)}`);
      continue;
    }
    const [patch] = findPatchImages(texts.get(path), path, selector.repository);
    if (patch !== void 0) {
      throw new InputError(
        "manifests",
        `${path}:${patch.line} has a JSON6902 patch operation that sets ${patch.path} to "${patch.image}", which overrides the image wherever that kustomization is rendered, but the file is not selected, so the pin would not reach what Argo CD deploys from it. Select it too (add "${path}" to manifests), or exclude it on purpose ("!${path}").`
      );
    }
    const [entry] = entries;
    if (entry === void 0) continue;
    const directory = path.includes("/") ? `${path.slice(0, path.lastIndexOf("/"))}/` : path;
    throw new InputError(
      "manifests",
      `${path}:${entry.line} has the kustomize images entry "${entry.text}", which overrides the image wherever that kustomization is rendered, but the file is not selected, so the pin would not reach what Argo CD deploys from it. Select it too (add "${directory}" or "${path}" to manifests), or exclude it on purpose ("!${path}").`
    );
  }
}
function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}
async function rereadManifests(gitops, settings, snapshot, known, moved) {
  const { changes } = moved;
  const reselect = changes === void 0 || [...changes].some(
    ([path, change]) => !CONTENT_ONLY.has(change.status) || isKustomizationPath(path) && !known.considered.has(path)
  );
  if (reselect) return readManifests(gitops, settings, snapshot);
  const stale = known.files.filter((file) => changes.has(file.path)).map((file) => file.path);
  if (stale.length === 0) return known;
  info(`Changed under this run, read again: ${stale.join(", ")}`);
  const fresh = new Map((await gitops.repository.readFiles(snapshot, stale)).map((file) => [file.path, file.content]));
  return {
    files: known.files.map((file) => fresh.has(file.path) ? { ...file, content: fresh.get(file.path) } : file),
    considered: known.considered
  };
}
var CONTENT_ONLY = /* @__PURE__ */ new Set(["modified", "changed", "unchanged"]);

export {
  readManifestTarget,
  rereadManifests
};
