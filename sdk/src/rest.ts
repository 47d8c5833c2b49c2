import { type FieldError, KeysmithError } from "./errors";
import type { CheckRequest, CheckResult } from "./generated/rest";
import { type JsonAnswer, type Transport, isObject, postJson, unexpectedAnswer } from "./transport";

const isCheckResult = (body: unknown): body is CheckResult => isObject(body) && typeof body.valid === "boolean" && typeof body.allowed === "boolean" && typeof body.code === "string";

/** The error of a REST answer `{ error: { code, message, requestId, fields? } }`. */
export function restError(answer: JsonAnswer): KeysmithError {
  const error = isObject(answer.body) ? answer.body.error : undefined;
  if (!isObject(error) || typeof error.code !== "string" || typeof error.message !== "string") return unexpectedAnswer(answer, "an error body");
  return new KeysmithError({
    code: error.code,
    status: answer.status,
    message: error.message,
    requestId: typeof error.requestId === "string" ? error.requestId : answer.requestId,
    fields: Array.isArray(error.fields) ? (error.fields as FieldError[]) : null,
    retryAfterSeconds: answer.retryAfterSeconds,
  });
}

/** POST /v1/keys.check: any 200 is the answer (a bad key included); anything else is a KeysmithError. */
export async function checkOverRest(transport: Transport, input: CheckRequest): Promise<CheckResult> {
  const answer = await postJson(transport, "/v1/keys.check", input);
  if (answer.status !== 200) throw restError(answer);
  if (!isCheckResult(answer.body)) throw unexpectedAnswer(answer, "a check result");
  return answer.body;
}
