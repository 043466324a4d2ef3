/** Label and field selectors: parsing, formatting and matching, with the API server's semantics. */
import type { KubeObject, LabelSelector } from '../api/meta.js';

export type RequirementOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelRequirement {
  key: string;
  operator: RequirementOperator;
  values: string[];
}

const SET_TERM = /^([A-Za-z0-9./_-]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQUALITY_TERM = /^([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/;
const EXISTS_TERM = /^(!?)([A-Za-z0-9./_-]+)$/;

/** Splits on commas that are not inside a `(…)` value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') terms.push(current.trim());
  return terms;
}

function parseTerm(term: string): LabelRequirement {
  const set = SET_TERM.exec(term);
  if (set) {
    const values = (set[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key: set[1] ?? '', operator: set[2] === 'in' ? 'In' : 'NotIn', values };
  }
  const eq = EQUALITY_TERM.exec(term);
  if (eq) return { key: eq[1] ?? '', operator: eq[2] === '!=' ? 'NotIn' : 'In', values: [eq[3] ?? ''] };
  const exists = EXISTS_TERM.exec(term);
  if (exists)
    return { key: exists[2] ?? '', operator: exists[1] === '!' ? 'DoesNotExist' : 'Exists', values: [] };
  throw new Error(`invalid label selector term "${term}"`);
}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`. An empty string selects everything. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTerms(selector).map(parseTerm);
}

/** The requirements of a LabelSelector object (matchLabels and matchExpressions are ANDed). */
export function selectorRequirements(selector: LabelSelector | string | undefined): LabelRequirement[] {
  if (selector === undefined) return [];
  if (typeof selector === 'string') return parseLabelSelector(selector);
  const fromLabels = Object.entries(selector.matchLabels ?? {}).map(([key, value]): LabelRequirement => ({
    key,
    operator: 'In',
    values: [value],
  }));
  const fromExpressions = (selector.matchExpressions ?? []).map((e): LabelRequirement => ({
    key: e.key,
    operator: e.operator,
    values: [...(e.values ?? [])],
  }));
  return [...fromLabels, ...fromExpressions];
}

function requirementMatches(labels: Record<string, string>, req: LabelRequirement): boolean {
  const has = Object.hasOwn(labels, req.key);
  switch (req.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'In':
      return has && req.values.includes(labels[req.key] ?? '');
    case 'NotIn':
      return !has || !req.values.includes(labels[req.key] ?? '');
  }
}

export function labelsMatch(
  labels: Record<string, string> | undefined,
  selector: LabelSelector | string | undefined,
): boolean {
  return selectorRequirements(selector).every((req) => requirementMatches(labels ?? {}, req));
}

/** The string form the API server accepts as `labelSelector=`. */
export function formatLabelSelector(selector: LabelSelector | string | undefined): string {
  if (selector === undefined) return '';
  if (typeof selector === 'string') return selector;
  return selectorRequirements(selector).map(formatRequirement).join(',');
}

function formatRequirement(req: LabelRequirement): string {
  switch (req.operator) {
    case 'Exists':
      return req.key;
    case 'DoesNotExist':
      return `!${req.key}`;
    case 'In':
      return req.values.length === 1
        ? `${req.key}=${req.values[0]}`
        : `${req.key} in (${req.values.join(',')})`;
    case 'NotIn':
      return req.values.length === 1
        ? `${req.key}!=${req.values[0]}`
        : `${req.key} notin (${req.values.join(',')})`;
  }
}

const FIELD_GETTERS: Record<string, (obj: KubeObject) => string> = {
  'metadata.name': (obj) => obj.metadata.name,
  'metadata.namespace': (obj) => obj.metadata.namespace ?? '',
};

/** Field selectors over `metadata.name` and `metadata.namespace` (`=`, `==`, `!=`). */
export function fieldsMatch(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return splitTerms(selector).every((term) => {
    const m = /^([a-zA-Z.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    const getter = m ? FIELD_GETTERS[m[1] ?? ''] : undefined;
    if (!m || !getter)
      throw new Error(`unsupported field selector "${term}" (metadata.name, metadata.namespace)`);
    const equal = getter(obj) === m[3];
    return m[2] === '!=' ? !equal : equal;
  });
}
