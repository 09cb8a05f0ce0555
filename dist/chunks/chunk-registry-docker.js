import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  RegistryError,
  role
} from "./chunk-registry-errors.js";
import {
  isDigest,
  normalizedRepository,
  parseImageReference
} from "./chunk-image-reference.js";
import {
  maskSecret
} from "./chunk-secrets.js";
import {
  exec,
  getExecOutput,
  getState,
  info,
  saveState,
  warning
} from "./chunk-actions-core-lib-command.js";

// src/registry/docker.ts
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
var STATE_KEY = "docker-config";
var CONFIG_PREFIX = "gitops-deploy-docker-";
async function pushWithDocker(options) {
  const { image, tag, client, credentials } = options;
  const name = `${image.repository}:${tag}`;
  const config = credentials === void 0 ? void 0 : await temporaryConfig();
  const env = { ...definedEnv(process.env), ...config !== void 0 && { DOCKER_CONFIG: config } };
  let loggedIn = false;
  try {
    if (credentials !== void 0) {
      const token = await credentials.getAccessToken();
      maskSecret(token);
      const login = await getExecOutput(
        "docker",
        ["login", image.registry, "--username", "oauth2accesstoken", "--password-stdin"],
        {
          input: Buffer.from(token),
          env,
          ignoreReturnCode: true,
          silent: true
        }
      );
      if (login.exitCode !== 0) {
        throw new RegistryError(
          `docker login ${image.registry} failed (exit code ${login.exitCode}): ${excerpt(login.stderr || login.stdout)}`
        );
      }
      loggedIn = true;
    } else {
      info(`No credentials configured: pushing ${name} with docker anonymously.`);
    }
    const push = await getExecOutput("docker", ["push", name], { env, ignoreReturnCode: true });
    if (push.exitCode !== 0) {
      const output = push.stderr || push.stdout;
      throw new RegistryError(
        `docker push ${name} failed (exit code ${push.exitCode}): ${excerpt(output)}${pushHint(output)}`
      );
    }
    const pushed = parsePushOutput(push.stdout);
    try {
      return await confirm(client, name, tag, pushed);
    } catch (error) {
      if (credentials !== void 0 || pushed === void 0 || !(error instanceof RegistryError) || error.status !== 401 && error.status !== 403)
        throw error;
      warning(
        `Cannot confirm ${pushed.digest} with ${image.registry} without credentials of the action's own; pinning the digest docker push reported.`
      );
      return { digest: pushed.digest, mediaType: "", size: pushed.size };
    }
  } finally {
    if (loggedIn)
      await exec("docker", ["logout", image.registry], { env, ignoreReturnCode: true, silent: true }).catch(() => 0);
    if (config !== void 0) await rm(config, { recursive: true, force: true });
  }
}
async function temporaryConfig() {
  const config = await mkdtemp(path.join(process.env.RUNNER_TEMP || tmpdir(), CONFIG_PREFIX));
  saveState(STATE_KEY, config);
  const userConfig = process.env.DOCKER_CONFIG || path.join(homedir(), ".docker");
  let currentContext;
  try {
    currentContext = JSON.parse(await readFile(path.join(userConfig, "config.json"), "utf8")).currentContext;
  } catch {
    return config;
  }
  if (typeof currentContext === "string" && currentContext !== "" && currentContext !== "default") {
    await cp(path.join(userConfig, "contexts"), path.join(config, "contexts"), { recursive: true }).catch(
      () => void 0
    );
    await writeFile(path.join(config, "config.json"), JSON.stringify({ currentContext }));
  }
  return config;
}
async function confirm(client, name, tag, pushed) {
  const current = await client.resolve(tag);
  if (pushed === void 0) {
    if (current === void 0)
      throw new RegistryError(`docker push ${name} succeeded, but the registry has no tag ${tag}.`);
    warning(`docker push printed no digest line; using the registry's digest for ${tag}: ${current.digest}`);
    return current;
  }
  if (current?.digest === pushed.digest) return current;
  const exact = await client.resolve(pushed.digest);
  if (exact === void 0) {
    throw new RegistryError(`docker push ${name} reported digest ${pushed.digest}, but the registry does not have it.`);
  }
  warning(
    `Tag ${tag} now points to ${current?.digest ?? "nothing"}, not to the pushed ${pushed.digest}; pinning the pushed digest.`
  );
  return exact;
}
function parsePushOutput(output) {
  const matches = [...output.matchAll(/^(\S+): digest: (sha256:[a-f0-9]{64}) size: (\d+)\s*$/gm)];
  const last = matches.at(-1);
  if (last === void 0 || !isDigest(last[2])) return void 0;
  return { tag: last[1], digest: last[2], size: Number(last[3]) };
}
async function inspectLocalImage(image, tag) {
  const name = `${image.repository}:${tag}`;
  let result;
  try {
    result = await getExecOutput("docker", ["image", "inspect", name], {
      env: definedEnv(process.env),
      ignoreReturnCode: true,
      silent: true
    });
  } catch (error) {
    throw new RegistryError(
      `Cannot run docker (${error.message}). With source: docker the Docker CLI must be installed; otherwise use source: registry or an OCI layout path.`
    );
  }
  if (result.exitCode !== 0) {
    if (/no such (image|object)/i.test(result.stderr)) return void 0;
    throw new RegistryError(
      `docker image inspect ${name} failed (exit code ${result.exitCode}): ${excerpt(result.stderr || result.stdout)}`
    );
  }
  let parsed;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new RegistryError(`docker image inspect ${name} printed something other than JSON.`);
  }
  const entry = parsed[0];
  if (entry === void 0) return void 0;
  const wanted = normalizedRepository(image);
  const repoDigests = (Array.isArray(entry.RepoDigests) ? entry.RepoDigests : []).filter((value) => {
    if (typeof value !== "string") return false;
    try {
      const reference = parseImageReference(value);
      return reference.digest !== void 0 && normalizedRepository(reference) === wanted;
    } catch {
      return false;
    }
  });
  return {
    ...typeof entry.Id === "string" && { id: entry.Id },
    repoDigests: repoDigests.map((value) => parseImageReference(value).digest)
  };
}
async function removeDockerConfig() {
  const config = getState(STATE_KEY);
  if (!config || !path.basename(config).startsWith(CONFIG_PREFIX)) return;
  await rm(config, { recursive: true, force: true });
}
function pushHint(output) {
  if (/denied|403|forbidden/i.test(output)) return ` The principal needs ${role("push")} on the repository.`;
  if (/unauthorized|401|authentication required/i.test(output))
    return " The registry did not accept the credentials; check the Google Cloud authentication inputs.";
  if (/does not exist locally|no such image|tag does not exist/i.test(output))
    return " Build or tag the image under this name first (docker build -t IMAGE), or use source: registry or an OCI layout path.";
  return "";
}
function excerpt(text) {
  const lines = text.trim().split("\n").filter((line) => line.trim() !== "");
  const tail = lines.slice(-3).join(" | ");
  return tail.length > 500 ? `${tail.slice(0, 500)}\u2026` : tail || "(no output)";
}
function definedEnv(env) {
  const result = {};
  for (const [key, value] of Object.entries(env)) if (value !== void 0) result[key] = value;
  return result;
}

export {
  pushWithDocker,
  parsePushOutput,
  inspectLocalImage,
  removeDockerConfig
};
