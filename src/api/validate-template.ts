import type { ReportProblem } from './validate-values.js';
import { validateStringMap } from './validate-selector.js';
import { describeValue, isRecord, optionalStringProblem } from './validate-values.js';

const TEMPLATE_PATH = 'spec.template';
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/**
 * The parts of the pod template truesplit reads (labels, annotations, containers' names and images) must have their
 * Kubernetes types, and every container its name and image (both required by the API server); the rest of the pod
 * spec is the API server's to check.
 */
export function validatePodTemplate(template: unknown, report: ReportProblem): void {
  if (!isRecord(template)) {
    report(TEMPLATE_PATH, `must be an object (found ${describeValue(template)})`);
    return;
  }
  const { metadata, spec } = template;
  if (metadata !== undefined) validateTemplateMetadata(metadata, report);
  if (spec === undefined) return;
  if (!isRecord(spec)) {
    report(`${TEMPLATE_PATH}.spec`, `must be an object (found ${describeValue(spec)})`);
    return;
  }
  if (spec.containers === undefined) report(`${TEMPLATE_PATH}.spec.containers`, 'required');
  for (const list of CONTAINER_LISTS) validateContainers(spec[list], `${TEMPLATE_PATH}.spec.${list}`, report);
}

function validateTemplateMetadata(metadata: unknown, report: ReportProblem): void {
  const path = `${TEMPLATE_PATH}.metadata`;
  if (!isRecord(metadata)) {
    report(path, `must be an object (found ${describeValue(metadata)})`);
    return;
  }
  for (const key of ['labels', 'annotations'] as const) {
    if (metadata[key] !== undefined) validateStringMap(metadata[key], `${path}.${key}`, report);
  }
}

function validateContainers(containers: unknown, path: string, report: ReportProblem): void {
  if (containers === undefined) return;
  if (!Array.isArray(containers)) {
    report(path, `must be a list of containers (found ${describeValue(containers)})`);
    return;
  }
  containers.forEach((container: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(container)) return report(at, `must be an object (found ${describeValue(container)})`);
    for (const field of ['name', 'image'] as const) {
      const value = container[field];
      const problem = value === undefined || value === '' ? 'required' : optionalStringProblem(value);
      if (problem) report(`${at}.${field}`, problem);
    }
  });
}
