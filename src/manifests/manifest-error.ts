// The one error of the manifests/ modules: a file (and line) that cannot be pinned safely.

/** A manifest that cannot be pinned safely; the message starts with `file[:line]:`. */
export class ManifestError extends Error {
  readonly file: string
  readonly line?: number

  /** `message` replaces the `file[:line]: problem` form when the error is about several files. */
  constructor(file: string, line: number | undefined, problem: string, message?: string) {
    super(message ?? `${file}${line === undefined ? '' : `:${line}`}: ${problem}`)
    this.name = 'ManifestError'
    this.file = file
    if (line !== undefined) this.line = line
  }
}
