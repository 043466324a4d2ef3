/** Printing what a mutating verb did: a sentence for people, the resulting objects for machines. */
import type { KubeObject } from '../../api/meta.js';
import type { CliIo } from '../command.js';
import { serialize } from '../output.js';
import type { LiveFormat } from './flags.js';

/** One object as itself, several as a kubectl `List`. */
export function printObjects(
  io: CliIo,
  format: LiveFormat,
  objects: readonly KubeObject[],
  sentences: readonly string[],
): void {
  if (format === 'human') {
    for (const sentence of sentences) io.stdout.write(`${sentence}\n`);
    return;
  }
  const data = objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
  io.stdout.write(serialize(data, format));
}
