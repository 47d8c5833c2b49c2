import type { IncomingMessage } from "node:http";
import { ErrorCode, requestError } from "../common/errors";

export const MAX_BODY_BYTES = 100 * 1024;

const tooLarge = () => requestError(ErrorCode.PAYLOAD_TOO_LARGE, `The body exceeds ${MAX_BODY_BYTES} bytes`);

/**
 * The body, up to MAX_BODY_BYTES. A larger one, declared or chunked, is refused (413) without being
 * kept: the rest is drained so the client can still read the answer before the connection closes.
 */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
      request.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      request.resume();
      reject(tooLarge());
    };
    request.on("data", onData);
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
