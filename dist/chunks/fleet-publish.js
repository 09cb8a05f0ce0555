import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  OCI_INDEX,
  OCI_MANIFEST,
  RegistryClient,
  acceptsGoogleCredentials,
  isIndexType,
  isManifestType,
  mediaTypeOf,
  platformName,
  sha256
} from "./chunk-registry-auth.js";
import {
  formatBytes
} from "./chunk-util-bytes.js";
import {
  eachLimited
} from "./chunk-util-pool.js";
import {
  inspectLocalImage,
  pushWithDocker
} from "./chunk-registry-docker.js";
import {
  RegistryError,
  where
} from "./chunk-registry-errors.js";
import {
  formatReference,
  normalizedRepository,
  shortDigest
} from "./chunk-image-reference.js";
import "./chunk-secrets.js";
import "./chunk-net-undici-proxy.js";
import "./chunk-net-budget.js";
import {
  InputError
} from "./chunk-errors.js";
import {
  info,
  warning
} from "./chunk-actions-core-lib-command.js";
import "./chunk-undici-index.js";
import "./chunk-net-proxy.js";
import "./chunk-esbuild-runtime.js";

// src/registry/layout-store.ts
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import * as path2 from "node:path";
import { Readable } from "node:stream";

// src/registry/file-chunks.ts
import { open } from "node:fs/promises";
var CHUNK = 256 * 1024;
async function* fileChunks(file, start, length, size = CHUNK) {
  if (length === 0) return;
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafeSlow(Math.min(size, length));
    for (let offset = 0; offset < length; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - offset), start + offset);
      if (bytesRead === 0) throw new Error(`${file} ended ${length - offset} bytes early`);
      offset += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

