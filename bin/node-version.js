// Checked before anything else is imported: on an older Node the CLI's dependencies fail at import time with a
// stack trace (undici, under @kubernetes/client-node, needs Node >= 22.19.0 — see its package.json "engines").
// Plain JavaScript that every Node version parses.
export const REQUIRED_NODE = '22.19.0';

/**
 * True when `version` (as in process.versions.node) is at least `required` (major.minor.patch).
 * @param {string} version
 * @param {string} required
 * @returns {boolean}
 */
export function satisfies(version, required) {
  const have = version.split('.').map(Number);
  const need = required.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * Exit 2 with one line when this Node is too old for truesplit.
 * @param {string} program
 */
export function requireNode(program) {
  if (satisfies(process.versions.node, REQUIRED_NODE)) return;
  process.stderr.write(
    `${program} needs Node >= ${REQUIRED_NODE} (this is Node ${process.versions.node}); install a newer Node and run it again\n`,
  );
  process.exit(2);
}
