import type { CanaryStep } from '../api/rollout.js';

/** A step as people read it in tables: "setWeight 10", "pause", "pause 10m"; no step means fully promoted. */
export function describeStep(step: CanaryStep | null): string {
  if (step === null) return 'promoted';
  if (step.setWeight !== undefined) return `setWeight ${step.setWeight}`;
  if (step.pause !== undefined)
    return step.pause.duration === undefined ? 'pause' : `pause ${step.pause.duration}`;
  if (step.setCanaryScale !== undefined) return `setCanaryScale ${describeCanaryScale(step.setCanaryScale)}`;
  if (step.analysis !== undefined) {
    const templates = (step.analysis.templates ?? []).map((t) => t.templateName).join(',');
    return templates ? `analysis ${templates}` : 'analysis';
  }
  if (step.setHeaderRoute !== undefined) return `setHeaderRoute ${step.setHeaderRoute.name}`;
  if (step.setMirrorRoute !== undefined) return `setMirrorRoute ${step.setMirrorRoute.name}`;
  if (step.experiment !== undefined) return 'experiment';
  if (step.plugin !== undefined) return `plugin ${step.plugin.name}`;
  return 'unknown';
}

function describeCanaryScale(scale: NonNullable<CanaryStep['setCanaryScale']>): string {
  if (scale.replicas !== undefined) return `replicas=${scale.replicas}`;
  if (scale.weight !== undefined) return `weight=${scale.weight}`;
  return scale.matchTrafficWeight ? 'matchTrafficWeight' : '';
}
