import type { Judgement, OracleScenario } from './scenario.js';
import { formatShare } from '../../src/mesh/index.js';

/** Where a judgement lands in the agreement table. */
type Column = 'agree' | 'fixed' | 'uncertain' | 'disagree';
type Row = Record<Column, number> & { scenarios: number };

/** One probe of one scenario, as the disagreement lines name it (without the shares). */
export function judgementKey(scenario: OracleScenario, j: Judgement): string {
  const c = j.probe.caller;
  return `${scenario.name}: ${c.kind} ${c.namespace} ${JSON.stringify(c.labels ?? {})} -> ${j.probe.host}:${j.probe.port}`;
}

function columnOf(scenario: OracleScenario, j: Judgement, firstDisagreements: ReadonlySet<string>): Column {
  if (j.verdict !== 'agree') return j.verdict;
  return firstDisagreements.has(judgementKey(scenario, j)) ? 'fixed' : 'agree';
}

const HEADER: [string, number][] = [
  ['family', 16],
  ['scenarios', 10],
  ['probes', 8],
  ['agree', 8],
  ['fixed', 8],
  ['marked uncertain', 18],
  ['DISAGREE', 10],
];

function formatRow(cells: (string | number)[]): string {
  return cells
    .map((cell, i) => {
      const width = HEADER[i]?.[1] ?? 8;
      return i === 0 ? String(cell).padEnd(width) : String(cell).padStart(width);
    })
    .join('');
}

/**
 * Scenario family × agree / fixed / marked uncertain / DISAGREE, counted per probe (caller × dialled name). `fixed`
 * counts the agreements among the disagreements of the first full run (test/golden/oracle/first-disagreements.txt):
 * shares that once disagreed with Istio and now agree, by a fix of the harness or of the model (ADR 0040).
 */
export function agreementTable(
  judged: Map<OracleScenario, Judgement[]>,
  firstDisagreements: ReadonlySet<string> = new Set(),
): string {
  const empty = (): Row => ({ scenarios: 0, agree: 0, fixed: 0, uncertain: 0, disagree: 0 });
  const rows = new Map<string, Row>();
  const total = empty();
  for (const [scenario, judgements] of judged) {
    const row = rows.get(scenario.family) ?? empty();
    row.scenarios += 1;
    total.scenarios += 1;
    for (const j of judgements) {
      const column = columnOf(scenario, j, firstDisagreements);
      row[column] += 1;
      total[column] += 1;
    }
    rows.set(scenario.family, row);
  }
  const line = (name: string, r: Row) =>
    formatRow([
      name,
      r.scenarios,
      r.agree + r.fixed + r.uncertain + r.disagree,
      r.agree,
      r.fixed,
      r.uncertain,
      r.disagree,
    ]);
  return [
    formatRow(HEADER.map(([h]) => h)),
    ...[...rows].map(([n, r]) => line(n, r)),
    line('total', total),
  ].join('\n');
}

const share = (v: number | null | undefined) => (v === undefined ? '-' : formatShare(v));

/** The first `limit` disagreements, each with the scenario, the caller, both shares and why. */
export function disagreementReport(judged: Map<OracleScenario, Judgement[]>, limit: number): string {
  const lines: string[] = [];
  for (const [scenario, judgements] of judged) {
    for (const j of judgements) {
      if (j.verdict !== 'disagree' || lines.length >= limit) continue;
      lines.push(
        `DISAGREE ${judgementKey(scenario, j)}: model ${share(j.model)}, Istio ${share(j.oracle)}; ${j.detail}`,
      );
    }
  }
  return lines.join('\n');
}

/** Every disagreement, one line each, sorted: the recorded list the differential test ratchets against. */
export function allDisagreements(judged: Map<OracleScenario, Judgement[]>): string {
  return `${disagreementReport(judged, Number.POSITIVE_INFINITY).split('\n').filter(Boolean).sort().join('\n')}\n`;
}
