import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  appendJobSummary
} from "./chunk-report-summary.js";
import {
  runUrl
} from "./chunk-run-context.js";
import {
  revertChange
} from "./chunk-verify-revert-plan.js";
import {
  formatDuration
} from "./chunk-util-duration.js";
import {
  cell,
  code,
  link,
  text
} from "./chunk-diff-libesm-diff-array.js";
import {
  letFinish,
  settleOutput
} from "./chunk-cancel.js";
import {
  withReferenceTrailers
} from "./chunk-provenance-trailers.js";
import {
  pinnedReference
} from "./chunk-image-reference.js";
import {
  maskSecret,
  scrubSecrets
} from "./chunk-secrets.js";
import {
  GitHubDeployment
} from "./chunk-verify-github.js";
import {
  createGitHubClient
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import {
  nextDelay,
  parseRetryAfter,
  retry,
  statusOf,
  systemClock,
  transientFailure
} from "./chunk-net-budget.js";
import {
  errorMessage,
  noAnswerReason
} from "./chunk-errors.js";
import {
  info,
  setOutput,
  warning
} from "./chunk-actions-core-lib-command.js";
import {
  proxiedFetch
} from "./chunk-net-proxy.js";

// src/net/capped-body.ts
var BodyTooLarge = class extends Error {
  constructor(limit) {
    super(`the answer is larger than ${formatBytes(limit)}`);
    this.limit = limit;
    this.name = "BodyTooLarge";
  }
  limit;
};
async function readTextCapped(response, maxBytes) {
  const reader = response.body?.getReader();
  if (reader === void 0) return "";
  const decoder = new TextDecoder();
  const parts = [];
  let length = 0;
  try {
    for (; ; ) {
      const { done, value } = await reader.read();
      if (done) return parts.join("") + decoder.decode();
      length += value.length;
      if (length > maxBytes) throw new BodyTooLarge(maxBytes);
      parts.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => void 0);
  }
}
async function readHead(response, maxBytes) {
  const reader = response.body?.getReader();
  if (reader === void 0) return { bytes: new Uint8Array(), truncated: false };
  const pieces = [];
  let length = 0;
  try {
    for (; ; ) {
      const { done, value } = await reader.read();
      if (done) return { bytes: concat(pieces, length), truncated: false };
      const room = maxBytes - length;
      if (value.length >= room) {
        pieces.push(value.subarray(0, room));
        length += room;
        const more = value.length > room || !await reader.read().then((next) => next.done);
        return { bytes: concat(pieces, length), truncated: more };
      }
      pieces.push(value);
      length += value.length;
    }
  } finally {
    await reader.cancel().catch(() => void 0);
  }
}
function concat(pieces, length) {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.length;
  }
  return bytes;
}
function formatBytes(bytes) {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

// src/verify/answer.ts
var REVISIONS = { revision: "string", revisions: ["list", "string"] };
var SOURCE = { repoURL: "string", path: "string", targetRevision: "string", chart: "string" };
var HEALTH = { status: "string", message: "string" };
var APPLICATION = {
  metadata: { name: "string", namespace: "string" },
  spec: { project: "string", source: SOURCE, sources: ["list", SOURCE], syncPolicy: { automated: "boolean-ish" } },
  status: {
    sync: { status: "string", ...REVISIONS },
    health: HEALTH,
    operationState: {
      phase: "string",
      message: "string",
      startedAt: "string",
      finishedAt: "string",
      operation: { sync: REVISIONS },
      syncResult: REVISIONS
    },
    reconciledAt: "string",
    conditions: ["list", { type: "string", message: "string" }],
    resources: [
      "list",
      { group: "string", kind: "string", namespace: "string", name: "string", status: "string", health: HEALTH }
    ]
  }
};
var MalformedAnswer = class extends Error {
  constructor(field) {
    super(`${field} is not what Argo CD sends`);
    this.field = field;
    this.name = "MalformedAnswer";
  }
  field;
};
function readApplication(json) {
  if (!isObject(json)) throw new MalformedAnswer(json === null ? "the body (null)" : "the body");
  check(json, APPLICATION, "");
  return json;
}
function check(value, shape, path) {
  if (value === void 0 || value === null) return;
  if (shape === "string") {
    if (typeof value !== "string") throw new MalformedAnswer(path);
  } else if (shape === "boolean-ish") {
    if (typeof value !== "object" && typeof value !== "boolean") throw new MalformedAnswer(path);
  } else if (Array.isArray(shape)) {
    if (!Array.isArray(value)) throw new MalformedAnswer(path);
    value.forEach((item, i) => check(item, shape[1], `${path}[${i}]`));
  } else {
    if (!isObject(value)) throw new MalformedAnswer(path);
    for (const [field, inner] of Object.entries(shape)) {
      check(value[field], inner, path === "" ? field : `${path}.${field}`);
    }
  }
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/verify/argocd.ts
var ARGOCD_REQUEST = { attempts: 3, deadlineMs: 3e4, baseDelayMs: 500, maxDelayMs: 4e3 };
var REQUEST_TIMEOUT_MS = 3e4;
var MAX_ANSWER_BYTES = 4 * 1024 * 1024;
var ArgoCdError = class extends Error {
  constructor(message, status, retryAfterMs, unreadable) {
    super(message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.unreadable = unreadable;
    this.name = "ArgoCdError";
  }
  status;
  retryAfterMs;
  unreadable;
};
var UNREADABLE_STATUS = { 401: "rejected", 403: "denied", 404: "missing" };
var ArgoCdClient = class {
  constructor(server, auth) {
    this.server = server;
    this.auth = auth;
  }
  server;
  auth;
  bearer;
  /** The application's web page: `SERVER/applications/NAMESPACE/NAME`. */
  uiUrl(app, namespace) {
    return `${this.server}/applications/${encodeURIComponent(app.namespace ?? namespace ?? "argocd")}/${encodeURIComponent(app.name)}`;
  }
  /** GET /api/v1/applications/{name}; `refresh` asks Argo CD to compare with Git now. */
  async getApplication(app, refresh) {
    const url = new URL(`${this.server}/api/v1/applications/${encodeURIComponent(app.name)}`);
    if (app.namespace !== void 0) url.searchParams.set("appNamespace", app.namespace);
    if (refresh) url.searchParams.set("refresh", "normal");
    const deadline = Date.now() + ARGOCD_REQUEST.deadlineMs;
    const json = await retry(
      () => this.getJson(url, Math.max(1e3, Math.min(REQUEST_TIMEOUT_MS, deadline - Date.now()))),
      { policy: ARGOCD_REQUEST, classify: transientFailure }
    );
    try {
      return readApplication(json);
    } catch (error) {
      if (!(error instanceof MalformedAnswer)) throw error;
      throw new ArgoCdError(
        `${this.server} answered ${url.pathname} with JSON that is not an Argo CD application: ${errorMessage(error)}`,
        void 0,
        void 0,
        "malformed"
      );
    }
  }
  async getJson(url, timeoutMs, renewed = false) {
    const token = await this.token();
    let response;
    try {
      response = await proxiedFetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs)
      });
    } catch (error) {
      throw Object.assign(new ArgoCdError(`no answer from ${this.server} (${scrubSecrets(noAnswerReason(error))})`), {
        cause: error
      });
    }
    let text2;
    try {
      text2 = await readTextCapped(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        throw new ArgoCdError(
          `${this.server} answered ${url.pathname} with ${error.message}`,
          void 0,
          void 0,
          "too-large"
        );
      }
      throw Object.assign(new ArgoCdError(`no answer from ${this.server} (${scrubSecrets(noAnswerReason(error))})`), {
        cause: error
      });
    }
    if (response.ok) {
      try {
        return JSON.parse(text2);
      } catch {
        throw new ArgoCdError(
          `${this.server} answered ${url.pathname} with something that is not JSON: is it Argo CD?`,
          void 0,
          void 0,
          "not-json"
        );
      }
    }
    if (response.status === 401 && this.auth.kind === "oidc" && !renewed) {
      this.bearer = void 0;
      return this.getJson(url, timeoutMs, true);
    }
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    throw new ArgoCdError(
      `HTTP ${response.status}: ${scrubSecrets(argoMessage(text2))}`,
      response.status,
      retryAfterMs,
      UNREADABLE_STATUS[response.status]
    );
  }
  async token() {
    if (this.auth.kind === "token") return this.auth.token;
    if (this.bearer === void 0) {
      const { requestIdToken } = await import("./oidc.js");
      this.bearer = await requestIdToken(this.auth.audience);
      maskSecret(this.bearer);
    }
    return this.bearer;
  }
};
function argoMessage(body) {
  try {
    const parsed = JSON.parse(body);
    const message = typeof parsed.message === "string" ? parsed.message : parsed.error;
    if (typeof message === "string" && message !== "") return message;
  } catch {
  }
  const text2 = body.replace(/\s+/g, " ").trim();
  return text2 === "" ? "(empty body)" : text2.slice(0, 200);
}

