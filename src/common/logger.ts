import pino, { type Logger } from "pino";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export type { Logger };

/** Field names whose values never reach a log line, at any depth (compared case-insensitively). */
const SECRET_FIELDS = new Set(["key", "secret", "secrethash", "authorization", "x-api-key", "password", "token", "adminkey"]);
const REDACTED = "[redacted]";
const MAX_DEPTH = 8;

/** Copies a log payload with every secret-named field replaced, however deep it sits. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (value instanceof Error) {
    return { type: value.name, message: value.message, stack: value.stack };
  }
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(value)) {
    copy[field] = SECRET_FIELDS.has(field.toLowerCase()) ? REDACTED : redactSecrets(inner, depth + 1);
  }
  return copy;
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "keysmith" },
      // Errors keep their class and own fields; redactSecrets then scrubs them like everything else.
      serializers: { err: pino.stdSerializers.err },
      formatters: {
        log: (object) => redactSecrets(object) as Record<string, unknown>,
        bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
      },
    },
    destination,
  );
}
