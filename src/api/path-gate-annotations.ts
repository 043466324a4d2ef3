import {
  OBSERVED_WINDOW_ANNOTATION,
  PATH_GATE_ANNOTATION,
  PATH_GATE_SOURCE_ANNOTATION,
  PATH_MIN_SAMPLES_ANNOTATION,
  PATH_TOLERANCE_ANNOTATION,
  PROMETHEUS_ADDRESS_ANNOTATION,
} from './labels.js';

export type PathGateMode = 'enforce' | 'warn';
/** What the gate judges: the model's prediction, Istio's telemetry, or both (blocked if either blocks). */
export type PathGateSource = 'predicted' | 'observed' | 'both';
export const DEFAULT_PATH_TOLERANCE = 0.02;
export const DEFAULT_OBSERVED_WINDOW = '1m';
export const DEFAULT_PATH_MIN_SAMPLES = 20;

/** The traffic-path gate as a Rollout's annotations configure it; unreadable values fall back to the defaults. */
export interface PathGateAnnotations {
  mode: PathGateMode;
  /** Largest |effective − desired| canary share (fraction 0..1) a gated path may show. */
  tolerance: number;
  source: PathGateSource;
  /** The PromQL window of the observed split (`1m`). */
  observedWindow: string;
  /** Requests a path needs in the window before its observed share counts. */
  minSamples: number;
  /** `truesplit.io/prometheus-address`, when set and a valid http(s) URL. */
  prometheusAddress?: string;
  /** Unreadable annotations, each naming its field; the defaults apply instead. */
  problems: { field: string; message: string }[];
}

function annotationField(key: string): string {
  return `metadata.annotations["${key}"]`;
}

type Settings = Omit<PathGateAnnotations, 'problems' | 'prometheusAddress'> & { prometheusAddress?: string };

/** One annotation: its parser (undefined: unreadable) and what the problem says then. */
interface AnnotationRule {
  key: string;
  expected: string;
  apply(raw: string, settings: Settings): boolean;
}

const RULES: readonly AnnotationRule[] = [
  {
    key: PATH_GATE_ANNOTATION,
    expected: 'is not "enforce" or "warn"',
    apply: (raw, s) => (raw === 'enforce' || raw === 'warn' ? ((s.mode = raw), true) : false),
  },
  {
    key: PATH_TOLERANCE_ANNOTATION,
    expected: 'is not a fraction 0..1',
    apply: (raw, s) => {
      const value = Number(raw);
      return Number.isFinite(value) && value >= 0 && value <= 1 ? ((s.tolerance = value), true) : false;
    },
  },
  {
    key: PATH_GATE_SOURCE_ANNOTATION,
    expected: 'is not "predicted", "observed" or "both"',
    apply: (raw, s) =>
      raw === 'predicted' || raw === 'observed' || raw === 'both' ? ((s.source = raw), true) : false,
  },
  {
    key: OBSERVED_WINDOW_ANNOTATION,
    expected: 'is not a PromQL duration such as 30s or 1m',
    apply: (raw, s) => (/^[1-9]\d*(ms|s|m|h|d|w|y)$/.test(raw) ? ((s.observedWindow = raw), true) : false),
  },
  {
    key: PATH_MIN_SAMPLES_ANNOTATION,
    expected: 'is not a whole number of requests (0 or more)',
    apply: (raw, s) => (/^\d+$/.test(raw) ? ((s.minSamples = Number(raw)), true) : false),
  },
  {
    key: PROMETHEUS_ADDRESS_ANNOTATION,
    expected: 'is not an http:// or https:// URL',
    apply: (raw, s) => (isHttpUrl(raw) ? ((s.prometheusAddress = raw), true) : false),
  },
];

export function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * `truesplit.io/path-gate` (`warn` by default), `truesplit.io/path-tolerance` (0.02), `truesplit.io/path-gate-source`
 * (`predicted`), `truesplit.io/observed-window` (`1m`), `truesplit.io/path-min-samples` (20) and
 * `truesplit.io/prometheus-address` (none: the controller's `--prometheus-address`).
 */
export function readPathGateAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
): PathGateAnnotations {
  const settings: Settings = {
    mode: 'warn',
    tolerance: DEFAULT_PATH_TOLERANCE,
    source: 'predicted',
    observedWindow: DEFAULT_OBSERVED_WINDOW,
    minSamples: DEFAULT_PATH_MIN_SAMPLES,
  };
  const problems: PathGateAnnotations['problems'] = [];
  for (const rule of RULES) {
    const raw = annotations?.[rule.key]?.trim();
    if (raw === undefined || raw === '' || rule.apply(raw, settings)) continue;
    problems.push({ field: annotationField(rule.key), message: `"${raw}" ${rule.expected}` });
  }
  return { ...settings, problems };
}
