import { AsyncLocalStorage } from "node:async_hooks";

/** The costly work one request caused: what the hot-path tests count, exactly, however busy the server is. */
export interface RequestWork {
  queries: number;
  bcryptCompares: number;
}

const scope = new AsyncLocalStorage<RequestWork>();

/** Runs a request's handling with its own work counters; background work (timers, flushes) has none. */
export function withRequestWork<T>(work: RequestWork, handle: () => T): T {
  return scope.run(work, handle);
}

/** The counters of the request whose handling is running, if any. */
export function currentWork(): RequestWork | undefined {
  return scope.getStore();
}
