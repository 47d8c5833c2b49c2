import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";

/** What went wrong, in words, and which input fields it concerns. */
export interface ApiProblem {
  message: string;
  code?: string;
  /** Messages keyed by input field name (`name`, `expiresAt`, `rateLimit.limit`...). */
  fields: Record<string, string>;
}

interface FormattedError {
  message: string;
  extensions?: { code?: unknown; field?: unknown; fields?: unknown; requestId?: unknown };
}

const CODE_MESSAGES: Record<string, string> = {
  UNAUTHENTICATED: "Your credential was not accepted. Sign in again with a valid key or token.",
  FORBIDDEN: "Your credential does not allow this.",
  RATE_LIMITED: "Too many requests. Wait a moment and try again.",
  SERVICE_UNAVAILABLE: "The database is unreachable. Try again shortly.",
};

/** The server's messages are clauses ("the identity still owns 1 key"): shown as sentences. */
function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/** `expiresAt: must be at least one hour ahead` -> `Must be at least one hour ahead`. */
function withoutFieldPrefix(message: string, field: string): string {
  const text = message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fromFormatted(errors: readonly FormattedError[]): ApiProblem {
  const fields: Record<string, string> = {};
  const messages: string[] = [];
  let code: string | undefined;
  for (const error of errors) {
    const extensions = error.extensions ?? {};
    code ??= typeof extensions.code === "string" ? extensions.code : undefined;
    const listed = Array.isArray(extensions.fields) ? (extensions.fields as Array<{ field?: unknown; message?: unknown }>) : [];
    for (const entry of listed) {
      if (typeof entry.field === "string" && typeof entry.message === "string") {
        fields[entry.field] ??= withoutFieldPrefix(entry.message, entry.field);
      }
    }
    if (typeof extensions.field === "string" && listed.length === 0) {
      fields[extensions.field] ??= withoutFieldPrefix(error.message, extensions.field);
    }
    if (extensions.code === "INTERNAL_SERVER_ERROR") {
      const requestId = typeof extensions.requestId === "string" ? ` (request id ${extensions.requestId})` : "";
      messages.push(`Something went wrong on the server${requestId}.`);
    } else if (typeof extensions.code === "string" && CODE_MESSAGES[extensions.code] && extensions.code !== "FORBIDDEN") {
      messages.push(CODE_MESSAGES[extensions.code]);
    } else {
      messages.push(sentence(error.message));
    }
  }
  return { message: [...new Set(messages)].join(" "), code, fields };
}

/** Turns whatever Apollo or fetch threw into a sentence for the person using the console. */
export function describeError(error: unknown): ApiProblem {
  if (CombinedGraphQLErrors.is(error)) return fromFormatted(error.errors as readonly FormattedError[]);
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: FormattedError[] };
      if (body.errors?.length) return fromFormatted(body.errors);
    } catch {
      // not a GraphQL body: fall through to the status
    }
    if (error.statusCode === 401) return { message: CODE_MESSAGES.UNAUTHENTICATED, code: "UNAUTHENTICATED", fields: {} };
    if (error.statusCode === 429) return { message: CODE_MESSAGES.RATE_LIMITED, code: "RATE_LIMITED", fields: {} };
    return { message: `The server answered ${error.statusCode}. Try again shortly.`, fields: {} };
  }
  if (error instanceof TypeError) return { message: "Cannot reach the Keysmith server. Check your connection.", fields: {} };
  return { message: error instanceof Error ? error.message : "Something went wrong.", fields: {} };
}

/** The message for one field, also matching nested paths (`rateLimit.limit` for `rateLimit`). */
export function fieldError(problem: ApiProblem | null | undefined, ...names: string[]): string | undefined {
  if (!problem) return undefined;
  for (const name of names) {
    const match = Object.entries(problem.fields).find(([field]) => field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`));
    if (match) return match[1];
  }
  return undefined;
}

/** The problem's message when no field shows it. */
export function formError(problem: ApiProblem | null | undefined, shownFields: readonly string[]): string | undefined {
  if (!problem) return undefined;
  const shown = Object.keys(problem.fields).some((field) => shownFields.some((name) => field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`)));
  return shown ? undefined : problem.message;
}
