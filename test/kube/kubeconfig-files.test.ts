import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/kube/kubeconfig.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function kubeconfig(
  files: { ca?: string; cert?: string; key?: string },
  otherCa = '/nonexistent/ca.crt',
): string {
  const dir = mkdtempSync(join(tmpdir(), 'truesplit-kubeconfig-'));
  dirs.push(dir);
  const file = (name: string, content: string | undefined) => {
    if (content === undefined) return join(dir, `missing-${name}`);
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const path = join(dir, 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: main',
      'clusters:',
      `- name: main\n  cluster: {server: "https://127.0.0.1:6443", certificate-authority: "${file('ca.crt', files.ca)}"}`,
      `- name: unused\n  cluster: {server: "https://127.0.0.2:6443", certificate-authority: "${otherCa}"}`,
      'users:',
      `- name: admin\n  user: {client-certificate: "${file('tls.crt', files.cert)}", client-key: "${file('tls.key', files.key)}"}`,
      'contexts:',
      '- name: main\n  context: {cluster: main, user: admin}',
      '- name: other\n  context: {cluster: unused, user: admin}',
    ].join('\n'),
  );
  return path;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('loadKubeConfig reads the current context’s credential files once', () => {
  it('keeps the CA, certificate and key as data, so no request reads the disk', () => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfig({ ca: 'CA', cert: 'CERT', key: 'KEY' }) });
    expect(kc.getCurrentCluster()).toMatchObject({ caData: b64('CA') });
    expect(kc.getCurrentCluster()?.caFile).toBeUndefined();
    expect(kc.getCurrentUser()).toMatchObject({ certData: b64('CERT'), keyData: b64('KEY') });
    expect(kc.getCurrentUser()?.certFile).toBeUndefined();
    expect(kc.getCurrentUser()?.keyFile).toBeUndefined();
  });

  it('leaves other contexts’ files alone (they may not exist on this machine)', () => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfig({ ca: 'CA', cert: 'CERT', key: 'KEY' }) });
    expect(kc.getCluster('unused')?.caFile).toBe('/nonexistent/ca.crt');
  });

  it.each([
    { missing: 'ca', files: { cert: 'C', key: 'K' }, what: /certificate-authority .*missing-ca\.crt/ },
    { missing: 'cert', files: { ca: 'A', key: 'K' }, what: /client-certificate .*missing-tls\.crt/ },
    { missing: 'key', files: { ca: 'A', cert: 'C' }, what: /client-key .*missing-tls\.key/ },
  ])('names an unreadable $missing file', ({ files, what }) => {
    expect(() => loadKubeConfig({ kubeconfig: kubeconfig(files) })).toThrow(what);
  });
});
