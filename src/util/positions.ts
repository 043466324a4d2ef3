/**
 * Lists indexed by string keys: the positions of the items under each key, and the items under some keys picked back
 * in list order, so a reader that filtered the whole list sees the same order.
 */
export type PositionIndex = ReadonlyMap<string, readonly number[]>;

/** Positions of items by string keys. */
export function positionsBy<T>(items: readonly T[], keys: (item: T) => readonly string[]): PositionIndex {
  const map = new Map<string, number[]>();
  items.forEach((item, position) => {
    for (const key of new Set(keys(item))) {
      const list = map.get(key);
      if (list) list.push(position);
      else map.set(key, [position]);
    }
  });
  return map;
}

/** Items at the positions listed under any of `keys`, in their original order. */
export function pick<T>(items: readonly T[], index: PositionIndex, keys: Iterable<string>): T[] {
  const positions = new Set<number>();
  for (const key of keys) for (const position of index.get(key) ?? []) positions.add(position);
  return [...positions].sort((a, b) => a - b).map((position) => items[position] as T);
}