// src/verify/all.ts
var PAST_EVERY_DEADLINE_MS = 1e12;
async function waitForAll(waits, clock = systemClock) {
  if (waits.length === 1) return waits[0](clock);
  const stop = new AbortController();
  let firstFailure;
  const results = await Promise.all(
    waits.map(async (wait) => {
      const result = await wait(stoppable(clock, stop.signal));
      if (!result.ok && firstFailure === void 0) {
        firstFailure = result;
        stop.abort();
      }
      return result;
    })
  );
  if (firstFailure !== void 0) {
    const health2 = results.find((result) => result.health !== "")?.health ?? firstFailure.health;
    return { ...firstFailure, health: health2 };
  }
  const health = results.find((result) => result.health !== "")?.health ?? "";
  return {
    ok: true,
    health,
    unhealthy: [],
    ...results[0]?.syncedRevision !== void 0 && { syncedRevision: results[0].syncedRevision }
  };
}
function stoppable(clock, signal) {
  return {
    now: () => clock.now() + (signal.aborted ? PAST_EVERY_DEADLINE_MS : 0),
    sleep: (ms) => {
      if (signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          if (timer !== void 0) clearTimeout(timer);
          resolve();
        };
        signal.addEventListener("abort", done);
        const timer = clock === systemClock ? setTimeout(done, ms) : void 0;
        if (timer === void 0) void clock.sleep(ms).then(done);
      });
    }
  };
}

// src/verify/application.ts
function sourcesOf(app) {
  const sources = app.spec?.sources;
  if (sources !== void 0 && sources.length > 0) return sources;
  return app.spec?.source === void 0 ? [] : [app.spec.source];
}

