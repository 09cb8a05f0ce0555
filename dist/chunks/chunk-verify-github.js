import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  errorMessage
} from "./chunk-errors.js";
import {
  info,
  saveState,
  warning
} from "./chunk-actions-core-lib-command.js";

// src/verify/github.ts
var OPEN_DEPLOYMENT_STATE = "open-deployment";
var GitHubDeployment = class _GitHubDeployment {
  constructor(client, owner, repo, id, logUrl) {
    this.client = client;
    this.owner = owner;
    this.repo = repo;
    this.id = id;
    this.logUrl = logUrl;
  }
  client;
  owner;
  repo;
  id;
  logUrl;
  static async create(client, request, logUrl) {
    const [owner, repo] = request.repository.split("/");
    try {
      const { data } = await client.request("POST /repos/{owner}/{repo}/deployments", {
        owner,
        repo,
        ref: request.sha,
        environment: request.environment,
        payload: request.payload,
        description: request.description,
        auto_merge: false,
        required_contexts: []
      });
      if (!("id" in data))
        throw new Error(`GitHub answered without a deployment: ${JSON.stringify(data).slice(0, 200)}`);
      info(
        `Created GitHub deployment ${data.id} for environment "${request.environment}" in ${request.repository}`
      );
      const deployment = new _GitHubDeployment(client, owner, repo, Number(data.id), logUrl);
      saveState(
        OPEN_DEPLOYMENT_STATE,
        JSON.stringify({ repository: request.repository, id: deployment.id, logUrl })
      );
      return deployment;
    } catch (error) {
      warning(
        `Could not create a GitHub deployment for environment "${request.environment}" in ${request.repository}: ${errorMessage(error)}. Give the job \`permissions: deployments: write\` (or pass a token that has it in \`source-token\`).`
      );
      return void 0;
    }
  }
  /**
   * The newest deployment of `sha` to `environment` (the one a deploy run queued for a pull request),
   * or a new one: a verification that comes later continues it instead of adding a second.
   */
  static async continueOrCreate(client, request, logUrl) {
    const [owner, repo] = request.repository.split("/");
    try {
      const { data } = await client.request("GET /repos/{owner}/{repo}/deployments", {
        owner,
        repo,
        sha: request.sha,
        environment: request.environment,
        per_page: 1
      });
      const found = data[0];
      if (found !== void 0) {
        info(
          `Continuing GitHub deployment ${found.id} of ${request.sha.slice(0, 7)} to "${request.environment}" in ${request.repository}`
        );
        const deployment = new _GitHubDeployment(client, owner, repo, Number(found.id), logUrl);
        saveState(
          OPEN_DEPLOYMENT_STATE,
          JSON.stringify({ repository: request.repository, id: deployment.id, logUrl })
        );
        return deployment;
      }
    } catch (error) {
      warning(
        `Could not list the GitHub deployments of ${request.repository}: ${errorMessage(error)}. Pass a token that reaches that repository with \`deployments: write\` in \`source-token\`.`
      );
      return void 0;
    }
    return _GitHubDeployment.create(client, request, logUrl);
  }
  /** A deployment the main step left open, from the state it saved (see `create`). */
  static reopen(client, saved) {
    let parsed;
    try {
      parsed = JSON.parse(saved);
    } catch {
      return void 0;
    }
    const { repository, id, logUrl } = parsed;
    if (typeof repository !== "string" || typeof id !== "number" || typeof logUrl !== "string") return void 0;
    const [owner, repo] = repository.split("/");
    return new _GitHubDeployment(client, owner, repo, id, logUrl);
  }
  async setState(state, description, environmentUrl, logUrl) {
    if (state !== "in_progress") saveState(OPEN_DEPLOYMENT_STATE, "");
    try {
      await this.client.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
        owner: this.owner,
        repo: this.repo,
        deployment_id: this.id,
        state,
        description: description.slice(0, 140),
        ...(logUrl ?? this.logUrl) !== "" && { log_url: logUrl ?? this.logUrl },
        ...environmentUrl !== void 0 && { environment_url: environmentUrl }
      });
    } catch (error) {
      warning(`Could not set GitHub deployment ${this.id} to ${state}: ${errorMessage(error)}`);
    }
  }
};

export {
  OPEN_DEPLOYMENT_STATE,
  GitHubDeployment
};
