// The runner reads workflow commands from the job's output: a line starting (after blanks) with
// `::name::`, or `##[name]` anywhere in a line; it splits lines at CR as well as LF. The action's
// own commands come from @actions/core, one per write with their data escaped. Everything else
// written is log text, often carrying a server's words (an error body, a status message), and
// must never become a command, nor show a credential the server echoed. Guarding the two
// streams once covers every core.info, warning and failure, whichever module printed it.

/** One command as @actions/core writes it (set-output and save-state where the runner gives no files). */
const OWN_COMMAND =
  /^::(?:add-mask|error|warning|notice|debug|group|endgroup|set-output|save-state)(?: [^\r\n:]*)?::[^\r\n]*\r?\n$/

/** What may be written of `text`: commands of our own pass, anything else cannot start one. */
export function guardText(text: string, scrub: (text: string) => string): string {
  // The mask command carries the secret itself, for the runner to hide.
  if (text.startsWith('::add-mask::') && OWN_COMMAND.test(text)) return text
  // `##[name]` is the runner's older command form, recognised anywhere in a line.
  const scrubbed = scrub(text).replace(/##\[/g, '##%5B')
  if (OWN_COMMAND.test(text)) return scrubbed
  return scrubbed
    .split(/(\r\n|\r|\n)/)
    .map((piece) => piece.replace(/^(\s*)::/, '$1%3A%3A'))
    .join('')
}

/** Routes every write of stdout and stderr through `guardText`. */
export function guardOutput(scrub: (text: string) => string): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined
      return text === undefined ? write(chunk, ...rest) : write(guardText(text, scrub), ...rest)
    }) as typeof stream.write
  }
}
