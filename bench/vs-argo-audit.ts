/**
 * API requests per controller for `npm run bench:vs-argo`, counted by the API server itself: an audit policy that logs
 * only the controllers' ServiceAccounts at Metadata level (one line per completed request), and a reader that sorts a
 * time window of that log into Event writes, other writes, reads that bypass the informer caches (get, list) and
 * watches.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface AuditFiles {
  policyPath: string;
  logPath: string;
  /** kube-apiserver flags that enable the audit log */
  apiserverArgs: string[];
}

/** Writes a policy logging `usernames` at Metadata level (ResponseComplete only) and nothing else. */
export function writeAuditPolicy(dir: string, usernames: string[]): AuditFiles {
  const policyPath = join(dir, 'audit-policy.yaml');
  const logPath = join(dir, 'audit.log');
  const policy = [
    'apiVersion: audit.k8s.io/v1',
    'kind: Policy',
    'omitStages: [RequestReceived, ResponseStarted]',
    'rules:',
    '  - level: Metadata',
    `    users: [${usernames.map((u) => JSON.stringify(u)).join(', ')}]`,
    '  - level: None',
    '',
  ].join('\n');
  writeFileSync(policyPath, policy);
  const apiserverArgs = [
    `--audit-policy-file=${policyPath}`,
    `--audit-log-path=${logPath}`,
    '--audit-log-format=json',
    '--audit-log-mode=blocking',
    '--audit-log-maxsize=0',
  ];
  return { policyPath, logPath, apiserverArgs };
}

export interface RequestTally {
  eventWrites: number;
  otherWrites: number;
  /** get and list: reads the informer caches did not answer */
  reads: number;
  watches: number;
  /** "<verb> <resource>[/<subresource>]" → count */
  byVerbAndResource: Record<string, number>;
}

interface AuditEvent {
  stage?: string;
  verb?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string };
  requestReceivedTimestamp?: string;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const READ_VERBS = new Set(['get', 'list']);

/** Milliseconds since the epoch of an RFC 3339 timestamp with up to nanosecond precision. */
export function timestampMs(ts: string): number {
  return Date.parse(ts.replace(/(\.\d{3})\d*/, '$1'));
}

export function emptyTally(): RequestTally {
  return { eventWrites: 0, otherWrites: 0, reads: 0, watches: 0, byVerbAndResource: {} };
}

/** Adds one audit event to `tally`; returns false for events that are neither reads, writes nor watches. */
export function countRequest(tally: RequestTally, e: AuditEvent): boolean {
  const verb = e.verb ?? '';
  const resource = e.objectRef?.resource ?? '(none)';
  if (WRITE_VERBS.has(verb)) {
    if (resource === 'events') tally.eventWrites++;
    else tally.otherWrites++;
  } else if (READ_VERBS.has(verb)) tally.reads++;
  else if (verb === 'watch') tally.watches++;
  else return false;
  const key = `${verb} ${resource}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''}`;
  tally.byVerbAndResource[key] = (tally.byVerbAndResource[key] ?? 0) + 1;
  return true;
}

/** Counts one JSON line of the audit log if it is a completed request by `username` received in [fromMs, toMs]. */
function countLine(tally: RequestTally, line: string, username: string, fromMs: number, toMs: number): void {
  if (!line.includes(username)) return;
  const e = JSON.parse(line) as AuditEvent;
  if (e.user?.username !== username || e.stage !== 'ResponseComplete') return;
  const at = timestampMs(e.requestReceivedTimestamp ?? '');
  if (at >= fromMs && at <= toMs) countRequest(tally, e);
}

/** Requests by `username` received in [fromMs, toMs], from the JSON-lines audit log text. */
export function tallyRequests(logText: string, username: string, fromMs: number, toMs: number): RequestTally {
  const tally = emptyTally();
  for (const line of logText.split('\n')) countLine(tally, line, username, fromMs, toMs);
  return tally;
}

/**
 * The same, read line by line from the log file: at 1,000 Rollouts an invocation's log holds hundreds of thousands of
 * lines, more than is sensible (or, over several runs, possible) to hold as one string.
 */
export async function tallyAuditLog(
  logPath: string,
  username: string,
  fromMs: number,
  toMs: number,
): Promise<RequestTally> {
  const tally = emptyTally();
  const lines = createInterface({ input: createReadStream(logPath, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) countLine(tally, line, username, fromMs, toMs);
  return tally;
}

export function totalRequests(t: RequestTally): number {
  return t.eventWrites + t.otherWrites + t.reads;
}
