import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/errors.ts
var InputError = class extends Error {
  constructor(input, message) {
    super(`Input '${input}': ${message}`);
    this.input = input;
    this.name = "InputError";
  }
  input;
};
function errorMessage(error) {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  const message = error?.message;
  if (typeof message === "string" && message !== "") return message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
function noAnswerReason(error) {
  const cause = error?.cause;
  const code = cause?.code;
  if (typeof code === "string") return code;
  return errorMessage(cause ?? error);
}

export {
  InputError,
  errorMessage,
  noAnswerReason
};
