import { useSubscription } from "@apollo/client/react";
import { useEffect, useMemo, useRef } from "react";
import { useLiveState } from "../app/live";
import { useScope } from "../app/session";
import { KeyEventsDocument } from "../graphql/generated";
import { coalesced } from "../lib/coalesce";

/**
 * Listens to the tenant's key events (only those of `keyId` when given) and calls `refresh` for
 * them, coalesced; once more after a reconnection, for what happened while the socket was down.
 * The socket opens with the first page that listens and closes with the last. Returns the
 * subscription's own error (a refusal such as a missing keys:list), for the Live indicator.
 */
export function useKeyEvents(refresh: () => Promise<unknown>, options: { keyId?: string } = {}): { error: unknown } {
  const { tenantId } = useScope();
  const { state } = useLiveState();
  const latest = useRef({ refresh, keyId: options.keyId });
  useEffect(() => {
    latest.current = { refresh, keyId: options.keyId };
  });
  const run = useMemo(() => coalesced(() => latest.current.refresh()), []);

  const previous = useRef(state);
  useEffect(() => {
    if (previous.current === "reconnecting" && state === "connected") void run();
    previous.current = state;
  }, [state, run]);

  const { error } = useSubscription(KeyEventsDocument, {
    variables: { tenantId },
    fetchPolicy: "no-cache",
    onData: ({ data }) => {
      const event = data.data?.keyEvents;
      const { keyId } = latest.current;
      if (!event || (keyId && event.keyId !== keyId)) return;
      void run();
    },
  });
  return { error };
}
