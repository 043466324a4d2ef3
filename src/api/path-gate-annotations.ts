import { PATH_GATE_ANNOTATION, PATH_TOLERANCE_ANNOTATION } from './labels.js';

export type PathGateMode = 'enforce' | 'warn';
export const DEFAULT_PATH_TOLERANCE = 0.02;

/** The traffic-path gate as a Rollout's annotations configure it; unreadable values fall back to the defaults. */
export interface PathGateAnnotations {
  mode: PathGateMode;
  /** Largest |effective − desired| canary share (fraction 0..1) a gated path may show. */
  tolerance: number;
  /** Unreadable annotations, each naming its field; the defaults apply instead. */
  problems: { field: string; message: string }[];
}

function annotationField(key: string): string {
  return `metadata.annotations["${key}"]`;
}

/** `truesplit.io/path-gate` (`warn` by default) and `truesplit.io/path-tolerance` (0.02 by default). */
export function readPathGateAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
): PathGateAnnotations {
  const settings: PathGateAnnotations = { mode: 'warn', tolerance: DEFAULT_PATH_TOLERANCE, problems: [] };
  const mode = annotations?.[PATH_GATE_ANNOTATION]?.trim();
  if (mode === 'enforce' || mode === 'warn') settings.mode = mode;
  else if (mode !== undefined && mode !== '')
    settings.problems.push({
      field: annotationField(PATH_GATE_ANNOTATION),
      message: `"${mode}" is not "enforce" or "warn"`,
    });
  const raw = annotations?.[PATH_TOLERANCE_ANNOTATION]?.trim();
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0 && value <= 1) settings.tolerance = value;
    else
      settings.problems.push({
        field: annotationField(PATH_TOLERANCE_ANNOTATION),
        message: `"${raw}" is not a fraction 0..1`,
      });
  }
  return settings;
}
