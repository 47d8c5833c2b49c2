import { rateLimited } from "../common/errors";

/** The share class of credentials presented to Keysmith's own API before any principal is known. */
export const UNAUTHENTICATED = "(unauthenticated)";

/** Who a compare is run for: its share class (a tenant, or UNAUTHENTICATED) and the sender within it. */
export interface CompareSender {
  shareClass: string;
  /** A principal within its tenant, or a source address. */
  id: string;
}

export interface SchedulerOptions {
  /** Compares running at once (bcrypt's async compare runs on libuv's thread pool). */
  slots: number;
  /** Compares one sender may have waiting; beyond it the sender is refused with RATE_LIMITED. */
  maxQueuedPerSender: number;
}

export const DEFAULT_SCHEDULER: SchedulerOptions = {
  slots: Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4),
  maxQueuedPerSender: 256,
};

export interface DispatchEvent {
  sender: CompareSender;
  waitedMs: number;
}

interface Task {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  enqueuedAt: number;
  sender: CompareSender;
}

/** One share class's waiting senders, served in turn. */
interface ShareClass {
  senders: Map<string, Task[]>;
  turn: string[];
}

/**
 * Runs bcrypt compares a bounded number at a time and serves the waiting ones fairly: share
 * classes (tenants) take turns, and within a class its senders (principals) take turns, so
 * neither minting more verify keys nor flooding buys anyone a larger share. Unauthenticated
 * credentials form one class that holds at most half of the slots.
 */
export class CompareScheduler {
  private readonly classes = new Map<string, ShareClass>();
  /** Share classes with waiting compares, in the order they are next served. */
  private readonly turn: string[] = [];
  private running = 0;
  private runningUnauthenticated = 0;
  private queued = 0;
  private readonly unauthenticatedSlots: number;
  private readonly listeners: Array<(event: DispatchEvent) => void> = [];
  /** Compares refused because their sender already had too many waiting. */
  refusedQueueFull = 0;

  constructor(private readonly options: SchedulerOptions = DEFAULT_SCHEDULER) {
    this.unauthenticatedSlots = Math.max(1, Math.floor(options.slots / 2));
  }

  /** Compares waiting for a slot. */
  get waiting(): number {
    return this.queued;
  }

  /** Called each time a compare starts (metrics; tests read the order). */
  onDispatch(listener: (event: DispatchEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Runs the compare when the sender's turn comes; RATE_LIMITED when the sender has too many waiting. */
  run<T>(sender: CompareSender, compare: () => Promise<T>): Promise<T> {
    const shareClass: ShareClass = this.classes.get(sender.shareClass) ?? { senders: new Map(), turn: [] };
    const queue = shareClass.senders.get(sender.id) ?? [];
    if (queue.length >= this.options.maxQueuedPerSender) {
      this.refusedQueueFull++;
      return Promise.reject(rateLimited("Too many verifications waiting for this sender; try again shortly", 1));
    }
    const task = new Promise<T>((resolve, reject) => {
      queue.push({ run: compare, resolve: resolve as (value: unknown) => void, reject, enqueuedAt: performance.now(), sender });
    });
    if (queue.length === 1) {
      shareClass.senders.set(sender.id, queue);
      shareClass.turn.push(sender.id);
    }
    if (!this.classes.has(sender.shareClass)) {
      this.classes.set(sender.shareClass, shareClass);
      this.turn.push(sender.shareClass);
    }
    this.queued++;
    this.dispatch();
    return task;
  }

  private dispatch(): void {
    while (this.running < this.options.slots) {
      const task = this.next();
      if (!task) return;
      this.start(task);
    }
  }

  /** The next waiting compare in turn, skipping the unauthenticated class while it holds its share. */
  private next(): Task | undefined {
    for (let looked = 0; looked < this.turn.length; looked++) {
      const classKey = this.turn.shift()!;
      if (classKey === UNAUTHENTICATED && this.runningUnauthenticated >= this.unauthenticatedSlots) {
        this.turn.push(classKey);
        continue;
      }
      const shareClass = this.classes.get(classKey)!;
      const senderId = shareClass.turn.shift()!;
      const queue = shareClass.senders.get(senderId)!;
      const task = queue.shift()!;
      if (queue.length > 0) shareClass.turn.push(senderId);
      else shareClass.senders.delete(senderId);
      if (shareClass.turn.length > 0) this.turn.push(classKey);
      else this.classes.delete(classKey);
      this.queued--;
      return task;
    }
    return undefined;
  }

  private start(task: Task): void {
    const unauthenticated = task.sender.shareClass === UNAUTHENTICATED;
    this.running++;
    if (unauthenticated) this.runningUnauthenticated++;
    for (const listener of this.listeners) listener({ sender: task.sender, waitedMs: performance.now() - task.enqueuedAt });
    task
      .run()
      .then(task.resolve, task.reject)
      .finally(() => {
        this.running--;
        if (unauthenticated) this.runningUnauthenticated--;
        this.dispatch();
      });
  }
}
