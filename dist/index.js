import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  scrubCredentials
} from "./chunks/chunk-secrets.js";
import {
  getState,
  saveState
} from "./chunks/chunk-actions-core-lib-command.js";
import "./chunks/chunk-esbuild-runtime.js";

// src/log-guard.ts
var OWN_COMMAND = /^::(?:add-mask|error|warning|notice|debug|group|endgroup|set-output|save-state)(?: [^\r\n:]*)?::[^\r\n]*\r?\n$/;
function guardText(text, scrub) {
  if (text.startsWith("::add-mask::") && OWN_COMMAND.test(text)) return text;
  const scrubbed = scrub(text).replace(/##\[/g, "##%5B");
  if (OWN_COMMAND.test(text)) return scrubbed;
  return scrubbed.split(/(\r\n|\r|\n)/).map((piece) => piece.replace(/^(\s*)::/, "$1%3A%3A")).join("");
}
function guardOutput(scrub) {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk, ...rest) => {
      const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : void 0;
      return text === void 0 ? write(chunk, ...rest) : write(guardText(text, scrub), ...rest);
    });
  }
}

// src/index.ts
guardOutput(scrubCredentials);
if (getState("isPost") === "true") {
  const { cleanup } = await import("./chunks/post.js");
  await cleanup();
} else {
  saveState("isPost", "true");
  const { run } = await import("./chunks/main.js");
  await run();
}
