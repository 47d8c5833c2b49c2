import type { ApolloServerPlugin } from "@apollo/server";
import { Counter, Gauge, Histogram, type MetricObjectWithValues, type MetricValue, Registry, collectDefaultMetrics } from "prom-client";
import type { DataSource } from "typeorm";
import type { CheckCode } from "../core/check-code";
import type { KeyStateStore } from "../check/key-state-store";
import type { CompareScheduler } from "../check/compare-scheduler";
import type { KeyVerifier } from "../check/key-verifier";
import type { QueryLog } from "../db/query-log";
import type { RequestContext } from "../principals/request-context";

export interface RenderedMetrics {
  contentType: string;
  body: string;
}

export type MetricSnapshot = MetricObjectWithValues<MetricValue<string>>[];

interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Prometheus metrics of one instance (its own registry, so several instances can share a process). */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations: Counter<"operation" | "outcome">;
  private readonly latency: Histogram<"operation">;
  private readonly checkResults: Counter<"code">;
  /** Copies labelled counts kept by the verifier and the scheduler into their counters. */
  private readonly collectLabelled: () => void;

  constructor(sources: { verifier: KeyVerifier; scheduler: CompareScheduler; store: KeyStateStore; queryLog: QueryLog; dataSource: DataSource }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "keysmith_" });
    this.operations = new Counter({
      name: "keysmith_graphql_operations_total",
      help: "GraphQL operations by root field and outcome",
      labelNames: ["operation", "outcome"],
      registers,
    });
    this.latency = new Histogram({
      name: "keysmith_graphql_duration_seconds",
      help: "GraphQL operation latency by root field",
      labelNames: ["operation"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.checkResults = new Counter({ name: "keysmith_check_results_total", help: "checkKey answers by code", labelNames: ["code"], registers });
    const { verifier, scheduler, store, queryLog, dataSource } = sources;
    const counterOf = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    counterOf("keysmith_key_cache_hits_total", "Checks answered from the verified-key cache (no bcrypt)", () => verifier.counters.verifiedHits);
    counterOf("keysmith_unknown_key_cache_hits_total", "Unknown lookup ids answered from the negative cache", () => verifier.counters.unknownHits);
    counterOf("keysmith_shared_fingerprint_hits_total", "Cold checks proved by a fingerprint another instance verified (no bcrypt)", () => verifier.counters.sharedHits);
    const compares = new Counter({ name: "keysmith_bcrypt_compares_total", help: "bcrypt compares run, by outcome", labelNames: ["outcome"], registers });
    const refusals = new Counter({
      name: "keysmith_verification_refusals_total",
      help: "Senders refused before any bcrypt work, by reason",
      labelNames: ["reason"],
      registers,
    });
    const countersOf: Array<[Counter<string>, Record<string, string>, () => number]> = [
      [compares, { outcome: "match" }, () => verifier.counters.bcryptMatches],
      [compares, { outcome: "mismatch" }, () => verifier.counters.bcryptMismatches],
      [refusals, { reason: "failed_checks" }, () => verifier.counters.refusedFailedChecks],
      [refusals, { reason: "failed_compares" }, () => verifier.counters.refusedFailedCompares],
      [refusals, { reason: "queue_full" }, () => scheduler.refusedQueueFull],
    ];
    this.collectLabelled = () => {
      for (const [counter, labels, read] of countersOf) {
        counter.remove(labels);
        counter.inc(labels, read());
      }
    };
    new Gauge({
      name: "keysmith_bcrypt_queue_length",
      help: "bcrypt compares waiting for a slot",
      registers,
      collect() {
        this.set(scheduler.waiting);
      },
    });
    const wait = new Histogram({
      name: "keysmith_bcrypt_queue_wait_seconds",
      help: "How long compares waited for a slot",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    scheduler.onDispatch(({ waitedMs }) => wait.observe(waitedMs / 1000));
    counterOf("keysmith_key_state_loads_total", "Key states read from the database", () => store.counters.keyLoads);
    counterOf("keysmith_db_queries_total", "Statements sent to the database", () => queryLog.queries);
    const pool = () => (dataSource.driver as unknown as { master?: PoolStats }).master;
    const gauge = (name: string, help: string, read: (stats: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const stats = pool();
          this.set(stats ? read(stats) : 0);
        },
      });
    gauge("keysmith_db_pool_connections", "Open database connections", (stats) => stats.totalCount);
    gauge("keysmith_db_pool_idle", "Idle database connections", (stats) => stats.idleCount);
    gauge("keysmith_db_pool_waiting", "Requests waiting for a database connection", (stats) => stats.waitingCount);
  }

  recordCheck(code: CheckCode): void {
    this.checkResults.inc({ code });
  }

  /** Counts and times each operation by its root field (bounded cardinality: the schema's fields). */
  plugin(): ApolloServerPlugin<RequestContext> {
    // Label children are resolved once per operation name: hashing labels per request is not free.
    const children = new Map<string, { ok: Counter.Internal; error: Counter.Internal; latency: Histogram.Internal<"operation"> }>();
    const childrenOf = (operation: string) => {
      let found = children.get(operation);
      if (!found) {
        found = {
          ok: this.operations.labels(operation, "ok"),
          error: this.operations.labels(operation, "error"),
          latency: this.latency.labels(operation),
        };
        children.set(operation, found);
      }
      return found;
    };
    return {
      async requestDidStart() {
        const started = performance.now();
        return {
          async willSendResponse({ operation, errors }) {
            const selection = operation?.selectionSet.selections[0];
            const metrics = childrenOf(selection?.kind === "Field" ? selection.name.value : "invalid");
            (errors?.length ? metrics.error : metrics.ok).inc();
            metrics.latency.observe((performance.now() - started) / 1000);
          },
        };
      },
    };
  }

  async render(): Promise<RenderedMetrics> {
    this.collectLabelled();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Every metric as data, for the cluster's primary to merge with the other workers'. */
  async snapshot(): Promise<MetricSnapshot> {
    this.collectLabelled();
    return this.registry.getMetricsAsJSON();
  }

  /** Labels every series with the worker that counted it, so merged series stay apart. */
  labelWorker(workerId: number): void {
    this.registry.setDefaultLabels({ worker: String(workerId) });
  }
}