// src/verify/preflight.ts
var PreflightError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "PreflightError";
  }
};
async function checkApplications(client, settings, target) {
  const checked = [];
  for (const ref of settings.applications) {
    let app;
    try {
      app = await client.getApplication(ref, false);
    } catch (error) {
      throw new PreflightError(readFailure(ref, settings, error));
    }
    const result = matchSource(app, ref, target);
    if (typeof result === "string") throw new PreflightError(result);
    const namespace = app.metadata?.namespace;
    const uiUrl = client.uiUrl(ref, namespace);
    info(`Argo CD application ${label(ref)} deploys ${target.repository}@${target.base}: ${uiUrl}`);
    if (app.spec?.syncPolicy?.automated == null) {
      warning(
        `Argo CD application ${label(ref)} has no automated sync policy: the wait ends only when someone syncs it. Enable \`spec.syncPolicy.automated\`, or sync it by hand within verify-timeout.`
      );
    }
    checked.push({ ref, sourceIndex: result, ...namespace !== void 0 && { namespace }, uiUrl });
  }
  return checked;
}
function label(ref) {
  return ref.namespace === void 0 ? `"${ref.name}"` : `"${ref.namespace}/${ref.name}"`;
}
function readFailure(ref, settings, error) {
  const status = error instanceof ArgoCdError ? error.status : void 0;
  const what = `Argo CD application ${label(ref)} at ${settings.server}`;
  const credential = settings.auth.kind === "token" ? "`argocd-token`" : `the GitHub OIDC token (audience "${settings.auth.audience}"; check that Argo CD trusts GitHub's issuer with this audience)`;
  if (status === 401) {
    return `Could not read ${what}: Argo CD rejected ${credential} (${errorMessage(error)}). Pass a valid, unexpired project-role token or API key.`;
  }
  if (status === 403 || status === 404) {
    return `Could not read ${what} (${errorMessage(error)}). Either no application of that name exists${ref.namespace === void 0 ? " in Argo CD's namespace" : ` in namespace ${ref.namespace}`}, or ${credential} may not read it. Check \`argocd-application\` (NAMESPACE/NAME for applications in other namespaces), and give the token's role \`p, proj:PROJECT:ROLE, applications, get, PROJECT/NAME, allow\`.`;
  }
  if (status === void 0) {
    return `Could not reach ${settings.server} for ${what}: ${errorMessage(error)}. Check \`argocd-server\` and that the runner can reach it.`;
  }
  return `Could not read ${what}: ${errorMessage(error)}.`;
}
function matchSource(app, ref, target) {
  const sources = sourcesOf(app);
  const repoMatches = sources.map((source, index) => ({ source, index })).filter(({ source }) => sameRepository(source.repoURL, target));
  const where = `${target.repository} (branch ${target.base})`;
  if (repoMatches.length === 0) {
    const seen = sources.map((source) => source.repoURL ?? "(no repoURL)").join(", ") || "no source";
    return `Argo CD application ${label(ref)} does not deploy from ${where}: it reads ${seen}. Waiting for it would never see this commit. Name the application that deploys these manifests in \`argocd-application\`, or point \`gitops-repository\` at the repository it reads.`;
  }
  const onBase = repoMatches.find(({ source }) => sameRevision(source.targetRevision, target));
  if (onBase === void 0) {
    const revisions = repoMatches.map(({ source }) => source.targetRevision || "HEAD").join(", ");
    return `Argo CD application ${label(ref)} deploys ${target.repository} at ${revisions}, not branch ${target.base} that this run commits to. Set \`base\` to the branch Argo CD deploys, or the application's targetRevision to ${target.base}.`;
  }
  const path = (onBase.source.path ?? "").replace(/^\.?\/+|\/+$/g, "");
  if (path !== "" && path !== "." && !target.files.some((file) => file === path || file.startsWith(`${path}/`))) {
    warning(
      `Argo CD application ${label(ref)} deploys path "${path}" of ${target.repository}, but none of the manifests this run may change is under it (${target.files.slice(0, 3).join(", ")}${target.files.length > 3 ? ", \u2026" : ""}).`
    );
  }
  return onBase.index;
}
function repositoryOf(repoURL) {
  const scp = /^[\w.-]+@([^:/]+):(.+)$/.exec(repoURL);
  if (scp !== null) return { host: scp[1].toLowerCase(), path: normalizePath(scp[2]) };
  try {
    const url = new URL(repoURL);
    return { host: url.hostname.toLowerCase(), path: normalizePath(url.pathname) };
  } catch {
    return void 0;
  }
}
function normalizePath(path) {
  return path.replace(/^\/+|\/+$/g, "").replace(/\.git$/, "").toLowerCase();
}
function sameRepository(repoURL, target) {
  if (repoURL === void 0) return false;
  const parsed = repositoryOf(repoURL);
  if (parsed === void 0) return false;
  let host;
  try {
    host = new URL(target.serverUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return parsed.host === host && parsed.path === target.repository.toLowerCase();
}
function sameRevision(revision, target) {
  const value = (revision ?? "").trim();
  if (value === "" || value === "HEAD") return target.baseIsDefault;
  return value === target.base || value === `refs/heads/${target.base}`;
}

// src/verify/state.ts
var FATAL_CONDITIONS = /* @__PURE__ */ new Set(["ComparisonError", "InvalidSpecError", "SyncError"]);
var FAILED_PHASES = /* @__PURE__ */ new Set(["Failed", "Error"]);
function snapshot(app, sourceIndex) {
  const status = app.status;
  return {
    sync: status?.sync?.status ?? "Unknown",
    revision: syncRevision(app, sourceIndex) ?? "",
    health: status?.health?.status ?? "Unknown",
    operation: status?.operationState?.phase ?? ""
  };
}
function evaluate(app, target) {
  const status = app.status ?? {};
  const condition = (status.conditions ?? []).find((c) => FATAL_CONDITIONS.has(c.type ?? ""));
  if (condition !== void 0) {
    return { kind: "failed", reason: `${condition.type}: ${condition.message ?? "(no message)"}` };
  }
  const revision = syncRevision(app, target.sourceIndex);
  const ours = (value) => {
    if (value === void 0 || !isCommitSha(value)) return false;
    if (value === target.revision) return true;
    return target.contains.get(value);
  };
  const operation = status.operationState;
  const operationRevision = operationRevisionOf(app, target.sourceIndex);
  const operationIsOurs = ours(operationRevision);
  if (operationIsOurs === void 0) return { kind: "compare", revision: operationRevision };
  if (operation !== void 0 && operationIsOurs && FAILED_PHASES.has(operation.phase ?? "")) {
    return {
      kind: "failed",
      reason: `the sync operation for ${short(operationRevision)} ended ${operation.phase}: ${operation.message ?? "(no message)"}`
    };
  }
  const syncIsOurs = ours(revision);
  if (syncIsOurs === void 0) return { kind: "compare", revision };
  if (!syncIsOurs) {
    if (revision !== void 0 && revision !== "" && !isCommitSha(revision)) {
      return {
        kind: "waiting",
        reason: `Argo CD reports revision "${revision}", which is not a commit SHA and proves nothing about ${short(target.revision)}`
      };
    }
    return {
      kind: "waiting",
      reason: `Argo CD is at ${revision ? short(revision) : "no revision yet"} (${status.sync?.status ?? "Unknown"}), not yet at ${short(target.revision)}`
    };
  }
  if (status.sync?.status !== "Synced") {
    return { kind: "waiting", reason: `${short(revision)} is ${status.sync?.status ?? "Unknown"}, not yet Synced` };
  }
  const reconciledAt = time(status.reconciledAt);
  if (operation !== void 0 && operationIsOurs) {
    if (operation.phase !== "Succeeded") {
      return {
        kind: "waiting",
        reason: `the sync operation for ${short(operationRevision)} is ${operation.phase ?? "pending"}`
      };
    }
    const finishedAt = time(operation.finishedAt);
    if (finishedAt === void 0 || reconciledAt === void 0 || reconciledAt <= finishedAt) {
      return { kind: "waiting", reason: "the sync finished; waiting for Argo CD to assess health after it" };
    }
  } else if (reconciledAt === void 0 || reconciledAt <= Math.floor(target.startedAt / 1e3) * 1e3) {
    return { kind: "waiting", reason: "waiting for Argo CD to compare after the commit" };
  }
  const health = status.health?.status ?? "Unknown";
  if (health === "Healthy") return { kind: "healthy", revision };
  if (health === "Degraded" || health === "Missing") {
    return { kind: "failed", reason: `health is ${health} at ${short(revision)}` };
  }
  return { kind: "waiting", reason: `health is ${health}` };
}
function unhealthyResources(app) {
  return (app.status?.resources ?? []).filter((resource) => resource.health?.status !== void 0 && resource.health.status !== "Healthy").map(describeResource);
}
function describeResource(resource) {
  const name = resource.namespace ? `${resource.namespace}/${resource.name ?? ""}` : resource.name ?? "";
  const message = resource.health?.message ? `: ${resource.health.message}` : "";
  return `${resource.kind ?? "Resource"} ${name}: ${resource.health?.status ?? "Unknown"}${message}`;
}
function syncRevision(app, sourceIndex) {
  const sync = app.status?.sync;
  return sync?.revisions?.[sourceIndex] ?? sync?.revision;
}
function operationRevisionOf(app, sourceIndex) {
  const operation = app.status?.operationState;
  if (operation === void 0) return void 0;
  return operation.syncResult?.revisions?.[sourceIndex] ?? operation.syncResult?.revision ?? operation.operation?.sync?.revisions?.[sourceIndex] ?? operation.operation?.sync?.revision;
}
function time(value) {
  if (value === void 0) return void 0;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? void 0 : parsed;
}
function isCommitSha(value) {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}
function short(revision) {
  return /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 7) : revision;
}

// src/verify/report.ts
var MAX_TIMELINE_ROWS = 50;
function verificationMarkdown(report) {
  const argo = report.applications.length > 0;
  const sections = [argo ? "### Argo CD verification" : "### Deployment verification"];
  sections.push(
    report.verified ? `\u2705 ${argo ? "Synced and Healthy" : "Deployed"} at ${code(short(report.revision))}.` : `\u274C ${text(report.failure ?? "Verification failed.")}`
  );
  if (argo) {
    sections.push(report.applications.map((app) => `- Application ${link(code(app.name), app.uiUrl)}`).join("\n"));
  }
  const statuses = report.commitStatuses ?? [];
  if (statuses.length > 0) {
    sections.push(
      [
        "| Commit status | State | Commit | Description |",
        "| --- | --- | --- | --- |",
        ...statuses.map(
          (status) => `| ${status.targetUrl ? link(code(status.context), status.targetUrl) : code(status.context)} | ${cell(text(status.state))} | ${code(short(status.sha))} | ${cell(text(status.description ?? ""))} |`
        )
      ].join("\n")
    );
  }
  if (report.timeline.length > 0) {
    const rows = report.timeline.slice(-MAX_TIMELINE_ROWS).map((entry) => {
      const { sync, revision, health, operation } = entry.snapshot;
      return `| ${entry.at.slice(11, 19)} | ${cell(text(entry.application))} | ${cell(text(sync))} | ${revision ? code(short(revision)) : ""} | ${cell(text(health))} | ${cell(text(operation))} |`;
    });
    sections.push(
      [
        "| Time (UTC) | Application | Sync | Revision | Health | Operation |",
        "| --- | --- | --- | --- | --- | --- |",
        ...rows
      ].join("\n")
    );
  }
  if (report.unhealthy.length > 0) {
    sections.push(`**Not healthy**

${report.unhealthy.map((line) => `- ${text(line)}`).join("\n")}`);
  }
  if (report.smoke.length > 0) {
    sections.push(
      `**Smoke tests**

${report.smoke.map(
        (result) => `- ${result.ok ? "\u2705" : "\u274C"} ${code(result.url)}: ${text(result.last)} (${result.attempts} ${result.attempts === 1 ? "try" : "tries"})`
      ).join("\n")}`
    );
  }
  const revert = report.revert;
  if (revert !== void 0) {
    const lines = [];
    if (revert.commitSha !== void 0) {
      const sha = code(revert.commitSha.slice(0, 7));
      const through = revert.pullRequestUrl !== void 0 ? ` through ${link("the revert pull request", revert.pullRequestUrl)}` : "";
      lines.push(`Reverted in ${revert.commitUrl ? link(sha, revert.commitUrl) : sha}${through}.`);
    } else {
      lines.push("Nothing was reverted.");
    }
    lines.push(...revert.restored.map((item) => `- restored ${text(item.description)}`));
    lines.push(...revert.leftAlone.map((item) => `- left alone ${text(item.description)}`));
    if (revert.verified === true)
      lines.push(argo ? "Argo CD is Synced and Healthy at the revert." : "The revert is deployed.");
    if (revert.failure !== void 0) lines.push(`The revert did not deploy cleanly: ${text(revert.failure)}`);
    sections.push(`**Revert**

${lines.join("\n")}`);
  }
  return sections.join("\n\n") + "\n";
}

// src/verify/smoke.ts
var SmokeFailure = class extends Error {
};
function smokePolicy(timeoutMs) {
  const maxDelayMs = Math.min(1e4, Math.max(1e3, Math.round(timeoutMs / 20)));
  return { deadlineMs: timeoutMs, baseDelayMs: 500, maxDelayMs };
}
async function smokeTest(url, timeoutMs, clock) {
  let attempts = 0;
  let last = "";
  const started = clock.now();
  try {
    await retry(
      async () => {
        attempts++;
        const remaining = Math.max(1e3, timeoutMs - (clock.now() - started));
        let response;
        try {
          response = await proxiedFetch(url, {
            redirect: "follow",
            signal: AbortSignal.timeout(Math.min(3e4, remaining))
          });
        } catch (error) {
          last = `no answer (${noAnswerReason(error)})`;
          throw new SmokeFailure(last);
        }
        const head = await readHead(response, SNIPPET_BYTES).catch(() => ({
          bytes: new Uint8Array(),
          truncated: false
        }));
        const body = snippet(head.bytes, head.truncated);
        last = `HTTP ${response.status}${body === "" ? "" : `: ${body}`}`;
        if (response.status < 200 || response.status > 299) throw new SmokeFailure(last);
      },
      {
        policy: smokePolicy(timeoutMs),
        classify: (error) => error instanceof SmokeFailure ? { retry: true, reason: error.message } : { retry: false },
        onRetry: (event) => info(`Smoke test ${url}: ${event.reason}; trying again in ${event.delayMs} ms`),
        clock
      }
    );
    info(`Smoke test ${url}: ${last.split(":")[0]} after ${attempts} ${attempts === 1 ? "try" : "tries"}`);
    return { url, ok: true, attempts, last: last.split(":")[0] };
  } catch (error) {
    if (!(error instanceof SmokeFailure)) last = errorMessage(error);
    return { url, ok: false, attempts, last };
  }
}
async function smokeTests(urls, timeoutMs, clock) {
  const results = [];
  for (const url of urls) {
    const result = await smokeTest(url, timeoutMs, clock);
    results.push(result);
    if (!result.ok) break;
  }
  return results;
}
function smokeFailure(result, timeoutMs) {
  return `smoke test ${result.url} did not answer 2xx within ${formatDuration(timeoutMs)} (${result.attempts} ${result.attempts === 1 ? "try" : "tries"}); last answer: ${result.last}`;
}
var SNIPPET_BYTES = 200;
function snippet(bytes, truncated) {
  const text2 = Buffer.from(bytes).toString("utf8").replace(/\uFFFD$/, "").replace(/\s+/g, " ").trim();
  return text2 === "" ? "" : `${text2}${truncated ? "\u2026" : ""}`;
}

// src/verify/commit-status.ts
var FAILED = /* @__PURE__ */ new Set(["failure", "error"]);
function contextMatcher(pattern) {
  const source = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  const regex = new RegExp(`^${source}$`);
  return (context) => regex.test(context);
}
function evaluateStatuses(patterns, views) {
  const missing = [];
  const pending = [];
  const passed = [];
  let passedIndex = 0;
  for (const pattern of patterns) {
    const matches = contextMatcher(pattern);
    const contexts = [...new Set(views.flatMap((view) => view.statuses.map((s) => s.context)))].filter(matches);
    if (contexts.length === 0) {
      missing.push(pattern);
      continue;
    }
    for (const context of contexts) {
      const seen = views.flatMap((view) => {
        const status = view.statuses.find((s) => s.context === context);
        return status === void 0 ? [] : [{ view, status }];
      });
      const failed2 = seen.find(({ status }) => FAILED.has(status.state));
      if (failed2 !== void 0) {
        return { kind: "failed", context, reason: failureReason(failed2.status, failed2.view.sha) };
      }
      const success = seen.filter(({ status }) => status.state === "success");
      if (success.length > 0) {
        passed.push(context);
        passedIndex = Math.max(passedIndex, views.indexOf(success.at(-1).view));
      } else {
        pending.push(seen.at(-1).status);
      }
    }
  }
  if (missing.length > 0 || pending.length > 0) return { kind: "waiting", missing, pending };
  return { kind: "passed", revision: views[passedIndex]?.sha ?? "", contexts: passed };
}
function failureReason(status, sha) {
  const description = status.description ? `: ${status.description}` : "";
  const link2 = status.targetUrl ? ` (${status.targetUrl})` : "";
  return `commit status "${status.context}" is ${status.state} on ${short(sha)}${description}${link2}`;
}
function timeoutReason(revision, base, verdict, patterns) {
  const missing = verdict === void 0 ? patterns : verdict.kind === "waiting" ? verdict.missing : [];
  const pending = verdict?.kind === "waiting" ? verdict.pending : [];
  const parts = [];
  if (missing.length > 0) {
    parts.push(
      `no commit status ${missing.map((p) => `"${p}"`).join(", ")} was reported on ${short(revision)} or a later commit of ${base}`
    );
  }
  for (const status of pending) {
    parts.push(`"${status.context}" is still pending${status.description ? `: ${status.description}` : ""}`);
  }
  return parts.join("; ");
}

// src/verify/wait.ts
function pollPolicy(timeoutMs) {
  const maxDelayMs = Math.min(15e3, Math.max(1e3, Math.round(timeoutMs / 40)));
  return { baseDelayMs: Math.min(2e3, maxDelayMs), maxDelayMs };
}
async function waitForDeploy(deps, applications, revision, timeoutMs) {
  const { clock, client } = deps;
  const startedAt = clock.now();
  const deadline = startedAt + timeoutMs;
  const policy = pollPolicy(timeoutMs);
  const contains = /* @__PURE__ */ new Map();
  const last = /* @__PURE__ */ new Map();
  const done = /* @__PURE__ */ new Map();
  info(`Waiting up to ${formatDuration(timeoutMs)} for Argo CD to deploy ${short(revision)}`);
  for (let poll = 1; ; poll++) {
    for (const checked of applications) {
      if (done.has(checked)) continue;
      let app;
      try {
        app = await client.getApplication(checked.ref, true);
      } catch (error) {
        const reason = cannotRead(error);
        info(`Could not read Argo CD application ${label(checked.ref)} (${errorMessage(error)}); polling on`);
        last.set(checked, { ...last.get(checked), reason, unknown: true });
        continue;
      }
      record(deps, checked, app);
      let verdict;
      try {
        verdict = evaluate(app, { revision, sourceIndex: checked.sourceIndex, contains, startedAt });
        while (verdict.kind === "compare") {
          const other = verdict.revision;
          try {
            contains.set(other, await deps.contains(revision, other));
          } catch (error) {
            const reason = `could not compare ${short(revision)} with ${short(other)} on GitHub: ${errorMessage(error)}`;
            info(reason);
            last.set(checked, { app, reason, unknown: true });
            break;
          }
          verdict = evaluate(app, { revision, sourceIndex: checked.sourceIndex, contains, startedAt });
        }
      } catch (error) {
        const reason = `could not make sense of Argo CD's answer (${errorMessage(error)})`;
        info(reason);
        last.set(checked, { app, reason, unknown: true });
        continue;
      }
      if (verdict.kind === "compare") continue;
      if (verdict.kind === "failed") {
        last.set(checked, { app, reason: verdict.reason });
        const unhealthy = unhealthyResources(app);
        return {
          ok: false,
          failure: `Argo CD application ${label(checked.ref)} failed to deploy ${short(revision)}: ${verdict.reason}${resourceList(unhealthy)}`,
          health: app.status?.health?.status ?? "Unknown",
          unhealthy
        };
      }
      if (verdict.kind === "healthy") {
        done.set(checked, verdict.revision);
        info(`Argo CD application ${label(checked.ref)} is Synced and Healthy at ${short(verdict.revision)}`);
      }
      last.set(checked, { app, reason: verdict.kind === "waiting" ? verdict.reason : "Healthy" });
    }
    if (done.size === applications.length) {
      return { ok: true, syncedRevision: [...done.values()].pop(), health: "Healthy", unhealthy: [] };
    }
    const delay = nextDelay(policy, poll) ?? policy.maxDelayMs;
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      return failed(
        `Argo CD did not report ${short(revision)} Synced and Healthy within ${formatDuration(timeoutMs)}`,
        last
      );
    }
    await clock.sleep(Math.min(delay, remaining));
  }
}
function cannotRead(error) {
  const detail = errorMessage(error);
  switch (error instanceof ArgoCdError ? error.unreadable : void 0) {
    case "rejected":
      return `the Argo CD token was rejected after the deploy (${detail})`;
    case "denied":
      return `Argo CD denied reading the application after the deploy (${detail})`;
    case "missing":
      return `Argo CD no longer finds the application (${detail})`;
    case "not-json":
    case "malformed":
    case "too-large":
      return `Argo CD's answer could not be read (${detail})`;
    default:
      return `Argo CD did not answer (${detail})`;
  }
}
function record(deps, checked, app) {
  const current = snapshot(app, checked.sourceIndex);
  const name = `${checked.ref.namespace ? `${checked.ref.namespace}/` : ""}${checked.ref.name}`;
  const previous = [...deps.timeline].reverse().find((entry) => entry.application === name);
  if (previous !== void 0 && JSON.stringify(previous.snapshot) === JSON.stringify(current)) return;
  deps.timeline.push({ at: new Date(deps.clock.now()).toISOString(), application: name, snapshot: current });
  info(
    `${name}: ${current.sync} at ${current.revision ? short(current.revision) : "-"}, health ${current.health}` + (current.operation ? `, operation ${current.operation}` : "")
  );
}
function failed(headline, last) {
  const unknown = [...last].find(([, seen]) => seen.unknown === true);
  if (unknown !== void 0) {
    const [checked, { reason }] = unknown;
    return {
      ok: false,
      unknown: reason,
      failure: `could not verify the deploy: ${label(checked.ref)}: ${reason}`,
      health: "Unknown",
      unhealthy: []
    };
  }
  const states = [];
  const unhealthy = [];
  let health = "Unknown";
  for (const [checked, { app, reason }] of last) {
    if (reason === "Healthy") continue;
    const state = app === void 0 ? void 0 : snapshot(app, checked.sourceIndex);
    if (state !== void 0) health = state.health;
    const resources = app === void 0 ? [] : unhealthyResources(app);
    unhealthy.push(...resources);
    states.push(
      `${label(checked.ref)}: ${state === void 0 ? "" : `last seen ${state.sync} at ${state.revision ? short(state.revision) : "no revision"}, health ${state.health}; `}${reason}${resourceList(resources)}`
    );
  }
  return { ok: false, failure: `${headline}. ${states.join(". ")}`, health, unhealthy };
}
function resourceList(resources) {
  return resources.length === 0 ? "" : `. Not healthy: ${resources.join("; ")}`;
}