// src/registry/tar.ts
import { open as open2 } from "node:fs/promises";
import * as path from "node:path";
var BLOCK = 512;
var MAX_META_BYTES = 1024 * 1024;
var TarFormatError = class extends Error {
  constructor(file, reason) {
    super(`${file} is not a readable tar archive: ${reason}`);
    this.name = "TarFormatError";
  }
};
var TarIndex = class _TarIndex {
  constructor(file, members) {
    this.file = file;
    this.members = members;
  }
  file;
  members;
  static async read(file) {
    return new _TarIndex(file, await readMembers(file));
  }
  names() {
    return [...this.members.keys()];
  }
  /** The regular file at `name`, following hard and symbolic links inside the archive. */
  lookup(name) {
    let current = this.members.get(normalize(name));
    for (let hops = 0; current !== void 0 && hops < 16; hops++) {
      if (current.type === "file") return current;
      if (current.type === "hardlink" && current.linkname !== void 0) {
        current = this.members.get(normalize(current.linkname));
      } else if (current.type === "symlink" && current.linkname !== void 0) {
        const target = current.linkname.startsWith("/") ? current.linkname : path.posix.join(path.posix.dirname(current.name), current.linkname);
        current = this.members.get(normalize(target));
      } else {
        return void 0;
      }
    }
    return void 0;
  }
};
async function readMembers(file) {
  const members = /* @__PURE__ */ new Map();
  const handle = await open2(file, "r");
  try {
    const { size: archiveSize } = await handle.stat();
    const block = Buffer.alloc(BLOCK);
    let position = 0;
    let longName;
    let longLink;
    let pax = {};
    const readAt = async (buffer, at) => {
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, at + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done;
    };
    for (; ; ) {
      const read = await readAt(block, position);
      if (read === 0) break;
      if (position === 0) rejectCompressed(file, block);
      if (read < BLOCK) throw new TarFormatError(file, `truncated header at byte ${position}`);
      if (block.every((byte) => byte === 0)) break;
      if (!checksumMatches(block)) {
        throw new TarFormatError(
          file,
          position === 0 ? "no tar header at the start" : `corrupt header at byte ${position}`
        );
      }
      const type = String.fromCharCode(block[156]);
      const paxSize = pax.size !== void 0 ? Number(pax.size) : void 0;
      const size = paxSize !== void 0 && Number.isSafeInteger(paxSize) ? paxSize : parseNumber(block.subarray(124, 136), file, position);
      const dataOffset = position + BLOCK;
      if (dataOffset + size > archiveSize)
        throw new TarFormatError(file, `member at byte ${position} runs past the end of the archive`);
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === "L" || type === "K" || type === "x" || type === "g") {
        if (size > MAX_META_BYTES) throw new TarFormatError(file, `oversized ${type} header`);
        const data = Buffer.alloc(size);
        await readAt(data, dataOffset);
        if (type === "L") longName = cString(data);
        else if (type === "K") longLink = cString(data);
        else if (type === "x") pax = parsePax(data);
        continue;
      }
      const name = longName ?? pax.path ?? headerName(block);
      const linkname = longLink ?? pax.linkpath ?? cString(block.subarray(157, 257));
      longName = longLink = void 0;
      pax = {};
      const member = {
        name: normalize(name),
        type: memberType(type),
        offset: dataOffset,
        size: type === "1" || type === "2" || type === "5" ? 0 : size,
        ...linkname !== "" && { linkname }
      };
      if (member.name !== "") members.set(member.name, member);
    }
  } finally {
    await handle.close();
  }
  return members;
}
function rejectCompressed(file, block) {
  if (block[0] === 31 && block[1] === 139) {
    throw new TarFormatError(
      file,
      "it is gzip-compressed; decompress it first (e.g. `gunzip` or `docker save` without `| gzip`)"
    );
  }
  if (block[0] === 40 && block[1] === 181 && block[2] === 47 && block[3] === 253) {
    throw new TarFormatError(file, "it is zstd-compressed; decompress it first (`zstd -d`)");
  }
}
function memberType(flag) {
  switch (flag) {
    case "0":
    case "\0":
    case "7":
      return "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "5":
      return "directory";
    default:
      return "other";
  }
}
function headerName(block) {
  const name = cString(block.subarray(0, 100));
  const posix2 = block.subarray(257, 263).toString("latin1") === "ustar\0";
  const prefix = posix2 ? cString(block.subarray(345, 500)) : "";
  return prefix ? `${prefix}/${name}` : name;
}
function checksumMatches(block) {
  const stored = Number.parseInt(cString(block.subarray(148, 156)).trim() || "NaN", 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 32 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}
function parseNumber(field, file, at) {
  if (field[0] & 128) {
    if (field[0] & 64) throw new TarFormatError(file, `negative size at byte ${at}`);
    let value = field[0] & 63;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    if (!Number.isSafeInteger(value)) throw new TarFormatError(file, `size too large at byte ${at}`);
    return value;
  }
  const text = cString(field).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(file, `bad size field at byte ${at}`);
  return Number.parseInt(text, 8);
}
function parsePax(data) {
  const records = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(32, at);
    if (space < 0) break;
    const length = Number(data.subarray(at, space).toString("ascii"));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.length) break;
    const record = data.subarray(space + 1, at + length - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}
function cString(bytes) {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString("utf8");
}
function normalize(name) {
  const normalized = path.posix.normalize(`/${name}`).replace(/^\/+/, "").replace(/\/+$/, "");
  return normalized === "." ? "" : normalized;
}

// src/registry/layout-store.ts
var MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
var DIGEST = /^sha256:([a-f0-9]{64})$/;
var READ_CHUNK = 1024 * 1024;
var LayoutError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "LayoutError";
  }
};
async function openLayout(location, label = location) {
  let info2;
  try {
    info2 = await stat(location);
  } catch (error) {
    const code = error.code;
    throw new LayoutError(`${label}: ${code === "ENOENT" ? "no such file or directory" : error.message}.`);
  }
  if (info2.isDirectory()) return openDirectory(location, label);
  if (info2.isFile()) return openArchive(location, label);
  throw new LayoutError(`${label} is neither a directory nor a tar file.`);
}
async function openDirectory(root, label) {
  const file = (digest) => {
    const [algorithm, hex] = splitDigest(digest, label);
    return path2.join(root, "blobs", algorithm, hex);
  };
  const read = async (name) => {
    try {
      return await readFile(path2.join(root, name));
    } catch (error) {
      if (error.code === "ENOENT") return void 0;
      throw new LayoutError(`${label}: cannot read ${name}: ${error.message}`);
    }
  };
  const blobs = {
    async size(digest) {
      try {
        const info2 = await stat(file(digest));
        return info2.isFile() ? info2.size : void 0;
      } catch {
        return void 0;
      }
    },
    open: (digest) => createReadStream(file(digest), { highWaterMark: READ_CHUNK }),
    chunks: (digest, size) => fileChunks(file(digest), 0, size),
    read: (digest) => readFile(file(digest))
  };
  return layoutFrom(
    label,
    "directory",
    await read("oci-layout"),
    await read("index.json"),
    blobs,
    () => read("manifest.json")
  );
}
async function openArchive(archive, label) {
  let tar;
  try {
    tar = await TarIndex.read(archive);
  } catch (error) {
    throw new LayoutError(`${label}: ${error.message.replace(`${archive} `, "")}`);
  }
  let prefix = "";
  if (tar.lookup("index.json") === void 0) {
    const nested = tar.names().filter((name) => name.endsWith("/index.json")).map((name) => name.slice(0, -"index.json".length)).filter((dir) => tar.lookup(`${dir}oci-layout`) !== void 0);
    if (nested.length === 1) prefix = nested[0];
  }
  const member = (digest) => {
    const [algorithm, hex] = splitDigest(digest, label);
    return `${prefix}blobs/${algorithm}/${hex}`;
  };
  const slice = (name) => {
    const entry = tar.lookup(name);
    if (entry === void 0) throw new LayoutError(`${label}: ${name} is missing from the archive.`);
    return entry.size === 0 ? Readable.from([]) : createReadStream(archive, {
      start: entry.offset,
      end: entry.offset + entry.size - 1,
      highWaterMark: READ_CHUNK
    });
  };
  const read = async (name) => {
    const entry = tar.lookup(name);
    if (entry === void 0) return void 0;
    if (entry.size > MAX_MANIFEST_BYTES * 4)
      throw new LayoutError(`${label}: ${name} is unexpectedly large (${entry.size} bytes).`);
    const pieces = [];
    for await (const piece of slice(name)) pieces.push(piece);
    return Buffer.concat(pieces);
  };
  const blobs = {
    size: (digest) => Promise.resolve(tar.lookup(member(digest))?.size),
    open: (digest) => slice(member(digest)),
    chunks: (digest) => {
      const entry = tar.lookup(member(digest));
      if (entry === void 0) throw new LayoutError(`${label}: ${member(digest)} is missing from the archive.`);
      return fileChunks(archive, entry.offset, entry.size);
    },
    read: async (digest) => await read(member(digest)) ?? Buffer.alloc(0)
  };
  return layoutFrom(
    label,
    "archive",
    await read(`${prefix}oci-layout`),
    await read(`${prefix}index.json`),
    blobs,
    () => read(`${prefix}manifest.json`)
  );
}
async function layoutFrom(label, kind, marker, indexBytes, blobs, legacyManifest) {
  if (indexBytes === void 0) {
    const legacy = await legacyManifest() !== void 0;
    throw new LayoutError(
      legacy ? `${label} is a legacy \`docker save\` archive (manifest.json, no index.json). Save it with Docker 25 or later, which writes an OCI layout, or convert it: skopeo copy docker-archive:${label} oci:DIR.` : `${label} is not an OCI image layout: it has no index.json.`
    );
  }
  if (marker !== void 0) {
    const version = parseJson(marker, `${label}: oci-layout`).imageLayoutVersion;
    if (typeof version !== "string" || !version.startsWith("1.")) {
      throw new LayoutError(
        `${label}: oci-layout declares imageLayoutVersion ${JSON.stringify(version)}; only 1.x is supported.`
      );
    }
  }
  const index = parseJson(indexBytes, `${label}: index.json`);
  if (!Array.isArray(index.manifests)) throw new LayoutError(`${label}: index.json has no "manifests" list.`);
  const manifests = index.manifests.map((entry, i) => descriptor(entry, `${label}: index.json manifests[${i}]`));
  return { label, kind, indexBytes, manifests, blobs };
}
function descriptor(value, where2) {
  const d = value;
  if (typeof d !== "object" || d === null || typeof d.digest !== "string" || typeof d.size !== "number" || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new LayoutError(`${where2} is not a descriptor with a digest and a size.`);
  }
  if (!DIGEST.test(d.digest))
    throw new LayoutError(`${where2}: digest "${d.digest}" is not sha256:<64 hex digits>; only sha256 is supported.`);
  return d;
}
function splitDigest(digest, label) {
  const match = DIGEST.exec(digest);
  if (!match) throw new LayoutError(`${label}: "${digest}" is not a sha256 digest.`);
  return ["sha256", match[1]];
}
function parseJson(bytes, what) {
  try {
    const value = JSON.parse(bytes.toString("utf8"));
    if (typeof value !== "object" || value === null) throw new Error("not a JSON object");
    return value;
  } catch (error) {
    throw new LayoutError(`${what} is not valid JSON: ${error.message}`);
  }
}

