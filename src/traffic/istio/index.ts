/** The Istio traffic router: pure VirtualService / DestinationRule transforms, errors as values. */
export { planTraffic, type TrafficPlanInput } from './reconcile-traffic.js';
export { renderTrafficObjects, type RenderedTraffic } from './render.js';
export { validateIstioTrafficRouting, type IstioValidationInput } from './validate.js';
export {
  setWeight,
  setHeaderRoute,
  removeHeaderRoute,
  setMirrorRoute,
  removeMirrorRoute,
  reorderManagedRoutes,
  applyTrafficIntent,
  type VirtualServiceIntent,
} from './operations.js';
export { removeManagedRoutes } from './managed-routes.js';
export { planRouteCleanup } from './cleanup.js';
export { updateHashes, stripManagedHashes } from './destination-rule.js';
export { hashSwitchBlocker } from './delay.js';
export {
  multipleVirtualServicesConfigured,
  routingOf,
  splitVirtualServiceRef,
  routingRoles,
  stableAndCanaryServices,
  virtualServiceRefs,
} from './roles.js';
export { selectHttpRouteIndexes, selectTlsRouteIndexes, selectTcpRouteIndexes } from './route-selection.js';
export { ISTIO_ROUTER } from './router.js';
