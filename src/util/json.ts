/** JSON helpers for API objects: deep equality, clones, RFC 7386 merge patches. Pure: the one copy every module shares. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON merge patch (RFC 7386): objects merge, arrays replace, `null` deletes. */
export type MergePatch = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality over JSON values; an absent key equals a key holding `undefined`. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  // Every key of either side once, without building their union.
  for (const key of Object.keys(a)) if (!deepEqual(a[key], b[key])) return false;
  for (const key of Object.keys(b)) if (!Object.hasOwn(a, key) && !deepEqual(a[key], b[key])) return false;
  return true;
}

/** A deep copy that shares nothing with its source (undefined-valued keys are dropped, as on the wire). */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Freezes a JSON value and everything in it, so a reader that shares it cannot change it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/** Applies a JSON merge patch: objects merge recursively, arrays and scalars replace, `null` deletes. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * The merge patch that turns `from` into `to` (objects diffed key by key, arrays replaced whole, removed keys set
 * to null). Returns undefined when the two are equal.
 */
export function diffMergePatch(from: unknown, to: unknown): unknown {
  if (deepEqual(from, to)) return undefined;
  if (!isPlainObject(from) || !isPlainObject(to)) return to === undefined ? null : cloneJson(to);
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (to[key] === undefined) {
      if (from[key] !== undefined) patch[key] = null;
      continue;
    }
    const sub = diffMergePatch(from[key], to[key]);
    if (sub !== undefined) patch[key] = sub;
  }
  return patch;
}
