import { useSubscription } from "@apollo/client/react";
import { useEffect, useMemo, useRef } from "react";
import { useScope } from "../app/session";
import { KeyEventsDocument, type KeyEventsSubscription } from "../graphql/generated";
import { coalesced } from "../lib/coalesce";

export type KeyEvent = KeyEventsSubscription["keyEvents"];

/**
 * Listens to the tenant's key events (only those of `keyId` when given) and calls `refresh` for
 * them, coalesced: the socket opens with the first page that listens and closes with the last.
 */
export function useKeyEvents(refresh: (event: KeyEvent) => Promise<unknown>, options: { keyId?: string } = {}): void {
  const { tenantId } = useScope();
  const latest = useRef(refresh);
  const lastEvent = useRef<KeyEvent | null>(null);
  useEffect(() => {
    latest.current = refresh;
  });
  const run = useMemo(() => coalesced(() => latest.current(lastEvent.current!)), []);
  useSubscription(KeyEventsDocument, {
    variables: { tenantId },
    fetchPolicy: "no-cache",
    onData: ({ data }) => {
      const event = data.data?.keyEvents;
      if (!event || (options.keyId && event.keyId !== options.keyId)) return;
      lastEvent.current = event;
      void run();
    },
  });
}
