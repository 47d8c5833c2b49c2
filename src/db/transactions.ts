import type { DataSource, EntityManager } from "typeorm";
import type { Invalidation, InvalidationBus } from "./invalidation-bus";

/** One unit of work. Every statement goes through `manager`: the embedded database runs one transaction at a time. */
export interface Transaction {
  readonly manager: EntityManager;
  /** Marks cached state stale on every instance once (and only if) this transaction commits. */
  invalidate(invalidation: Invalidation): Promise<void>;
  /** Tells every instance's live subscribers of a recorded event, once (and only if) it commits. */
  announce(event: { id: string; tenantId: string; type: string; keyId: string | null }): Promise<void>;
  /** Runs once the transaction has committed (never if it rolls back). */
  afterCommit(callback: () => void): void;
}

export class Transactions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: InvalidationBus,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const invalidations: Invalidation[] = [];
    const committed: Array<() => void> = [];
    const result = await this.dataSource.transaction(async (manager) => {
      const invalidate = async (invalidation: Invalidation) => {
        invalidations.push(invalidation);
        await this.bus.publish(manager, invalidation);
      };
      return work({
        manager,
        invalidate,
        announce: (event) => invalidate({ kind: "event", eventId: event.id, tenantId: event.tenantId, type: event.type, keyId: event.keyId }),
        afterCommit: (callback) => committed.push(callback),
      });
    });
    this.bus.deliverLocally(invalidations);
    for (const callback of committed) callback();
    return result;
  }
}

/**
 * Inserts a fully built entity with one statement (save() would first SELECT it). TypeORM's
 * deep-partial insert type rejects jsonb columns typed as records, hence the one cast.
 */
export async function insertRow<T extends object>(manager: EntityManager, entity: new () => T, row: T): Promise<void> {
  await manager.insert(entity, row as Parameters<EntityManager["insert"]>[1]);
}
