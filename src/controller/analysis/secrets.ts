/**
 * Secret values for analysis arguments (`valueFrom.secretKeyRef`), read from the API server when a measurement is
 * taken — never cached, never logged. Error messages name the Secret and key, never a value. ADR 0137.
 */
import type { Cluster } from '../../kube/cluster.js';
import { isNotFound } from '../../kube/errors.js';

export interface SecretReader {
  /** The decoded value of `key` in Secret `namespace/name`; throws SecretNotReadable when it cannot be read. */
  read(namespace: string, name: string, key: string): Promise<string>;
}

/** The Secret or the key does not exist: the run cannot be measured (Argo ends it in Error). */
export class SecretNotReadable extends Error {}

export function clusterSecretReader(cluster: Cluster): SecretReader {
  return {
    async read(namespace, name, key) {
      let data: Record<string, string> | undefined;
      try {
        data = (await cluster.get('Secret', namespace, name)).data;
      } catch (err) {
        if (isNotFound(err)) throw new SecretNotReadable(`secrets "${name}" not found`);
        throw err;
      }
      const encoded = data?.[key];
      if (encoded === undefined)
        throw new SecretNotReadable(`key '${key}' does not exist in secret '${name}'`);
      return Buffer.from(encoded, 'base64').toString('utf8');
    },
  };
}

/** Replaces every occurrence of a secret value in `text` by `*****` (Argo's redaction). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('*****');
  return out;
}
