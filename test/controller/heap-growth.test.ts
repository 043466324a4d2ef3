import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_GROWTH_PERCENT, limitHeapGrowth } from '../../src/controller/heap-growth.js';

describe('limitHeapGrowth', () => {
  it.each([
    { percent: 50, flags: ['--heap-growing-percent=50'] },
    { percent: 25, flags: ['--heap-growing-percent=25'] },
    { percent: 0, flags: [] },
  ])('$percent % sets $flags', ({ percent, flags }) => {
    const set: string[] = [];
    limitHeapGrowth(percent, (f) => set.push(f));
    expect(set).toEqual(flags);
  });

  it('names a V8 flag this Node knows (setFlagsFromString would ignore an unknown one silently)', () => {
    const run = (flag: string) => spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' });
    expect(run(`--heap-growing-percent=${DEFAULT_HEAP_GROWTH_PERCENT}`).status).toBe(0);
    expect(run('--heap-growing-percentage=50').status).not.toBe(0);
  });
});
