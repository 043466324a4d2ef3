import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleScenarios, specScenarios } from './cases.js';
import { OracleProcess, ORACLE_BIN, oracleAvailable } from './client.js';
import { generateScenarios } from './families.js';
import type { Judgement, OracleScenario } from './scenario.js';
import { judge, modelPaths, oracleRequest } from './scenario.js';
import { agreementTable, allDisagreements, disagreementReport } from './table.js';

/**
 * The path model (src/mesh) against Istio's own config generation (hack/istio-oracle) on the examples, the
 * traffic-path spec's cases and seeded generated scenarios. Any share the model states that Istio contradicts
 * fails the test; shapes the model marks `prediction-uncertain` are counted, not compared.
 */
const SEED = Number(process.env['TRUESPLIT_ORACLE_SEED'] ?? 20261201);
const PER_FAMILY = Number(process.env['TRUESPLIT_ORACLE_PER_FAMILY'] ?? 200);
const WORKERS = Number(process.env['TRUESPLIT_ORACLE_WORKERS'] ?? 2);

const available = oracleAvailable();
if (!available && process.env['CI']) {
  throw new Error(`the Istio oracle is missing at ${ORACLE_BIN}: run hack/build-istio-oracle.sh first`);
}
if (!available) {
  console.warn(`test:oracle skipped: ${ORACLE_BIN} is absent (build it with hack/build-istio-oracle.sh)`);
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
      const paths = modelPaths(scenario);
      out.set(
        scenario,
        scenario.probes.map((p) => judge(paths, answer, p)),
      );
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
    scenarios.push(...(await exampleScenarios()), ...specScenarios(), ...generateScenarios(SEED, PER_FAMILY));
    const t0 = Date.now();
    judged = await judgeAll(scenarios);
    console.log(`${scenarios.length} scenarios judged in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    console.log(agreementTable(judged));
  }, 3_600_000);

  afterAll(() => {
    const report = disagreementReport(judged, 20);
    if (report) console.log(report);
  });

  it('covers the examples, the spec cases and at least 2,000 generated scenarios', () => {
    const generated = scenarios.filter((s) => !['examples', 'spec cases'].includes(s.family));
    expect(scenarios.some((s) => s.family === 'examples')).toBe(true);
    expect(scenarios.some((s) => s.family === 'spec cases')).toBe(true);
    expect(generated.length).toBeGreaterThanOrEqual(Math.min(2000, PER_FAMILY * 11));
  });

  /*
   * A ratchet: the disagreements still open are recorded in the golden file (each class explained in ADR 0040). A new
   * disagreement fails the test, and so does a recorded one that went away (update the file with `-u`), so the list
   * only shrinks on purpose. The goal, 0 lines, is not reached yet.
   */
  it('states no share Istio contradicts beyond the recorded open disagreements', async () => {
    await expect(allDisagreements(judged)).toMatchFileSnapshot('../golden/oracle/disagreements.txt');
  });
});
