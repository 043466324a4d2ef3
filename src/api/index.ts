export * from './meta.js';
export * from './labels.js';
export * from './rollout.js';
export * from './workloads.js';
export * from './istio.js';
export * from './analysis.js';
