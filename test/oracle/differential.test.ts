import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleScenarios, specScenarios } from './cases.js';
import { OracleProcess, ORACLE_BIN, oracleAvailable } from './client.js';
import { generateScenarios } from './families.js';
import type { Judgement, OracleScenario } from './scenario.js';
import { dumpScenario, judge, modelPaths, oracleRequest } from './scenario.js';
import { agreementTable, allDisagreements, disagreementReport } from './table.js';

/**
 * The path model (src/mesh) against Istio's own config generation (hack/istio-oracle) on the examples, the
 * traffic-path spec's cases and seeded generated scenarios. Any share the model states that Istio contradicts
 * fails the test; shapes the model marks `prediction-uncertain` are counted, not compared.
 */
const SEED = Number(process.env['TRUESPLIT_ORACLE_SEED'] ?? 20261201);
const PER_FAMILY = Number(process.env['TRUESPLIT_ORACLE_PER_FAMILY'] ?? 200);
const WORKERS = Number(process.env['TRUESPLIT_ORACLE_WORKERS'] ?? 2);
/** Investigation: only scenarios whose name matches this pattern; the ratchet is then not checked. */
const ONLY = process.env['TRUESPLIT_ORACLE_ONLY'];
/** Investigation: print the oracle's answer and the model's paths for every disagreement. */
const DUMP = process.env['TRUESPLIT_ORACLE_DUMP'] === '1';

const available = oracleAvailable();
if (!available && process.env['CI']) {
  throw new Error(`the Istio oracle is missing at ${ORACLE_BIN}: run hack/build-istio-oracle.sh first`);
}
if (!available) {
  console.warn(`test:oracle skipped: ${ORACLE_BIN} is absent (build it with hack/build-istio-oracle.sh)`);
}

/** The disagreements of the first full run, without their shares: what `fixed` in the table counts against. */
function firstDisagreements(): Set<string> {
  const file = resolve(import.meta.dirname, '../golden/oracle/first-disagreements.txt');
  return new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean));
}

async function judgeAll(scenarios: OracleScenario[]): Promise<Map<OracleScenario, Judgement[]>> {
  const workers = Array.from({ length: WORKERS }, () => new OracleProcess());
  const out = new Map<OracleScenario, Judgement[]>();
  let next = 0;
  const work = async (oracle: OracleProcess) => {
    while (next < scenarios.length) {
      const scenario = scenarios[next] as OracleScenario;
      const id = `${next++}`;
      const answer = await oracle.ask(oracleRequest(scenario, id));
      if (answer.error) throw new Error(`${scenario.name}: the oracle failed: ${answer.error}`);
      // Istio rejecting an invalid config is an answer; Istio unable to read what the test wrote is a harness bug.
      const unreadable = (answer.rejected ?? []).filter((r) => r.includes('cannot parse'));
      if (unreadable.length > 0)
        throw new Error(`${scenario.name}: the oracle cannot read ${unreadable.join('; ')}`);
      const paths = modelPaths(scenario);
      const judgements = scenario.probes.map((p) => judge(paths, answer, p));
      if (DUMP && judgements.some((j) => j.verdict === 'disagree')) dumpScenario(scenario, answer, paths);
      out.set(scenario, judgements);
    }
  };
  try {
    await Promise.all(workers.map(work));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  return out;
}

describe.skipIf(!available)('path model vs Istio (differential)', () => {
  let judged = new Map<OracleScenario, Judgement[]>();
  const scenarios: OracleScenario[] = [];

  beforeAll(async () => {
    const all = [...(await exampleScenarios()), ...specScenarios(), ...generateScenarios(SEED, PER_FAMILY)];
    scenarios.push(...(ONLY ? all.filter((s) => new RegExp(ONLY).test(s.name)) : all));
    const t0 = Date.now();
    judged = await judgeAll(scenarios);
    console.log(`${scenarios.length} scenarios judged in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    console.log(agreementTable(judged, firstDisagreements()));
  }, 3_600_000);

  afterAll(() => {
    const report = disagreementReport(judged, 20);
    if (report) console.log(report);
  });

  it.runIf(ONLY !== undefined)('judges the scenarios the pattern selects', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  it.skipIf(ONLY !== undefined)(
    'covers the examples, the spec cases and at least 2,000 generated scenarios',
    () => {
      const generated = scenarios.filter((s) => !['examples', 'spec cases'].includes(s.family));
      expect(scenarios.some((s) => s.family === 'examples')).toBe(true);
      expect(scenarios.some((s) => s.family === 'spec cases')).toBe(true);
      expect(generated.length).toBeGreaterThanOrEqual(Math.min(2000, PER_FAMILY * 11));
    },
  );

  /*
   * A ratchet: disagreements still open are recorded in the golden file (each class explained in ADR 0040). A new
   * disagreement fails the test, and so does a recorded one that went away (update the file with `-u`), so the list
   * only shrinks on purpose. It is empty: the model states no share Istio contradicts.
   */
  it.skipIf(ONLY !== undefined)(
    'states no share Istio contradicts beyond the recorded open disagreements',
    async () => {
      await expect(allDisagreements(judged)).toMatchFileSnapshot('../golden/oracle/disagreements.txt');
    },
  );
});
