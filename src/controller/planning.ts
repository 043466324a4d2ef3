/** The pure functions the reconcile pass composes (`src/plan/planning.ts`), for the controller's wiring. */
export { defaultPlanning, type Planning } from '../plan/planning.js';
export { PathModelMemo } from '../plan/path-memo.js';
