// Profiles: named sets of defaults for the scenario sizes. Inputs the user sets win over them.

import type { RawInputs } from './inputs.js';

export const PROFILES = ['quick', 'default', 'soak'] as const;
export type Profile = (typeof PROFILES)[number];

/** What each profile changes from the plain input defaults (the `default` profile changes nothing). */
export const PROFILE_DEFAULTS: Record<Profile, RawInputs> = {
  quick: {
    'warmup-connections': '3',
    'flap-cycles': '10',
    'leak-clients': '2',
    'leak-cycles': '10',
    'leak-rounds': '2',
    // 30 connections are too few for a trend: the fit would read a clean server's warm-up as a leak.
    'max-leak-kb-per-connection': 'off',
    'cooldown-ms': '1000',
    'recovery-hold-ms': '500',
  },
  default: {},
  soak: {
    'warmup-connections': '200',
    'flap-hold-ms': '10',
    'flap-pause-ms': '10',
    'leak-clients': '10',
    'leak-cycles': '300',
    'leak-rounds': '6',
    'max-leak-kb-per-connection': '10',
  },
};
