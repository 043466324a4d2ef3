/** Kubernetes API errors as values the controller can branch on (404 done, 409 requeue, 410 relist). */

export type KubeErrorReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'UnsupportedMediaType'
  | 'Unknown';

const REASON_BY_CODE: Record<number, KubeErrorReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly code: number,
    readonly reason: KubeErrorReason,
    message: string,
  ) {
    super(message);
  }

  static fromCode(code: number, message: string, reason?: string): KubeApiError {
    return new KubeApiError(code, knownReason(reason) ?? REASON_BY_CODE[code] ?? 'Unknown', message);
  }
}

function knownReason(reason: string | undefined): KubeErrorReason | undefined {
  const all: string[] = [...Object.values(REASON_BY_CODE), 'AlreadyExists'];
  return reason !== undefined && all.includes(reason) ? (reason as KubeErrorReason) : undefined;
}

export const notFound = (what: string): KubeApiError =>
  new KubeApiError(404, 'NotFound', `${what} not found`);
export const alreadyExists = (what: string): KubeApiError =>
  new KubeApiError(409, 'AlreadyExists', `${what} already exists`);
export const conflict = (what: string): KubeApiError =>
  new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`,
  );
export const gone = (message: string): KubeApiError => new KubeApiError(410, 'Gone', message);
export const invalid = (what: string, detail: string): KubeApiError =>
  new KubeApiError(422, 'Invalid', `${what} is invalid: ${detail}`);

export function isKubeApiError(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError;
}
export const isNotFound = (err: unknown): boolean => isKubeApiError(err) && err.code === 404;
/** A stale resourceVersion (409 Conflict). AlreadyExists shares the code but is a different failure. */
export const isConflict = (err: unknown): boolean =>
  isKubeApiError(err) && err.code === 409 && err.reason !== 'AlreadyExists';
export const isAlreadyExists = (err: unknown): boolean =>
  isKubeApiError(err) && err.code === 409 && err.reason === 'AlreadyExists';
export const isGone = (err: unknown): boolean => isKubeApiError(err) && err.code === 410;
