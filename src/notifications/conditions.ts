/**
 * A trigger's conditions, run as Argo Rollouts runs them through notifications-engine (pkg/triggers and
 * utils/record): a condition without `when` is always sent; one with `when` is sent only when the expression
 * evaluates to `true` (an error or a non-boolean value: not sent, the error reported to be logged). When sent,
 * `oncePer` is evaluated and its value printed as Go's `%v`; an error leaves it unset. Expressions are evaluated by
 * truesplit's expr-lang evaluator (analysis/condition) over the same variables the templates get. Pure.
 */
import { evaluateExpression, formatGo } from '../analysis/condition/index.js';
import type { TriggerCondition } from './config.js';

export interface ConditionVerdict {
  send: boolean;
  /** The `oncePer` value, when the condition has one and it evaluated. */
  oncePer?: string;
  /** Why `when` or `oncePer` could not be evaluated (never a secret: the variables hold none). */
  error?: string;
}

export function runCondition(
  condition: TriggerCondition,
  vars: Readonly<Record<string, unknown>>,
): ConditionVerdict {
  if (condition.when !== undefined) {
    const outcome = evaluateExpression(condition.when, vars);
    if (!outcome.ok) return { send: false, error: `when: ${outcome.error}` };
    if (outcome.value !== true) return { send: false };
  }
  if (condition.oncePer === undefined) return { send: true };
  const once = evaluateExpression(condition.oncePer, vars);
  if (!once.ok) return { send: true, error: `oncePer: ${once.error}` };
  return { send: true, oncePer: formatGo(once.value) };
}
