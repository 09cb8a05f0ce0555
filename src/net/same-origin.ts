// Requests that carry a credential (a GitHub OIDC JWT to Google STS, a federated token to IAM
// Credentials, the runner's token to the OIDC endpoint) follow redirects only within their
// origin: fetch would re-send the body, JWT included, to wherever a 307 points.

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 3

/** A redirect to another origin, refused. */
export class CrossOriginRedirect extends Error {
  constructor(
    readonly from: URL,
    readonly to: URL,
  ) {
    super(
      `${from.origin}${from.pathname} redirected (HTTP 3xx) to another origin, ${to.origin}; not following it, ` +
        'since the request carries a credential. Check the endpoint inputs and any proxy in between.',
    )
    this.name = 'CrossOriginRedirect'
  }
}

/** `send` with redirects followed by hand, within the request's origin only. */
export async function fetchSameOrigin(
  send: typeof fetch,
  input: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  let url = new URL(input instanceof Request ? input.url : input.toString())
  let target: string | URL | Request = input
  for (let redirects = 0; ; redirects++) {
    const response = await send(target, { ...init, redirect: 'manual' })
    const location = response.headers.get('location')
    if (!REDIRECTS.has(response.status) || location === null || redirects >= MAX_REDIRECTS) return response
    const next = new URL(location, url)
    void response.body?.cancel()
    if (next.origin !== url.origin) throw new CrossOriginRedirect(url, next)
    url = next
    target = next
  }
}
