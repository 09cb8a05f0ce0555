import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/registry/errors.ts
var RegistryError = class extends Error {
  constructor(message, status, options) {
    super(message, options);
    this.status = status;
    this.name = "RegistryError";
    if (options?.retryAfterMs !== void 0) this.retryAfterMs = options.retryAfterMs;
  }
  status;
  /** The registry's `Retry-After`, read by `transientFailure`. */
  retryAfterMs;
};
var UnauthorizedError = class extends RegistryError {
  constructor(message) {
    super(message, 401);
    this.name = "UnauthorizedError";
  }
};
function role(access) {
  return access === "push" ? "roles/artifactregistry.writer" : "roles/artifactregistry.reader";
}
function remedy(status, access, hasCredentials, code) {
  if (status === 401) {
    return hasCredentials ? `The registry did not accept the credentials: check the Google Cloud authentication inputs; the principal needs ${role(access)} on the repository.` : "No credentials were configured: set workload-identity-provider (and service-account), or GOOGLE_APPLICATION_CREDENTIALS, so the action can authenticate.";
  }
  if (status === 403) return `The principal needs ${role(access)} on the repository.`;
  if (status === 404 && code === "NAME_UNKNOWN") {
    return "Check that the repository exists (Artifact Registry: gcloud artifacts repositories create) and that the image path is right.";
  }
  return "";
}
function registryErrorDetail(body) {
  if (body.length === 0) return { text: "" };
  const raw = body.subarray(0, 4096).toString("utf8");
  try {
    const parsed = JSON.parse(raw);
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const first = parsed.errors[0];
      const text = parsed.errors.map((e) => [e.code, e.message].filter((part) => typeof part === "string" && part !== "").join(": ")).filter((part) => part !== "").join("; ");
      return { text: truncate(text), ...typeof first.code === "string" && { code: first.code } };
    }
  } catch {
  }
  return { text: truncate(raw.replace(/\s+/g, " ").trim()) };
}
function truncate(text, max = 300) {
  return text.length > max ? `${text.slice(0, max)}\u2026` : text;
}
function statusFailure(target, operation, status, body, access, hasCredentials) {
  const detail = registryErrorDetail(body);
  const hint = remedy(status, access, hasCredentials, detail.code);
  return `${where(target)}: ${operation} failed with HTTP ${status}${detail.text ? ` (${detail.text})` : ""}.${hint ? ` ${hint}` : ""}`;
}
function where(target) {
  return `Registry ${target.registry}, repository ${target.repository}`;
}

export {
  RegistryError,
  UnauthorizedError,
  role,
  remedy,
  registryErrorDetail,
  statusFailure,
  where
};
