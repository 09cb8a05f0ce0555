import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  eachLimited
} from "./chunk-util-pool.js";
import {
  apiError,
  gitHubMessage,
  isPullRequestAlreadyExists,
  isRefConflict,
  isReferenceAlreadyExists,
  writeAccessHint
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import {
  statusOf
} from "./chunk-net-budget.js";
import {
  errorMessage
} from "./chunk-errors.js";
import {
  debug,
  info
} from "./chunk-actions-core-lib-command.js";

// src/gitops/reader.ts
import { createHash } from "node:crypto";
function gitBlobSha(content) {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
function blobsQuery(count) {
  const variables = Array.from({ length: count }, (_, index) => `$e${index}: String!`).join(", ");
  const fields = Array.from(
    { length: count },
    (_, index) => `f${index}: object(expression: $e${index}) { __typename ... on Blob { text isBinary isTruncated byteSize } }`
  ).join(" ");
  return `query ReadFiles($owner: String!, $name: String!, ${variables}) { repository(owner: $owner, name: $name) { ${fields} } }`;
}
function encodePath(value) {
  return value.split("/").map(encodeURIComponent).join("/");
}
var utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
var RepositoryReader = class {
  constructor(client, owner, repo, options = {}) {
    this.client = client;
    this.owner = owner;
    this.repo = repo;
    this.fullName = `${owner}/${repo}`;
    this.readConcurrency = Math.max(1, options.readConcurrency ?? 6);
    this.readBatchSize = Math.max(1, options.readBatchSize ?? 100);
  }
  client;
  owner;
  repo;
  fullName;
  /**
   * How long GitHub took to answer the last branch read (a plain GET, never held back by write
   * spacing): how wide the window is in which two writers collide. Undefined before the first.
   */
  answerTimeMs;
  readConcurrency;
  readBatchSize;
  /** The `owner` and `repo` parameters of every REST call. */
  get where() {
    return { owner: this.owner, repo: this.repo };
  }
  async defaultBranch() {
    try {
      const { data } = await this.client.rest.repos.get(this.where);
      return data.default_branch;
    } catch (error) {
      const status = statusOf(error);
      const hint = status === 404 || status === 403 ? `Either ${this.fullName} does not exist or the token cannot see it: check the \`gitops-repository\` input, and pass a token with \`contents: write\` on ${this.fullName} in the \`token\` input (the default GITHUB_TOKEN only reaches the workflow's own repository)` : writeAccessHint(this.fullName, status, false);
      throw apiError("Could not read the repository", this.fullName, error, hint);
    }
  }
  /** The head of `branch` (the `base` input). */
  async snapshot(branch) {
    const head = await this.findBranch(branch);
    if (head === void 0) {
      throw apiError(
        `Could not read branch ${branch}`,
        this.fullName,
        { status: 404, response: { data: { message: "Branch not found" } } },
        `Set the \`base\` input to an existing branch of ${this.fullName}, or leave it empty for the default branch`
      );
    }
    return {
      branch: head.branch,
      commitSha: head.commitSha,
      treeSha: head.treeSha,
      ...head.protected === true && { protected: true }
    };
  }
  /** The head of `branch` with its parents, or undefined when there is no such branch. */
  async findBranch(branch) {
    let data;
    try {
      const asked = Date.now();
      const response = await this.client.request("GET /repos/{owner}/{repo}/branches/{+branch}", {
        ...this.where,
        branch: encodePath(branch)
      });
      this.answerTimeMs = Date.now() - asked;
      data = response.data;
    } catch (error) {
      if (statusOf(error) === 404) return void 0;
      throw apiError(
        `Could not read branch ${branch}`,
        this.fullName,
        error,
        writeAccessHint(this.fullName, statusOf(error), false)
      );
    }
    return {
      branch,
      commitSha: data.commit.sha,
      treeSha: data.commit.commit.tree.sha,
      parents: data.commit.parents.map((parent) => parent.sha),
      message: data.commit.commit.message,
      ...data.protected && { protected: true }
    };
  }
  /** Every file path at the snapshot, in one call (only needed for directories and globs). */
  async listFiles(snapshot) {
    return this.completePaths(snapshot, await this.listTree(snapshot));
  }
  /** The paths of a listing of `snapshot`, or the advice to name files explicitly when GitHub cut it short. */
  completePaths(snapshot, listing) {
    if (!listing.truncated) return listing.paths;
    throw new Error(
      `${this.fullName}@${snapshot.branch} has too many files for GitHub to list in one call. List the manifest files explicitly in the \`manifests\` input instead of directories or globs.`
    );
  }
  /** The newest commits (at most `max`) reachable from `commitSha` that changed `path`, newest first. */
  async commitsChanging(commitSha, path, max) {
    try {
      const { data } = await this.client.request("GET /repos/{owner}/{repo}/commits", {
        ...this.where,
        sha: commitSha,
        path,
        per_page: max
      });
      return data.map((commit) => ({
        sha: commit.sha,
        message: commit.commit.message,
        date: commit.commit.committer?.date ?? ""
      }));
    } catch (error) {
      throw apiError(`Could not list the commits that changed ${path}`, this.fullName, error);
    }
  }
  /**
   * Every file at the snapshot with its blob sha and Git mode (100644, 100755, or 120000 for a
   * symbolic link), in one call; `truncated` when GitHub could not list them all.
   */
  async listTree(snapshot) {
    let data;
    try {
      ;
      ({ data } = await this.client.rest.git.getTree({
        ...this.where,
        tree_sha: snapshot.treeSha,
        recursive: "1"
      }));
    } catch (error) {
      throw apiError(`Could not list the files of ${snapshot.branch}`, this.fullName, error);
    }
    const blobs = /* @__PURE__ */ new Map();
    const modes = /* @__PURE__ */ new Map();
    for (const entry of data.tree) {
      if (entry.type === "blob" && typeof entry.path === "string" && typeof entry.sha === "string") {
        blobs.set(entry.path, entry.sha);
        modes.set(entry.path, entry.mode ?? "100644");
      }
    }
    return { paths: [...blobs.keys()], blobs, modes, truncated: data.truncated };
  }
  /**
   * The exact text of each file at the snapshot's commit, in the order asked (BOM and CRLF kept). Files
   * are read in GraphQL batches, so a large selection costs a handful of requests; a file whose GraphQL
   * text may not be its exact bytes (binary, cut short, or a byte count that disagrees, as with a BOM) is
   * read again through the raw contents endpoint, which also gives the precise error for missing paths.
   */
  async readFiles(snapshot, paths) {
    const texts = /* @__PURE__ */ new Map();
    for (let start = 0; start < paths.length; start += this.readBatchSize) {
      const batch = paths.slice(start, start + this.readBatchSize);
      for (const [path, text] of await this.readBatch(snapshot, batch)) texts.set(path, text);
    }
    const rest = paths.filter((path) => !texts.has(path));
    for (const file of await this.readRaw(snapshot, rest)) texts.set(file.path, file.content);
    return paths.map((path) => ({ path, content: texts.get(path) }));
  }
  /** The texts GraphQL returns exactly; the others are left to the raw endpoint. */
  async readBatch(snapshot, paths) {
    const found = /* @__PURE__ */ new Map();
    if (paths.length === 0) return found;
    const variables = { owner: this.owner, name: this.repo };
    paths.forEach((path, index) => variables[`e${index}`] = `${snapshot.commitSha}:${path}`);
    let data;
    try {
      data = await this.client.graphql(blobsQuery(paths.length), variables);
    } catch (error) {
      debug(`GraphQL read of ${paths.length} files failed, reading them one by one: ${errorMessage(error)}`);
      return found;
    }
    paths.forEach((path, index) => {
      const blob = data.repository?.[`f${index}`];
      if (blob?.__typename === "Blob" && typeof blob.text === "string" && blob.isBinary !== true && blob.isTruncated !== true && Buffer.byteLength(blob.text, "utf8") === blob.byteSize && !blob.text.includes("\uFFFD"))
        found.set(path, blob.text);
    });
    return found;
  }
  async readRaw(snapshot, paths) {
    const results = new Array(paths.length);
    await eachLimited(paths.entries(), this.readConcurrency, async ([index, path]) => {
      results[index] = { path, content: await this.readFile(snapshot, path) };
    });
    return results;
  }
  async readFile(snapshot, path) {
    const where = `${path} at ${snapshot.branch} (${snapshot.commitSha.slice(0, 7)})`;
    const request = `GET /repos/${this.fullName}/contents/${encodePath(path)}`;
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await this.client.request("GET /repos/{owner}/{repo}/contents/{+path}", {
          ...this.where,
          path: encodePath(path),
          ref: snapshot.commitSha,
          headers: { accept: "application/vnd.github.raw" },
          // The body is decoded here, not by fetch: Response.text() would drop a byte-order mark.
          request: { parseSuccessResponseBody: false }
        });
      } catch (error) {
        const hint = statusOf(error) === 404 ? `Check the \`manifests\` input: paths are relative to the root of ${this.fullName}` : writeAccessHint(this.fullName, statusOf(error), false);
        throw apiError(`Could not read ${where}`, this.fullName, error, hint);
      }
      let bytes;
      try {
        bytes = await readBody(response.data);
      } catch (error) {
        if (attempt < BODY_READ_ATTEMPTS) {
          info(`${request}: the answer could not be read (${errorMessage(error)}); asking again`);
          continue;
        }
        throw new Error(
          `Could not read ${where} in ${this.fullName}: ${request} answered, but its body could not be read: ${errorMessage(error)}`,
          {
            cause: error
          }
        );
      }
      return this.decodeFile(path, where, snapshot, response.headers, bytes);
    }
  }
  decodeFile(path, where, snapshot, headers, bytes) {
    const contentType = String(headers["content-type"] ?? "");
    if (contentType.startsWith("application/json") && isDirectoryListing(bytes)) {
      throw new Error(
        `${path} is a directory in ${this.fullName}@${snapshot.branch}; the \`manifests\` input names it as a file. End it with "/" to select the manifests below it.`
      );
    }
    try {
      return utf8.decode(bytes);
    } catch {
      throw new Error(`${where} in ${this.fullName} is not UTF-8 text; check the \`manifests\` input.`);
    }
  }
};
var BODY_READ_ATTEMPTS = 3;
async function readBody(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (data && typeof data.getReader === "function") {
    return new Uint8Array(await new Response(data).arrayBuffer());
  }
  return new Uint8Array();
}
function isDirectoryListing(bytes) {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes));
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((entry) => entry !== null && typeof entry === "object" && "type" in entry && "path" in entry);
  } catch {
    return false;
  }
}

