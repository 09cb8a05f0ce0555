import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  canRequestIdToken,
  missingIdTokenError
} from "./chunk-oidc.js";
import {
  InputError
} from "./chunk-errors.js";

// src/gcp/provider.ts
var PROVIDER_INPUT = "workload-identity-provider";
var SERVICE_ACCOUNT_INPUT = "service-account";
var SHAPE = "projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER";
var ID = /^[a-z0-9-]{4,32}$/;
var PROJECT_NUMBER = /^[0-9]+$/;
var PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
var PREFIXES = ["//iam.googleapis.com/", "https://iam.googleapis.com/"];
function parseWorkloadIdentityProvider(value) {
  let name = value.trim();
  if (name === "") throw providerError(value, `is empty; expected ${SHAPE}.`);
  for (const prefix of PREFIXES) {
    if (name.startsWith(prefix)) name = name.slice(prefix.length);
  }
  const parts = name.split("/");
  if (parts.includes("workforcePools")) {
    throw providerError(
      value,
      `this is a workforce pool (for people); GitHub Actions needs a workload identity pool: ${SHAPE}.`
    );
  }
  if (parts[0] !== "projects" || parts.length < 2) {
    throw providerError(
      value,
      `"${value}" is not a full resource name; expected ${SHAPE}. Print it with: gcloud iam workload-identity-pools providers describe PROVIDER --workload-identity-pool=POOL --location=global --format='value(name)'`
    );
  }
  const [, project, locationsKey, location, poolsKey, pool, providersKey, provider, ...rest] = parts;
  if (!project || !PROJECT_NUMBER.test(project)) {
    const hint = project && PROJECT_ID.test(project) ? `"${project}" looks like a project ID; use the project NUMBER: gcloud projects describe ${project} --format='value(projectNumber)'` : `"${project ?? ""}" is not a project number; use the project NUMBER: gcloud projects describe PROJECT_ID --format='value(projectNumber)'`;
    throw providerError(value, `${hint}.`);
  }
  if (locationsKey !== "locations" || location === void 0) {
    throw providerError(value, `"${value}" has no location; expected ${SHAPE}.`);
  }
  if (location !== "global") {
    throw providerError(
      value,
      `workload identity pools live in location "global", not "${location}"; expected ${SHAPE}.`
    );
  }
  if (poolsKey !== "workloadIdentityPools" || !pool) {
    throw providerError(value, `"${value}" names no workload identity pool; expected ${SHAPE}.`);
  }
  if (!ID.test(pool)) {
    throw providerError(value, `pool ID "${pool}" must be 4-32 lowercase letters, digits or "-".`);
  }
  if ((providersKey === void 0 || providersKey === "") && provider === void 0) {
    throw providerError(
      value,
      "this is a pool; append /providers/PROVIDER_ID (gcloud iam workload-identity-pools providers list --workload-identity-pool=" + pool + " --location=global)."
    );
  }
  if (providersKey !== "providers" || !provider) {
    throw providerError(value, `"${value}" names no provider after the pool; expected ${SHAPE}.`);
  }
  if (!ID.test(provider)) {
    throw providerError(value, `provider ID "${provider}" must be 4-32 lowercase letters, digits or "-".`);
  }
  if (rest.length > 0) {
    throw providerError(value, `unexpected "/${rest.join("/")}" after the provider; expected ${SHAPE}.`);
  }
  return `projects/${project}/locations/global/workloadIdentityPools/${pool}/providers/${provider}`;
}
function defaultAudience(provider) {
  return `https://iam.googleapis.com/${provider}`;
}
function stsAudience(provider) {
  return `//iam.googleapis.com/${provider}`;
}
function providerParts(provider) {
  const parts = provider.split("/");
  return { projectNumber: parts[1] ?? "", pool: parts[5] ?? "", provider: parts[7] ?? "" };
}
function validateServiceAccountEmail(value) {
  const account = value.trim();
  if (account === "")
    throw new InputError(SERVICE_ACCOUNT_INPUT, "is empty; expected NAME@PROJECT_ID.iam.gserviceaccount.com.");
  if (/^[0-9]{10,30}$/.test(account)) return account;
  if (account.startsWith("serviceAccount:")) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `"${account}" is an IAM member string; drop the "serviceAccount:" prefix.`
    );
  }
  if (account.startsWith("projects/")) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `"${account}" is a resource name; give only the email, e.g. NAME@PROJECT_ID.iam.gserviceaccount.com.`
    );
  }
  if (!account.includes("@")) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `"${account}" is not an email; expected ${account}@PROJECT_ID.iam.gserviceaccount.com.`
    );
  }
  if (!/^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(account)) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `"${account}" is not a valid service account email; expected NAME@PROJECT_ID.iam.gserviceaccount.com.`
    );
  }
  return account;
}
function providerError(value, message) {
  return new InputError(
    PROVIDER_INPUT,
    message.includes(value.trim()) || value.trim() === "" ? message : `${message} (got "${value.trim()}")`
  );
}

// src/gcp/preflight.ts
function checkGoogleCloud(gcp, image, env = process.env) {
  checkCredentialInputs(gcp);
  if (gcp.workloadIdentityProvider !== void 0 && !canRequestIdToken(env)) throw missingIdTokenError(PROVIDER_INPUT);
  if (usesGoogleCredentials(gcp, env)) checkRegistryHost(image);
}
function checkCredentialInputs(gcp) {
  if (gcp.workloadIdentityProvider !== void 0) return;
  if (gcp.serviceAccount !== void 0) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `needs ${PROVIDER_INPUT}: the federated identity that impersonates the service account. Set it too, or drop ${SERVICE_ACCOUNT_INPUT} when GOOGLE_APPLICATION_CREDENTIALS already names the account.`
    );
  }
  if (gcp.audience !== void 0) {
    throw new InputError("audience", `applies only with ${PROVIDER_INPUT}; set that input or drop audience.`);
  }
}
function usesGoogleCredentials(gcp, env = process.env) {
  return gcp.workloadIdentityProvider !== void 0 || Boolean(env.GOOGLE_APPLICATION_CREDENTIALS?.trim());
}
function namesRegistryHost(image) {
  return image.path !== image.repository && image.path !== `library/${image.repository}`;
}
function checkRegistryHost(image) {
  if (namesRegistryHost(image)) return;
  const name = image.path.split("/").at(-1) ?? "NAME";
  const example = `europe-docker.pkg.dev/PROJECT/REPOSITORY/${name}${image.tag !== void 0 ? `:${image.tag}` : ""}`;
  throw new InputError(
    "image",
    `"${image.repository}" names no registry host, so it means Docker Hub, where Google Cloud credentials are never sent. Write the Artifact Registry host in front: LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/NAME, e.g. ${example}. For a public Docker Hub image, drop ${PROVIDER_INPUT} (and GOOGLE_APPLICATION_CREDENTIALS).`
  );
}

export {
  PROVIDER_INPUT,
  SERVICE_ACCOUNT_INPUT,
  parseWorkloadIdentityProvider,
  defaultAudience,
  stsAudience,
  providerParts,
  validateServiceAccountEmail,
  checkGoogleCloud,
  checkCredentialInputs
};
