/**
 * The contract between the condition evaluator (`successCondition` / `failureCondition`, expr-lang
 * syntax) and the measurement rules that use it. The rules take the evaluator as a parameter so each
 * side is tested on its own.
 */
export type ConditionOutcome = { ok: true; value: boolean } | { ok: false; error: string };

/** Evaluate one condition over a measurement's `result`; never throws, never runs user code. */
export type ConditionEvaluator = (expression: string, result: unknown) => ConditionOutcome;
