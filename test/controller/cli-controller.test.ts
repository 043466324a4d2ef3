import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { controller, parseControllerFlags } from '../../src/cli/commands/controller.js';
import { UsageError } from '../../src/cli/command.js';

describe('truesplit controller flags', () => {
  it.each([
    {
      name: 'defaults',
      argv: [],
      env: {},
      expected: {
        leaderElect: false,
        notificationNamespace: 'default',
        selfServiceNotifications: false,
        workers: 10,
        analysisWorkers: 30,
        resyncSeconds: 900,
        requestTimeoutSeconds: 30,
        heapGrowthPercent: 50,
        metricsPort: 8090,
        healthzPort: 8080,
        logLevel: 'info',
        telemetryIntervalSeconds: 15,
      },
    },
    {
      name: 'every flag',
      argv: [
        '--kubeconfig',
        'k',
        '--context',
        'c',
        '-n',
        'shop',
        '--leader-elect',
        '--workers',
        '3',
        '--analysis-workers',
        '7',
        '--resync',
        '60',
        '--request-timeout',
        '5',
        '--metrics-port',
        '9',
        '--healthz-port',
        '0',
        '--log-level',
        'debug',
        '--self-service-notification-enabled',
        '--prometheus-address',
        'http://prometheus.istio-system:9090',
        '--telemetry-interval',
        '5',
        '--heap-growth-percent',
        '0',
      ],
      env: { TRUESPLIT_PROMETHEUS_ADDRESS: 'http://ignored:9090' },
      expected: {
        kubeconfig: 'k',
        context: 'c',
        namespace: 'shop',
        leaseNamespace: 'shop',
        leaderElect: true,
        notificationNamespace: 'shop',
        selfServiceNotifications: true,
        workers: 3,
        analysisWorkers: 7,
        resyncSeconds: 60,
        requestTimeoutSeconds: 5,
        heapGrowthPercent: 0,
        metricsPort: 9,
        healthzPort: 0,
        logLevel: 'debug',
        prometheusAddress: 'http://prometheus.istio-system:9090',
        telemetryIntervalSeconds: 5,
      },
    },
    {
      name: 'lease namespace from POD_NAMESPACE',
      argv: ['--leader-elect'],
      env: { POD_NAMESPACE: 'truesplit' },
      expected: {
        leaseNamespace: 'truesplit',
        leaderElect: true,
        notificationNamespace: 'truesplit',
        selfServiceNotifications: false,
        workers: 10,
        analysisWorkers: 30,
        resyncSeconds: 900,
        requestTimeoutSeconds: 30,
        heapGrowthPercent: 50,
        metricsPort: 8090,
        healthzPort: 8080,
        logLevel: 'info',
        telemetryIntervalSeconds: 15,
      },
    },
  ])('$name', ({ argv, env, expected }) => {
    expect(parseControllerFlags(argv, env)).toEqual(expected);
  });

  it('takes the Prometheus address from TRUESPLIT_PROMETHEUS_ADDRESS without the flag', () => {
    const flags = parseControllerFlags([], { TRUESPLIT_PROMETHEUS_ADDRESS: 'http://p:9090' });
    expect(flags.prometheusAddress).toBe('http://p:9090');
  });

  it.each([
    {
      name: 'zero workers',
      argv: ['--workers', '0'],
      message: 'flag --workers must be a positive integer (got "0")',
    },
    {
      name: 'unknown log level',
      argv: ['--log-level', 'loud'],
      message: 'flag --log-level: unknown level "loud"',
    },
    {
      name: 'a zero request timeout',
      argv: ['--request-timeout', '0'],
      message: 'flag --request-timeout must be a positive integer (got "0")',
    },
    {
      name: 'zero analysis workers',
      argv: ['--analysis-workers', '0'],
      message: 'flag --analysis-workers must be a positive integer (got "0")',
    },
    {
      name: 'a fractional heap growth',
      argv: ['--heap-growth-percent', '1.5'],
      message: 'flag --heap-growth-percent must be a positive integer (got "1.5")',
    },
    { name: 'unknown flag', argv: ['--threads', '2'], message: 'unknown flag --threads' },
    {
      name: 'a Prometheus address that is not a URL',
      argv: ['--prometheus-address', 'prometheus:9090'],
      message: 'flag --prometheus-address must be an http:// or https:// URL (got "prometheus:9090")',
    },
  ])('rejects $name', ({ argv, message }) => {
    expect(() => parseControllerFlags(argv, {})).toThrow(new UsageError(message));
  });

  it('exits with a usage error naming the fix when no cluster is configured', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'truesplit-home-'));
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('HOME', empty);
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    let stderr = '';
    try {
      const code = await controller.run([], {
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
        stdin: Readable.from([]),
        isTTY: false,
        env: {},
      });
      expect([code, stderr]).toEqual([
        2,
        'truesplit controller: no cluster configured: set --kubeconfig or KUBECONFIG\n',
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