// src/verify/status-wait.ts
async function waitForCommitStatuses(deps, patterns, revision, base, timeoutMs) {
  const { clock } = deps;
  const deadline = clock.now() + timeoutMs;
  const policy = pollPolicy(timeoutMs);
  const matchers = patterns.map(contextMatcher);
  const contains = /* @__PURE__ */ new Map();
  let verdict;
  let views = [];
  let said = "";
  info(
    `Waiting up to ${formatDuration(timeoutMs)} for commit status ${patterns.map((p) => `"${p}"`).join(", ")} on ${short(revision)} or a later commit of ${base}`
  );
  const seen = () => views.flatMap((view) => view.statuses.map((status) => ({ ...status, sha: view.sha })));
  const end = (ok, failure, syncedRevision) => ({
    ok,
    ...failure !== void 0 && { failure },
    ...syncedRevision !== void 0 && { syncedRevision },
    health: "",
    unhealthy: [],
    statuses: seen().filter((status) => matchers.some((matches) => matches(status.context)))
  });
  for (let poll = 1; ; poll++) {
    try {
      views = await read(deps, revision, base, contains);
      verdict = evaluateStatuses(patterns, views);
      const now = describe(verdict);
      if (now !== said) info(now);
      said = now;
      if (verdict.kind === "failed") return end(false, verdict.reason);
      if (verdict.kind === "passed") return end(true, void 0, verdict.revision);
    } catch (error) {
      if (!transientFailure(error).retry) {
        const status = statusOf(error);
        const hint = status === 404 || status === 403 ? " Give the token `statuses: read` on the GitOps repository (`permissions: statuses: read`)." : "";
        return end(false, `could not read the commit statuses of ${short(revision)}: ${errorMessage(error)}.${hint}`);
      }
      info(`GitHub did not answer for the commit statuses (${errorMessage(error)}); polling on`);
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      return end(false, `${timeoutReason(revision, base, verdict, patterns)} within ${formatDuration(timeoutMs)}`);
    }
    await clock.sleep(Math.min(nextDelay(policy, poll) ?? policy.maxDelayMs, remaining));
  }
}
async function read(deps, revision, base, contains) {
  const head = await deps.combinedStatus(base);
  if (head.sha === revision) return [head];
  const own = await deps.combinedStatus(revision);
  if (!contains.has(head.sha)) contains.set(head.sha, await deps.contains(revision, head.sha));
  return contains.get(head.sha) ? [own, head] : [own];
}
function describe(verdict) {
  switch (verdict.kind) {
    case "passed":
      return `Commit status ${verdict.contexts.map((c) => `"${c}"`).join(", ")}: success at ${short(verdict.revision)}`;
    case "failed":
      return `Commit status "${verdict.context}" failed`;
    case "waiting":
      return [
        ...verdict.missing.map((p) => `"${p}": no status yet`),
        ...verdict.pending.map((s) => `"${s.context}": pending${s.description ? ` (${s.description})` : ""}`)
      ].join("; ");
  }
}