// src/registry/layout.ts
var REF_NAME = "org.opencontainers.image.ref.name";
var CONTAINERD_NAME = "io.containerd.image.name";
var MAX_DEPTH = 4;
async function selectImage(layout, image) {
  const { manifests, label } = layout;
  if (manifests.length === 0) throw new LayoutError(`${label}: index.json lists no images.`);
  let chosen;
  if (manifests.length === 1) {
    chosen = manifests[0];
  } else {
    const wanted = wantedNames(image);
    let matches = manifests.filter(
      (d) => wanted.has(refName(d) ?? "") || wanted.has(d.annotations?.[CONTAINERD_NAME] ?? "")
    );
    if (image.digest !== void 0) {
      const byDigest = manifests.filter((d) => d.digest === image.digest);
      if (byDigest.length > 0) matches = byDigest;
    }
    const digests = new Set(matches.map((d) => d.digest));
    if (digests.size === 1) {
      chosen = matches[0];
    } else if (digests.size > 1) {
      throw new LayoutError(
        `${label}: several different images are named ${describeWanted(image)}: ${matches.map((d) => d.digest).join(", ")}.`
      );
    } else if (manifests.every((d) => refName(d) === void 0 && d.platform !== void 0)) {
      return loadImage(
        layout,
        { digest: sha256(layout.indexBytes), size: layout.indexBytes.length, mediaType: OCI_INDEX },
        layout.indexBytes
      );
    } else {
      const names = manifests.map((d) => refName(d) ?? `(unnamed ${d.digest})`);
      throw new LayoutError(
        `${label} holds ${manifests.length} images and none is named ${describeWanted(image)} (${REF_NAME}). Found: ${names.join(", ")}. Tag the image accordingly or set the image input to one of these.`
      );
    }
  }
  return loadImage(layout, chosen);
}
async function loadImage(layout, top, topBytes) {
  const children = [];
  const blobs = /* @__PURE__ */ new Map();
  const platforms = [];
  let attestations = 0;
  const seen = /* @__PURE__ */ new Set();
  const visit = async (desc, depth, bytesGiven) => {
    if (depth > MAX_DEPTH) throw new LayoutError(`${layout.label}: indexes nest deeper than ${MAX_DEPTH} levels.`);
    const bytes = bytesGiven ?? await readManifest(layout, desc);
    const parsed = parseJson(
      bytes,
      `${layout.label}: manifest ${desc.digest}`
    );
    const mediaType = (typeof parsed.mediaType === "string" ? parsed.mediaType : void 0) ?? desc.mediaType ?? mediaTypeOf(bytes) ?? OCI_MANIFEST;
    const isIndex = isIndexType(mediaType) || !isManifestType(mediaType) && Array.isArray(parsed.manifests);
    const manifest = { digest: desc.digest, mediaType, bytes, kind: isIndex ? "index" : "manifest" };
    if (isIndex) {
      if (!Array.isArray(parsed.manifests))
        throw new LayoutError(`${layout.label}: index ${desc.digest} has no "manifests" list.`);
      for (const [i, entry] of parsed.manifests.entries()) {
        const child = descriptor(entry, `${layout.label}: index ${desc.digest} manifests[${i}]`);
        if (depth === 0) {
          if (child.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") attestations++;
          else platforms.push(platformName(child.platform));
        }
        if (seen.has(child.digest)) continue;
        seen.add(child.digest);
        children.push(await visit(child, depth + 1));
      }
    } else {
      if (!Array.isArray(parsed.layers) || typeof parsed.config !== "object" || parsed.config === null) {
        throw new LayoutError(`${layout.label}: manifest ${desc.digest} (${mediaType}) has no config and layers.`);
      }
      const parts = [descriptor(parsed.config, `${layout.label}: manifest ${desc.digest} config`)];
      for (const [i, layer] of parsed.layers.entries())
        parts.push(descriptor(layer, `${layout.label}: manifest ${desc.digest} layers[${i}]`));
      for (const part of parts) {
        if (blobs.has(part.digest)) continue;
        const size = await layout.blobs.size(part.digest);
        if (size === void 0 && part.urls?.length) continue;
        if (size === void 0)
          throw new LayoutError(`${layout.label}: blob ${part.digest} (listed in manifest ${desc.digest}) is missing.`);
        if (size !== part.size) {
          throw new LayoutError(
            `${layout.label}: blob ${part.digest} is ${size} bytes but manifest ${desc.digest} says ${part.size}; the layout is corrupt.`
          );
        }
        blobs.set(part.digest, part);
      }
    }
    return manifest;
  };
  const root = await visit(top, 0, topBytes);
  const summary = root.kind === "index" ? `index: ${platforms.join(", ") || "no platforms"}${attestations ? ` + ${attestations} attestation${attestations === 1 ? "" : "s"}` : ""}` : "single manifest";
  const name = refName(top);
  return { root, children, blobs: [...blobs.values()], summary, ...name !== void 0 && { refName: name } };
}
async function readManifest(layout, desc) {
  const size = await layout.blobs.size(desc.digest);
  if (size === void 0) throw new LayoutError(`${layout.label}: manifest blob ${desc.digest} is missing.`);
  if (size !== desc.size)
    throw new LayoutError(
      `${layout.label}: manifest blob ${desc.digest} is ${size} bytes, but its descriptor says ${desc.size}.`
    );
  if (size > MAX_MANIFEST_BYTES) throw new LayoutError(`${layout.label}: manifest ${desc.digest} is larger than 4 MiB.`);
  const bytes = await layout.blobs.read(desc.digest);
  if (sha256(bytes) !== desc.digest)
    throw new LayoutError(
      `${layout.label}: manifest blob ${desc.digest} does not match its digest; the layout is corrupt.`
    );
  return bytes;
}
function wantedNames(image) {
  const names = /* @__PURE__ */ new Set();
  if (image.tag !== void 0) {
    names.add(image.tag);
    names.add(`${image.repository}:${image.tag}`);
    names.add(`${normalizedRepository(image)}:${image.tag}`);
  }
  names.add(formatReference(image));
  return names;
}
function describeWanted(image) {
  return image.tag !== void 0 ? `"${image.tag}"` : `"${formatReference(image)}"`;
}
function refName(desc) {
  return desc.annotations?.[REF_NAME];
}

// src/registry/push.ts
async function pushImage(options) {
  const { client, image, blobs } = options;
  let blobsUploaded = 0;
  let blobsPresent = 0;
  let bytesUploaded = 0;
  const reference = options.tag ?? image.root.digest;
  if (await client.resolve(image.root.digest) !== void 0) {
    const digest2 = await putExact(client, reference, image.root.mediaType, image.root.bytes, image.root.digest);
    info(
      `${image.root.kind === "index" ? "Index" : "Manifest"} ${digest2} already in the registry with all ${image.blobs.length} blobs; tagged ${reference}`
    );
    return {
      digest: digest2,
      mediaType: image.root.mediaType,
      blobsUploaded: 0,
      blobsPresent: image.blobs.length,
      bytesUploaded: 0
    };
  }
  const pending = [...image.blobs].sort((a, b) => b.size - a.size);
  await eachLimited(pending, options.concurrency ?? 4, async (blob) => {
    if (await client.hasBlob(blob.digest)) {
      blobsPresent++;
      info(`Blob ${shortDigest(blob.digest)} (${formatBytes(blob.size)}): already present`);
      return;
    }
    const started = Date.now();
    await client.uploadBlob(blob.digest, blob.size, () => blobs.chunks(blob.digest, blob.size));
    blobsUploaded++;
    bytesUploaded += blob.size;
    info(
      `Blob ${shortDigest(blob.digest)} (${formatBytes(blob.size)}): uploaded in ${((Date.now() - started) / 1e3).toFixed(1)} s`
    );
  });
  for (const child of image.children) {
    await putExact(client, child.digest, child.mediaType, child.bytes, child.digest);
    info(`Manifest ${shortDigest(child.digest)} (${child.kind}) pushed by digest`);
  }
  const digest = await putExact(client, reference, image.root.mediaType, image.root.bytes, image.root.digest);
  info(`${image.root.kind === "index" ? "Index" : "Manifest"} ${digest} pushed as ${reference}`);
  return { digest, mediaType: image.root.mediaType, blobsUploaded, blobsPresent, bytesUploaded };
}
async function putExact(client, reference, mediaType, bytes, expected) {
  const digest = await client.putManifest(reference, mediaType, bytes);
  if (digest !== expected) {
    throw new RegistryError(
      `${where(client.target)}: manifest ${reference} was stored as ${digest}, but the layout says ${expected}.`
    );
  }
  return digest;
}

// src/registry/publish.ts
var DEFAULT_TAG = "latest";
async function inspectSource(request) {
  const { image, source, dryRun } = request;
  const name = formatReference(image);
  const push = dryRun ? "would-push" : "pushed";
  if (source.kind === "layout") {
    const { layout, chosen } = await asSourceInput(async () => {
      const layout2 = await openLayout(source.path, source.input);
      return { layout: layout2, chosen: await selectImage(layout2, image) };
    });
    if (image.digest !== void 0 && chosen.root.digest !== image.digest) {
      throw new RegistryError(
        `The image in ${source.input} has digest ${chosen.root.digest}, but the image input pins ${image.digest}. Remove the digest from the image input, or point source at the layout of that image.`
      );
    }
    const bytes = chosen.blobs.reduce((sum, blob) => sum + blob.size, 0);
    return {
      action: push,
      summary: `push ${chosen.summary} from ${source.input} (${chosen.blobs.length} blobs, ${formatBytes(bytes)}) to ${name}`,
      digest: chosen.root.digest,
      mediaType: chosen.root.mediaType,
      ...image.tag !== void 0 && { tag: image.tag },
      layout: { layout, image: chosen }
    };
  }
  if (image.digest !== void 0) {
    return { action: "verified", summary: `verify that ${name} exists in ${image.registry}`, digest: image.digest };
  }
  const tag = image.tag ?? DEFAULT_TAG;
  if (source.kind === "registry") {
    return { action: "resolved", summary: `resolve tag ${tag} of ${image.repository} in the registry`, tag };
  }
  const local = await inspectLocalImage(image, tag);
  if (local === void 0) {
    throw new RegistryError(
      `The local Docker engine has no image ${image.repository}:${tag}. Build or tag it under that name before this step, or use source: registry (already pushed) or the path of an OCI layout.`
    );
  }
  if (!dryRun) return { action: "pushed", summary: `push ${image.repository}:${tag} with docker`, tag };
  const known = local.repoDigests[0];
  if (known === void 0) {
    throw new RegistryError(
      `Dry run cannot know the digest of ${image.repository}:${tag}: it was never pushed to ${image.registry}, and a digest only exists once the registry has the image. Use source: registry for an image that is already pushed, or an OCI layout path (its digest is computed locally).`
    );
  }
  return {
    action: "would-push",
    summary: `push ${image.repository}:${tag} with docker (last pushed as ${shortDigest(known)})`,
    digest: known,
    tag
  };
}
function trustedCredentials({ image, credentials }) {
  if (credentials === void 0 || acceptsGoogleCredentials(image.registry)) return credentials;
  warning(
    `${image.registry} is not a Google registry: the Google Cloud credentials are not sent to it, and it is accessed anonymously. Drop workload-identity-provider (and GOOGLE_APPLICATION_CREDENTIALS) for this image, or push it to Artifact Registry.`
  );
  return void 0;
}
async function asSourceInput(read) {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof LayoutError)) throw error;
    throw new InputError(
      "source",
      `${error.message} It must be an OCI image layout directory, or a tar of one, relative to GITHUB_WORKSPACE.`
    );
  }
}
async function publishImage(request, plan) {
  const { image } = request;
  const credentials = trustedCredentials(request);
  const chosen = plan ?? await inspectSource(request);
  const writes = chosen.action === "pushed";
  const client = new RegistryClient({
    registry: image.registry,
    repository: image.path,
    ...credentials !== void 0 && { credentials },
    access: writes ? "push" : "pull"
  });
  const base = { registry: image.registry, pushed: false, blobsUploaded: 0, blobsPresent: 0, bytesUploaded: 0 };
  info(`Image: ${chosen.action === "would-push" ? "dry run, would " : ""}${chosen.summary}`);
  switch (chosen.action) {
    case "verified": {
      const found = await client.resolve(chosen.digest);
      if (found === void 0) {
        throw new RegistryError(
          `${formatReference(image)} is not in the registry ${image.registry}: no manifest with that digest in ${image.path}. Push the image first, or correct the digest in the image input. Nothing was written.`
        );
      }
      info(`Digest ${found.digest} exists in ${image.registry}/${image.path} (${found.mediaType})`);
      return { ...base, action: "verified", digest: found.digest, mediaType: found.mediaType };
    }
    case "resolved": {
      const found = await client.resolve(chosen.tag);
      if (found === void 0) {
        throw new RegistryError(
          `Tag ${chosen.tag} of ${image.repository} is not in the registry ${image.registry}. Push ${image.repository}:${chosen.tag} before this step, or use source: docker or an OCI layout path so the action pushes it.`
        );
      }
      info(`Tag ${chosen.tag} resolves to ${found.digest} (${found.mediaType})`);
      return { ...base, action: "resolved", digest: found.digest, mediaType: found.mediaType };
    }
    case "would-push":
      info(`Dry run: nothing pushed; the digest would be ${chosen.digest}`);
      return { ...base, action: "would-push", digest: chosen.digest, mediaType: chosen.mediaType ?? "" };
    case "pushed": {
      if (chosen.layout !== void 0) {
        const result = await pushImage({
          client,
          image: chosen.layout.image,
          blobs: chosen.layout.layout.blobs,
          ...chosen.tag !== void 0 && { tag: chosen.tag }
        });
        info(
          `Pushed ${image.repository}@${result.digest}: ${result.blobsUploaded} blobs uploaded (${formatBytes(result.bytesUploaded)}), ${result.blobsPresent} already present`
        );
        return { ...base, ...result, action: "pushed", pushed: true };
      }
      const pushed = await pushWithDocker({
        image,
        tag: chosen.tag,
        client,
        ...credentials !== void 0 && { credentials }
      });
      info(`Pushed ${image.repository}:${chosen.tag} with docker: ${pushed.digest}`);
      return { ...base, action: "pushed", pushed: true, digest: pushed.digest, mediaType: pushed.mediaType };
    }
  }
}

// src/fleet/publish.ts
async function inspectImages(settings) {
  const inspected = [];
  for (const image of settings.images) {
    inspected.push({ image, plan: await inspectSource({ image, source: settings.source, dryRun: settings.dryRun }) });
  }
  return inspected;
}
async function publishImages(settings, inspected, credentials) {
  const results = [];
  for (const { image, plan } of inspected) {
    const request = { image, source: settings.source, dryRun: settings.dryRun };
    results.push(await publishImage({ ...request, ...credentials !== void 0 && { credentials } }, plan));
  }
  return results;
}
export {
  inspectImages,
  publishImages
};
