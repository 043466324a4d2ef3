/** A condition evaluator for the rule tests: a fixed table of expressions, so the rules are tested on their own. */
import type { ConditionEvaluator } from '../../src/analysis/condition-port.js';

const CONDITIONS: Record<string, (result: unknown) => boolean> = {
  'result[0] < 0.01': (r) => {
    if (!Array.isArray(r) || r.length === 0) throw new Error('index out of range: 0 (array length is 0)');
    return (r[0] as number) < 0.01;
  },
  'result[0] >= 0.05': (r) => {
    if (!Array.isArray(r) || r.length === 0) throw new Error('index out of range: 0 (array length is 0)');
    return (r[0] as number) >= 0.05;
  },
  'result < 0.01': (r) => (r as number) < 0.01,
  'result >= 0.05': (r) => (r as number) >= 0.05,
  'result == true': (r) => r === true,
  'result.ok': (r) => {
    if (typeof r !== 'object' || r === null) throw new Error('cannot fetch ok from <nil>');
    return (r as { ok: unknown }).ok === true;
  },
};

export const fakeEvaluator: ConditionEvaluator = (expression, result) => {
  const condition = CONDITIONS[expression];
  if (!condition) return { ok: false, error: `unknown condition ${expression}` };
  try {
    return { ok: true, value: condition(result) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
};
