/** The intent verbs (promote, abort, retry, pause, resume, restart, set image, undo): requests in, patches out. */
export { rolloutRef, VerbError } from './errors.js';
export type { RolloutPatches, StepSkip } from './step-verbs.js';
export { needsReplicaSets, planVerb, type VerbName, type VerbPlan, type VerbRequest } from './verbs.js';
