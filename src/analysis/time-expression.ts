/**
 * The time expressions a Prometheus `rangeQuery.start` / `end` holds. Argo evaluates them with expr-lang and needs a
 * time as the result; its docs and CRD show `now()`, `now() - duration("1h")`, `now() - duration("{{args.x}}")`. This
 * evaluator takes exactly that family: `now()`, `date("<RFC 3339 or YYYY-MM-DD>")` and `duration("<Go duration>")`
 * joined by `+` and `-` (time ± duration, duration ± duration, time - time), whitespace anywhere. Anything else is an
 * error naming the expression, never a guess. `now` is an input.
 */
import { parseGoDuration } from './duration.js';

type Operand = { kind: 'time'; ms: number } | { kind: 'duration'; ms: number };

const TOKEN = /^\s*(?:(now)\s*\(\s*\)|(date|duration)\s*\(\s*(?:"([^"]*)"|'([^']*)')\s*\)|([+-]))/;

/** Evaluates `expression` at `now`; throws Error with the reason. */
export function evalTimeExpression(expression: string, now: Date): Date {
  const operands: Operand[] = [];
  const operators: string[] = [];
  let rest = expression;
  while (rest.trim() !== '') {
    const match = TOKEN.exec(rest);
    if (!match) throw unsupported(expression);
    const [whole, nowCall, fn, double, single, operator] = match;
    rest = rest.slice(whole.length);
    const expectOperand = operands.length === operators.length;
    if ((operator !== undefined) === expectOperand) throw unsupported(expression);
    if (operator !== undefined) operators.push(operator);
    else operands.push(operandOf(nowCall, fn, double ?? single ?? '', now));
  }
  if (operands.length === 0 || operands.length === operators.length) throw unsupported(expression);
  const result = operands
    .slice(1)
    .reduce((acc, next, i) => combine(acc, operators[i] ?? '+', next), operands[0]!);
  if (result.kind !== 'time') throw new Error('expected time.Time, but got time.Duration');
  return new Date(result.ms);
}

function operandOf(nowCall: string | undefined, fn: string | undefined, text: string, now: Date): Operand {
  if (nowCall !== undefined) return { kind: 'time', ms: now.getTime() };
  if (fn === 'duration') return { kind: 'duration', ms: parseGoDuration(text) };
  const ms = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
    ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw new Error(`date ${JSON.stringify(text)}: not an RFC 3339 time or a YYYY-MM-DD date`);
  return { kind: 'time', ms };
}

function combine(left: Operand, operator: string, right: Operand): Operand {
  const sign = operator === '-' ? -1 : 1;
  if (right.kind === 'duration') return { kind: left.kind, ms: left.ms + sign * right.ms };
  if (left.kind === 'time' && sign === -1) return { kind: 'duration', ms: left.ms - right.ms };
  throw new Error(
    `invalid operation: ${left.kind === 'time' ? 'time.Time' : 'time.Duration'} ${operator} time.Time`,
  );
}

function unsupported(expression: string): Error {
  return new Error(
    `unsupported time expression ${JSON.stringify(expression)}: truesplit evaluates now(), date("…") and ` +
      'duration("…") joined by + and -',
  );
}
