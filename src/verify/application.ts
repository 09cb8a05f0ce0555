// The parts of an Argo CD Application (GET /api/v1/applications/{name}) that verification reads.
// Every field is optional: Argo CD leaves out what it has not computed yet.

export interface ApplicationSource {
  readonly repoURL?: string
  readonly path?: string
  readonly targetRevision?: string
  readonly chart?: string
}

export interface ResourceStatus {
  readonly group?: string
  readonly kind?: string
  readonly namespace?: string
  readonly name?: string
  readonly status?: string
  readonly health?: { readonly status?: string; readonly message?: string }
}

export interface Application {
  readonly metadata?: { readonly name?: string; readonly namespace?: string }
  readonly spec?: {
    readonly project?: string
    readonly source?: ApplicationSource
    readonly sources?: readonly ApplicationSource[]
    readonly syncPolicy?: { readonly automated?: object | null }
  }
  readonly status?: {
    readonly sync?: { readonly status?: string; readonly revision?: string; readonly revisions?: readonly string[] }
    readonly health?: { readonly status?: string; readonly message?: string }
    readonly operationState?: {
      readonly phase?: string
      readonly message?: string
      readonly startedAt?: string
      readonly finishedAt?: string
      readonly operation?: { readonly sync?: { readonly revision?: string; readonly revisions?: readonly string[] } }
      readonly syncResult?: { readonly revision?: string; readonly revisions?: readonly string[] }
    }
    readonly reconciledAt?: string
    readonly conditions?: readonly { readonly type?: string; readonly message?: string }[]
    readonly resources?: readonly ResourceStatus[]
  }
}

/** The sources of an application in order: `spec.sources`, or `spec.source` alone. */
export function sourcesOf(app: Application): readonly ApplicationSource[] {
  const sources = app.spec?.sources
  if (sources !== undefined && sources.length > 0) return sources
  return app.spec?.source === undefined ? [] : [app.spec.source]
}
