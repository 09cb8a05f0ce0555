import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  checkGoogleCloud,
  parseWorkloadIdentityProvider,
  validateServiceAccountEmail
} from "./chunk-gcp-preflight.js";
import {
  parseSignerWorkflow
} from "./chunk-attest-signer.js";
import "./chunk-oidc.js";
import {
  defaultBranch,
  parseImageList,
  renderTemplate,
  templateValues
} from "./chunk-fleet-images.js";
import {
  splitManifestsInput,
  validateManifestPatterns
} from "./chunk-picomatch-index.js";
import {
  parseFieldTargets
} from "./chunk-yaml-dist-compose-compose-collection.js";
import {
  loadRunnerContext,
  runContext,
  workspaceOf
} from "./chunk-run-context.js";
import {
  durationInput
} from "./chunk-util-duration.js";
import {
  handleCancellation,
  letFinish,
  settleWriteOutputs,
  throwIfCancelled
} from "./chunk-cancel.js";
import {
  isHttpsOrLoopback
} from "./chunk-image-reference.js";
import {
  maskSecret
} from "./chunk-secrets.js";
import "./chunk-net-budget.js";
import {
  InputError,
  errorMessage
} from "./chunk-errors.js";
import {
  getInput,
  group,
  setFailed
} from "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";

