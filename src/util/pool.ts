/**
 * Runs `task` over `items` with at most `limit` in flight. The first failure stops new starts; the
 * tasks already running are awaited (nothing is left running behind the caller's back), then that
 * first failure is thrown.
 */
export async function eachLimited<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const list = [...items]
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < list.length) {
      const item = list[next++]!
      try {
        await task(item)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, list.length)) }, worker))
  if (failure !== undefined) throw failure.error
}
