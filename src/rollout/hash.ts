/**
 * Pod-template and steps hashing, compatible in shape with Argo Rollouts: FNV-32a over JSON, optional collision
 * count mixed in as 8 little-endian bytes, the uint32's decimal string encoded with Kubernetes' "safe" alphabet.
 * The JSON here is canonical (keys sorted); Argo hashes Go's struct JSON, so template hashes differ from Argo's and
 * ReplicaSets created by Argo are adopted by template comparison instead (see docs/adr/0010).
 */

/** k8s.io/apimachinery/pkg/util/rand: vowels and look-alike characters removed so hashes never spell words. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

const utf8 = new TextEncoder();

/** FNV-1a, 32 bits, continuing from `seed` (the offset basis for a fresh hash). */
export function fnv32a(bytes: Uint8Array, seed: number = FNV32_OFFSET): number {
  let hash = seed >>> 0;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, FNV32_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** rand.SafeEncodeString: map each character of `s` onto the safe alphabet by its code modulo 27. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** JSON with object keys sorted at every level; `undefined` members are dropped, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}

/** Collision count as Go's binary.LittleEndian.PutUint32 into an 8-byte buffer. */
function collisionBytes(collisionCount: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const n = collisionCount >>> 0;
  bytes[0] = n & 0xff;
  bytes[1] = (n >>> 8) & 0xff;
  bytes[2] = (n >>> 16) & 0xff;
  bytes[3] = (n >>> 24) & 0xff;
  return bytes;
}

/** The `rollouts-pod-template-hash` value for a pod template (the Rollout's template, without the hash label). */
export function computePodTemplateHash(template: unknown, collisionCount?: number): string {
  let hash = fnv32a(utf8.encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null)
    hash = fnv32a(collisionBytes(collisionCount), hash);
  return safeEncodeString(String(hash));
}

/**
 * `status.currentStepHash`: hash of the canary steps. For steps made only of setWeight/pause (one key each, pause with
 * at most `duration`) canonical JSON is byte-identical to Go's, so the value matches Argo's.
 */
export function computeStepsHash(steps: unknown): string {
  return safeEncodeString(String(fnv32a(utf8.encode(canonicalJson(steps ?? null)))));
}