// src/util/inputs.ts
import * as path from "node:path";
function list(value) {
  return value.split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== "");
}
function secretInput(name) {
  const value = getInput(name).trim();
  maskSecret(value);
  return value;
}
function requiredSecret(name, whenEmpty) {
  const value = secretInput(name);
  if (value === "") throw new InputError(name, `is empty. ${whenEmpty}`);
  return value;
}
function workspacePath(name, value, workspace) {
  if (path.isAbsolute(value)) {
    throw new InputError(name, `"${value}" must be relative to GITHUB_WORKSPACE (${workspace}).`);
  }
  const resolved = path.resolve(workspace, value);
  const relative2 = path.relative(workspace, resolved);
  if (relative2 === ".." || relative2.startsWith(`..${path.sep}`) || path.isAbsolute(relative2)) {
    throw new InputError(name, `"${value}" points outside GITHUB_WORKSPACE.`);
  }
  return resolved;
}
function required(name) {
  const value = getInput(name).trim();
  if (!value) throw new InputError(name, "is required but empty.");
  return value;
}
function bool(name) {
  const value = getInput(name).trim().toLowerCase();
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  throw new InputError(name, `"${value}" is not a boolean; use true or false.`);
}
function oneOf(name, allowed, fallback) {
  const value = getInput(name).trim() || fallback;
  if (allowed.includes(value)) return value;
  throw new InputError(name, `"${value}" is not one of ${allowed.map((a) => `"${a}"`).join(", ")}.`);
}
function branchInput(name) {
  const value = getInput(name).trim().replace(/^refs\/heads\//, "");
  if (!value) return void 0;
  if (/(^[./-])|\.\.|[\s~^:?*[\\]|@\{|\/\/|\.lock$|[./]$/.test(value)) {
    throw new InputError(name, `"${value}" is not a valid branch name.`);
  }
  return value;
}
function url(name, fallback) {
  const value = getInput(name).trim() || fallback;
  let parsed;
  try {
    parsed = new URL(value);
  } catch {
    throw new InputError(name, `"${value}" is not a URL.`);
  }
  if (!isHttpsOrLoopback(parsed)) {
    throw new InputError(name, `"${value}" must be an https URL.`);
  }
  return value.replace(/\/+$/, "");
}
function parse(input, parser) {
  try {
    return parser();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(input, errorMessage(error));
  }
}

// src/verify/settings.ts
var NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
var NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
var ARGOCD_ONLY = ["argocd-application", "argocd-token", "argocd-oidc-audience"];
var VERIFY_ONLY = ["smoke-test-url"];
function readVerifyInputs(mode, merging = false) {
  const environment = getInput("environment").trim();
  const sourceToken = secretInput("source-token");
  const verifies = getInput("argocd-server").trim() !== "" || getInput("verify-commit-status").trim() !== "";
  if (mode === "pr" && !verifies && environment !== "") {
    if (sourceToken === "") {
      throw new InputError("source-token", "is empty; the GitHub deployment for `environment` needs a token.");
    }
    return { queuedDeployment: { environment, sourceToken } };
  }
  const verify = readVerifySettings(mode, merging);
  return verify === void 0 ? {} : { verify };
}
function readVerifySettings(mode, merging = false) {
  const token = secretInput("argocd-token");
  const sourceToken = secretInput("source-token");
  const serverInput = getInput("argocd-server").trim();
  const commitStatuses = readCommitStatuses();
  if (serverInput === "") {
    const stray = ARGOCD_ONLY.find((name) => getInput(name).trim() !== "");
    if (stray !== void 0) {
      throw new InputError(stray, "only applies to verification with Argo CD: set `argocd-server` as well.");
    }
  }
  if (serverInput === "" && commitStatuses.length === 0) {
    if (mode === "verify") {
      throw new InputError(
        "mode",
        "`verify` needs something to wait for: set `argocd-server` and `argocd-application`, or `verify-commit-status`."
      );
    }
    const stray = [...VERIFY_ONLY, "environment"].find((name) => getInput(name).trim() !== "");
    if (stray !== void 0) {
      throw new InputError(
        stray,
        "only applies to verification: set `argocd-server` or `verify-commit-status` as well."
      );
    }
    if ((getInput("on-failure").trim() || "fail") !== "fail") {
      throw new InputError(
        "on-failure",
        "only applies to verification: set `argocd-server` or `verify-commit-status` as well."
      );
    }
    return void 0;
  }
  if (mode === "pr" && !merging) {
    const input = serverInput !== "" ? "argocd-server" : "verify-commit-status";
    throw new InputError(
      input,
      "verification in `mode: pr` needs `merge` (e.g. `merge: squash`: the action merges the pull request and verifies the merge commit), or `mode: verify` in the GitOps repository once the pull request is merged: with `mode: pr` alone nothing is deployed until someone merges it. Set `merge`, use `mode: push`, or remove the verification inputs."
    );
  }
  const environment = getInput("environment").trim();
  if (environment !== "" && sourceToken === "") {
    throw new InputError("source-token", "is empty; the GitHub deployment for `environment` needs a token.");
  }
  return {
    ...serverInput !== "" && { argocd: readArgoCd(serverInput, token) },
    commitStatuses,
    timeoutMs: durationInput2("verify-timeout", "10m"),
    smokeTestUrls: readSmokeTests(),
    smokeTestTimeoutMs: durationInput2("smoke-test-timeout", "2m"),
    onFailure: onFailure(),
    ...environment !== "" && { environment },
    sourceToken
  };
}
function readCommitStatuses() {
  const items = list(getInput("verify-commit-status"));
  for (const item of items) {
    if (item.replace(/\*/g, "").trim() === "") {
      throw new InputError(
        "verify-commit-status",
        `"${item}" is not a commit status context: use the context a controller posts, e.g. \`continuous-delivery/backend\` or \`kustomization/apps/*\` (\`*\` matches any characters; at least one other character).`
      );
    }
  }
  return [...new Set(items)];
}
function readArgoCd(serverInput, token) {
  const server = serverUrl(serverInput);
  const applications = readApplications();
  const audience = getInput("argocd-oidc-audience").trim();
  if (token !== "" && audience !== "") {
    throw new InputError("argocd-oidc-audience", "and `argocd-token` are both set; use one of them.");
  }
  if (token === "" && audience === "") {
    throw new InputError(
      "argocd-token",
      "is empty. Pass an Argo CD project-role token or API key from a secret (`argocd-token: ${{ secrets.ARGOCD_TOKEN }}`), or set `argocd-oidc-audience` for an Argo CD that accepts GitHub OIDC tokens."
    );
  }
  return { server, applications, auth: token !== "" ? { kind: "token", token } : { kind: "oidc", audience } };
}
function serverUrl(value) {
  let parsed;
  try {
    parsed = new URL(value);
  } catch {
    throw new InputError(
      "argocd-server",
      `"${value}" is not a URL; use the Argo CD address, e.g. https://argocd.example.com.`
    );
  }
  if (!isHttpsOrLoopback(parsed)) {
    throw new InputError("argocd-server", `"${value}" must be an https URL.`);
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new InputError("argocd-server", `"${value}" must not carry a query or fragment.`);
  }
  return value.replace(/\/+$/, "");
}
function readApplications() {
  const items = list(getInput("argocd-application"));
  if (items.length === 0) {
    throw new InputError("argocd-application", "is required with `argocd-server`: name the Argo CD Application(s).");
  }
  const seen = /* @__PURE__ */ new Set();
  return items.flatMap((item) => {
    const parts = item.split("/");
    const [namespace, name] = parts.length === 2 ? parts : [void 0, parts[0]];
    if (parts.length > 2 || name === void 0 || !NAME.test(name) || namespace !== void 0 && !NAMESPACE.test(namespace)) {
      throw new InputError(
        "argocd-application",
        `"${item}" is not an application name: use NAME, or NAMESPACE/NAME for an application outside Argo CD's namespace.`
      );
    }
    if (seen.has(item)) return [];
    seen.add(item);
    return [{ name, ...namespace !== void 0 && { namespace } }];
  });
}
function readSmokeTests() {
  return getInput("smoke-test-url").split("\n").map((item) => item.trim()).filter((item) => item !== "").map((item) => {
    let parsed;
    try {
      parsed = new URL(item);
    } catch {
      throw new InputError("smoke-test-url", `"${item}" is not a URL; put one http(s) URL per line.`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new InputError("smoke-test-url", `"${item}" must be an http or https URL.`);
    }
    return item;
  });
}
function durationInput2(name, fallback) {
  return durationInput(name, getInput(name), fallback);
}
function onFailure() {
  const value = getInput("on-failure").trim() || "fail";
  if (value === "fail" || value === "revert") return value;
  throw new InputError("on-failure", `"${value}" is not one of "fail", "revert".`);
}

// src/attest/settings.ts
var SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
var REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
var PREDICATE_TYPE = "attestation-predicate-type";
var GATE_ONLY = ["attestation-repository", PREDICATE_TYPE, "attestation-trusted-root"];
function readAttestationInputs(run2) {
  const signerInput = getInput("attestation-signer").trim();
  if (signerInput === "") {
    const stray = GATE_ONLY.find((name) => !isUnset(name));
    if (stray !== void 0) {
      throw new InputError(
        stray,
        "only applies to the build-provenance gate: set `attestation-signer` to the workflow that must have signed the image."
      );
    }
    return {};
  }
  let signer;
  try {
    signer = parseSignerWorkflow(signerInput);
  } catch (error) {
    throw new InputError("attestation-signer", errorMessage(error));
  }
  const repository = getInput("attestation-repository").trim() || run2.repository;
  if (!REPOSITORY.test(repository)) {
    throw new InputError(
      "attestation-repository",
      repository === "" ? "is empty and GITHUB_REPOSITORY is not set; name the repository that built the image (owner/name)." : `"${repository}" must be "owner/name".`
    );
  }
  const predicateType = getInput(PREDICATE_TYPE).trim() || SLSA_PROVENANCE_V1;
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(predicateType)) {
    throw new InputError(
      "attestation-predicate-type",
      `"${predicateType}" is not a predicate type URI, e.g. ${SLSA_PROVENANCE_V1}.`
    );
  }
  const trustedRoot = readTrustedRoot(run2.workspace);
  const token = secretInput("source-token");
  if (token === "") {
    throw new InputError(
      "source-token",
      `is empty; reading the attestations of ${repository} needs a token with \`attestations: read\` (the default \`\${{ github.token }}\` has it with \`permissions: attestations: read\`).`
    );
  }
  return {
    attestation: {
      signer,
      repository,
      predicateType,
      ...trustedRoot !== void 0 && { trustedRoot },
      token
    }
  };
}
function isUnset(name) {
  const value = getInput(name).trim();
  return value === "" || name === PREDICATE_TYPE && value === SLSA_PROVENANCE_V1;
}
function readTrustedRoot(workspace) {
  const input = getInput("attestation-trusted-root").trim();
  if (input === "") return void 0;
  const resolved = workspacePath("attestation-trusted-root", input, workspace);
  return { path: resolved, input };
}

// src/settings.ts
var CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
var REPOSITORY2 = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
async function readSettings(env = process.env, loadContext = loadRunnerContext) {
  const token = requiredSecret(
    "token",
    "Pass a token that can write to the GitOps repository, e.g. `token: ${{ steps.app-token.outputs.token }}`."
  );
  const sourceToken = secretInput("source-token");
  const images = parseImageList(getInput("image"));
  const image = images[0];
  const example = templateValues(image, EXAMPLE_DIGEST);
  const source = readSource(workspaceOf(env));
  const mode = oneOf("mode", ["pr", "push"], "pr");
  const container = getInput("container").trim() || void 0;
  if (container !== void 0 && !CONTAINER_NAME.test(container)) {
    throw new InputError(
      "container",
      `"${container}" is not a Kubernetes container name (lowercase letters, digits and "-").`
    );
  }
  const gitopsInput = getInput("gitops-repository").trim();
  if (gitopsInput !== "") gitopsRepository(gitopsInput);
  const base = branchInput("base");
  const branch = branchInput("branch") ?? defaultBranch(images);
  const gcp = readGcp();
  for (const each of images) checkGoogleCloud(gcp, each, env);
  const merge = readMerge(mode);
  const rest = {
    manifests: parse("manifests", () => validateManifestPatterns(splitManifestsInput(required("manifests")))),
    fields: readFields(images),
    dryRun: bool("dry-run"),
    templates: readTemplates(example),
    labels: readLabels(example),
    pushTimeoutMs: durationInput("push-timeout", getInput("push-timeout"), "5m", 6 * 36e5),
    ...readVerifyInputs(mode, merge !== void 0),
    ...merge !== void 0 && { merge }
  };
  const run2 = runContext(await loadContext(), env);
  return {
    image,
    images,
    source,
    ...container !== void 0 && { container },
    mode,
    gitops: gitopsRepository(gitopsInput || run2.repository),
    ...base !== void 0 && { base },
    branch,
    token,
    sourceToken,
    allowRollback: bool("allow-rollback"),
    gcp,
    run: run2,
    ...rest,
    ...readAttestationInputs(run2)
  };
}
var DEFAULT_MERGE_TIMEOUT = "30m";
function readMerge(mode) {
  const method = getInput("merge").trim();
  if (method !== "" && method !== "merge" && method !== "squash" && method !== "rebase") {
    throw new InputError("merge", `"${method}" is not one of "merge", "squash", "rebase" (or empty: a person merges).`);
  }
  const timeout = getInput("merge-timeout").trim();
  if (method === "") {
    if (timeout !== "" && timeout !== DEFAULT_MERGE_TIMEOUT) {
      throw new InputError(
        "merge-timeout",
        "only applies with `merge`: set `merge: squash` (or `merge`, `rebase`) as well."
      );
    }
    return void 0;
  }
  if (mode === "push") {
    throw new InputError(
      "merge",
      `only applies to \`mode: pr\` (the action merges the pull request it opened); \`mode: ${mode}\` commits straight to the base branch. Use \`mode: pr\`, or remove \`merge\`.`
    );
  }
  return { method, timeoutMs: durationInput("merge-timeout", timeout, DEFAULT_MERGE_TIMEOUT) };
}
function readFields(images) {
  const fields = parse("fields", () => parseFieldTargets(getInput("fields"), images[0].tag !== void 0));
  if (fields.length > 0 && images.length > 1) {
    throw new InputError(
      "fields",
      `names scalars for one image, but image lists ${images.length}. Pin fields in a step of their own, with that one image.`
    );
  }
  return fields;
}
function readSource(workspace) {
  const value = getInput("source").trim() || "docker";
  if (value === "docker" || value === "registry") return { kind: value };
  return { kind: "layout", path: workspacePath("source", value, workspace), input: value };
}
var DEFAULT_MESSAGE = "Deploy {name} {version}";
var EXAMPLE_DIGEST = `sha256:${"0".repeat(64)}`;
function readTemplates(example) {
  return {
    commitMessage: checkedTemplate("commit-message", getInput("commit-message") || DEFAULT_MESSAGE, example),
    title: checkedTemplate("title", getInput("title") || DEFAULT_MESSAGE, example),
    body: checkedTemplate("body", getInput("body"), example)
  };
}
function readLabels(example) {
  return list(getInput("labels")).map((label) => checkedTemplate("labels", label, example));
}
function checkedTemplate(input, template, example) {
  parse(input, () => renderTemplate(template, example));
  return template;
}
function readGcp() {
  const optional = (name) => getInput(name).trim() || void 0;
  const provider = optional("workload-identity-provider");
  const workloadIdentityProvider = provider === void 0 ? void 0 : parseWorkloadIdentityProvider(provider);
  const account = optional("service-account");
  const serviceAccount = account === void 0 ? void 0 : validateServiceAccountEmail(account);
  const audience = optional("audience");
  return {
    ...workloadIdentityProvider !== void 0 && { workloadIdentityProvider },
    ...serviceAccount !== void 0 && { serviceAccount },
    ...audience !== void 0 && { audience },
    stsEndpoint: url("sts-endpoint", "https://sts.googleapis.com"),
    iamCredentialsEndpoint: url("iam-credentials-endpoint", "https://iamcredentials.googleapis.com")
  };
}
function gitopsRepository(value) {
  if (!REPOSITORY2.test(value)) {
    throw new InputError("gitops-repository", `"${value}" must be "owner/name".`);
  }
  const [owner, repo] = value.split("/");
  return { owner, repo };
}

// src/verify/mode-settings.ts
var DEPLOY_ONLY = [
  "image",
  "manifests",
  "fields",
  "container",
  "branch",
  "labels",
  "body",
  "workload-identity-provider",
  "service-account",
  "audience",
  "attestation-signer",
  "attestation-repository",
  "attestation-trusted-root"
];
function readMode() {
  return oneOf("mode", ["pr", "push", "verify"], "pr");
}
async function readVerifyModeSettings(env = process.env, loadContext = loadRunnerContext) {
  const token = requiredSecret("token", "Pass a token that can read the GitOps repository (`statuses: read` too).");
  const stray = DEPLOY_ONLY.find((name) => getInput(name).trim() !== "");
  if (stray !== void 0) {
    throw new InputError(
      stray,
      "does not apply to `mode: verify`, which verifies a GitOps commit that is already there."
    );
  }
  if (bool("dry-run")) throw new InputError("dry-run", "does not apply to `mode: verify`, which writes nothing.");
  const revision = getInput("revision").trim().toLowerCase();
  if (revision !== "" && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(revision)) {
    throw new InputError(
      "revision",
      `"${revision}" is not a full commit sha; pass all 40 hex digits, e.g. \`\${{ github.sha }}\`.`
    );
  }
  const gitopsInput = getInput("gitops-repository").trim();
  if (gitopsInput !== "") gitopsRepository(gitopsInput);
  const base = branchInput("base");
  const { verify } = readVerifyInputs("verify");
  const merge = readMerge("verify");
  if (merge !== void 0 && verify.onFailure !== "revert") {
    throw new InputError(
      "merge",
      "in `mode: verify` says how a revert is merged (a protected base takes it as a pull request); it needs `on-failure: revert`."
    );
  }
  const run2 = runContext(await loadContext(), env);
  return {
    gitops: gitopsRepository(gitopsInput || run2.repository),
    ...base !== void 0 && { base },
    ...revision !== "" && { revision },
    token,
    run: run2,
    verify,
    ...merge !== void 0 && { merge }
  };
}

// src/main.ts
async function run() {
  handleCancellation();
  try {
    if (readMode() === "verify") {
      const { verifyRevision } = await import("./verify-revision.js");
      return await verifyRevision(await readVerifyModeSettings());
    }
    const settings = await readSettings();
    const { openGitOps } = await import("./writeback-gitops.js");
    const { readManifestTarget } = await import("./writeback-read.js");
    const { writeBack } = await import("./writeback-write.js");
    const gitops = openGitOps(settings);
    const target = await phase("Read the GitOps manifests", () => readManifestTarget(gitops, settings));
    await phase(
      "Check that this is no rollback",
      async () => (await import("./rollback-guard.js")).checkRollback(settings, gitops.repository, gitops.selectors, target)
    );
    const merge = settings.merge !== void 0 || target.snapshot.protected === true ? await import("./writeback-merge.js") : void 0;
    const merging = merge && await phase(
      "Check branch protection and merge settings",
      () => merge.checkBranchWrites(gitops, settings, target)
    );
    const verifier = settings.verify && await phase(
      settings.verify.argocd ? "Check Argo CD" : "Prepare the verification",
      async () => (await import("./verify-index.js")).checkArgoCd(settings, target, gitops.repository)
    );
    const { inspectImages, publishImages } = await import("./fleet-publish.js");
    const plans = await phase("Check the image source", () => inspectImages(settings));
    const credentials = await phase("Authenticate to Google Cloud", async () => {
      const { authenticate } = await import("./gcp-source.js");
      return authenticate(settings.gcp);
    });
    const images = await phase(
      settings.dryRun ? "Resolve the images (dry run)" : "Publish the images",
      () => publishImages(settings, plans, credentials)
    );
    if (settings.attestation)
      await phase(
        "Verify the build provenance",
        async () => (await import("./attest-index.js")).verifyProvenance(settings, images, credentials)
      );
    const digests = images.map((image) => image.digest);
    const written = await phase(
      settings.dryRun ? "Compute the change (dry run)" : "Write back to the GitOps repository",
      // A cancelled job lets a write on its way land, and reports it.
      () => letFinish(writeBack(gitops, settings, target, digests).then(settleWriteOutputs))
    );
    const { outcome, reverter } = merge && merging && !settings.dryRun ? await phase("Merge the pull request", () => merge.mergeWriteBack(gitops, settings, merging, written, digests)) : { outcome: written, reverter: void 0 };
    const { queuedDeployment } = settings;
    if (queuedDeployment !== void 0 && !settings.dryRun) {
      await phase(
        "Queue the GitHub deployment",
        async () => (await import("./verify-queued.js")).queueDeployment({ ...settings, queuedDeployment }, outcome)
      );
    }
    const verification = verifier && !settings.dryRun ? await phase(
      "Verify the deployment",
      () => verifier.run(verifier.change(outcome, target, digests), void 0, reverter)
    ) : void 0;
    const { setOutputs } = await import("./outputs.js");
    await phase("Report", () => setOutputs(settings, gitops, images, outcome));
    if (verifier && verification) await verifier.report(verification);
  } catch (error) {
    setFailed(errorMessage(error));
  }
}
function phase(name, work) {
  throwIfCancelled();
  return group(name, work);
}
export {
  run
};
