import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import type { Metrics, MetricSnapshot, RenderedMetrics } from "./metrics";

/**
 * Under WEB_CONCURRENCY every worker counts for itself, and a scrape of /metrics reaches whichever
 * worker the connection landed on. So a worker asked for /metrics asks the primary, which gathers
 * every worker's snapshot and merges them; each series carries its worker's label.
 */
const CLUSTER_METRICS = "keysmith:cluster-metrics";
const WORKER_METRICS = "keysmith:worker-metrics";
const GATHER_TIMEOUT_MS = 5_000;

interface MetricsMessage {
  type: typeof CLUSTER_METRICS | typeof WORKER_METRICS;
  id: number;
  snapshot?: MetricSnapshot;
  rendered?: RenderedMetrics;
  error?: string;
}

const isMetricsMessage = (message: unknown): message is MetricsMessage =>
  typeof message === "object" && message !== null && [CLUSTER_METRICS, WORKER_METRICS].includes((message as MetricsMessage).type);

/** Requests over one IPC channel, matched to their answers by id. */
class Exchange {
  private next = 0;
  private readonly waiting = new Map<number, (message: MetricsMessage) => void>();

  ask(send: (message: MetricsMessage) => void, type: MetricsMessage["type"]): Promise<MetricsMessage> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error("a worker did not answer for its metrics"));
      }, GATHER_TIMEOUT_MS);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      send({ type, id });
    });
  }

  /** True when the message answered a question of ours. */
  settle(message: MetricsMessage): boolean {
    const resolve = this.waiting.get(message.id);
    if (!resolve) return false;
    this.waiting.delete(message.id);
    resolve(message);
    return true;
  }
}

/** In the primary: answers workers' requests for the cluster's metrics. */
export function serveClusterMetrics(): void {
  const exchanges = new Map<number, Exchange>();
  const exchangeOf = (worker: Worker) => {
    let exchange = exchanges.get(worker.id);
    if (!exchange) exchanges.set(worker.id, (exchange = new Exchange()));
    return exchange;
  };
  cluster.on("exit", (worker) => exchanges.delete(worker.id));

  async function gather(): Promise<RenderedMetrics> {
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker?.isConnected() ?? false);
    const answers = await Promise.all(workers.map((worker) => exchangeOf(worker).ask((message) => worker.send(message), WORKER_METRICS)));
    const snapshots = answers.map((answer) => {
      if (!answer.snapshot) throw new Error(answer.error ?? "a worker gave no metrics");
      return answer.snapshot;
    });
    const merged = AggregatorRegistry.aggregate(snapshots);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  cluster.on("message", (worker, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === WORKER_METRICS) {
      exchangeOf(worker).settle(message);
      return;
    }
    gather().then(
      (rendered) => worker.send({ type: CLUSTER_METRICS, id: message.id, rendered }),
      (error: Error) => worker.send({ type: CLUSTER_METRICS, id: message.id, error: error.message }),
    );
  });
}

/**
 * In a worker: answers the primary's requests for this worker's snapshot, and returns what
 * /metrics serves, the merged metrics of every worker.
 */
export function clusterMetricsOf(metrics: Metrics, workerId: number): () => Promise<RenderedMetrics> {
  metrics.labelWorker(workerId);
  const exchange = new Exchange();
  const send = (message: MetricsMessage) => process.send?.(message);
  process.on("message", (message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === CLUSTER_METRICS) {
      exchange.settle(message);
      return;
    }
    metrics.snapshot().then(
      (snapshot) => send({ type: WORKER_METRICS, id: message.id, snapshot }),
      (error: Error) => send({ type: WORKER_METRICS, id: message.id, error: error.message }),
    );
  });
  return async () => {
    const answer = await exchange.ask(send, CLUSTER_METRICS);
    if (!answer.rendered) throw new Error(answer.error ?? "the primary gave no metrics");
    return answer.rendered;
  };
}
