import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  apiError,
  gitHubMessage,
  writeAccessHint
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import {
  statusOf
} from "./chunk-net-budget.js";

// src/gitops/merge-api.ts
var METHOD_ENUM = { merge: "MERGE", squash: "SQUASH", rebase: "REBASE" };
var SETTINGS_QUERY = `query ($owner: String!, $name: String!, $base: String) {
  repository(owner: $owner, name: $name) {
    autoMergeAllowed mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed
    mergeQueue(branch: $base) { id }
  }
}`;
var PUSH_RULE_QUERY = `query ($owner: String!, $name: String!, $ref: String!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) { refUpdateRule { viewerCanPush } }
  }
}`;
var CHECKS_QUERY = `query ($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewDecision
      commits(last: 1) { nodes { commit { statusCheckRollup { contexts(first: 100) { nodes {
        __typename
        ... on StatusContext { context state description targetUrl isRequired(pullRequestNumber: $number) }
        ... on CheckRun { name status conclusion detailsUrl isRequired(pullRequestNumber: $number) }
      } } } } } }
    }
  }
}`;
var ENABLE_AUTO_MERGE = `mutation ($input: EnablePullRequestAutoMergeInput!) {
  enablePullRequestAutoMerge(input: $input) { pullRequest { autoMergeRequest { enabledAt } } }
}`;
var ENQUEUE = `mutation ($input: EnqueuePullRequestInput!) {
  enqueuePullRequest(input: $input) { mergeQueueEntry { position } }
}`;
var MergeApi = class {
  constructor(client, owner, repo) {
    this.client = client;
    this.owner = owner;
    this.repo = repo;
  }
  client;
  owner;
  repo;
  get fullName() {
    return `${this.owner}/${this.repo}`;
  }
  async readSettings(base) {
    try {
      const { repository } = await this.client.graphql(SETTINGS_QUERY, {
        owner: this.owner,
        name: this.repo,
        base
      });
      return {
        autoMergeAllowed: repository.autoMergeAllowed,
        allowed: {
          merge: repository.mergeCommitAllowed,
          squash: repository.squashMergeAllowed,
          rebase: repository.rebaseMergeAllowed
        },
        mergeQueue: repository.mergeQueue !== null
      };
    } catch (error) {
      throw apiError("Could not read the merge settings", this.fullName, error);
    }
  }
  /** Whether the token may push to `branch` directly (GraphQL `Ref.refUpdateRule`, readable without admin rights). */
  async canPush(branch) {
    try {
      const { repository } = await this.client.graphql(PUSH_RULE_QUERY, {
        owner: this.owner,
        name: this.repo,
        ref: `refs/heads/${branch}`
      });
      return repository.ref?.refUpdateRule?.viewerCanPush ?? true;
    } catch (error) {
      throw apiError(`Could not read the protection of ${branch}`, this.fullName, error);
    }
  }
  async pull(number) {
    try {
      const { data } = await this.client.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number });
      return {
        number: data.number,
        nodeId: data.node_id,
        url: data.html_url,
        state: data.state === "closed" ? "closed" : "open",
        merged: data.merged,
        ...data.merge_commit_sha && { mergeCommitSha: data.merge_commit_sha },
        ...data.merged_by?.login !== void 0 && { mergedBy: data.merged_by.login },
        headSha: data.head.sha,
        title: data.title,
        mergeable: data.mergeable,
        mergeableState: data.mergeable_state,
        ...data.auto_merge && { autoMerge: data.auto_merge.merge_method }
      };
    } catch (error) {
      throw apiError(`Could not read pull request #${number}`, this.fullName, error);
    }
  }
  /** Who closed the pull request, as its issue says (undefined when GitHub does not say). */
  async closedBy(number) {
    try {
      const { data } = await this.client.rest.issues.get({ owner: this.owner, repo: this.repo, issue_number: number });
      return data.closed_by?.login;
    } catch {
      return void 0;
    }
  }
  async headChecks(number) {
    try {
      const answer = await this.client.graphql(CHECKS_QUERY, {
        owner: this.owner,
        name: this.repo,
        number
      });
      const pull = answer.repository.pullRequest;
      const nodes = pull?.commits.nodes[0]?.commit.statusCheckRollup?.contexts.nodes ?? [];
      return {
        checks: nodes.map(toHeadCheck),
        ...pull?.reviewDecision ? { reviewDecision: pull.reviewDecision } : {}
      };
    } catch (error) {
      throw apiError(`Could not read the checks of pull request #${number}`, this.fullName, error);
    }
  }
  /** Arms auto-merge; a refusal (e.g. "is in clean status", "not allowed") is returned, not thrown. */
  async enableAutoMerge(nodeId, head, method, message) {
    const input = {
      pullRequestId: nodeId,
      expectedHeadOid: head,
      mergeMethod: METHOD_ENUM[method],
      ...method !== "rebase" && { commitHeadline: message.headline, commitBody: message.body }
    };
    try {
      await this.client.graphql(ENABLE_AUTO_MERGE, { input });
      return "armed";
    } catch (error) {
      return this.refusal("Could not enable auto-merge", error);
    }
  }
  /** A direct merge, guarded by `head` (GitHub answers 409 when the head moved). */
  async merge(number, head, method, message) {
    try {
      const { data } = await this.client.rest.pulls.merge({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        sha: head,
        merge_method: method,
        ...method !== "rebase" && { commit_title: message.headline, commit_message: message.body }
      });
      return { sha: data.sha };
    } catch (error) {
      return this.refusal(`Could not merge pull request #${number}`, error);
    }
  }
  async enqueue(nodeId, head) {
    try {
      await this.client.graphql(ENQUEUE, { input: { pullRequestId: nodeId, expectedHeadOid: head } });
      return "queued";
    } catch (error) {
      return this.refusal("Could not add the pull request to the merge queue", error);
    }
  }
  /** GitHub refused (an answer with a message): returned; no answer or auth failures: thrown. */
  refusal(what, error) {
    const status = statusOf(error);
    const graphqlErrors = error?.errors;
    if (Array.isArray(graphqlErrors) && graphqlErrors.length > 0) {
      return { refused: graphqlErrors.map((e) => e.message ?? "").join("; ") };
    }
    if (status === 405 || status === 409 || status === 422) return { refused: gitHubMessage(error), status };
    throw apiError(what, this.fullName, error, writeAccessHint(this.fullName, status, true, gitHubMessage(error)));
  }
};
function toHeadCheck(node) {
  const string = (key) => typeof node[key] === "string" && node[key] !== "" ? node[key] : void 0;
  const required = node.isRequired === true;
  if (node.__typename === "CheckRun") {
    const url2 = string("detailsUrl");
    return {
      name: string("name") ?? "check run",
      state: string("conclusion") ?? string("status") ?? "PENDING",
      ...url2 !== void 0 && { url: url2 },
      required
    };
  }
  const description = string("description");
  const url = string("targetUrl");
  return {
    name: string("context") ?? "status",
    state: string("state") ?? "PENDING",
    ...description !== void 0 && { description },
    ...url !== void 0 && { url },
    required
  };
}

export {
  MergeApi
};
