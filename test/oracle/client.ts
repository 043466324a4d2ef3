import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The JSON the oracle (hack/istio-oracle) reads and writes in `-serve` mode, one scenario per line. */
export interface OracleCaller {
  kind: 'sidecar' | 'gateway' | 'plain';
  namespace: string;
  labels?: Record<string, string>;
}

export interface OracleTarget {
  host: string;
  port: number;
}

export interface OracleRequest {
  id: string;
  manifests: string;
  callers: OracleCaller[];
  hosts: OracleTarget[];
  canary: string;
}

export interface OracleResult {
  caller: OracleCaller;
  target: OracleTarget;
  outcome: string;
  routeConfig?: string;
  virtualHost?: string;
  route?: string;
  clusters?: { name: string; weight: number; exists: boolean; endpoints: unknown[] | null }[];
  canaryShare: number | null;
  note?: string;
}

export interface OracleAnswer {
  id: string;
  results: OracleResult[] | null;
  rejected?: string[];
  error?: string;
}

export const ORACLE_BIN = resolve(
  process.env['TRUESPLIT_ISTIO_ORACLE'] ?? resolve(import.meta.dirname, '../../.cache/bin/istio-oracle'),
);

export function oracleAvailable(): boolean {
  return existsSync(ORACLE_BIN);
}

/** One long-running oracle process answering scenarios in order. */
export class OracleProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((answer: OracleAnswer) => void)[] = [];
  private stderr = '';

  constructor(bin = ORACLE_BIN) {
    this.child = spawn(bin, ['-serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const resolveNext = this.pending.shift();
      if (resolveNext) resolveNext(JSON.parse(line) as OracleAnswer);
    });
    this.child.on('exit', (code) => {
      for (const waiting of this.pending.splice(0)) {
        waiting({ id: '', results: null, error: `oracle exited (${code}): ${this.stderr}` });
      }
    });
  }

  ask(request: OracleRequest): Promise<OracleAnswer> {
    return new Promise((resolveAnswer) => {
      this.pending.push(resolveAnswer);
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await new Promise((done) => this.child.once('exit', done));
  }
}