// src/gitops/repository.ts
var COMPARE_FILES_LIMIT = 300;
var COMPARE_COMMITS_PAGE = 250;
var GitOpsRepository = class extends RepositoryReader {
  /**
   * The head of `branch` and the files changed since `since`, in one call (compare), so a writer
   * that lost a race re-reads only what the winners touched and writes again right away.
   * Falls back to reading the head alone (changes unknown) when the compare answer cannot say:
   * history rewritten, too many commits or files, or no compare API. Undefined: no such branch.
   */
  async movedSince(since, branch) {
    let data;
    try {
      const asked = Date.now();
      const response = await this.client.request("GET /repos/{owner}/{repo}/compare/{+basehead}", {
        ...this.where,
        basehead: `${since}...${encodePath(branch)}`,
        per_page: COMPARE_COMMITS_PAGE
      });
      this.answerTimeMs = Date.now() - asked;
      data = response.data;
    } catch (error) {
      debug(`compare ${since}...${branch} failed (${gitHubMessage(error)}); reading the branch instead`);
    }
    const commits = Array.isArray(data?.commits) ? data.commits : [];
    const last = commits.at(-1);
    if (data?.status !== "ahead" || last === void 0 || commits.length !== data.total_commits) {
      const head2 = await this.findBranch(branch);
      return head2 && { head: head2 };
    }
    const { sha: commitSha, commit, parents } = last;
    const head = {
      branch,
      commitSha,
      treeSha: commit.tree.sha,
      parents: parents.map((p) => p.sha),
      message: commit.message
    };
    const files = Array.isArray(data.files) ? data.files : [];
    if (files.length === 0 || files.length >= COMPARE_FILES_LIMIT) return { head };
    const changes = /* @__PURE__ */ new Map();
    for (const file of files) {
      const change = { status: file.status, ...file.status !== "removed" && file.sha && { blob: file.sha } };
      changes.set(file.filename, change);
      if (file.previous_filename) changes.set(file.previous_filename, { status: "removed" });
    }
    return { head, changes };
  }
  /** Whether `head` contains `base`: compare `base...head` says `ahead` or `identical`. */
  async contains(base, head) {
    const request = { ...this.where, basehead: `${base}...${head}`, per_page: 1 };
    const { data } = await this.client.request("GET /repos/{owner}/{repo}/compare/{basehead}", request);
    return data.status === "ahead" || data.status === "identical";
  }
  /** A commit's message and parents (`git/commits`: `contents: read`). */
  async readCommit(sha) {
    try {
      const { data } = await this.client.rest.git.getCommit({ ...this.where, commit_sha: sha });
      return { sha: data.sha, message: data.message, parents: data.parents.map((parent) => parent.sha) };
    } catch (error) {
      throw apiError(
        `Could not read commit ${sha}`,
        this.fullName,
        error,
        writeAccessHint(this.fullName, statusOf(error), false)
      );
    }
  }
  /** The files `sha` changed against `parent` (compare), with the status of each (`modified`, `added`, …). */
  async changedFiles(parent, sha) {
    const { data } = await this.client.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
      ...this.where,
      basehead: `${parent}...${sha}`,
      per_page: 1
    });
    return (data.files ?? []).map((file) => ({ path: file.filename, status: file.status }));
  }
  /**
   * The newest status of each context on `ref` (a sha, or a branch: its head), and the commit it
   * resolved to: one call (`statuses: read`). Argo CD Notifications and Flux report deploys here.
   */
  async combinedStatus(ref) {
    const response = await this.client.request("GET /repos/{owner}/{repo}/commits/{+ref}/status", {
      ...this.where,
      ref: encodePath(ref),
      per_page: 100
    });
    const data = response.data;
    return {
      sha: data.sha,
      statuses: data.statuses.map((status) => ({
        context: status.context,
        state: status.state,
        description: status.description,
        targetUrl: status.target_url
      }))
    };
  }
  /** A tree on top of `baseTree` with `files` replaced (contents inline: no blob per file), modes kept. */
  async createTree(baseTree, files) {
    try {
      const { data } = await this.client.rest.git.createTree({
        ...this.where,
        base_tree: baseTree,
        tree: files.map((file) => ({
          path: file.path,
          // An executable file stays executable; anything else is written as a regular file.
          mode: file.mode === "100755" ? "100755" : "100644",
          type: "blob",
          content: file.content
        }))
      });
      return data.sha;
    } catch (error) {
      throw this.writeError("Could not create a tree", error);
    }
  }
  /**
   * No author or committer: GitHub then signs the commit for GITHUB_TOKEN and GitHub App tokens
   * (shown as Verified), and attributes it to the token's user otherwise.
   */
  async createCommit(message, tree, parents) {
    try {
      const { data } = await this.client.rest.git.createCommit({
        ...this.where,
        message,
        tree,
        parents: [...parents]
      });
      return data.sha;
    } catch (error) {
      throw this.writeError("Could not create a commit", error);
    }
  }
  /**
   * Moves refs/heads/`branch` to `sha`. Without `force` this is a compare-and-swap: it answers
   * 'conflict' instead of dropping commits someone else pushed meanwhile.
   */
  async updateBranch(branch, sha, force) {
    try {
      await this.client.request("PATCH /repos/{owner}/{repo}/git/refs/{+ref}", {
        ...this.where,
        ref: `heads/${encodePath(branch)}`,
        sha,
        force
      });
      return "updated";
    } catch (error) {
      if (!force && isRefConflict(error)) return "conflict";
      throw this.writeError(`Could not update refs/heads/${branch}`, error);
    }
  }
  /**
   * One signed commit of `files` on top of `expectedHead`, written atomically by GraphQL's
   * `createCommitOnBranch`: one content-creating request, where the REST sequence (tree, commit,
   * ref) takes three. 'stale' when the branch is no longer at `expectedHead`.
   */
  async commitOnBranch(branch, expectedHead, message, files) {
    const [headline = "", ...rest] = message.split("\n");
    const body = rest.join("\n").replace(/^\n+/, "");
    try {
      const data = await this.client.graphql(COMMIT_ON_BRANCH, {
        input: {
          branch: { repositoryNameWithOwner: this.fullName, branchName: branch },
          expectedHeadOid: expectedHead,
          message: body === "" ? { headline } : { headline, body },
          fileChanges: {
            additions: files.map((file) => ({
              path: file.path,
              contents: Buffer.from(file.content, "utf8").toString("base64")
            }))
          }
        }
      });
      return { sha: data.createCommitOnBranch.commit.oid };
    } catch (error) {
      if (isStaleHead(error)) return "stale";
      throw this.writeError(`Could not commit to ${branch}`, error);
    }
  }
  async createBranch(branch, sha) {
    try {
      await this.client.rest.git.createRef({ ...this.where, ref: `refs/heads/${branch}`, sha });
      return "created";
    } catch (error) {
      if (isReferenceAlreadyExists(error)) return "exists";
      throw this.writeError(`Could not create refs/heads/${branch}`, error);
    }
  }
  /** The open pull request of `branch`, whatever base it targets (the caller retargets it). */
  async findPullRequest(branch) {
    try {
      const { data } = await this.client.rest.pulls.list({
        ...this.where,
        head: `${this.owner}:${branch}`,
        state: "open",
        per_page: 10
      });
      const pull = data.find((candidate) => candidate.head.ref === branch);
      return pull && toPullRequest(pull);
    } catch (error) {
      throw apiError(
        `Could not look up the pull request for ${branch}`,
        this.fullName,
        error,
        writeAccessHint(this.fullName, statusOf(error), true)
      );
    }
  }
  async createPullRequest(branch, base, title, body) {
    try {
      const request = { ...this.where, head: branch, base, title, body };
      const { data } = await this.client.rest.pulls.create(request);
      return toPullRequest(data);
    } catch (error) {
      if (isPullRequestAlreadyExists(error)) return "exists";
      throw this.writeError(`Could not open a pull request from ${branch} into ${base}`, error, true);
    }
  }
  async updatePullRequest(number, title, body, base) {
    try {
      const request = { ...this.where, pull_number: number, title, body, base };
      const { data } = await this.client.rest.pulls.update(request);
      return toPullRequest(data);
    } catch (error) {
      throw this.writeError(`Could not update pull request #${number}`, error, true);
    }
  }
  async addLabels(number, labels) {
    try {
      await this.client.rest.issues.addLabels({
        ...this.where,
        issue_number: number,
        labels: [...labels]
      });
    } catch (error) {
      throw this.writeError(`Could not add labels to pull request #${number}`, error, true);
    }
  }
  writeError(what, error, pullRequests = false) {
    return apiError(
      what,
      this.fullName,
      error,
      writeAccessHint(this.fullName, statusOf(error), pullRequests, gitHubMessage(error))
    );
  }
};
var COMMIT_ON_BRANCH = `mutation ($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`;
function isStaleHead(error) {
  const errors = error?.errors;
  return Array.isArray(errors) && errors.some(
    (e) => e.type === "STALE_DATA" || /expected branch to point to/i.test(String(e.message))
  );
}
function toPullRequest(pull) {
  return {
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    body: pull.body ?? "",
    base: pull.base.ref,
    labels: pull.labels.map((label) => label.name).filter((name) => typeof name === "string")
  };
}

export {
  gitBlobSha,
  GitOpsRepository
};