// src/verify/index.ts
var MIN_REVERT_WAIT_MS = 12e4;
var Verifier = class {
  constructor(settings, verify, repository, argo, clock = systemClock) {
    this.settings = settings;
    this.verify = verify;
    this.repository = repository;
    this.argo = argo;
    this.clock = clock;
  }
  settings;
  verify;
  repository;
  argo;
  clock;
  get applications() {
    return this.argo?.applications ?? [];
  }
  /** The write-back's outcome as verification needs it. */
  change(outcome, target, digests) {
    return {
      revision: outcome.commitSha ?? target.snapshot.commitSha,
      committed: outcome.commitSha !== void 0,
      base: outcome.base,
      written: outcome.change.plan.files.filter((file) => file.before !== file.after),
      pinnedImage: (this.settings.images ?? []).map((image, i) => pinnedReference(image, digests[i])).join("\n"),
      digest: digests.join("\n"),
      ...outcome.source !== void 0 && { source: outcome.source }
    };
  }
  /** Outputs and job summary; throws the failure after reporting it. */
  report(result) {
    return reportVerification(result);
  }
  /**
   * After the commit: deployment, wait, smoke tests, and the revert when asked (one commit on the
   * base, or `reverter`: through a pull request). Never throws for a failed deploy. `openDeployment`
   * replaces the default (a new deployment for GITHUB_SHA).
   */
  async run(change, openDeployment, reverter) {
    const { verify, clock } = this;
    const started = clock.now();
    const deadline = started + verify.timeoutMs;
    const timeline = [];
    const statuses = [];
    const deployment = await (openDeployment ?? ((c) => this.startDeployment(c)))(change);
    if (deployment !== void 0) settleOutput("deployment-id", String(deployment.id));
    try {
      return await this.verifyDeployment(change, deployment, deadline, timeline, statuses, reverter);
    } catch (error) {
      const reason = errorMessage(error);
      await deployment?.setState("error", `Verification stopped: ${reason}`);
      throw new Error(
        `Verification could not finish after the commit ${short(change.revision)} (an unexpected error: ${reason}); nothing was reverted.`,
        { cause: error }
      );
    }
  }
  async verifyDeployment(change, deployment, deadline, timeline, statuses, reverter) {
    const { verify, clock } = this;
    await deployment?.setState("in_progress", `Waiting for ${short(change.revision)} to be deployed`);
    const wait = await this.waitForDeploy(change.revision, change.base, verify.timeoutMs, timeline, statuses);
    let failure = wait.ok ? void 0 : wait.failure;
    const smoke = wait.ok ? await smokeTests(verify.smokeTestUrls, verify.smokeTestTimeoutMs, clock) : [];
    const failedSmoke = smoke.find((result) => !result.ok);
    if (failedSmoke !== void 0) failure = smokeFailure(failedSmoke, verify.smokeTestTimeoutMs);
    let revert;
    let health = wait.health;
    if (failure !== void 0 && wait.unknown === void 0 && verify.onFailure === "revert") {
      const reverted = await this.revert(
        change,
        failure,
        timeline,
        Math.max(MIN_REVERT_WAIT_MS, deadline - clock.now()),
        reverter ?? ((base, written, message) => revertChange(this.repository, base, written, message))
      );
      if (reverted.verified !== void 0) health = reverted.health;
      revert = reverted;
    }
    const verified = failure === void 0;
    await deployment?.setState(
      verified ? "success" : wait.unknown !== void 0 ? "error" : "failure",
      verified ? `Deployed at ${short(change.revision)}` : wait.unknown !== void 0 ? "Could not read the deploy status after the commit" : "Verification failed",
      ...verified && verify.smokeTestUrls[0] !== void 0 ? [verify.smokeTestUrls[0]] : []
    );
    return {
      verified,
      revision: change.revision,
      ...failure !== void 0 && { failure },
      applications: this.applications.map((app) => ({
        name: `${app.ref.namespace ? `${app.ref.namespace}/` : ""}${app.ref.name}`,
        uiUrl: app.uiUrl
      })),
      timeline,
      commitStatuses: statuses,
      unhealthy: wait.unhealthy,
      smoke,
      ...revert !== void 0 && { revert },
      health,
      ...wait.syncedRevision !== void 0 && { syncedRevision: wait.syncedRevision },
      ...revert?.commitSha !== void 0 && { revertedCommitSha: revert.commitSha },
      ...deployment !== void 0 && { deploymentId: deployment.id },
      ...wait.unknown !== void 0 && { unknown: wait.unknown }
    };
  }
  /** Argo CD and the commit statuses, side by side: both must pass, and the first failure ends both. */
  waitForDeploy(revision, base, timeoutMs, timeline, statuses) {
    const { argo, verify, repository } = this;
    const contains = (older, newer) => repository.contains(older, newer);
    const waits = [];
    if (argo !== void 0) {
      waits.push(
        (clock) => waitForDeploy({ client: argo.client, clock, timeline, contains }, argo.applications, revision, timeoutMs)
      );
    }
    if (verify.commitStatuses.length > 0) {
      waits.push(async (clock) => {
        const combinedStatus = (ref) => repository.combinedStatus(ref);
        const result = await waitForCommitStatuses(
          { combinedStatus, contains, clock },
          verify.commitStatuses,
          revision,
          base,
          timeoutMs
        );
        statuses.splice(0, statuses.length, ...result.statuses);
        return result;
      });
    }
    return waitForAll(waits, this.clock);
  }
  async startDeployment(change) {
    const { settings, verify } = this;
    if (verify.environment === void 0) return void 0;
    const run = settings.run;
    const deployment = await GitHubDeployment.create(createGitHubClient(verify.sourceToken, run.apiUrl), {
      repository: run.repository,
      sha: change.source?.sha ?? run.sha,
      environment: verify.environment,
      payload: { image: change.pinnedImage, digest: change.digest, gitops_commit: change.revision },
      description: `Deploy ${change.pinnedImage}`.slice(0, 140),
      logUrl: runUrl(run)
    });
    return deployment;
  }
  async revert(change, failure, timeline, timeoutMs, reverter) {
    const { settings } = this;
    if (!change.committed || change.written.length === 0) {
      warning(
        change.committed ? `on-failure: revert: ${short(change.revision)} changed no image pin, so there is nothing to revert.` : "on-failure: revert: this run committed nothing, so there is nothing to revert."
      );
      return { restored: [], leftAlone: [], health: "Unknown" };
    }
    const { repository } = this;
    const what = change.pinnedImage === "" ? `the image pins of ${short(change.revision)}` : change.pinnedImage;
    const message = `Revert ${what}

Verification failed: ${failure}

This reverts the image pins of commit ${change.revision}.`;
    let outcome;
    try {
      outcome = await letFinish(
        reverter(change.base, change.written, withReferenceTrailers(message.slice(0, 2e3), change.source ?? {})).then(
          (reverted) => {
            if (reverted.commitSha !== void 0) settleOutput("reverted-commit-sha", reverted.commitSha);
            return reverted;
          }
        )
      );
    } catch (error) {
      return {
        restored: [],
        leftAlone: [],
        failure: `the revert failed: ${errorMessage(error)}`,
        health: "Unknown"
      };
    }
    const { restored, leftAlone } = outcome.plan;
    if (outcome.commitSha === void 0) return { restored, leftAlone, health: "Unknown" };
    const commitUrl = `${settings.run.serverUrl}/${repository.fullName}/commit/${outcome.commitSha}`;
    info(`Reverted in ${outcome.commitSha}; waiting up to ${formatDuration(timeoutMs)} for it to be deployed`);
    const wait = await this.waitForDeploy(outcome.commitSha, change.base, timeoutMs, timeline, []);
    return {
      commitSha: outcome.commitSha,
      commitUrl,
      ...outcome.pullRequestUrl !== void 0 && { pullRequestUrl: outcome.pullRequestUrl },
      restored,
      leftAlone,
      verified: wait.ok,
      ...wait.failure !== void 0 && { failure: wait.failure },
      health: wait.health
    };
  }
};
async function checkArgoCd(settings, target, repository) {
  const verify = settings.verify;
  if (verify === void 0) return void 0;
  const argo = await checkArgoCdApplications(verify, {
    repository: repository.fullName,
    base: target.base,
    baseIsDefault: settings.base === void 0,
    serverUrl: settings.run.serverUrl,
    files: target.files.map((file) => file.path)
  });
  if (settings.dryRun && argo !== void 0)
    info("Dry run: Argo CD is reachable and deploys the GitOps branch; nothing will be waited for.");
  return new Verifier(settings, verify, repository, argo);
}
async function checkArgoCdApplications(verify, target) {
  if (verify.argocd === void 0) return void 0;
  const client = new ArgoCdClient(verify.argocd.server, verify.argocd.auth);
  return { client, applications: await checkApplications(client, verify.argocd, target) };
}
async function reportVerification(result) {
  const outputs = {
    verified: String(result.verified),
    "synced-revision": result.verified ? result.syncedRevision ?? "" : "",
    health: result.health,
    "reverted-commit-sha": result.revertedCommitSha ?? "",
    "deployment-id": result.deploymentId === void 0 ? "" : String(result.deploymentId)
  };
  for (const [name, value] of Object.entries(outputs)) {
    setOutput(name, value);
    info(`${name}: ${value}`);
  }
  await appendJobSummary(verificationMarkdown(result));
  if (!result.verified) throw new Error(failureMessage(result));
}
function failureMessage(result) {
  const revert = result.revert;
  if (result.unknown !== void 0)
    return `Verification failed: ${result.failure ?? result.unknown}; nothing was reverted.`;
  if (revert === void 0) return `Verification failed: ${result.failure ?? "unknown reason"}`;
  const did = revert.commitSha === void 0 ? revert.failure !== void 0 ? `The revert failed: ${revert.failure}` : `Nothing was reverted${revert.leftAlone.length > 0 ? ` (changed since: ${revert.leftAlone.map((item) => item.description).join("; ")})` : ""}.` : `Reverted in ${revert.commitSha}${revert.pullRequestUrl !== void 0 ? ` (revert pull request ${revert.pullRequestUrl})` : ""}` + (revert.leftAlone.length > 0 ? `; left alone: ${revert.leftAlone.map((item) => item.description).join("; ")}` : "") + (revert.verified ? result.applications.length > 0 ? "; Argo CD is Synced and Healthy at the revert." : "; the revert is deployed." : `; the revert did not deploy cleanly: ${revert.failure ?? ""}`);
  return `Verification failed: ${result.failure ?? "unknown reason"}. ${did}`;
}

export {
  short,
  Verifier,
  checkArgoCd,
  checkArgoCdApplications
};
