import type { ConditionEvaluator, ConditionOutcome } from '../condition-port.js';
import { ARGO_HELPERS } from './argo-helpers.js';
import type { ConditionNode, ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';
import { BUILTINS } from './builtins.js';
import { applyBinary } from './operators.js';
import { parseCondition } from './parse.js';
import { PREDICATE_BUILTINS, collection } from './predicates.js';
import { checkCondition, checkExpression } from './static-check.js';
import { toConditionValue } from './result-value.js';
import { formatGo, goType, isMap, negate } from './values.js';

/** Keys never read from a map, even as missing keys: a condition cannot reach JavaScript internals. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Scope {
  pointer: ConditionValue;
  index: number;
}

interface Context {
  /** The environment: `result` for a metric condition, `rollout` for a notification trigger. */
  variables: Readonly<Record<string, ConditionValue>>;
  scopes: Scope[];
}

export type ExpressionOutcome = { ok: true; value: ConditionValue } | { ok: false; error: string };

/**
 * Evaluate a `successCondition` / `failureCondition` as Argo Rollouts does with expr-lang: `result`
 * plus Argo's helpers and expr-lang's built-ins; anything but a boolean is an error. Walks the AST —
 * nothing outside the allow-lists (helpers, built-ins, operators) can run. Never throws.
 */
export const evaluateCondition: ConditionEvaluator = (expression, result): ConditionOutcome => {
  const parsed = parsedOnce(expression);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return guarded(() => {
    const value = toConditionValue(result);
    checkCondition(parsed.ast, value);
    const output = evaluate(parsed.ast, { variables: { result: value }, scopes: [] });
    if (typeof output !== 'boolean') return { ok: false, error: `expected bool, but got ${goType(output)}` };
    return { ok: true, value: output };
  });
};

/**
 * Evaluate an expr-lang expression over named variables (JSON-like data, e.g. a notification trigger's
 * `rollout`), with the same operators and built-ins; any value may come out. Never throws.
 */
export function evaluateExpression(
  expression: string,
  variables: Readonly<Record<string, unknown>>,
): ExpressionOutcome {
  const parsed = parsedOnce(expression);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return guarded(() => {
    const values: Record<string, ConditionValue> = Object.create(null) as Record<string, ConditionValue>;
    for (const [name, value] of Object.entries(variables)) values[name] = toConditionValue(value);
    checkExpression(parsed.ast, new Set(Object.keys(values)));
    return { ok: true, value: evaluate(parsed.ast, { variables: values, scopes: [] }) };
  });
}

function guarded<T extends { ok: boolean }>(run: () => T | { ok: false; error: string }) {
  try {
    return run();
  } catch (error) {
    if (error instanceof ConditionError) return { ok: false as const, error: error.message };
    if (error instanceof RangeError)
      return { ok: false as const, error: 'condition too complex to evaluate' };
    return { ok: false as const, error: `condition could not be evaluated: ${String(error)}` };
  }
}

/** Conditions parsed so far: a run measures the same few conditions every interval (the ASTs are only read). */
const parsedConditions = new Map<string, ReturnType<typeof parseCondition>>();
const MAX_PARSED_CONDITIONS = 1024;

function parsedOnce(expression: string): ReturnType<typeof parseCondition> {
  let parsed = parsedConditions.get(expression);
  if (parsed) return parsed;
  parsed = parseCondition(expression);
  if (parsedConditions.size >= MAX_PARSED_CONDITIONS) parsedConditions.clear();
  parsedConditions.set(expression, parsed);
  return parsed;
}

function evaluate(node: ConditionNode, context: Context): ConditionValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'identifier':
      return identifier(node.name, context);
    case 'member':
      return member(node, context);
    case 'call':
      return call(node.name, node.args, context);
    case 'unary':
      return unary(node.operator, evaluate(node.argument, context));
    case 'binary':
      return binary(node, context);
    case 'conditional':
      return boolean(evaluate(node.test, context), '?:')
        ? evaluate(node.consequent, context)
        : evaluate(node.alternate, context);
    case 'array':
      return node.elements.map((element) => evaluate(element, context));
    case 'map':
      return mapLiteral(node.entries, context);
    case 'closure':
      throw new ConditionError('a predicate {…} is only allowed as the argument of a built-in such as all()');
  }
}

function identifier(name: string, context: Context): ConditionValue {
  if (Object.hasOwn(context.variables, name)) return context.variables[name] ?? null;
  if (name.startsWith('#')) return pointer(name, context);
  if (name in ARGO_HELPERS || name in BUILTINS || name in PREDICATE_BUILTINS) {
    throw new ConditionError(`${name} is a function: call it, e.g. ${name}(result)`);
  }
  throw new ConditionError(`unknown name ${name}`);
}

