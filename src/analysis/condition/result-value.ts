import type { ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';

const MAX_DEPTH = 64;

/**
 * A provider's result as a condition value: JSON-like data copied into prototype-less maps, so a
 * condition reads only the data's own keys. Numbers stay float64, as every Argo provider returns them.
 */
export function toConditionValue(value: unknown, depth = 0): ConditionValue {
  if (depth > MAX_DEPTH) throw new ConditionError('result nested too deeply');
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'number':
    case 'string':
    case 'bigint':
      return value;
    case 'object':
      return Array.isArray(value)
        ? value.map((item) => toConditionValue(item, depth + 1))
        : plainMap(value, depth);
    default:
      throw new ConditionError(`a result of type ${typeof value} cannot be used in a condition`);
  }
}

function plainMap(value: object, depth: number): ConditionValue {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ConditionError('a result that is not plain data cannot be used in a condition');
  }
  const map = Object.create(null) as Record<string, ConditionValue>;
  for (const [key, item] of Object.entries(value)) map[key] = toConditionValue(item, depth + 1);
  return map;
}
