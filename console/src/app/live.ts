import { type Client, type Sink, type SubscribePayload, createClient } from "graphql-ws";
import { createContext, useContext, useSyncExternalStore } from "react";
import { GRAPHQL_PATH } from "./apollo";

/**
 * The live connection's state, as the "Live" indicator shows it:
 * idle (no subscription open), connecting, connected, reconnecting (the socket dropped and is being
 * opened again), stopped (the server closed it for the credential: no retry).
 */
export type LiveState = "idle" | "connecting" | "connected" | "reconnecting" | "stopped";

/** graphql-ws close codes Keysmith uses for the credential: bad (4401), or revoked or disabled since (4403). */
export const CLOSED_FOR_CREDENTIAL = new Set([4401, 4403]);
const MAX_RETRY_WAIT_MS = 30_000;

export interface LiveConnection {
  /** What GraphQLWsLink sends subscriptions through; the socket opens with the first and closes after the last. */
  client: Client;
  state(): LiveState;
  /** The close code that stopped it (4401 or 4403), when stopped. */
  stoppedBy(): number | null;
  onChange(listener: () => void): () => void;
  /** Closes the socket (signing out); a later subscription opens a new one. */
  dispose(): void;
}

function closeCode(event: unknown): number | null {
  return typeof event === "object" && event !== null && "code" in event && typeof event.code === "number" ? event.code : null;
}

/** The /graphql URL of this origin over ws:// or wss://. */
export function liveUrl(location: { protocol: string; host: string } = window.location): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${GRAPHQL_PATH}`;
}

/** One live connection per signed-in credential: lazy, retried with a capped backoff, never after 4401 or 4403. */
export function createLiveConnection(credential: string): LiveConnection {
  let state: LiveState = "idle";
  let stoppedBy: number | null = null;
  let open = 0;
  let current: Client | null = null;
  const listeners = new Set<() => void>();
  const set = (next: LiveState) => {
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };

  const make = (): Client => {
    // Events of a client disposed since (signing out) change nothing.
    const mine = () => current === made;
    const made: Client = createClient({
      url: liveUrl(),
      connectionParams: { authorization: `Bearer ${credential}` },
      lazy: true,
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.floor(Math.random() * 1_000))),
      // 4401 is never retried by graphql-ws; 4403 would be: the credential is revoked or disabled, so it is not.
      shouldRetry: (event) => !CLOSED_FOR_CREDENTIAL.has(closeCode(event) ?? 0),
      on: {
        connecting: (isRetry) => {
          if (!mine()) return;
          stoppedBy = null;
          set(isRetry ? "reconnecting" : "connecting");
        },
        connected: () => {
          if (mine()) set("connected");
        },
        closed: (event) => {
          if (!mine()) return;
          const code = closeCode(event);
          if (code !== null && CLOSED_FOR_CREDENTIAL.has(code)) {
            stoppedBy = code;
            set("stopped");
          } else if (state !== "stopped") {
            set(open > 0 ? "reconnecting" : "idle");
          }
        },
      },
    });
    return made;
  };
  const client = (): Client => (current ??= make());

  // GraphQLWsLink holds this one object; the socket client behind it is made again after dispose.
  const facade: Client = {
    on: (event, listener) => client().on(event, listener),
    subscribe: (payload: SubscribePayload, sink: Sink) => {
      let ended = false;
      const end = () => {
        if (!ended) open--;
        ended = true;
      };
      open++;
      return client().subscribe(payload, {
        next: (value) => sink.next(value),
        error: (error) => {
          end();
          sink.error(error);
        },
        complete: () => {
          end();
          sink.complete();
        },
      });
    },
    iterate: (request) => client().iterate(request),
    terminate: () => current?.terminate(),
    dispose: () => dispose(),
  };

  function dispose() {
    const closing = current;
    current = null;
    void closing?.dispose();
    set("idle");
  }

  return {
    client: facade,
    state: () => state,
    stoppedBy: () => stoppedBy,
    onChange: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    dispose,
  };
}

const LiveContext = createContext<LiveConnection | null>(null);
export const LiveProvider = LiveContext.Provider;

/** The live connection's state and, when stopped, the close code that stopped it. */
export function useLiveState(): { state: LiveState; stoppedBy: number | null } {
  const live = useContext(LiveContext);
  if (!live) throw new Error("useLiveState outside LiveProvider");
  const state = useSyncExternalStore(live.onChange, live.state);
  return { state, stoppedBy: state === "stopped" ? live.stoppedBy() : null };
}
