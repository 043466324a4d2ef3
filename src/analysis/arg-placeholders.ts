/**
 * `{{args.NAME}}` placeholders, as Argo Rollouts substitutes them in a metric (fasttemplate with `{{`/`}}`
 * delimiters; spaces inside the braces are allowed: `{{ args.name }}`).
 */
const PLACEHOLDER = /\{\{\s*args\.([^}\s]+)\s*\}\}/g;

/** Whether `text` holds a placeholder (its value is known only once the run's args are resolved). */
export function hasArgPlaceholder(text: string): boolean {
  return /\{\{\s*args\./.test(text);
}

/** The argument names `text` refers to, in order. */
export function argNamesIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/** Every string in `value` (a metric, say) with its field path below `path`. */
export function stringsIn(value: unknown, path: string): { field: string; text: string }[] {
  if (typeof value === 'string') return [{ field: path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringsIn(item, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, `${path}.${key}`));
  }
  return [];
}
