/** The dashboard REST and SSE client. */
import { useEffect, useState } from 'react';
import type { RolloutSummary } from '../rollout-store.js';
import type { RolloutView } from '../../view/rollout-view.js';

export type { RolloutSummary, RolloutView };

export interface DashboardInfo {
  mode: 'sandbox' | 'cluster';
  authRequired: boolean;
  fixOptions: Record<string, { id: string; label: string }[]>;
}

const TOKEN_KEY = 'truesplit.token';

function headers(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

export async function getInfo(): Promise<DashboardInfo> {
  const res = await fetch('api/v1/info');
  return (await res.json()) as DashboardInfo;
}

/** POSTs a verb; asks for the token once when the server wants one. */
export async function post(path: string, body: unknown = {}): Promise<unknown> {
  let res = await fetch(path, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  if (res.status === 401) {
    const token = window.prompt('This dashboard needs its access token (printed when it started):');
    if (!token) throw new Error('no token given');
    sessionStorage.setItem(TOKEN_KEY, token.trim());
    res = await fetch(path, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  }
  const data = (await res.json()) as { error?: string };
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
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
