import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/provenance/trailers.ts
var TRAILER_PREFIX = "Argocd-reference-commit-";
var KEYS = [
  ["repoUrl", "repourl"],
  ["sha", "sha"],
  ["author", "author"],
  ["subject", "subject"],
  ["body", "body"],
  ["date", "date"]
];
var TOKEN_LINE = /^[A-Za-z0-9][A-Za-z0-9-]*: \S/;
var SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
function referenceTrailers(source) {
  const lines = [];
  for (const [field, suffix] of KEYS) {
    const value = trailerValue(field, source[field]);
    if (value !== void 0) lines.push(`${TRAILER_PREFIX}${suffix}: ${value}`);
  }
  return lines;
}
function withReferenceTrailers(message, source) {
  const lines = referenceTrailers(source);
  const text = message.replace(/\s+$/, "");
  if (lines.length === 0) return text;
  if (text === "") return lines.join("\n");
  const paragraphs = text.split(/\n[ \t]*\n/);
  const last = paragraphs.at(-1).split("\n");
  const joinsBlock = paragraphs.length > 1 && last.every((line) => TOKEN_LINE.test(line));
  return `${text}${joinsBlock ? "\n" : "\n\n"}${lines.join("\n")}`;
}
function parseReferenceTrailers(message) {
  const paragraphs = message.replace(/\r\n?/g, "\n").replace(/\s+$/, "").split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return {};
  const found = {};
  for (const line of paragraphs.at(-1).split("\n")) {
    const match = /^([A-Za-z0-9-]+):[ \t]*(.*?)\s*$/.exec(line);
    if (match === null) continue;
    const [, key, value] = match;
    if (!key.toLowerCase().startsWith(TRAILER_PREFIX.toLowerCase())) continue;
    const suffix = key.slice(TRAILER_PREFIX.length).toLowerCase();
    const entry = KEYS.find(([, name]) => name === suffix);
    if (entry === void 0) continue;
    const parsed = readValue(entry[0], value);
    if (parsed !== void 0) found[entry[0]] = parsed;
  }
  return found;
}
function namesRepository(repoUrl, serverUrl, repository) {
  const normal = (url) => url.trim().toLowerCase().replace(/^git@([^:]+):/, "https://$1/").replace(/^[a-z+]+:\/\//, "").replace(/\.git$/, "").replace(/\/+$/, "");
  return normal(repoUrl) === normal(`${serverUrl}/${repository}`);
}
function namesSource(source) {
  return source.repoUrl !== void 0 && source.sha !== void 0;
}
function trailerValue(field, raw) {
  if (raw === void 0) return void 0;
  switch (field) {
    case "body": {
      const body = raw.replace(/^\s*\n/, "").replace(/\s+$/, "");
      return body === "" ? void 0 : JSON.stringify(body);
    }
    case "sha":
      return SHA.test(raw) ? raw : void 0;
    case "date":
      return Number.isNaN(Date.parse(raw)) ? void 0 : raw.trim();
    default: {
      const value = raw.trim();
      return value === "" || /[\r\n]/.test(value) ? void 0 : value;
    }
  }
}
function readValue(field, value) {
  if (value === "") return void 0;
  if (field === "body") {
    try {
      const parsed = JSON.parse(value);
      return typeof parsed === "string" ? parsed : void 0;
    } catch {
      return void 0;
    }
  }
  if (field === "sha") return SHA.test(value) ? value : void 0;
  return value;
}
function formatAuthor(name, email) {
  const mail = email?.trim();
  if (mail === void 0 || mail === "" || /[\s<>]/.test(mail)) return void 0;
  const display = name?.trim() ?? "";
  if (display === "") return `<${mail}>`;
  const plain = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(display) && !/ {2}/.test(display);
  return plain ? `${display} <${mail}>` : `"${display.replace(/["\\]/g, "\\$&")}" <${mail}>`;
}
function splitMessage(message) {
  const [first = "", ...rest] = message.replace(/\r\n/g, "\n").split("\n");
  const subject = first.trim();
  const body = rest.join("\n").replace(/^\s*\n/, "").replace(/\s+$/, "");
  return { ...subject !== "" && { subject }, ...body !== "" && { body } };
}

export {
  withReferenceTrailers,
  parseReferenceTrailers,
  namesRepository,
  namesSource,
  formatAuthor,
  splitMessage
};
