/**
 * Every value truesplit takes from @kubernetes/client-node, in one module. The package's index loads all of its
 * generated code (every API group's request factories, response processors and models: about 25 MB of JavaScript,
 * kept in memory as source) although the controller calls five API groups; `npm run build` therefore replaces
 * this module's compiled form, dist/kube/client-node.js, with a tree-shaken bundle of exactly these exports
 * (hack/bundle-client-node.ts; ADR 0245). The code that runs is client-node's own either way: the bundle only leaves
 * out what nothing here reaches. Add an export here, not an import of the package elsewhere.
 */
export {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
