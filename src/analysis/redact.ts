/**
 * Keeping credentials out of measurements. A provider sends header values (an `Authorization: Bearer …` token, an
 * API key) and URLs that may carry them; a server may echo them back in an error or a body. Everything a provider
 * returns for status (`message`, `value`, `metadata`) passes through `redactMeasurement` first, with `*****` in place
 * of each sensitive string, the marker Argo's log redactor uses. The parsed `result` the conditions read is left
 * whole: it is never stored.
 */
import type { HeaderPair } from '../api/analysis.js';

export const REDACTED = '*****';

/** Headers whose values describe the payload, not the caller: not redacted. */
const PUBLIC_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'content-type',
  'user-agent',
]);

/** Shorter header values (`1`, `on`) are too common in numbers and words to replace safely. */
const MIN_HEADER_VALUE_LENGTH = 4;

/** The strings to hide: each non-public header value (and its token after an auth scheme), and each secret. */
export function sensitiveValues(
  headers: readonly HeaderPair[] | undefined,
  secrets: readonly string[] | undefined,
): string[] {
  const values = new Set<string>((secrets ?? []).filter((s) => s !== ''));
  for (const { key, value } of headers ?? []) {
    if (PUBLIC_HEADERS.has(key.toLowerCase())) continue;
    for (const candidate of [value, value.replace(/^\S+\s+/, '')]) {
      if (candidate.length >= MIN_HEADER_VALUE_LENGTH) values.add(candidate);
    }
  }
  // Longest first, so a token inside a longer value is not half-replaced.
  return [...values].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, sensitive: readonly string[]): string {
  return sensitive.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
}

/** `message`, `value` and `metadata` with every sensitive string replaced. */
export function redactMeasurement<
  M extends { message?: string; value?: string; metadata?: Record<string, string> },
>(measurement: M, sensitive: readonly string[]): M {
  if (sensitive.length === 0) return measurement;
  const out: M = { ...measurement };
  if (out.message !== undefined) out.message = redactText(out.message, sensitive);
  if (out.value !== undefined) out.value = redactText(out.value, sensitive);
  if (out.metadata !== undefined) {
    out.metadata = Object.fromEntries(
      Object.entries(out.metadata).map(([k, v]) => [k, redactText(v, sensitive)]),
    );
  }
  return out;
}

/** A URL as messages show it: userinfo and query values removed (`https://host/path?…`). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
