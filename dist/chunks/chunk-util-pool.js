import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/util/pool.ts
async function eachLimited(items, limit, task) {
  const list = [...items];
  let next = 0;
  let failure;
  const worker = async () => {
    while (failure === void 0 && next < list.length) {
      const item = list[next++];
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, list.length)) }, worker));
  if (failure !== void 0) throw failure.error;
}

export {
  eachLimited
};
