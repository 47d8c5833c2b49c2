/**
 * Runs `task` now, or, when called while a run is in flight, once more after it: a burst of live
 * events costs at most two refreshes, and the last one starts after the last event.
 */
export function coalesced(task: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        await task();
      } catch {
        // a failed refresh is shown by the queries it refreshed; the next event tries again
      }
    } while (again);
    running = null;
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = run();
    return running;
  };
}
