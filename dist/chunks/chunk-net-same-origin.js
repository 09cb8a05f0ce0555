import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/net/same-origin.ts
var REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
var MAX_REDIRECTS = 3;
var CrossOriginRedirect = class extends Error {
  constructor(from, to) {
    super(
      `${from.origin}${from.pathname} redirected (HTTP 3xx) to another origin, ${to.origin}; not following it, since the request carries a credential. Check the endpoint inputs and any proxy in between.`
    );
    this.from = from;
    this.to = to;
    this.name = "CrossOriginRedirect";
  }
  from;
  to;
};
async function fetchSameOrigin(send, input, init = {}) {
  let url = new URL(input instanceof Request ? input.url : input.toString());
  let target = input;
  for (let redirects = 0; ; redirects++) {
    const response = await send(target, { ...init, redirect: "manual" });
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null || redirects >= MAX_REDIRECTS) return response;
    const next = new URL(location, url);
    void response.body?.cancel();
    if (next.origin !== url.origin) throw new CrossOriginRedirect(url, next);
    url = next;
    target = next;
  }
}

export {
  CrossOriginRedirect,
  fetchSameOrigin
};
