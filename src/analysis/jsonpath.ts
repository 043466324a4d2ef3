/**
 * The Kubernetes JSONPath template syntax (k8s.io/client-go/util/jsonpath) that Argo's web provider narrows a JSON
 * response with: `{$.data.ok}`, `{.items[0].value}`, `{$.data['my.key']}`. Supported inside braces: `$` (and `@`),
 * `.field`, `['field']`, `[n]` (negative from the end), `[a:b]` slices, `[*]` and `.*`, `..field` (recursive
 * descent) and filters `[?(@.path)]` / `[?(@.path OP literal)]` with `== != < > <= >=`. Text outside braces is a
 * literal result, as in Kubernetes. Errors carry client-go's wording (`x is not found`, `array index out of bounds`).
 */
type Step =
  | { op: 'field'; name: string }
  | { op: 'recursive'; name: string }
  | { op: 'wildcard' }
  | { op: 'index'; index: number }
  | { op: 'slice'; start?: number; end?: number }
  | { op: 'filter'; path: Step[]; compare?: { operator: string; literal: unknown } };

type Segment = { text: string } | { steps: Step[] };

/** A parsed template: `find` gives every segment's results in template order (client-go's `FindResults`). */
export interface JsonPath {
  /** Throws Error on a miss (`x is not found`, `array index out of bounds: …`). */
  find(data: unknown): unknown[][];
  /** The first value the template yields (Argo's web provider reads only that), or `undefined` when none. */
  first(data: unknown): { value: unknown } | undefined;
}

/** Parses `template`; throws Error naming it when the syntax is not supported. */
export function compileJsonPath(template: string): JsonPath {
  const segments = parseTemplate(template);
  const find = (data: unknown): unknown[][] =>
    segments.map((segment) =>
      'text' in segment
        ? [segment.text]
        : segment.steps.reduce<unknown[]>((values, step) => apply(step, values), [data]),
    );
  return {
    find,
    first(data) {
      for (const results of find(data)) if (results.length > 0) return { value: results[0] };
      return undefined;
    },
  };
}

function parseTemplate(template: string): Segment[] {
  const segments: Segment[] = [];
  let rest = template;
  while (rest !== '') {
    const open = rest.indexOf('{');
    if (open < 0) {
      segments.push({ text: rest });
      break;
    }
    if (open > 0) segments.push({ text: rest.slice(0, open) });
    const close = rest.indexOf('}', open);
    if (close < 0) throw new Error(`jsonPath ${JSON.stringify(template)}: unclosed action`);
    segments.push({ steps: parsePath(rest.slice(open + 1, close).trim(), template) });
    rest = rest.slice(close + 1);
  }
  return segments;
}

