import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ManifestError,
  WORKLOAD_KINDS,
  applyEdits,
  describeWorkload,
  findFieldSites,
  insertPair,
  inspectManifest,
  isExplicitFileList,
  lineOfOffset,
  namesRepository,
  parseRelaxed,
  pinFields,
  renderScalarText,
  require_dist,
  rewriteImages,
  scalarText,
  selectManifests
} from "./chunk-picomatch-index.js";
import {
  formatReference,
  parseImageReference
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

// src/manifests/kustomize.ts
var import_yaml2 = __toESM(require_dist(), 1);
var KUSTOMIZATION_FILE_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
function isKustomizationPath(path) {
  return KUSTOMIZATION_FILE_NAMES.includes(path.slice(path.lastIndexOf("/") + 1));
}
function findKustomizeImages(content, file, repository) {
  const lineOf = lineOfOffset(content);
  const { documents } = parseRelaxed(content, (text) => [(0, import_yaml2.parseAllDocuments)(text, { uniqueKeys: true })].flat());
  const entries = [];
  for (const document of documents) {
    const [error] = document.errors;
    if (error) {
      throw new ManifestError(
        file,
        lineOf(error.pos[0]),
        `invalid YAML: ${error.message.split("\n")[0]}; fix the file so that it parses`
      );
    }
    const root = document.contents;
    if (!(0, import_yaml2.isMap)(root)) continue;
    const images = root.get("images", true);
    if (!(0, import_yaml2.isSeq)(images)) continue;
    for (const item of images.items) {
      if (!(0, import_yaml2.isMap)(item)) continue;
      const field = (key) => {
        const value = item.get(key, true);
        if (!(0, import_yaml2.isScalar)(value) || value.value === null || value.value === void 0) return void 0;
        const source = value.range ? content.slice(value.range[0], value.range[1]) : "";
        return typeof value.value === "string" && value.type !== "PLAIN" ? value.value : source;
      };
      const name = field("name");
      if (name === void 0) continue;
      const newName = field("newName");
      const newTag = field("newTag");
      const digest = field("digest");
      const effect = namesRepository(newName ?? name, repository) ? "pin" : newName !== void 0 && namesRepository(name, repository) ? "renames" : void 0;
      if (effect === void 0) continue;
      const text = [
        `name: ${name}`,
        ...newName === void 0 ? [] : [`newName: ${newName}`],
        ...newTag === void 0 ? [] : [`newTag: ${newTag}`],
        ...digest === void 0 ? [] : [`digest: ${digest}`]
      ].join(", ");
      entries.push({
        file,
        line: lineOf(item.range?.[0] ?? 0),
        name,
        ...newName !== void 0 && { newName },
        ...newTag !== void 0 && { newTag },
        ...digest !== void 0 && { digest },
        effect,
        text: `- ${text}`,
        node: item
      });
    }
  }
  return entries;
}
function renderedImage(entry) {
  return (entry.newName ?? entry.name) + (entry.newTag === void 0 ? "" : `:${entry.newTag}`) + (entry.digest === void 0 ? "" : `@${entry.digest}`);
}
function pinKustomization(content, file, entries, pin) {
  const edits = [];
  const changes = [];
  for (const entry of entries) {
    if (entry.effect !== "pin") continue;
    if (pin.tag === void 0 && entry.newTag !== void 0) {
      throw new ManifestError(
        file,
        entry.line,
        `the kustomize images entry for ${entry.name} sets newTag "${entry.newTag}", but the image input has no tag, so the pin would render as ${entry.newTag}@${pin.digest}. Give the image input a tag, or remove newTag from this entry`
      );
    }
    const wanted = { ...entry, ...pin.tag !== void 0 && { newTag: pin.tag }, digest: pin.digest };
    if (renderedImage(entry) === renderedImage(wanted)) continue;
    const additions = [];
    for (const [key, value] of [
      ["newTag", pin.tag],
      ["digest", pin.digest]
    ]) {
      if (value === void 0) continue;
      const scalar = entry.node.get(key, true);
      if (scalar === void 0) {
        additions.push([key, value]);
        continue;
      }
      const [start, end] = (0, import_yaml2.isScalar)(scalar) && scalar.range || [0, 0];
      const text = !(0, import_yaml2.isScalar)(scalar) || !scalar.range ? void 0 : start === end ? `${content[start - 1] === ":" ? " " : ""}${scalarText(value)}` : renderScalarText(content.slice(start, end), key === "newTag" ? entry.newTag : entry.digest, value);
      if (text === void 0) {
        throw new ManifestError(
          file,
          entry.line,
          `${key} of the kustomize images entry for ${entry.name} is not a one-line value; write it as ${key}: VALUE`
        );
      }
      edits.push({ start, end, text });
    }
    if (additions.length > 0) {
      const insertion = insertPair(content, entry.node, additions);
      if (insertion === void 0) {
        throw new ManifestError(
          file,
          entry.line,
          `cannot add ${additions.map(([key]) => key).join(" and ")} to the kustomize images entry for ${entry.name} without reformatting it; add ${additions.map(([key]) => `${key}: ""`).join(" and ")} to it by hand once, and the action keeps it up to date`
        );
      }
      edits.push(insertion);
    }
    changes.push({
      file,
      line: entry.line,
      workload: "images",
      kind: "Kustomization",
      container: "",
      from: renderedImage(entry),
      to: renderedImage(wanted)
    });
  }
  return { content: applyEdits(content, edits), changes };
}

// src/manifests/plan.ts
var MAX_LISTED_FILES = 10;
var MAX_LISTED_IMAGES = 5;
function planPins(files, selector, pinned) {
  const reference = parseImageReference(pinned);
  const pin = { ...reference.tag !== void 0 && { tag: reference.tag }, digest: reference.digest };
  const planned = inspectAll(files, selector).map(({ path, content, sites, kustomize, fields }) => {
    const containers = rewriteImages(content, path, sites, pinned);
    const entries = kustomize.length === 0 ? [] : findKustomizeImages(containers.content, path, selector.repository);
    const images = pinKustomization(containers.content, path, entries, pin);
    const targets = fields.map((site) => site.target);
    const values = pinFields(images.content, findFieldSites(images.content, targets), pinned);
    return {
      path,
      before: content,
      after: values.content,
      changes: [...containers.changes, ...images.changes, ...values.changes],
      sites: sites.length + kustomize.length + fields.length
    };
  });
  return {
    files: planned,
    changedFiles: planned.filter((file) => file.changes.length > 0).map((file) => file.path),
    changes: planned.flatMap((file) => file.changes)
  };
}
function checkManifests(files, selector) {
  return inspectAll(files, selector).map(({ path, sites, kustomize, fields }) => ({
    path,
    sites,
    kustomize,
    fields: fields.length
  }));
}
function inspectAll(files, selector) {
  const targets = selector.fields ?? [];
  const inspected = files.map(({ path, content, fieldsOnly }) => {
    const containers = fieldsOnly ? { sites: [], containers: [] } : inspectManifest(content, path, selector);
    const kustomize = !fieldsOnly && isKustomizationPath(path) ? findKustomizeImages(content, path, selector.repository) : [];
    const renaming = kustomize.find((entry) => entry.effect === "renames");
    if (renaming) throw renamesError(renaming);
    const fields = findFieldSites(
      content,
      targets.filter((target) => target.file === path)
    );
    return { path, content, ...containers, kustomize, fields };
  });
  if (inspected.every((file) => file.sites.length + file.kustomize.length + file.fields.length === 0))
    throw noMatchError(inspected, selector);
  return inspected;
}
function renamesError(entry) {
  return new ManifestError(
    entry.file,
    entry.line,
    `the kustomize images entry "${entry.text}" renames the image to ${entry.newName}, so what this kustomization renders would not run the pinned image. If that is intended, exclude the file from the 'manifests' input ("!${entry.file}"); otherwise point newName at the image`
  );
}
function noMatchError(files, selector) {
  const paths = files.map((file) => file.path);
  const wanted = `image ${selector.repository}${selector.container === void 0 ? "" : ` named "${selector.container}"`}`;
  const message = `no container with ${wanted} in: ${list(paths, MAX_LISTED_FILES) || "(no files)"}. ${seenHint(files, selector)} Check that the 'image' input names the same registry host and path as the manifests` + (selector.container === void 0 ? "" : ` and that 'container' is the container's name`) + `, and that 'manifests' selects the right files.`;
  return new ManifestError(paths.join(", "), void 0, "", message);
}
function seenHint(files, selector) {
  const seen = files.flatMap((file) => file.containers.map((container) => ({ ...container, path: file.path })));
  if (seen.length === 0)
    return `They hold no ${WORKLOAD_KINDS.join(", ")} with containers, and no kustomize images entry for it.`;
  if (selector.container !== void 0) {
    const sameImage = [
      ...new Set(
        seen.filter((container) => sameRepository(container.image, selector)).map((container) => `"${container.container}"`)
      )
    ];
    if (sameImage.length > 0) return `Containers with that image are named ${list(sameImage, MAX_LISTED_IMAGES)}.`;
  }
  const byImage = /* @__PURE__ */ new Map();
  for (const container of seen) if (!byImage.has(container.image)) byImage.set(container.image, container);
  const images = [...byImage.values()].map(
    (container) => `${container.image} (container "${container.container}" in ${describeWorkload(container)}, ${container.path})`
  );
  return `Images seen: ${list(images, MAX_LISTED_IMAGES)}.`;
}
function sameRepository(image, selector) {
  return namesRepository(image, selector.repository);
}
function list(items, max) {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
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
      for (const { path, sites, kustomize, fields } of checkManifests(files, selector)) {
        const found = [
          ...sites.length > 0 ? [plural(sites.length, "matching container")] : [],
          ...kustomize.length > 0 ? [plural(kustomize.length, "kustomize images entry", "kustomize images entries")] : [],
          ...fields > 0 ? [plural(fields, "field")] : []
        ];
        if (!several || found.length > 0) {
          info(`${path}: ${found.join(", ") || "nothing to pin"}${several ? ` of ${selector.repository}` : ""}`);
        }
      }
    } catch (error) {
      if (!several || !(error instanceof ManifestError)) throw error;
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
    files.push({ path, content });
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
function checkOverlays(overlays, texts, selector) {
  for (const path of overlays) {
    let entries;
    try {
      entries = findKustomizeImages(texts.get(path), path, selector.repository);
    } catch (error) {
      warning(`Could not check ${path} for kustomize images entries that override the pin: ${errorMessage(error)}`);
      continue;
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
  planPins,
  readManifestTarget,
  rereadManifests
};
