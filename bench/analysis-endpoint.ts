/**
 * The metric endpoint of the analysis benchmark, in a process of its own so that its HTTP serving is not counted in
 * the controller's CPU and RSS (a real endpoint is never in the controller's process). `GET /<ns>/<run>/<metric>`
 * answers `{"value": …}` at once and records when each request arrived. Driven over IPC by bench/analysis-runs.ts:
 * it sends `{ port }` once listening; `{ window: 'start' }` starts the CPU count; `{ window: 'end', from, to }` is
 * answered with the arrivals between `from` and `to` and the CPU used since the start.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The value each metric answers with (its condition passes: the runs stay Running). */
export const METRIC_VALUES: Record<string, number> = { 'error-rate': 0.01, latency: 120, saturation: 0.4 };

export interface EndpointReport {
  /** `ns/run/metric` → arrival times (epoch ms) inside the window. */
  arrivals: Record<string, number[]>;
  cpuUserMs: number;
  cpuSystemMs: number;
}

type Message = { window: 'start' } | { window: 'end'; from: number; to: number };

function serve(): void {
  const arrivals = new Map<string, number[]>();
  let cpuAtStart = process.cpuUsage();
  const server = createServer((req, res) => {
    const arrived = Date.now();
    const [, namespace = '', name = '', metric = ''] = (req.url ?? '').split('/');
    const key = `${namespace}/${name}/${metric}`;
    let times = arrivals.get(key);
    if (!times) arrivals.set(key, (times = []));
    times.push(arrived);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"value":${METRIC_VALUES[metric] ?? 0}}`);
  });
  process.on('message', (message: Message) => {
    if (message.window === 'start') {
      cpuAtStart = process.cpuUsage();
      return;
    }
    const cpu = process.cpuUsage(cpuAtStart);
    const inside: Record<string, number[]> = {};
    for (const [key, times] of arrivals) {
      const kept = times.filter((t) => t >= message.from && t < message.to);
      if (kept.length > 0) inside[key] = kept;
    }
    const report: EndpointReport = {
      arrivals: inside,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
    };
    process.send?.(report, () => process.exit(0));
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
}

export interface Endpoint {
  base: string;
  startWindow(): void;
  endWindow(from: number, to: number): Promise<EndpointReport>;
}

/** Starts the endpoint process; resolves once it listens. */
export function startEndpointProcess(): Promise<Endpoint> {
  const child = fork(fileURLToPath(import.meta.url), ['serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (first: { port: number }) => {
      resolve({
        base: `http://127.0.0.1:${first.port}`,
        startWindow: () => child.send({ window: 'start' } satisfies Message),
        endWindow: (from, to) =>
          new Promise((done) => {
            child.once('message', (report: EndpointReport) => done(report));
            child.send({ window: 'end', from, to } satisfies Message);
          }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') serve();
