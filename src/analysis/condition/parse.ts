import jsep from 'jsep';
import type { ConditionNode, ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';
import { BINARY_PRECEDENCE, CLOSURE_NODE, MAP_NODE, UNARY_PRECEDENCE, configureGrammar } from './grammar.js';

configureGrammar();

/** Conditions longer than this are refused before parsing (Argo's are a line or two). */
export const MAX_CONDITION_LENGTH = 10_000;
const MAX_DEPTH = 200;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export type ParsedCondition = { ok: true; ast: ConditionNode } | { ok: false; error: string };

/** Parse a `successCondition` / `failureCondition` in expr-lang syntax. Never throws. */
export function parseCondition(text: string): ParsedCondition {
  if (text.trim() === '') return { ok: false, error: 'empty condition' };
  if (text.length > MAX_CONDITION_LENGTH) {
    return { ok: false, error: `condition longer than ${MAX_CONDITION_LENGTH} characters` };
  }
  try {
    return { ok: true, ast: convert(jsep(text), 0) };
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, error: 'condition nested too deeply' };
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function convert(node: jsep.Expression, depth: number): ConditionNode {
  if (depth > MAX_DEPTH) throw new ConditionError('condition nested too deeply');
  const child = (value: unknown): ConditionNode => convert(value as jsep.Expression, depth + 1);
  switch (node.type) {
    case 'Literal':
      return { kind: 'literal', value: literalValue(node as jsep.Literal) };
    case 'Identifier':
      return { kind: 'identifier', name: (node as jsep.Identifier).name };
    case 'MemberExpression':
      return convertMember(node as jsep.MemberExpression, child);
    case 'CallExpression':
      return convertCall(node as jsep.CallExpression, child);
    case 'UnaryExpression': {
      const { operator, argument } = node as jsep.UnaryExpression;
      return { kind: 'unary', operator, argument: child(argument) };
    }
    case 'BinaryExpression': {
      const { operator, left, right } = node as jsep.BinaryExpression;
      return bindUnaryLoosely({ kind: 'binary', operator, left: child(left), right: child(right) });
    }
    case 'ConditionalExpression': {
      const { test, consequent, alternate } = node as jsep.ConditionalExpression;
      return {
        kind: 'conditional',
        test: child(test),
        consequent: child(consequent),
        alternate: child(alternate),
      };
    }
    case 'ArrayExpression':
      return { kind: 'array', elements: (node as jsep.ArrayExpression).elements.map(arrayElement(child)) };
    case CLOSURE_NODE:
      return { kind: 'closure', body: child(node.body) };
    case MAP_NODE:
      return { kind: 'map', entries: (node.entries as jsep.Expression[]).map((e) => mapEntry(e, child)) };
    default:
      throw new ConditionError(unexpected(node));
  }
}

function unexpected(node: jsep.Expression): string {
  if (node.type === 'Compound' || node.type === 'SequenceExpression') {
    return 'unexpected token: a condition is one expression';
  }
  return `unexpected ${node.type}`;
}

/** expr-lang types `1` as int, `1.0` and `1e3` as float64. */
function literalValue(node: jsep.Literal): ConditionValue {
  const { value, raw } = node;
  if (typeof value !== 'number') {
    if (value instanceof RegExp) throw new ConditionError('unexpected regular expression literal');
    return value;
  }
  if (/^\d+$/.test(raw)) {
    const int = BigInt(raw);
    if (int > INT64_MAX || int < INT64_MIN) throw new ConditionError(`integer literal is too large: ${raw}`);
    return int;
  }
  return value;
}

function convertMember(node: jsep.MemberExpression, child: (n: unknown) => ConditionNode): ConditionNode {
  const property: ConditionNode = node.computed
    ? child(node.property)
    : { kind: 'literal', value: (node.property as jsep.Identifier).name };
  return { kind: 'member', object: child(node.object), property, optional: node.optional === true };
}

function convertCall(node: jsep.CallExpression, child: (n: unknown) => ConditionNode): ConditionNode {
  if (node.callee.type !== 'Identifier') {
    const callee = node.callee.type === 'MemberExpression' ? 'a method' : 'this expression';
    throw new ConditionError(`cannot call ${callee}: only built-in functions can be called`);
  }
  return { kind: 'call', name: (node.callee as jsep.Identifier).name, args: node.arguments.map(child) };
}

function arrayElement(child: (n: unknown) => ConditionNode) {
  return (element: jsep.Expression | null): ConditionNode => {
    if (element === null) throw new ConditionError('unexpected "," in array literal');
    return child(element);
  };
}

function mapEntry(entry: jsep.Expression, child: (n: unknown) => ConditionNode) {
  const key = entry.key as jsep.Expression;
  let name: string;
  if (key.type === 'Identifier') name = (key as jsep.Identifier).name;
  else if (key.type === 'Literal' && typeof key.value !== 'object') name = String(key.value);
  else throw new ConditionError('a map key must be a name, a string or a number');
  return { key: name, value: child(entry.value) };
}

/**
 * jsep binds a unary operator to the next token only; expr-lang gives it a precedence (`-` 90, `not`
 * 50), so an operator binding tighter than that takes the operand first: `-2 ** 2` is `-(2 ** 2)`.
 */
function bindUnaryLoosely(node: ConditionNode & { kind: 'binary' }): ConditionNode {
  const { left } = node;
  if (left.kind !== 'unary') return node;
  const unary = UNARY_PRECEDENCE[left.operator] ?? 0;
  const binary = BINARY_PRECEDENCE[node.operator] ?? 0;
  if (binary <= unary) return node;
  const inner = bindUnaryLoosely({ ...node, left: left.argument });
  return { kind: 'unary', operator: left.operator, argument: inner };
}
