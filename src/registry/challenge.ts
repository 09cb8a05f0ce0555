// RFC 7235 `WWW-Authenticate` parsing for registry challenges. Kept pure so every quirk
// (quoted commas in scopes, several challenges in one header, no `service`) is table-tested.

export interface Challenge {
  /** Lowercased scheme: `bearer`, `basic`, … */
  readonly scheme: string
  /** Parameter names lowercased; values unquoted. */
  readonly params: Readonly<Record<string, string>>
}

export type RegistryChallenge =
  | {
      readonly kind: 'bearer'
      readonly realm: string
      readonly service?: string
      readonly scope?: string
      readonly error?: string
    }
  | { readonly kind: 'basic'; readonly realm?: string }

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/

/** Every challenge in one header value (or several header lines), in order. Unparseable tails are dropped. */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return []
  if (typeof header !== 'string') return header.flatMap((line) => parseChallenges(line))
  const challenges: { scheme: string; params: Record<string, string> }[] = []
  let i = 0
  const n = header.length

  const skipSpace = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++
  }
  const readToken = (): string => {
    const start = i
    while (i < n && TOKEN_CHAR.test(header[i]!)) i++
    return header.slice(start, i)
  }
  const readQuoted = (): string => {
    // Caller has checked header[i] === '"'.
    i++
    let value = ''
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++
      value += header[i]
      i++
    }
    i++ // closing quote (or end of input)
    return value
  }

  while (i < n) {
    skipSpace()
    if (header[i] === ',') {
      i++
      continue
    }
    const word = readToken()
    if (word === '') {
      i++ // a stray character: skip it rather than loop forever
      continue
    }
    skipSpace()
    const current = challenges.at(-1)
    if (header[i] === '=' && current !== undefined && header[i + 1] !== '=') {
      i++
      skipSpace()
      const value = header[i] === '"' ? readQuoted() : readToken()
      current.params[word.toLowerCase()] = value
      continue
    }
    // A new scheme, possibly followed by a token68 (`Negotiate abc==`), which carries nothing we need.
    challenges.push({ scheme: word.toLowerCase(), params: {} })
    if (!isParamStart(header, i)) {
      const start = i
      while (i < n && TOKEN68_CHAR.test(header[i]!)) i++
      while (i < n && header[i] === '=') i++
      skipSpace()
      if (i === start || (i < n && header[i] !== ',')) i = start
    }
  }
  return challenges
}

function isParamStart(header: string, at: number): boolean {
  let j = at
  while (j < header.length && TOKEN_CHAR.test(header[j]!)) j++
  while (j < header.length && (header[j] === ' ' || header[j] === '\t')) j++
  return header[j] === '=' && header[j + 1] !== '='
}

/** The challenge a registry client should answer: Bearer (with a realm) before Basic. */
export function registryChallenge(header: string | readonly string[] | undefined): RegistryChallenge | undefined {
  const challenges = parseChallenges(header)
  const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm)
  if (bearer) {
    const { realm, service, scope, error } = bearer.params
    return {
      kind: 'bearer',
      realm: realm!,
      ...(service ? { service } : {}),
      ...(scope ? { scope } : {}),
      ...(error ? { error } : {}),
    }
  }
  const basic = challenges.find((c) => c.scheme === 'basic')
  if (basic) return { kind: 'basic', ...(basic.params.realm !== undefined && { realm: basic.params.realm }) }
  return undefined
}
