import { CheckCode } from "../core/check-code";
import { CheckMode } from "../core/scope-evaluator";
import { ErrorCode } from "../common/errors";

/** The body of POST /v1/keys.check, as the JSON schema that validates it (and that OpenAPI documents). */
export const CHECK_REQUEST_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["key"],
  properties: {
    key: { type: "string", description: "The key presented to your backend." },
    scopes: { type: "array", items: { type: "string" }, maxItems: 50, default: [], description: "Required scopes: ns:Operation, ns:read or ns:write." },
    mode: { enum: Object.values(CheckMode), default: CheckMode.ALL, description: "ALL: every required scope; ANY: at least one." },
    subscriptionId: { type: ["string", "null"], description: "Require the key to be bound to this subscription, and it to be ACTIVE." },
    clientIp: { type: ["string", "null"], description: "The end user's address, checked against the key's allowlist." },
    tenantId: { type: ["string", "null"], description: "Root only: the tenant whose keys to check." },
    limits: {
      type: "array",
      maxItems: 20,
      default: [],
      description: "Named limits of the key or its identity to apply beside the auto-apply ones, once each, at the cost given.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: { name: { type: "string" }, cost: { type: "integer", minimum: 0, default: 1 } },
      },
    },
    cost: { type: "integer", minimum: 0, default: 1, description: "Credits this check spends, for keys with credits; 0 spends none." },
  },
} as const;

export interface CheckRequestBody {
  key: string;
  scopes: string[];
  mode: CheckMode;
  subscriptionId?: string | null;
  clientIp?: string | null;
  tenantId?: string | null;
  limits: Array<{ name: string; cost: number }>;
  cost: number;
}

const nullable = (type: string, description?: string) => ({ type: [type, "null"], ...(description ? { description } : {}) });
const strings = (description: string) => ({ type: "array", items: { type: "string" }, description });

/** The answer: checkKey's fields, every one present (null or [] when empty). */
export const CHECK_RESULT_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: [
    "valid",
    "allowed",
    "code",
    "keyId",
    "tenantId",
    "name",
    "externalId",
    "metadata",
    "expiresAt",
    "grants",
    "matchedScopes",
    "missingScopes",
    "subscriptionIds",
    "rateLimit",
    "identity",
    "rateLimits",
    "creditsRemaining",
  ],
  properties: {
    valid: { type: "boolean", description: "The key is authentic and usable (codes VALID, FORBIDDEN, UNKNOWN_SCOPE, RATE_LIMITED, USAGE_EXCEEDED)." },
    allowed: { type: "boolean", description: "Valid, and the required scopes are satisfied (code VALID)." },
    code: { enum: Object.values(CheckCode), description: "The decision, checked in this order: MALFORMED, NOT_FOUND, IP_NOT_ALLOWED, REVOKED, EXPIRED, DISABLED, TENANT_SUSPENDED, SUBSCRIPTION_MISMATCH or SUBSCRIPTION_INACTIVE, UNKNOWN_SCOPE, FORBIDDEN, RATE_LIMITED, USAGE_EXCEEDED, VALID." },
    keyId: nullable("string"),
    tenantId: nullable("string"),
    name: nullable("string"),
    externalId: nullable("string", "The key's owner in your own system."),
    metadata: { type: ["object", "null"], description: "Your own data, set on the key." },
    expiresAt: { type: ["string", "null"], format: "date-time" },
    grants: strings("The key's grants."),
    matchedScopes: strings("The granting scope of each satisfied requirement, in order, without repeats."),
    missingScopes: strings("The required scopes not satisfied."),
    subscriptionIds: strings("The subscriptions the key is bound to."),
    rateLimit: {
      type: ["object", "null"],
      deprecated: true,
      description: "Deprecated: the limit named `default` (see rateLimits).",
      required: ["limit", "remaining", "resetAt"],
      properties: { limit: { type: "integer" }, remaining: { type: "integer" }, resetAt: { type: "string", format: "date-time" } },
    },
    identity: {
      type: ["object", "null"],
      description: "The identity (your customer or user) that owns the key.",
      required: ["id", "externalId", "name", "metadata"],
      properties: { id: { type: "string" }, externalId: { type: "string" }, name: { type: ["string", "null"] }, metadata: { type: ["object", "null"] } },
    },
    rateLimits: {
      type: "array",
      description: "Every limit the check applied: the key's and its identity's auto-apply limits, and those named.",
      items: {
        type: "object",
        required: ["name", "limit", "remaining", "resetAt", "exceeded"],
        properties: {
          name: { type: "string" },
          limit: { type: "integer" },
          remaining: { type: "integer", description: "After this check; a refused check spent nothing." },
          resetAt: { type: "string", format: "date-time" },
          exceeded: { type: "boolean", description: "This check went over the limit (code RATE_LIMITED)." },
        },
      },
    },
    creditsRemaining: {
      type: ["integer", "null"],
      description: "Credits left after this check; null when the key has none, or when the check was refused before its credits (any code but VALID and USAGE_EXCEEDED).",
    },
  },
} as const;

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "requestId"],
      properties: {
        code: { enum: Object.values(ErrorCode) },
        message: { type: "string" },
        requestId: { type: "string", description: "What the server log records this request under." },
        fields: { type: "array", description: "BAD_USER_INPUT: every field at fault.", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
      },
    },
  },
} as const;

const errorResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** The OpenAPI 3.1 document of the REST API, served at GET /v1/openapi.json and committed as schema/openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Keysmith REST API",
      version: "1",
      description: "Key checks for tenants' backends: the same decision as GraphQL's checkKey, without GraphQL. The management API is GraphQL, at /graphql.",
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: {
      "/v1/keys.check": {
        post: {
          operationId: "checkKey",
          summary: "May this key do this?",
          description: "Needs a credential holding keys:verify. Never fails for a bad key: the answer is in `code`.",
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/CheckRequest" } } } },
          responses: {
            "200": { description: "The decision.", content: { "application/json": { schema: { $ref: "#/components/schemas/CheckResult" } } } },
            "400": errorResponse("BAD_USER_INPUT (a field of the body; `fields` lists them) or BAD_REQUEST (not JSON)."),
            "401": errorResponse("UNAUTHENTICATED: no credential, or a bad one."),
            "403": errorResponse("FORBIDDEN: the credential lacks keys:verify."),
            "413": errorResponse("PAYLOAD_TOO_LARGE: the body exceeds 100 kB."),
            "429": errorResponse("RATE_LIMITED: this caller sent too many failed checks.", { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait." } }),
            "503": errorResponse("SERVICE_UNAVAILABLE: the check needed the database and it is unreachable."),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A Keysmith key (or a tenant's JWT) holding keys:verify." },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
      schemas: { CheckRequest: CHECK_REQUEST_SCHEMA, CheckResult: CHECK_RESULT_SCHEMA, Error: ERROR_SCHEMA },
    },
  };
}

/** The committed form: stable key order, a trailing newline. */
export const printOpenApi = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
