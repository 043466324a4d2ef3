/**
 * The condition AST the evaluator walks: jsep's output narrowed to what expr-lang's grammar has, with
 * integer literals kept apart from floats (expr-lang, like Go, types `1` as int and `1.0` as float64).
 */
export type ConditionNode =
  | { kind: 'literal'; value: ConditionValue }
  | { kind: 'identifier'; name: string }
  | { kind: 'member'; object: ConditionNode; property: ConditionNode; optional: boolean }
  | { kind: 'call'; name: string; args: ConditionNode[] }
  | { kind: 'unary'; operator: string; argument: ConditionNode }
  | { kind: 'binary'; operator: string; left: ConditionNode; right: ConditionNode }
  | { kind: 'conditional'; test: ConditionNode; consequent: ConditionNode; alternate: ConditionNode }
  | { kind: 'array'; elements: ConditionNode[] }
  | { kind: 'map'; entries: { key: string; value: ConditionNode }[] }
  | { kind: 'closure'; body: ConditionNode };

/**
 * A value during evaluation, in expr-lang's terms: `bigint` is Go's `int` (literals, `len`, `asInt`),
 * `number` is `float64` (every number a provider returns), `null` is `nil`.
 */
export type ConditionValue =
  null | boolean | number | bigint | string | ConditionValue[] | { [key: string]: ConditionValue };

/** An error a condition's author should read: reported as the outcome, never thrown past the evaluator. */
export class ConditionError extends Error {}
