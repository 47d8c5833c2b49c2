import { isIP } from "node:net";
import { badInput } from "../common/errors";
import { hasControlCharacters } from "../common/validation";
import { type OutboundPolicy, mayConnect } from "../common/outbound";

/**
 * An endpoint URL as stored: https (http only when OUTBOUND_ALLOW opens some addresses), no
 * credentials or fragment, and a literal address only where a connection could go. A name is
 * checked where each connection is made, against every address it resolves to.
 */
export function validateWebhookUrl(raw: string, policy: OutboundPolicy): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badInput("url", "must be an absolute http(s) URL");
  }
  if (hasControlCharacters(raw)) throw badInput("url", "must not contain control characters");
  if (url.protocol !== "https:" && url.protocol !== "http:") throw badInput("url", "must use https");
  if (url.protocol === "http:" && !policy.allowed) throw badInput("url", "must use https (http reaches only addresses in OUTBOUND_ALLOW)");
  if (url.username || url.password) throw badInput("url", "must not carry credentials");
  if (url.hash) throw badInput("url", "must not have a fragment");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) !== 0 && !mayConnect(policy, host, url.protocol === "https:")) {
    throw badInput("url", "must reach a public address (or one in OUTBOUND_ALLOW)");
  }
  return url.toString();
}
