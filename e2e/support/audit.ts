/**
 * The API server's audit log (e2e/cluster/components.ts turns it on for the `truesplit` namespace's
 * ServiceAccounts): who called which verb on which resource, when, and with what answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_LOG } from '../cluster/components.ts';

export interface AuditRecord {
  auditID: string;
  username: string;
  verb: string;
  /** `group/resource` or `group/resource/subresource` (`''` group for the core API). */
  resource: string;
  namespace: string;
  name: string;
  code: number;
  /** When the API server received and finished the request (ms since the epoch). */
  receivedAt: number;
  at: number;
}

interface RawEvent {
  auditID?: string;
  stage?: string;
  verb?: string;
  user?: { username?: string };
  objectRef?: {
    apiGroup?: string;
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  };
  responseStatus?: { code?: number };
  stageTimestamp?: string;
  requestReceivedTimestamp?: string;
}

/**
 * Resource requests, one record per request: its ResponseComplete event, or ResponseStarted for a watch still open
 * (a watch logs ResponseComplete only when it ends).
 */
export function readAudit(workDir: string): AuditRecord[] {
  const file = join(workDir, AUDIT_LOG);
  if (!existsSync(file)) return [];
  const records = new Map<string, AuditRecord>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as RawEvent;
    const ref = e.objectRef;
    const stage = e.stage === 'ResponseComplete' || (e.stage === 'ResponseStarted' && e.verb === 'watch');
    if (!stage || !ref?.resource || !e.verb) continue;
    const resource = `${ref.apiGroup ?? ''}/${ref.resource}${ref.subresource ? `/${ref.subresource}` : ''}`;
    records.set(e.auditID ?? `${records.size}`, {
      auditID: e.auditID ?? '',
      username: e.user?.username ?? '',
      verb: e.verb,
      resource,
      namespace: ref.namespace ?? '',
      name: ref.name ?? '',
      code: e.responseStatus?.code ?? 0,
      receivedAt: Date.parse(e.requestReceivedTimestamp ?? ''),
      at: Date.parse(e.stageTimestamp ?? ''),
    });
  }
  return [...records.values()];
}

export const AUDIT_WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
