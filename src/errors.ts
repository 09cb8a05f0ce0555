/** A problem with what the user asked for; the message says which input and what to change. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`Input '${input}': ${message}`)
    this.name = 'InputError'
  }
}

/** Any thrown value as one line of text: errors from dependencies are not always Errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  // Errors of another realm (Node internals seen from a VM context) are Errors all the same.
  const message = (error as { message?: unknown } | null)?.message
  if (typeof message === 'string' && message !== '') return message
  try {
    return JSON.stringify(error) ?? String(error)
  } catch {
    return String(error)
  }
}

/** Why a `fetch` got no answer: the socket's code (ECONNREFUSED, …) when fetch wraps one, else the message. */
export function noAnswerReason(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause
  const code = (cause as { code?: unknown } | null)?.code
  if (typeof code === 'string') return code
  return errorMessage(cause ?? error)
}
