import { IsIn, IsInt, Max, Min } from 'class-validator';

import { ToInt } from './env-transforms';

export const SLOT_FAIL_MODES = ['open', 'closed'] as const;
export type SlotFailMode = (typeof SLOT_FAIL_MODES)[number];

/** Slots held across replicas through Redis (REDIS_URL): endpoint slots and per-key concurrency. */
export class SlotsEnv {
  /** How long a slot stays held without renewal: the longest a killed replica keeps its slots. */
  @ToInt()
  @IsInt()
  @Min(1_000)
  @Max(60_000)
  SLOT_LEASE_MS = 5_000;

  /** How often a request waiting for an endpoint slot held by another replica tries again. */
  @ToInt()
  @IsInt()
  @Min(10)
  @Max(5_000)
  SLOT_POLL_INTERVAL_MS = 100;

  /** Redis unreachable: use per-replica endpoint slots (open) or refuse with 503 (closed). */
  @IsIn(SLOT_FAIL_MODES)
  SLOT_FAIL_MODE: SlotFailMode = 'open';
}
