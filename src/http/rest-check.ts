import type { IncomingMessage, ServerResponse } from "node:http";
import Ajv2020 from "ajv/dist/2020";
import { type Authenticator, readCredential } from "../auth/authenticator";
import type { CheckService } from "../check/check.service";
import { ErrorCode, type FieldError, forbidden, invalidInput, requestError, unauthenticated } from "../common/errors";
import type { AddressSet } from "../common/network";
import { unstorableValues } from "../common/validation";
import { KeysScope } from "../core/reserved-scopes";
import { mayPerform, refusalReason } from "../principals/authorization";
import { readBody } from "./body";
import { clientAddress } from "./client-address";
import { CHECK_REQUEST_SCHEMA, type CheckRequestBody } from "./openapi";
import type { Cors } from "./cors";
import { sendJson } from "./responses";

export interface RestCheckDependencies {
  authenticator: Authenticator;
  checks: CheckService;
  trustedProxies: AddressSet | null;
  cors: Cors;
}

/** The JSON schema of the body, compiled once. */
const validateBody = new Ajv2020({ allErrors: true, useDefaults: true, strict: true }).compile<CheckRequestBody>(CHECK_REQUEST_SCHEMA);

/** Where each schema error points, as a field path, and what it says (never the submitted value). */
function bodyErrors(): FieldError[] {
  return (validateBody.errors ?? []).map((error) => {
    const missing = error.keyword === "required" ? `/${String(error.params.missingProperty)}` : "";
    const extra = error.keyword === "additionalProperties" ? `/${String(error.params.additionalProperty)}` : "";
    const field = `${error.instancePath}${missing}${extra}`.replace(/^\//, "").replace(/\/(\d+)/g, "[$1]").replaceAll("/", ".") || "body";
    return { field, message: extra ? "is not a field of this request" : (error.message ?? "is not valid") };
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw requestError(ErrorCode.BAD_REQUEST, "The body is not valid JSON");
  }
}

/**
 * POST /v1/keys.check: checkKey for backends, JSON in and out, with no GraphQL on the path. The
 * same credential rules (it needs keys:verify), the same decision, the same answer fields.
 */
export function restCheckRoute(deps: RestCheckDependencies) {
  return async function handleCheck(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    if (request.method !== "POST") throw requestError(ErrorCode.METHOD_NOT_ALLOWED, "Use POST /v1/keys.check");
    const ip = clientAddress(request, deps.trustedProxies);
    const body = parse(await readBody(request));
    if (!validateBody(body)) throw invalidInput(bodyErrors());
    // A presented key is answered, not refused: one with control characters is MALFORMED.
    const unstorable = unstorableValues(body, "", (path) => path === "key");
    if (unstorable.length > 0) throw invalidInput(unstorable);
    const credential = readCredential(request.headers);
    if (credential === undefined) throw unauthenticated();
    const principal = await deps.authenticator.authenticate(credential, ip);
    if (!mayPerform(principal, [KeysScope.VERIFY])) throw forbidden(`Not allowed: ${refusalReason(principal, [KeysScope.VERIFY])}`);
    const result = await deps.checks.check(principal, body);
    sendJson(response, 200, result, { ...deps.cors.headers(request), "x-request-id": requestId, "cache-control": "no-store" });
  };
}
