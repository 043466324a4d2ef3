import type { Judgement, OracleScenario, Verdict } from './scenario.js';
import { formatShare } from '../../src/mesh/index.js';

/** Scenario family × agree / model-uncertain / DISAGREE, counted per probe (caller × dialled name). */
export function agreementTable(judged: Map<OracleScenario, Judgement[]>): string {
  const rows = new Map<string, Record<Verdict, number> & { scenarios: number }>();
  for (const [scenario, judgements] of judged) {
    const row = rows.get(scenario.family) ?? { scenarios: 0, agree: 0, uncertain: 0, disagree: 0 };
    row.scenarios += 1;
    for (const j of judgements) row[j.verdict] += 1;
    rows.set(scenario.family, row);
  }
  const total = { scenarios: 0, agree: 0, uncertain: 0, disagree: 0 };
  const lines = [
    `${'family'.padEnd(16)}${'scenarios'.padStart(10)}${'probes'.padStart(8)}${'agree'.padStart(8)}${'uncertain'.padStart(11)}${'DISAGREE'.padStart(10)}`,
  ];
  const line = (name: string, r: typeof total) => {
    const probes = r.agree + r.uncertain + r.disagree;
    lines.push(
      `${name.padEnd(16)}${String(r.scenarios).padStart(10)}${String(probes).padStart(8)}${String(r.agree).padStart(8)}${String(r.uncertain).padStart(11)}${String(r.disagree).padStart(10)}`,
    );
  };
  for (const [name, r] of rows) {
    line(name, r);
    for (const k of ['scenarios', 'agree', 'uncertain', 'disagree'] as const) total[k] += r[k];
  }
  line('total', total);
  return lines.join('\n');
}

const share = (v: number | null | undefined) => (v === undefined ? '-' : formatShare(v));

/** The first `limit` disagreements, each with the scenario, the caller, both shares and why. */
export function disagreementReport(judged: Map<OracleScenario, Judgement[]>, limit: number): string {
  const lines: string[] = [];
  for (const [scenario, judgements] of judged) {
    for (const j of judgements) {
      if (j.verdict !== 'disagree' || lines.length >= limit) continue;
      const c = j.probe.caller;
      lines.push(
        `DISAGREE ${scenario.name}: ${c.kind} ${c.namespace} ${JSON.stringify(c.labels ?? {})} -> ${j.probe.host}:${j.probe.port}: ` +
          `model ${share(j.model)}, Istio ${share(j.oracle)}; ${j.detail}`,
      );
    }
  }
  return lines.join('\n');
}

/** Every disagreement, one line each, sorted: the recorded list the differential test ratchets against. */
export function allDisagreements(judged: Map<OracleScenario, Judgement[]>): string {
  return `${disagreementReport(judged, Number.POSITIVE_INFINITY).split('\n').filter(Boolean).sort().join('\n')}\n`;
}
