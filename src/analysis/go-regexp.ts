/**
 * Go's regular expressions (RE2) as JavaScript RegExps, for conditions' `matches` and for the metric-name
 * patterns of `dryRun` and `measurementRetention` (Argo matches those with Go's regexp.MatchString).
 */
export type CompiledRegExp = { ok: true; regExp: RegExp } | { ok: false; error: string };

const compiled = new Map<string, RegExp>();
const MAX_CACHED = 256;
const UNSUPPORTED = /\(\?<?[=!]|\\[1-9]|\\k</;
const LEADING_FLAGS = /^\(\?([imsU]+)\)/;

/**
 * A Go (RE2) pattern as a JavaScript RegExp. Constructs RE2 refuses — look-around, back-references —
 * are refused here too rather than given JavaScript's meaning; leading `(?i)`-style flags are honoured.
 */
export function goRegExp(pattern: string): CompiledRegExp {
  const cached = compiled.get(pattern);
  if (cached) return { ok: true, regExp: cached };
  const unsupported = UNSUPPORTED.exec(pattern);
  if (unsupported) {
    return {
      ok: false,
      error: `error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported[0]}\``,
    };
  }
  const flags = LEADING_FLAGS.exec(pattern);
  const body = flags ? pattern.slice(flags[0].length) : pattern;
  const jsFlags = (flags?.[1] ?? '').replace(/U/g, '');
  let regExp: RegExp;
  try {
    regExp = new RegExp(body, jsFlags);
  } catch (error) {
    return { ok: false, error: `error parsing regexp: ${(error as Error).message}` };
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(pattern, regExp);
  return { ok: true, regExp };
}
