/** The README's "Compatibility with Argo Rollouts" table, rendered from the rule table (compat-rules.ts). Pure. */
import { COMPAT_RULES, type CompatRule } from './compat-rules.js';

const SUPPORT_LABELS: Record<CompatRule['support'], string> = {
  supported: 'supported',
  difference: 'supported, with a difference',
  warned: 'warned (ignored)',
  held: 'warned + held',
  rejected: 'rejected',
};

function supportCell(rule: CompatRule, adrPath: (adr: string) => string): string {
  const label = SUPPORT_LABELS[rule.support];
  return rule.adr ? `${label} ([ADR ${rule.adr}](${adrPath(rule.adr)}))` : label;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Markdown: one row per field, in table order. `adrPath` maps an ADR number to its file's relative path. */
export function renderCompatTable(adrPath: (adr: string) => string): string {
  const header = ['| Field | Support | What truesplit does |', '| --- | --- | --- |'];
  const rows = COMPAT_RULES.map(
    (rule) => `| \`${rule.field}\` | ${supportCell(rule, adrPath)} | ${escapeCell(rule.note)} |`,
  );
  return [...header, ...rows].join('\n') + '\n';
}
