import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ManifestError,
  WORKLOAD_KINDS,
  applyEdits,
  combinedValues,
  describeWorkload,
  findFieldSites,
  insertPair,
  inspectManifest,
  isExplicitFileList,
  lineOfOffset,
  namesRepository,
  parseRelaxed,
  pinFields,
  renderForAll,
  renderScalarText,
  renderTemplate,
  require_dist,
  rewriteImages,
  scalarText,
  selectManifests,
  templateValues
} from "./chunk-P2CE6DX2.js";
import {
  GitOpsRepository,
  bodyLength,
  changeList,
  code,
  createGitHubClient,
  diffSections,
  gitBlobSha,
  link,
  plural,
  pushToBase,
  structuredPatch,
  table,
  text,
  updatePullRequest,
  url
} from "./chunk-FJ6PVWB3.js";
import {
  formatReference,
  normalizedRepository,
  parseImageReference
} from "./chunk-4JJXYC6H.js";
import {
  InputError,
  errorMessage
} from "./chunk-PZGVM4CR.js";
import {
  info,
  notice,
  warning
} from "./chunk-36WCORKW.js";
import {
  __toESM
} from "./chunk-PUMHU2BD.js";

// src/manifests/gotemplate.ts
var import_yaml = __toESM(require_dist(), 1);
function isGoTemplate(content) {
  if (!content.includes("{{")) return false;
  const { documents } = parseRelaxed(content, (text2) => [(0, import_yaml.parseAllDocuments)(text2)].flat());
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
  const { documents } = parseRelaxed(content, (text2) => [(0, import_yaml2.parseAllDocuments)(text2, { uniqueKeys: true })].flat());
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
      const text2 = [
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
        text: `- ${text2}`,
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
      const text2 = !(0, import_yaml2.isScalar)(scalar) || !scalar.range ? void 0 : start === end ? `${content[start - 1] === ":" ? " " : ""}${scalarText(value)}` : renderScalarText(content.slice(start, end), key === "newTag" ? entry.newTag : entry.digest, value);
      if (text2 === void 0) {
        throw new ManifestError(
          file,
          entry.line,
          `${key} of the kustomize images entry for ${entry.name} is not a one-line value; write it as ${key}: VALUE`
        );
      }
      edits.push({ start, end, text: text2 });
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

// src/writeback.ts
function openGitOps(settings) {
  const client = createGitHubClient(settings.token, settings.run.apiUrl);
  const selectors = settings.images.map((image, i) => ({
    repository: normalizedRepository(image),
    ...settings.container !== void 0 && { container: settings.container },
    fields: i === 0 ? settings.fields : []
  }));
  return {
    repository: new GitOpsRepository(client, settings.gitops.owner, settings.gitops.repo),
    selector: selectors[0],
    selectors
  };
}
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
          ...sites.length > 0 ? [plural2(sites.length, "matching container")] : [],
          ...kustomize.length > 0 ? [plural2(kustomize.length, "kustomize images entry", "kustomize images entries")] : [],
          ...fields > 0 ? [plural2(fields, "field")] : []
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
function pinAll(files, selectors, pinned) {
  let current = files;
  const plans = selectors.map((selector, i) => {
    const plan = planPins(current, selector, pinned[i]);
    current = plan.files.map((file, j) => ({ ...current[j], content: file.after }));
    return plan;
  });
  const combined = {
    files: files.map((file, j) => ({
      path: file.path,
      before: file.content,
      after: current[j].content,
      changes: plans.flatMap((plan) => plan.files[j].changes),
      sites: plans.reduce((sum, plan) => sum + plan.files[j].sites, 0)
    })),
    changedFiles: files.filter((file, j) => file.content !== current[j].content).map((file) => file.path),
    changes: plans.flatMap((plan) => plan.changes)
  };
  return { combined, perImage: plans.map((plan) => plan.changedFiles) };
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
    if (tree.truncated) await repository.listFiles(snapshot);
    ({ files: selected, named, excluded } = selectManifests(settings.manifests, tree.paths, where));
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
      `Skipped ${plural2(skipped.length, "Go/Helm template")} (they contain "{{" and are not YAML until Helm renders them): ${skipped.slice(0, 10).join(", ")}${skipped.length > 10 ? `, and ${skipped.length - 10} more` : ""}. To pin a chart, name its values with the fields input.`
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
function plural2(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}
async function rereadManifests(gitops, settings, snapshot, known, moved) {
  const { blobs } = moved;
  if (blobs === void 0) return readManifests(gitops, settings, snapshot);
  const where = `${gitops.repository.fullName}@${snapshot.branch}`;
  const selection = isExplicitFileList(settings.manifests) ? settings.manifests : selectManifests(settings.manifests, [...blobs.keys()], where).files;
  const gone = [...known.considered].some((path) => !blobs.has(path));
  if (gone || selection.some((path) => !known.considered.has(path))) return readManifests(gitops, settings, snapshot);
  const stale = known.files.filter((file) => blobs.get(file.path) !== gitBlobSha(file.content)).map((file) => file.path);
  if (stale.length === 0) return known;
  info(`Changed under this run, read again: ${stale.join(", ")}`);
  const fresh = new Map((await gitops.repository.readFiles(snapshot, stale)).map((file) => [file.path, file.content]));
  return {
    files: known.files.map((file) => fresh.has(file.path) ? { ...file, content: fresh.get(file.path) } : file),
    considered: known.considered
  };
}
async function writeBack(gitops, settings, target, digests) {
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
      files: plan.files.filter((file) => file.before !== file.after).map((file) => ({ path: file.path, content: file.after })),
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
  const message = render("commit-message", settings.templates.commitMessage);
  const base = target.base;
  if (settings.dryRun) {
    const change = await prepare(target.snapshot);
    logChange(change);
    info(
      `Dry run: would ${settings.mode === "push" ? `commit to ${base}` : `open or update a pull request from ${settings.branch} into ${base}`}; nothing was written.`
    );
    return { base, change, written: false };
  }
  if (settings.mode === "push") {
    const outcome2 = await pushToBase(gitops.repository, {
      base,
      initial: target.snapshot,
      message,
      prepare,
      timeoutMs: settings.pushTimeoutMs
    });
    logChange(outcome2.prepared);
    return {
      base,
      change: outcome2.prepared,
      written: outcome2.commitSha !== void 0,
      ...outcome2.commitSha !== void 0 && { commitSha: outcome2.commitSha }
    };
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
    body: (change) => pullRequestBody(deploymentFacts(settings, gitops, base, change, values), intro)
  });
  logChange(outcome.prepared);
  return {
    base,
    change: outcome.prepared,
    written: outcome.commitSha !== void 0,
    ...outcome.commitSha !== void 0 && { commitSha: outcome.commitSha },
    ...outcome.pullRequest !== void 0 && { pullRequest: outcome.pullRequest }
  };
}
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
  factsTable,
  sourceLinks,
  openGitOps,
  readManifestTarget,
  writeBack,
  deploymentFacts
};
