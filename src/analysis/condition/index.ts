import { parseCondition } from './parse.js';
import { checkCondition } from './static-check.js';
import { ConditionError } from './ast.js';

export { evaluateCondition, evaluateExpression, type ExpressionOutcome } from './evaluate.js';
export { formatGo } from './values.js';
export { parseCondition } from './parse.js';

/**
 * Why a condition would fail for every result, found without a result: it does not parse, or expr-lang's
 * checker would refuse it (an unknown name, a wrong argument count, `#` outside a predicate). Undefined
 * when it may evaluate.
 */
export function conditionProblem(text: string): string | undefined {
  const parsed = parseCondition(text);
  if (!parsed.ok) return parsed.error;
  try {
    checkCondition(parsed.ast, undefined);
    return undefined;
  } catch (error) {
    if (error instanceof ConditionError) return error.message;
    throw error;
  }
}
