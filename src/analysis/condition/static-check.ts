import { ARGO_HELPERS } from './argo-helpers.js';
import type { ConditionNode, ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';
import { BUILTINS } from './builtins.js';
import { PREDICATE_BUILTINS } from './predicates.js';

/**
 * The errors expr-lang's checker reports before running a condition, even in a branch that would not
 * run: unknown names, wrong argument counts, `#` outside a predicate, and operators applied to types
 * known to mismatch (`asFloat(result) == "1.1"`). Types are known for literals, `result` when it is a
 * number, string or boolean (expr-lang types the environment from its values), and the results of
 * operators and helpers; anything else is unknown and left to the evaluator.
 */
type StaticType = 'int' | 'float' | 'string' | 'bool' | 'nil' | 'floats' | 'unknown';

const GO_NAMES: Record<StaticType, string> = {
  int: 'int',
  float: 'float64',
  string: 'string',
  bool: 'bool',
  nil: 'nil',
  floats: '[]float64',
  unknown: 'interface {}',
};

const RETURNS: Readonly<Record<string, StaticType>> = {
  asInt: 'int',
  asFloat: 'float',
  isNaN: 'bool',
  isInf: 'bool',
  isNil: 'bool',
  len: 'int',
  count: 'int',
  findIndex: 'int',
  findLastIndex: 'int',
  int: 'int',
  float: 'float',
  mean: 'float',
  median: 'float',
  ceil: 'float',
  floor: 'float',
  round: 'float',
  all: 'bool',
  any: 'bool',
  none: 'bool',
  one: 'bool',
  hasPrefix: 'bool',
  hasSuffix: 'bool',
  string: 'string',
  upper: 'string',
  lower: 'string',
  trim: 'string',
  type: 'string',
};

const BOOLEAN_OPERATORS = new Set(['and', 'or', '&&', '||']);
const COMPARISONS = new Set(['<', '>', '<=', '>=']);
const STRING_OPERATORS = new Set(['contains', 'startsWith', 'endsWith', 'matches']);

/**
 * `result` as expr-lang types it from its value: a nil result is nil (so any operator on it but `==`, `!=`
 * and `??` is refused, even `result?.x`), an array of numbers `[]float64` (a Prometheus vector).
 */
export function checkCondition(ast: ConditionNode, result: ConditionValue | undefined): void {
  typeOf(ast, { result: resultType(result), inPredicate: false, variables: RESULT_ONLY });
}

const RESULT_ONLY: ReadonlySet<string> = new Set(['result']);

/**
 * The same checks for an expression over named variables (a notification trigger's `rollout`), each of an
 * unknown type, as expr-lang types a map environment built from unstructured objects.
 */
export function checkExpression(ast: ConditionNode, variables: ReadonlySet<string>): void {
  typeOf(ast, { result: 'unknown', inPredicate: false, variables });
}

/** Undefined: the result is not known yet (lint), so nothing is assumed about it. */
function resultType(result: ConditionValue | undefined): StaticType {
  if (result === undefined) return 'unknown';
  if (result === null) return 'nil';
  const numbers =
    Array.isArray(result) && result.length > 0 && result.every((item) => typeof item === 'number');
  return numbers ? 'floats' : valueType(result);
}

interface CheckContext {
  result: StaticType;
  inPredicate: boolean;
  /** The environment's variable names (`result` for a metric condition). */
  variables: ReadonlySet<string>;
}

function valueType(value: ConditionValue): StaticType {
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  return 'unknown';
}

function typeOf(node: ConditionNode, context: CheckContext): StaticType {
  switch (node.kind) {
    case 'literal':
      return node.value === null ? 'nil' : valueType(node.value);
    case 'identifier':
      return identifierType(node.name, context);
    case 'member':
      return memberType(typeOf(node.object, context), node.property, typeOf(node.property, context));
    case 'call':
      return callType(node.name, node.args, context);
    case 'unary':
      return unaryType(node.operator, typeOf(node.argument, context));
    case 'binary':
      return binaryType(node.operator, typeOf(node.left, context), typeOf(node.right, context));
    case 'conditional':
      return conditionalType(node, context);
    case 'array':
    case 'map':
      for (const child of node.kind === 'array' ? node.elements : node.entries.map((e) => e.value)) {
        typeOf(child, context);
      }
      return 'unknown';
    case 'closure':
      return typeOf(node.body, context);
  }
}

function identifierType(name: string, context: CheckContext): StaticType {
  if (name === 'result' && context.variables.has(name)) return context.result;
  if (context.variables.has(name)) return 'unknown';
  if (name.startsWith('#')) {
    if (!context.inPredicate) throw new ConditionError('cannot use pointer accessor outside predicate');
    if (name !== '#' && name !== '#index') throw new ConditionError(`unknown pointer ${name}`);
    return name === '#index' ? 'int' : 'unknown';
  }
  if (name in ARGO_HELPERS || name in BUILTINS || name in PREDICATE_BUILTINS) return 'unknown';
  throw new ConditionError(`unknown name ${name}`);
}

function memberType(object: StaticType, property: ConditionNode, key: StaticType): StaticType {
  if (object === 'floats') {
    if (key === 'string') throw new ConditionError('cannot use string to get an element from []float64');
    return 'float';
  }
  if (object !== 'int' && object !== 'float' && object !== 'bool' && object !== 'nil') return 'unknown';
  if (property.kind === 'literal' && typeof property.value === 'string') {
    throw new ConditionError(`type ${GO_NAMES[object]} has no field ${property.value}`);
  }
  throw new ConditionError(`type ${GO_NAMES[object]} cannot be indexed`);
}

function callType(name: string, args: ConditionNode[], context: CheckContext): StaticType {
  if (!(name in ARGO_HELPERS || name in BUILTINS || name in PREDICATE_BUILTINS)) {
    throw new ConditionError(`unknown name ${name}`);
  }
  const types = args.map((arg, i) => {
    const inPredicate = context.inPredicate || (i === 1 && name in PREDICATE_BUILTINS);
    return typeOf(arg, { ...context, inPredicate });
  });
  if (name === 'isNaN' || name === 'isInf') {
    const [argument] = types;
    if (argument === 'string' || argument === 'bool' || argument === 'nil') {
      throw new ConditionError(`cannot use ${argument} as argument (type float64) to call ${name}`);
    }
  }
  return RETURNS[name] ?? 'unknown';
}

function unaryType(operator: string, argument: StaticType): StaticType {
  if (operator === 'not' || operator === '!') {
    if (known(argument) && argument !== 'bool') mismatch(operator, argument);
    return 'bool';
  }
  if (known(argument) && !numeric(argument)) mismatch(operator, argument);
  return argument;
}

function binaryType(operator: string, left: StaticType, right: StaticType): StaticType {
  const base = operator.replace(/^not /, '');
  if (BOOLEAN_OPERATORS.has(base)) {
    if ((known(left) && left !== 'bool') || (known(right) && right !== 'bool'))
      mismatch(operator, left, right);
    return 'bool';
  }
  if (operator === '??') return left === right ? left : 'unknown';
  if (base === 'in') {
    if (right === 'nil' || right === 'int' || right === 'float' || right === 'bool')
      mismatch(operator, left, right);
    return 'bool';
  }
  if (!known(left) || !known(right)) return resultOf(operator, left, right);
  if (operator === '==' || operator === '!=') {
    if (left !== right && !(numeric(left) && numeric(right)) && left !== 'nil' && right !== 'nil') {
      mismatch(operator, left, right);
    }
    return 'bool';
  }
  if (STRING_OPERATORS.has(base)) {
    if (left !== 'string' || right !== 'string') mismatch(operator, left, right);
    return 'bool';
  }
  const bothNumbers = numeric(left) && numeric(right);
  const strings = left === 'string' && right === 'string';
  const allowed = COMPARISONS.has(operator)
    ? bothNumbers || strings
    : operator === '%'
      ? left === 'int' && right === 'int'
      : bothNumbers || (operator === '+' && strings);
  if (!allowed) mismatch(operator, left, right);
  return resultOf(operator, left, right);
}

function resultOf(operator: string, left: StaticType, right: StaticType): StaticType {
  if (COMPARISONS.has(operator) || operator === '==' || operator === '!=') return 'bool';
  if (STRING_OPERATORS.has(operator.replace(/^not /, ''))) return 'bool';
  if (operator === '/' || operator === '**' || operator === '^') return 'float';
  if (left === 'int' && right === 'int') return 'int';
  if (numeric(left) && numeric(right)) return 'float';
  return left === 'string' && right === 'string' ? 'string' : 'unknown';
}

function conditionalType(node: ConditionNode & { kind: 'conditional' }, context: CheckContext): StaticType {
  const test = typeOf(node.test, context);
  if (known(test) && test !== 'bool') {
    throw new ConditionError(`non-bool expression (type ${GO_NAMES[test]}) used as condition`);
  }
  const consequent = typeOf(node.consequent, context);
  const alternate = typeOf(node.alternate, context);
  return consequent === alternate ? consequent : 'unknown';
}

function known(type: StaticType): boolean {
  return type !== 'unknown';
}

function numeric(type: StaticType): boolean {
  return type === 'int' || type === 'float';
}

function mismatch(operator: string, left: StaticType, right?: StaticType): never {
  if (right === undefined) {
    throw new ConditionError(`invalid operation: ${operator} (mismatched type ${GO_NAMES[left]})`);
  }
  throw new ConditionError(
    `invalid operation: ${operator} (mismatched types ${GO_NAMES[left]} and ${GO_NAMES[right]})`,
  );
}
