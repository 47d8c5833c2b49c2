import { Writable } from "node:stream";
import { createLogger, redactSecrets } from "../../src/common/logger";

const KEY = "ks_4bXq9ZsLmN2pR7tVwY1cD3fG5hJ8kLzPqRsTuVwXyZ0123456789ab";
const REDACTED = "[redacted]";

/** A destination that keeps every line pino writes. */
function memoryDestination(): { stream: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = () => chunks.join("");
  const lines = () =>
    text()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines, text };
}

describe("redactSecrets", () => {
  it.each(["key", "secret", "authorization", "x-api-key", "Key", "SECRET", "Authorization", "X-API-Key", "X-Api-Key"])(
    "redacts a field named %s",
    (field) => {
      expect(redactSecrets({ [field]: KEY, name: "visible" })).toEqual({ [field]: REDACTED, name: "visible" });
    },
  );

  it("redacts at any depth, including inside arrays", () => {
    const payload = {
      variables: { input: { key: KEY, scopes: ["users:read"] } },
      headers: { Authorization: `Bearer ${KEY}`, "x-api-key": KEY, accept: "application/json" },
      batch: [{ secret: "s3cret" }, [{ nested: { KEY } }]],
    };
    expect(redactSecrets(payload)).toEqual({
      variables: { input: { key: REDACTED, scopes: ["users:read"] } },
      headers: { Authorization: REDACTED, "x-api-key": REDACTED, accept: "application/json" },
      batch: [{ secret: REDACTED }, [{ nested: { KEY: REDACTED } }]],
    });
  });

  it("redacts a secret-named field whatever its value is, objects included", () => {
    expect(redactSecrets({ secret: { value: KEY }, key: [KEY] })).toEqual({ secret: REDACTED, key: REDACTED });
  });

  it("keeps fields whose names only contain a secret word", () => {
    const payload = { keyId: "8d0c", lookupId: "AbCdEf123456", secretLength: 32, apiKeys: 3 };
    expect(redactSecrets(payload)).toEqual(payload);
  });

  it("does not change the object it is given", () => {
    const payload = { input: { key: KEY } };
    redactSecrets(payload);
    expect(payload.input.key).toBe(KEY);
  });

  it("passes primitives and null through", () => {
    for (const value of [null, undefined, 42, "text", true]) expect(redactSecrets(value)).toBe(value);
  });

  it("never lets a secret through however deep it sits", () => {
    let payload: Record<string, unknown> = { key: KEY, secretValue: KEY };
    for (let depth = 0; depth < 20; depth++) payload = { level: payload };
    expect(JSON.stringify(redactSecrets(payload))).not.toContain(KEY);
  });
});

describe("createLogger", () => {
  it("writes JSON lines with the secrets of GraphQL variables and headers redacted", () => {
    const destination = memoryDestination();
    const sut = createLogger("info", destination.stream);

    sut.info(
      {
        variables: { input: { key: KEY, scopes: ["users:read"] } },
        headers: { authorization: `Bearer ${KEY}`, "x-api-key": KEY },
        batch: [{ secret: KEY }],
      },
      "checked a key",
    );

    expect(destination.text()).not.toContain(KEY);
    const [line] = destination.lines();
    expect(line).toMatchObject({
      level: 30,
      msg: "checked a key",
      service: "keysmith",
      variables: { input: { key: REDACTED, scopes: ["users:read"] } },
      headers: { authorization: REDACTED, "x-api-key": REDACTED },
      batch: [{ secret: REDACTED }],
    });
  });

  it("writes nothing below its level", () => {
    const destination = memoryDestination();
    const sut = createLogger("warn", destination.stream);
    sut.info({ key: KEY }, "quiet");
    sut.warn("loud");
    expect(destination.lines().map((line) => line.msg)).toEqual(["loud"]);
  });

  it("logs an error's message and stack, and nothing a secret could ride on", () => {
    const destination = memoryDestination();
    const sut = createLogger("info", destination.stream);
    sut.error({ err: Object.assign(new TypeError("boom"), { key: KEY, config: { secret: KEY } }) }, "operation failed");
    expect(destination.text()).not.toContain(KEY);
    const [line] = destination.lines();
    expect(line.err).toMatchObject({ message: "boom" });
    expect(String((line.err as { stack?: unknown }).stack)).toContain("TypeError: boom");
  });
});
