/**
 * Input that cannot be read or used (a missing file, malformed manifests): the message names the file, line and
 * field, and the CLI reports it with exit code 2, without a stack trace.
 */
export class InputError extends Error {
  override name = 'InputError';
}
