// Deployments, deployment statuses and the compare API for the GitHub stand-in. Deployments live
// in memory for any repository the token reaches (the workflow's own repository records them,
// not the GitOps one); compare answers from the GitOps repository's real git history.
import type { ApiError as ApiErrorType, Reply, RepoModel } from './handlers.js'
import { ApiError } from './handlers.js'
import * as shape from './shapes.js'
import type { Site } from './shapes.js'

export const DEPLOYMENT_OPERATIONS = [
  'repos/create-deployment',
  'repos/list-deployments',
  'repos/create-deployment-status',
  'repos/compare-commits-with-basehead',
] as const

export type DeploymentOperation = (typeof DEPLOYMENT_OPERATIONS)[number]

export function isDeploymentOperation(operationId: string): operationId is DeploymentOperation {
  return (DEPLOYMENT_OPERATIONS as readonly string[]).includes(operationId)
}

export interface FakeDeployment {
  id: number
  repository: string
  sha: string
  ref: string
  environment: string
  payload: Record<string, unknown> | string
  description: string | null
  createdAt: string
  statuses: FakeDeploymentStatus[]
}

export interface FakeDeploymentStatus {
  id: number
  state: string
  description: string
  environmentUrl: string
  logUrl: string
  createdAt: string
}

type Json = Record<string, unknown>
type Body = Json

const MAX_COMPARE_COMMITS = 250

export class DeploymentsModel {
  readonly deployments: FakeDeployment[] = []
  private nextId = 5_000_000

  constructor(private readonly model: RepoModel) {}

  private get site(): Site {
    return this.model.site
  }

  async handle(
    operationId: DeploymentOperation,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
  ): Promise<Reply> {
    const repository = `${params.owner}/${params.repo}`
    switch (operationId) {
      case 'repos/create-deployment':
        return this.create(repository, body as Json)
      case 'repos/list-deployments':
        return { status: 200, json: this.list(repository, query).map((d) => this.deploymentJson(d)) }
      case 'repos/create-deployment-status':
        return this.createStatus(repository, Number(params.deployment_id), body as Json)
      case 'repos/compare-commits-with-basehead':
        return this.compare(repository, params)
    }
  }

  private create(repository: string, body: Json): Reply {
    const ref = String(body.ref)
    if (ref.trim() === '')
      throw new ApiError(422, 'Validation Failed', {
        errors: [{ resource: 'Deployment', field: 'ref', code: 'missing' }],
      })
    if (body.required_contexts === undefined) {
      // GitHub would check every status context of the ref; the stand-in has none, but a client
      // that forgets `required_contexts: []` would be blocked on GitHub by failing checks.
      throw new ApiError(409, 'Conflict: Commit status checks failed for ' + ref + '.')
    }
    const deployment: FakeDeployment = {
      id: this.nextId++,
      repository,
      sha: /^[0-9a-f]{40}$/.test(ref) ? ref : '0'.repeat(40),
      ref,
      environment: typeof body.environment === 'string' ? body.environment : 'production',
      payload: (body.payload as Json | string | undefined) ?? {},
      description: typeof body.description === 'string' ? body.description : null,
      createdAt: now(),
      statuses: [],
    }
    this.deployments.push(deployment)
    return { status: 201, json: this.deploymentJson(deployment) }
  }

  private list(repository: string, query: URLSearchParams): FakeDeployment[] {
    return this.deployments
      .filter((d) => d.repository.toLowerCase() === repository.toLowerCase())
      .filter((d) => !query.has('environment') || d.environment === query.get('environment'))
      .filter((d) => !query.has('sha') || d.sha === query.get('sha'))
      .reverse()
  }

  private find(repository: string, id: number): FakeDeployment {
    const deployment = this.deployments.find(
      (d) => d.id === id && d.repository.toLowerCase() === repository.toLowerCase(),
    )
    if (deployment === undefined) throw new ApiError(404, 'Not Found')
    return deployment
  }

  private createStatus(repository: string, id: number, body: Json): Reply {
    const deployment = this.find(repository, id)
    const description = typeof body.description === 'string' ? body.description : ''
    if (description.length > 140) {
      throw new ApiError(422, 'Validation Failed', {
        errors: [
          {
            resource: 'DeploymentStatus',
            field: 'description',
            code: 'custom',
            message: 'description is too long (maximum is 140 characters)',
          },
        ],
      })
    }
    const logUrl =
      typeof body.log_url === 'string' ? body.log_url : typeof body.target_url === 'string' ? body.target_url : ''
    const status: FakeDeploymentStatus = {
      id: this.nextId++,
      state: String(body.state),
      description,
      environmentUrl: typeof body.environment_url === 'string' ? body.environment_url : '',
      logUrl,
      createdAt: now(),
    }
    deployment.statuses.push(status)
    return { status: 201, json: this.statusJson(deployment, status) }
  }

  private repoApi(repository: string): string {
    return `${this.site.api}/repos/${repository}`
  }

  private creator(): Body {
    const { login, id, type } = this.model.tokenUser
    return shape.user(this.site, { login, id, type })
  }

