/** Seeded randomness so a failing random schedule can be replayed from its printed seed. */
import { seededRng } from '../../src/sandbox/request-simulator.ts';

/** mulberry32, the sandbox's PRNG: the same seed gives the same sequence. */
export const seededRandom = seededRng;

/** The seed from TRUESPLIT_E2E_SEED, else a fresh one. */
export function seedFromEnv(): number {
  const fromEnv = process.env['TRUESPLIT_E2E_SEED'];
  return fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
}
