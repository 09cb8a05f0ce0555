import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  parseWorkloadIdentityProvider,
  validateServiceAccountEmail
} from "./chunk-D4BR2SFZ.js";
import {
  parseFieldTargets,
  renderTemplate,
  splitManifestsInput,
  templateValues,
  validateManifestPatterns
} from "./chunk-ZSE4T7ZE.js";
import {
  imageName,
  isLoopbackHost,
  parseImageReference
} from "./chunk-4JJXYC6H.js";
import {
  InputError,
  errorMessage
} from "./chunk-PZGVM4CR.js";
import {
  getInput,
  group,
  setFailed,
  setSecret
} from "./chunk-5UMDJT32.js";
import "./chunk-PUMHU2BD.js";

// src/settings.ts
import * as path from "node:path";
var CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
var REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
function readSettings(env = process.env) {
  const token = getInput("token");
  if (token) setSecret(token);
  if (!token) {
    throw new InputError(
      "token",
      "is empty. Pass a token that can write to the GitOps repository, e.g. `token: ${{ steps.app-token.outputs.token }}`."
    );
  }
  const image = parse("image", () => parseImageReference(required("image")));
  const example = templateValues(image, EXAMPLE_DIGEST);
  const run2 = runContext(env);
  const source = readSource(run2.workspace);
  const mode = oneOf("mode", ["pr", "push"], "pr");
  const container = getInput("container").trim() || void 0;
  if (container !== void 0 && !CONTAINER_NAME.test(container)) {
    throw new InputError(
      "container",
      `"${container}" is not a Kubernetes container name (lowercase letters, digits and "-").`
    );
  }
  const gitopsRepository = getInput("gitops-repository").trim() || run2.repository;
  if (!REPOSITORY.test(gitopsRepository)) {
    throw new InputError("gitops-repository", `"${gitopsRepository}" must be "owner/name".`);
  }
  const [owner, repo] = gitopsRepository.split("/");
  const base = branchInput("base");
  const branch = branchInput("branch") ?? `deploy/${imageName(image)}`;
  if (mode === "pr" && base !== void 0 && base === branch) {
    throw new InputError(
      "branch",
      `is the same as 'base' ("${base}"). The pull request branch must be another branch; use mode: push to commit to "${base}" directly.`
    );
  }
  return {
    image,
    source,
    manifests: parse("manifests", () => validateManifestPatterns(splitManifestsInput(required("manifests")))),
    fields: parse("fields", () => parseFieldTargets(getInput("fields"), image.tag !== void 0)),
    ...container !== void 0 && { container },
    mode,
    gitops: { owner, repo },
    ...base !== void 0 && { base },
    branch,
    token,
    dryRun: bool("dry-run"),
    templates: readTemplates(example),
    labels: readLabels(example),
    gcp: readGcp(),
    run: run2
  };
}
function readSource(workspace) {
  const value = getInput("source").trim() || "docker";
  if (value === "docker" || value === "registry") return { kind: value };
  if (path.isAbsolute(value)) {
    throw new InputError("source", `"${value}" must be relative to GITHUB_WORKSPACE (${workspace}).`);
  }
  const resolved = path.resolve(workspace, value);
  if (path.relative(workspace, resolved).startsWith("..")) {
    throw new InputError("source", `"${value}" points outside GITHUB_WORKSPACE.`);
  }
  return { kind: "layout", path: resolved, input: value };
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
  if (serviceAccount !== void 0 && workloadIdentityProvider === void 0) {
    throw new InputError(
      "service-account",
      "needs workload-identity-provider: the federated identity that impersonates the service account."
    );
  }
  const audience = optional("audience");
  return {
    ...workloadIdentityProvider !== void 0 && { workloadIdentityProvider },
    ...serviceAccount !== void 0 && { serviceAccount },
    ...audience !== void 0 && { audience },
    stsEndpoint: url("sts-endpoint", "https://sts.googleapis.com"),
    iamCredentialsEndpoint: url("iam-credentials-endpoint", "https://iamcredentials.googleapis.com")
  };
}
function runContext(env) {
  return {
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    serverUrl: (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, ""),
    repository: env.GITHUB_REPOSITORY ?? "",
    sha: env.GITHUB_SHA ?? "",
    runId: env.GITHUB_RUN_ID ?? "",
    workspace: env.GITHUB_WORKSPACE || process.cwd()
  };
}
function required(name) {
  const value = getInput(name).trim();
  if (!value) throw new InputError(name, "is required but empty.");
  return value;
}
function list(value) {
  return value.split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== "");
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
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLoopbackHost(parsed.host))) {
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

// src/main.ts
async function run() {
  try {
    const settings = readSettings();
    const { openGitOps, readManifestTarget, writeBack } = await import("./writeback-QJUDV7SH.js");
    const gitops = openGitOps(settings);
    const target = await phase("Read the GitOps manifests", () => readManifestTarget(gitops, settings));
    const { inspectSource, publishImage } = await import("./publish-VPSKBBWA.js");
    const request = { image: settings.image, source: settings.source, dryRun: settings.dryRun };
    const plan = await phase("Check the image source", () => inspectSource(request));
    const credentials = await phase("Authenticate to Google Cloud", async () => {
      const { authenticate } = await import("./credentials-Z7STWJAC.js");
      return authenticate(settings.gcp);
    });
    const image = await phase(
      settings.dryRun ? "Resolve the image (dry run)" : "Publish the image",
      () => publishImage({ ...request, ...credentials !== void 0 && { credentials } }, plan)
    );
    const outcome = await phase(
      settings.dryRun ? "Compute the change (dry run)" : "Write back to the GitOps repository",
      () => writeBack(gitops, settings, target, image.digest)
    );
    const { setOutputs } = await import("./outputs-XRSUUMEP.js");
    await phase("Report", () => setOutputs(settings, gitops, image, outcome));
  } catch (error) {
    setFailed(errorMessage(error));
  }
}
function phase(name, work) {
  return group(name, work);
}
export {
  run
};