  private deploymentJson(d: FakeDeployment): Body {
    const url = `${this.repoApi(d.repository)}/deployments/${d.id}`
    return {
      url,
      id: d.id,
      node_id: shape.nodeId('Deployment', d.id),
      sha: d.sha,
      ref: d.ref,
      task: 'deploy',
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: this.creator(),
      created_at: d.createdAt,
      updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
      statuses_url: `${url}/statuses`,
      repository_url: this.repoApi(d.repository),
      transient_environment: false,
      production_environment: false,
    }
  }

  private statusJson(d: FakeDeployment, s: FakeDeploymentStatus): Body {
    const deploymentUrl = `${this.repoApi(d.repository)}/deployments/${d.id}`
    return {
      url: `${deploymentUrl}/statuses/${s.id}`,
      id: s.id,
      node_id: shape.nodeId('DeploymentStatus', s.id),
      state: s.state,
      creator: this.creator(),
      description: s.description,
      environment: d.environment,
      target_url: s.logUrl,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: deploymentUrl,
      repository_url: this.repoApi(d.repository),
      ...(s.environmentUrl !== '' && { environment_url: s.environmentUrl }),
      ...(s.logUrl !== '' && { log_url: s.logUrl }),
    }
  }

  /** `GET compare/{basehead}` (`BASE...HEAD`) on the GitOps repository, from git. */
  private async compare(repository: string, params: Record<string, string>): Promise<Reply> {
    if (repository.toLowerCase() !== `${this.site.owner}/${this.site.repo}`.toLowerCase())
      throw new ApiError(404, 'Not Found')
    const basehead = params.basehead ?? ''
    const [baseRef, headRef] = basehead.split('...')
    const base = baseRef === undefined ? undefined : await this.model.resolveCommitish(baseRef)
    const head = headRef === undefined ? undefined : await this.model.resolveCommitish(headRef)
    if (base === undefined || head === undefined) throw new ApiError(404, 'Not Found')
    const git = this.model.git
    // GitHub answers unrelated histories with 404 and this message.
    const mergeBase = (await git.text(['merge-base', base, head]).catch(() => '')).trim()
    if (mergeBase === '') throw new ApiError(404, `No common ancestor between ${baseRef} and ${headRef}.`)
    const count = async (range: string): Promise<number> =>
      Number((await git.text(['rev-list', '--count', range])).trim())
    const shas = (await git.text(['rev-list', '--reverse', `${base}..${head}`])).split('\n').filter((s) => s !== '')
    const aheadBy = shas.length
    const behindBy = await count(`${head}..${base}`)
    const status =
      aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged'
    const commit = async (sha: string): Promise<Body> => {
      const parsed = await git.parseCommit(sha)
      return shape.repoCommit(this.site, parsed, this.model.verification(parsed), new Map())
    }
    const web = `${this.site.web}/${this.site.owner}/${this.site.repo}`
    return {
      status: 200,
      json: {
        url: `${this.repoApi(repository)}/compare/${basehead}`,
        html_url: `${web}/compare/${basehead}`,
        permalink_url: `${web}/compare/${this.site.owner}:${base.slice(0, 7)}...${this.site.owner}:${head.slice(0, 7)}`,
        diff_url: `${web}/compare/${basehead}.diff`,
        patch_url: `${web}/compare/${basehead}.patch`,
        base_commit: await commit(base),
        merge_base_commit: await commit(mergeBase),
        status,
        ahead_by: aheadBy,
        behind_by: behindBy,
        total_commits: shas.length,
        commits: await Promise.all(shas.slice(0, MAX_COMPARE_COMMITS).map(commit)),
        files: await this.changedFiles(mergeBase, head),
      },
    }
  }

  /** The compare answer's `files`: what changed from the merge base to the head, renames found as GitHub does. */
  private async changedFiles(from: string, to: string): Promise<Body[]> {
    const git = this.model.git
    const raw = (await git.text(['diff-tree', '-r', '-z', '-M', '--raw', from, to])).split('\0')
    const numstat = (await git.text(['diff-tree', '-r', '-z', '-M', '--numstat', from, to])).split('\0')
    const counts = new Map<string, [number, number]>()
    for (let i = 0; i < numstat.length; i++) {
      const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(numstat[i]!)
      if (!m) continue
      // A rename is "added<TAB>deleted<TAB>" followed by the old and the new path.
      const path = m[3] === '' ? numstat[(i += 2)]! : m[3]!
      counts.set(path, [Number(m[1]) || 0, Number(m[2]) || 0])
    }
    const web = `${this.site.web}/${this.site.owner}/${this.site.repo}`
    const files: Body[] = []
    for (let i = 0; i < raw.length; i++) {
      const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/.exec(raw[i]!)
      if (!m) continue
      const [, oldBlob, newBlob, letter] = m
      const previous = letter === 'R' || letter === 'C' ? raw[++i] : undefined
      const filename = raw[++i]!
      const status = STATUS[letter!] ?? 'changed'
      const [additions, deletions] = counts.get(filename) ?? [0, 0]
      files.push({
        sha: status === 'removed' ? oldBlob : newBlob,
        filename,
        status,
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: `${web}/blob/${to}/${filename}`,
        raw_url: `${web}/raw/${to}/${filename}`,
        contents_url: `${this.repoApi(`${this.site.owner}/${this.site.repo}`)}/contents/${filename}?ref=${to}`,
        ...(previous !== undefined && { previous_filename: previous }),
      })
    }
    return files
  }
}

const STATUS: Record<string, string> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
}

export type { ApiErrorType }

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}
