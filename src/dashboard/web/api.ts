/** The dashboard REST and SSE client. */
import { useEffect, useState } from 'react';
import type { RolloutSummary } from '../rollout-store.js';
import type { RolloutView } from '../../view/rollout-view.js';

export type { RolloutSummary, RolloutView };

export type CanaryHealth = 'healthy' | 'failing';

/** The sandbox demo's canary switch: which Rollout's analysis it feeds, and its state. */
export interface CanaryState {
  rollout: string;
  health: CanaryHealth;
}

export interface DashboardInfo {
  mode: 'sandbox' | 'cluster';
  fixOptions: Record<string, { id: string; label: string }[]>;
  /** Only in the sandbox demo. */
  canary?: CanaryState;
}

/** The browser is logged in by the session cookie the login URL set; it goes with every same-origin request. */
const LOGGED_OUT =
  'not logged in (the dashboard restarted?): open the login URL truesplit printed when it started';

export async function getInfo(): Promise<DashboardInfo> {
  const res = await fetch('api/v1/info');
  return (await res.json()) as DashboardInfo;
}

/** POSTs a verb (always as application/json, which the server requires of every mutating request). */
export async function post(path: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status === 401) throw new Error(LOGGED_OUT);
  const data = (await res.json()) as { error?: string };
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

export const CANARY_PATH = 'api/v1/sandbox/canary';

export async function getCanary(): Promise<CanaryState> {
  const res = await fetch(CANARY_PATH);
  if (res.status === 401) throw new Error(LOGGED_OUT);
  return (await res.json()) as CanaryState;
}

export function rolloutPath(namespace: string, name: string): string {
  return `api/v1/rollouts/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export type StreamState = 'connecting' | 'live' | 'offline';

/** Subscribes to an SSE event and keeps its latest payload. */
export function useEventStream<T>(
  query: string,
  event: string,
): { data: T | undefined; state: StreamState; at: number } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [state, setState] = useState<StreamState>('connecting');
  const [at, setAt] = useState(0);
  useEffect(() => {
    const source = new EventSource(`api/v1/events${query}`);
    const onData = (e: MessageEvent<string>) => {
      setData(JSON.parse(e.data) as T);
      setAt(Date.now());
      setState('live');
    };
    source.addEventListener(event, onData as EventListener);
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    return () => source.close();
  }, [query, event]);
  return { data, state, at };
}
