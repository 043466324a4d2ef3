/**
 * One e2e environment per test file: a fresh control plane, an admin client for the test's own reads and writes,
 * the controller's ServiceAccount identity (shipped RBAC), and controller processes started on demand.
 */
import { join } from 'node:path';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { startControlPlane } from '../cluster/control-plane.ts';
import type { ControllerOptions } from './controller-process.ts';
import { ControllerProcess, ensureControllerBuilt } from './controller-process.ts';
import type { ControllerIdentity } from './controller-identity.ts';
import { provisionControllerIdentity } from './controller-identity.ts';
import { E2eClient } from './kube.ts';

export interface E2eEnvironment {
  plane: ControlPlane;
  admin: E2eClient;
  identity: ControllerIdentity;
  logDir: string;
  /** Starts `truesplit controller` with the ServiceAccount kubeconfig; waits for /readyz unless told not to. */
  startController(
    name: string,
    options?: Partial<ControllerOptions> & { waitReady?: boolean },
  ): Promise<ControllerProcess>;
  stop(): Promise<void>;
}

/** `crdDirs`: the CRDs to install instead of the default (../shared/crds/istio and deploy/crds). */
export async function startEnvironment(options: { crdDirs?: string[] } = {}): Promise<E2eEnvironment> {
  ensureControllerBuilt();
  const plane = await startControlPlane({
    log: (msg) => console.log(`control plane: ${msg}`),
    ...(options.crdDirs ? { crdDirs: options.crdDirs } : {}),
  });
  const admin = new E2eClient(plane.kubeconfigPath);
  const identity = await provisionControllerIdentity(admin, plane, plane.workDir);
  const logDir = join(plane.workDir, 'logs');
  const controllers: ControllerProcess[] = [];
  return {
    plane,
    admin,
    identity,
    logDir,
    async startController(name, options = {}) {
      const { waitReady = true, ...rest } = options;
      const controller = await ControllerProcess.start({
        kubeconfig: identity.kubeconfigPath,
        logDir,
        name,
        // The controller runs as the shipped ServiceAccount in its namespace, as the Deployment does.
        podNamespace: identity.namespace,
        ...rest,
      });
      controllers.push(controller);
      if (waitReady) await controller.waitReady();
      return controller;
    },
    async stop() {
      await Promise.all(controllers.map((c) => c.stop()));
      await plane.stop();
    },
  };
}