function pointer(name: string, context: Context): ConditionValue {
  const scope = context.scopes.at(-1);
  if (!scope) throw new ConditionError('cannot use pointer accessor outside predicate');
  if (name === '#') return scope.pointer;
  if (name === '#index') return BigInt(scope.index);
  throw new ConditionError(`unknown pointer ${name}`);
}

function member(node: ConditionNode & { kind: 'member' }, context: Context): ConditionValue {
  const object = evaluate(node.object, context);
  if (object === null && node.optional) return null;
  return fetch(object, evaluate(node.property, context));
}

/** expr-lang's Fetch: a map key (missing ⇒ nil), an array or string index (negative counts from the end). */
function fetch(from: ConditionValue, key: ConditionValue): ConditionValue {
  if (isMap(from) && typeof key === 'string') {
    if (Object.hasOwn(from, key)) return from[key] ?? null;
    if (FORBIDDEN_KEYS.has(key)) throw new ConditionError(`cannot fetch ${key}: not allowed in a condition`);
    return null;
  }
  if (
    (Array.isArray(from) || typeof from === 'string') &&
    (typeof key === 'bigint' || typeof key === 'number')
  ) {
    const length = from.length;
    let index = typeof key === 'bigint' ? Number(key) : Math.trunc(key);
    if (index < 0) index += length;
    if (index < 0 || index >= length) {
      throw new ConditionError(`index out of range: ${index} (array length is ${length})`);
    }
    return typeof from === 'string' ? BigInt(from.charCodeAt(index)) : (from[index] ?? null);
  }
  const shown = typeof key === 'string' ? key : formatGo(key);
  throw new ConditionError(`cannot fetch ${shown} from ${goType(from)}`);
}

function call(name: string, args: ConditionNode[], context: Context): ConditionValue {
  const predicate = PREDICATE_BUILTINS[name];
  if (predicate) return callPredicate(name, args, context);
  const helper = ARGO_HELPERS[name];
  if (helper) {
    arity(name, args.length, helper.arity, helper.arity);
    return helper.call({
      args: args.map((a) => evaluate(a, context)),
      result: context.variables.result ?? null,
    });
  }
  const builtin = BUILTINS[name];
  if (!builtin) throw new ConditionError(`unknown name ${name}`);
  arity(name, args.length, builtin.min, builtin.max);
  return builtin.call(args.map((a) => evaluate(a, context)));
}

function callPredicate(name: string, args: ConditionNode[], context: Context): ConditionValue {
  const builtin = PREDICATE_BUILTINS[name]!;
  arity(name, args.length, builtin.optionalPredicate ? 1 : 2, 2);
  const items = collection(evaluate(args[0]!, context), name);
  const predicate = args[1];
  if (!predicate) return builtin.call(items, (item) => item, name);
  const body = predicate.kind === 'closure' ? predicate.body : predicate;
  const run = (item: ConditionValue, index: number): ConditionValue => {
    context.scopes.push({ pointer: item, index });
    try {
      return evaluate(body, context);
    } finally {
      context.scopes.pop();
    }
  };
  return builtin.call(items, run, name);
}

function arity(name: string, count: number, min: number, max: number): void {
  if (count < min) throw new ConditionError(`not enough arguments to call ${name}`);
  if (count > max) throw new ConditionError(`too many arguments to call ${name}`);
}

function unary(operator: string, value: ConditionValue): ConditionValue {
  if (operator === 'not' || operator === '!') return !boolean(value, operator);
  if (operator === '-') return negate(value);
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  throw new ConditionError(`invalid operation: + ${goType(value)}`);
}

function binary(node: ConditionNode & { kind: 'binary' }, context: Context): ConditionValue {
  const { operator } = node;
  const left = evaluate(node.left, context);
  if (operator === 'and' || operator === '&&') {
    return boolean(left, operator) && boolean(evaluate(node.right, context), operator);
  }
  if (operator === 'or' || operator === '||') {
    return boolean(left, operator) || boolean(evaluate(node.right, context), operator);
  }
  if (operator === '??') return left ?? evaluate(node.right, context);
  return applyBinary(operator, left, evaluate(node.right, context));
}

function boolean(value: ConditionValue, operator: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new ConditionError(`invalid operation: ${operator} on ${goType(value)} (a boolean is needed)`);
}

function mapLiteral(entries: { key: string; value: ConditionNode }[], context: Context): ConditionValue {
  const map: Record<string, ConditionValue> = Object.create(null) as Record<string, ConditionValue>;
  for (const entry of entries) map[entry.key] = evaluate(entry.value, context);
  return map;
}