const STEP =
  /^(?:\.\.([^.[\]\s]+)|\.\*|\.([^.[\]\s]+)|\[\s*\*\s*\]|\[\s*(-?\d+)\s*\]|\[\s*(-?\d*)\s*:\s*(-?\d*)\s*\]|\[\s*(?:'([^']*)'|"([^"]*)")\s*\]|\[\?\((.*?)\)\])/;

function parsePath(expression: string, template: string): Step[] {
  let rest = expression.replace(/^[$@]/, '');
  const steps: Step[] = [];
  while (rest !== '') {
    const m = STEP.exec(rest);
    if (!m)
      throw new Error(`jsonPath ${JSON.stringify(template)}: unsupported syntax at ${JSON.stringify(rest)}`);
    steps.push(stepOf(m, template));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

function stepOf(m: RegExpExecArray, template: string): Step {
  const [whole, recursive, field, index, sliceStart, sliceEnd, single, double, filter] = m;
  if (recursive !== undefined) return { op: 'recursive', name: recursive };
  if (field !== undefined) return { op: 'field', name: field };
  if (index !== undefined) return { op: 'index', index: Number(index) };
  if (sliceStart !== undefined || sliceEnd !== undefined) {
    return {
      op: 'slice',
      ...(sliceStart ? { start: Number(sliceStart) } : {}),
      ...(sliceEnd ? { end: Number(sliceEnd) } : {}),
    };
  }
  if (single !== undefined || double !== undefined) return { op: 'field', name: single ?? double ?? '' };
  if (filter !== undefined) return parseFilter(filter.trim(), template);
  if (whole === '.*' || whole.startsWith('[')) return { op: 'wildcard' };
  throw new Error(`jsonPath ${JSON.stringify(template)}: unsupported syntax at ${JSON.stringify(whole)}`);
}

function parseFilter(filter: string, template: string): Step {
  const m = /^(@[^\s=!<>]*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+))?$/.exec(filter);
  if (!m)
    throw new Error(`jsonPath ${JSON.stringify(template)}: unsupported filter ${JSON.stringify(filter)}`);
  const [, path = '@', operator, literal] = m;
  const steps = parsePath(path, template);
  if (operator === undefined || literal === undefined) return { op: 'filter', path: steps };
  return {
    op: 'filter',
    path: steps,
    compare: { operator, literal: parseLiteral(literal.trim(), template) },
  };
}

function parseLiteral(text: string, template: string): unknown {
  const quoted = /^(?:'([^']*)'|"([^"]*)")$/.exec(text);
  if (quoted) return quoted[1] ?? quoted[2];
  if (text === 'true' || text === 'false') return text === 'true';
  const number = Number(text);
  if (text !== '' && !Number.isNaN(number)) return number;
  throw new Error(`jsonPath ${JSON.stringify(template)}: unsupported literal ${text}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (isObject(value)) return 'map[string]interface {}';
  return value === null ? '<nil>' : typeof value;
}

function apply(step: Step, values: unknown[]): unknown[] {
  switch (step.op) {
    case 'field': {
      const found = values
        .filter(isObject)
        .filter((v) => step.name in v)
        .map((v) => v[step.name]);
      if (found.length === 0 && values.length > 0) throw new Error(`${step.name} is not found`);
      return found;
    }
    case 'recursive':
      return values
        .flatMap((v) => descendants(v))
        .flatMap((v) => (isObject(v) && step.name in v ? [v[step.name]] : []));
    case 'wildcard':
      return values.flatMap((v) => childrenOf(v));
    case 'index':
      return values.map((v) => indexInto(v, step.index));
    case 'slice':
      return values.flatMap((v) => sliceOf(v, step.start, step.end));
    case 'filter':
      return values
        .flatMap((v) => (Array.isArray(v) ? childrenOf(v) : []))
        .filter((item) => filterMatches(step, item));
  }
}

function indexInto(value: unknown, index: number): unknown {
  if (!Array.isArray(value)) throw new Error(`${typeName(value)} is not array or slice`);
  const at = index < 0 ? index + value.length : index;
  if (at < 0 || at >= value.length) {
    throw new Error(`array index out of bounds: index ${index}, length ${value.length}`);
  }
  return value[at];
}

function sliceOf(value: unknown, start: number | undefined, end: number | undefined): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${typeName(value)} is not array or slice`);
  return value.slice(start ?? 0, end ?? value.length);
}

function childrenOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value as unknown[];
  return isObject(value) ? Object.values(value) : [];
}

function descendants(value: unknown): unknown[] {
  return [value, ...childrenOf(value).flatMap((child) => descendants(child))];
}

function filterMatches(step: Extract<Step, { op: 'filter' }>, item: unknown): boolean {
  let found: unknown[];
  try {
    found = step.path.reduce<unknown[]>((values, s) => apply(s, values), [item]);
  } catch {
    return false;
  }
  if (!step.compare) return found.length > 0;
  const { operator, literal } = step.compare;
  return found.some((value) => compare(value, operator, literal));
}

function compare(value: unknown, operator: string, literal: unknown): boolean {
  if (operator === '==') return value === literal;
  if (operator === '!=') return value !== literal;
  if (typeof value !== 'number' || typeof literal !== 'number') return false;
  if (operator === '<') return value < literal;
  if (operator === '>') return value > literal;
  if (operator === '<=') return value <= literal;
  return value >= literal;
}
