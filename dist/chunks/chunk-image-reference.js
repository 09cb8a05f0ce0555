import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/image/reference.ts
var DOCKER_HUB = "docker.io";
var COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
var HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
var TAG = /^[\w][\w.-]{0,127}$/;
var DIGEST = /^sha256:[a-f0-9]{64}$/;
var MAX_NAME_LENGTH = 255;
var InvalidReferenceError = class extends Error {
  constructor(reference, reason) {
    super(`"${reference}" is not a valid image reference: ${reason}`);
    this.name = "InvalidReferenceError";
  }
};
function cutSuffix(reference, text, at, valid, reason) {
  if (at < 0) return [text, void 0];
  const suffix = text.slice(at + 1);
  if (!valid.test(suffix)) throw new InvalidReferenceError(reference, reason(suffix));
  return [text.slice(0, at), suffix];
}
function parseImageReference(text) {
  const reference = text.trim();
  if (reference === "") throw new InvalidReferenceError(text, "it is empty");
  const [named, digest] = cutSuffix(reference, reference, reference.indexOf("@"), DIGEST, (digest2) => {
    return `the digest "${digest2}" must be sha256: followed by 64 lowercase hex digits`;
  });
  const [repository, tag] = cutSuffix(reference, named, named.indexOf(":", named.lastIndexOf("/") + 1), TAG, (tag2) => {
    return `the tag "${tag2}" may hold only letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-")`;
  });
  if (repository === "") throw new InvalidReferenceError(reference, "the repository name is missing");
  if (repository.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(reference, `the repository name is longer than ${MAX_NAME_LENGTH} characters`);
  }
  const [registry, path] = splitRegistry(repository);
  if (!HOST.test(registry)) throw new InvalidReferenceError(reference, `"${registry}" is not a valid registry host`);
  for (const component of path.split("/")) {
    if (!COMPONENT.test(component)) {
      throw new InvalidReferenceError(
        reference,
        component === "" ? "the repository path has an empty component" : `the path component "${component}" must be lowercase letters and digits separated by ".", "_", "__" or "-"`
      );
    }
  }
  return { repository, registry, path, ...tag !== void 0 && { tag }, ...digest !== void 0 && { digest } };
}
function splitRegistry(repository) {
  const slash = repository.indexOf("/");
  const first = slash < 0 ? "" : repository.slice(0, slash);
  const isHost = first !== "" && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  if (!isHost) {
    return [DOCKER_HUB, slash < 0 ? `library/${repository}` : repository];
  }
  const host = first === "index.docker.io" ? DOCKER_HUB : first;
  const path = repository.slice(slash + 1);
  return [host, host === DOCKER_HUB && !path.includes("/") ? `library/${path}` : path];
}
function normalizedRepository(reference) {
  return `${reference.registry}/${reference.path}`;
}
function formatReference(reference) {
  return reference.repository + (reference.tag ? `:${reference.tag}` : "") + (reference.digest ? `@${reference.digest}` : "");
}
function pinnedReference(reference, digest) {
  return formatReference({ ...reference, digest });
}
function imageName(reference) {
  return reference.path.slice(reference.path.lastIndexOf("/") + 1);
}
function shortDigest(digest) {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}
function isDigest(value) {
  return DIGEST.test(value);
}
function isLoopbackHost(registry) {
  const host = registry.startsWith("[") ? registry.slice(1, registry.indexOf("]")) : registry.replace(/:\d+$/, "");
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}
function isHttpsOrLoopback(url) {
  return url.protocol === "https:" || url.protocol === "http:" && isLoopbackHost(url.host);
}

export {
  parseImageReference,
  normalizedRepository,
  formatReference,
  pinnedReference,
  imageName,
  shortDigest,
  isDigest,
  isLoopbackHost,
  isHttpsOrLoopback
};
