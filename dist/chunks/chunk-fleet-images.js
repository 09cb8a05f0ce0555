import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  imageName,
  isDigest,
  normalizedRepository,
  parseImageReference,
  pinnedReference,
  shortDigest
} from "./chunk-image-reference.js";
import {
  InputError,
  errorMessage
} from "./chunk-errors.js";

// src/report/templates.ts
var PLACEHOLDERS = [
  "image",
  "repository",
  "name",
  "tag",
  "digest",
  "short-digest",
  "version"
];
var TOKEN = /\{\{|\}\}|\{\s*([A-Za-z_][\w.-]*)\s*\}/g;
function renderTemplate(template, values) {
  return template.replace(TOKEN, (token, name) => {
    if (name === void 0) return token[0];
    if (!PLACEHOLDERS.includes(name)) {
      throw new Error(
        `unknown placeholder {${name}}; the known ones are ${PLACEHOLDERS.map((known) => `{${known}}`).join(", ")} (write {{ and }} for literal braces)`
      );
    }
    return values[name];
  });
}
function templateValues(reference, digest) {
  if (!isDigest(digest))
    throw new Error(`"${digest}" is not a sha256 digest (sha256: followed by 64 lowercase hex digits)`);
  const tag = reference.tag ?? "";
  const short = shortDigest(digest);
  return {
    image: pinnedReference(reference, digest),
    repository: reference.repository,
    name: imageName(reference),
    tag,
    digest,
    "short-digest": short,
    version: tag || short
  };
}

// src/fleet/images.ts
import { createHash } from "node:crypto";
function parseImageList(value) {
  const lines = value.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  if (lines.length === 0) throw new InputError("image", "is required but empty.");
  const seen = /* @__PURE__ */ new Map();
  return lines.map((line, index) => {
    let reference;
    try {
      reference = parseImageReference(line);
    } catch (error) {
      throw new InputError(
        "image",
        lines.length === 1 ? errorMessage(error) : `line ${index + 1}: ${errorMessage(error)}`
      );
    }
    const repository = normalizedRepository(reference);
    const earlier = seen.get(repository);
    if (earlier !== void 0) {
      throw new InputError(
        "image",
        `lines ${earlier + 1} and ${index + 1} both name ${repository}; give each image repository once per run.`
      );
    }
    seen.set(repository, index);
    return reference;
  });
}
var MAX_BRANCH_NAMES = 60;
function defaultBranch(images) {
  if (images.length === 1) return `deploy/${imageName(images[0])}`;
  const names = [...new Set(images.map(imageName))].sort();
  const joined = names.join("-");
  if (joined.length <= MAX_BRANCH_NAMES && names.length === images.length) return `deploy/${joined}`;
  const repositories = images.map(normalizedRepository).sort().join("\n");
  return `deploy/${images.length}-images-${createHash("sha256").update(repositories).digest("hex").slice(0, 10)}`;
}
function renderForAll(template, values) {
  const renders = [...new Set(inRepositoryOrder(values).map((v) => renderTemplate(template, v)))];
  if (renders.length === 1) return renders[0];
  const prefix = commonWordPrefix(renders);
  return prefix + renders.map((render) => render.slice(prefix.length)).join(", ");
}
function commonWordPrefix(texts) {
  let end = 0;
  const first = texts[0];
  for (let i = 0; i < first.length; i++) {
    if (texts.some((text) => text[i] !== first[i])) break;
    if (/\s/.test(first[i])) end = i + 1;
  }
  return first.slice(0, end);
}
function combinedValues(values) {
  if (values.length === 1) return values[0];
  const sorted = inRepositoryOrder(values);
  const join = (key) => [...new Set(sorted.map((v) => v[key]))].join(", ");
  return {
    image: join("image"),
    repository: join("repository"),
    name: join("name"),
    tag: join("tag"),
    digest: join("digest"),
    "short-digest": join("short-digest"),
    version: join("version")
  };
}
function inRepositoryOrder(values) {
  return [...values].sort((a, b) => a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0);
}

export {
  renderTemplate,
  templateValues,
  parseImageList,
  defaultBranch,
  renderForAll,
  combinedValues
};
