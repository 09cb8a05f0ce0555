import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ManifestError,
  WORKLOAD_KINDS,
  applyEdits,
  describeWorkload,
  findFieldSites,
  insertPair,
  inspectManifest,
  lineOfOffset,
  namesRepository,
  parseRelaxed,
  pinFields,
  renderScalarText,
  require_dist,
  rewriteImages,
  scalarText
} from "./chunk-yaml-dist-compose-compose-collection.js";
import {
  parseImageReference
} from "./chunk-image-reference.js";
import {
  __toESM
} from "./chunk-esbuild-runtime.js";

// src/manifests/json6902.ts
var import_yaml = __toESM(require_dist(), 1);
var POD_SPEC = String.raw`^/spec(?:/template/spec|/jobTemplate/spec/template/spec)?/(?:initContainers|containers|ephemeralContainers)/(?:\d+|-)`;
var IMAGE_PATH = new RegExp(`${POD_SPEC}/image$`);
var CONTAINER_PATH = new RegExp(`${POD_SPEC}$`);
function findPatchImages(content, file, repository) {
  if (!/(?:^|[\s{,"'])op["']?\s*:/m.test(content)) return [];
  const lineOf = lineOfOffset(content);
  const { documents } = parseRelaxed(content, (text) => [(0, import_yaml.parseAllDocuments)(text)].flat());
  const sites = [];
  for (const document of documents) {
    if (document.errors.length > 0) continue;
    const root = document.contents;
    if ((0, import_yaml.isSeq)(root)) sites.push(...operations(root.items, (offset) => offset, content, file, lineOf, repository));
    if (!(0, import_yaml.isMap)(root)) continue;
    for (const key of ["patches", "patchesJson6902"]) {
      const list2 = root.get(key, true);
      if (!(0, import_yaml.isSeq)(list2)) continue;
      for (const item of list2.items) {
        const patch = (0, import_yaml.isMap)(item) ? item.get("patch", true) : void 0;
        if ((0, import_yaml.isScalar)(patch)) sites.push(...inlinePatch(patch, content, file, lineOf, repository));
      }
    }
  }
  return sites;
}
function inlinePatch(scalar, content, file, lineOf, repository) {
  if (typeof scalar.value !== "string" || scalar.type !== "BLOCK_LITERAL" || !scalar.range) return [];
  const mapped = dedent(content, scalar.range[0], scalar.range[1]);
  if (mapped === void 0) return [];
  const { documents } = parseRelaxed(mapped.text, (text) => [(0, import_yaml.parseAllDocuments)(text)].flat());
  const [document] = documents;
  if (document === void 0 || document.errors.length > 0 || !(0, import_yaml.isSeq)(document.contents)) return [];
  return operations(document.contents.items, mapped.outer, content, file, lineOf, repository);
}
function dedent(content, start, end) {
  const bodyStart = content.indexOf("\n", start) + 1;
  if (bodyStart === 0 || bodyStart >= end) return void 0;
  const lines = content.slice(bodyStart, end).split("\n");
  const indent = Math.min(...lines.filter((line) => line.trim() !== "").map((line) => /^ */.exec(line)[0].length));
  if (!Number.isFinite(indent)) return void 0;
  const innerStarts = [];
  const outerStarts = [];
  let inner = "";
  let outer = bodyStart;
  for (const line of lines) {
    innerStarts.push(inner.length);
    outerStarts.push(outer + Math.min(indent, line.length));
    inner += `${line.slice(indent)}
`;
    outer += line.length + 1;
  }
  return {
    text: inner,
    outer: (offset) => {
      let line = innerStarts.length - 1;
      while (line > 0 && innerStarts[line] > offset) line--;
      return outerStarts[line] + (offset - innerStarts[line]);
    }
  };
}
function operations(items, outer, content, file, lineOf, repository) {
  const sites = [];
  for (const item of items) {
    if (!(0, import_yaml.isMap)(item)) continue;
    const op = item.get("op");
    const path = item.get("path");
    if (op !== "add" && op !== "replace" || typeof path !== "string") continue;
    let value = item.get("value", true);
    if (CONTAINER_PATH.test(path) && (0, import_yaml.isMap)(value)) value = value.get("image", true);
    else if (!IMAGE_PATH.test(path)) continue;
    if (!(0, import_yaml.isScalar)(value) || typeof value.value !== "string" || !value.range) continue;
    if (!namesRepository(value.value, repository)) continue;
    const range = [outer(value.range[0]), outer(value.range[1])];
    if (content.slice(range[0], range[1]).includes("\n")) {
      throw new ManifestError(
        file,
        lineOf(range[0]),
        `the JSON6902 patch value for ${path} spans several lines; write it on one line`
      );
    }
    sites.push({ file, line: lineOf(range[0]), path, image: value.value, range });
  }
  return sites;
}
function pinPatchImages(content, sites, pinned) {
  const edits = [];
  const changes = [];
  for (const site of sites) {
    if (site.image === pinned) continue;
    const [start, end] = site.range;
    const text = renderScalarText(content.slice(start, end), site.image, pinned);
    if (text === void 0) {
      throw new ManifestError(
        site.file,
        site.line,
        `the JSON6902 patch value for ${site.path} is not a one-line image reference`
      );
    }
    edits.push({ start, end, text });
    changes.push({
      file: site.file,
      line: site.line,
      workload: site.path,
      kind: "JSON6902 patch",
      container: "",
      from: site.image,
      to: pinned
    });
  }
  return { content: applyEdits(content, edits), changes };
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
  const planned = inspectAll(files, selector).map(({ path, content, sites, kustomize, patches, fields }) => {
    const containers = rewriteImages(content, path, sites, pinned);
    const entries = kustomize.length === 0 ? [] : findKustomizeImages(containers.content, path, selector.repository);
    const images = pinKustomization(containers.content, path, entries, pin);
    const patched = patches.length === 0 ? { content: images.content, changes: [] } : pinPatchImages(images.content, findPatchImages(images.content, path, selector.repository), pinned);
    const targets = fields.map((site) => site.target);
    const values = pinFields(patched.content, findFieldSites(patched.content, targets), pinned);
    return {
      path,
      before: content,
      after: values.content,
      changes: [...containers.changes, ...images.changes, ...patched.changes, ...values.changes],
      sites: sites.length + kustomize.length + patches.length + fields.length
    };
  });
  return {
    files: planned,
    changedFiles: planned.filter((file) => file.changes.length > 0).map((file) => file.path),
    changes: planned.flatMap((file) => file.changes)
  };
}
function checkManifests(files, selector) {
  return inspectAll(files, selector).map(({ path, sites, kustomize, patches, fields }) => ({
    path,
    sites,
    kustomize,
    patches,
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
    const patches = fieldsOnly ? [] : findPatchImages(content, path, selector.repository);
    return { path, content, ...containers, kustomize, patches, fields };
  });
  if (inspected.every(
    (file) => file.sites.length + file.kustomize.length + file.patches.length + file.fields.length === 0
  ))
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
var NoMatchError = class extends ManifestError {
};
function noMatchError(files, selector) {
  const paths = files.map((file) => file.path);
  const wanted = `image ${selector.repository}${selector.container === void 0 ? "" : ` named "${selector.container}"`}`;
  const message = `no container with ${wanted} in: ${list(paths, MAX_LISTED_FILES) || "(no files)"}. ${seenHint(files, selector)} Check that the 'image' input names the same registry host and path as the manifests` + (selector.container === void 0 ? "" : ` and that 'container' is the container's name`) + `, and that 'manifests' selects the right files.`;
  return new NoMatchError(paths.join(", "), void 0, "", message);
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

export {
  findPatchImages,
  isKustomizationPath,
  findKustomizeImages,
  planPins,
  checkManifests,
  NoMatchError
};
