// Profiles: named sets of defaults for the scenario sizes. Inputs the user sets win over them.

export const PROFILES = ['quick', 'default', 'soak'] as const;
export type Profile = (typeof PROFILES)[number];

/**
 * The defaults of the inputs that depend on the profile. These inputs have no plain default of their own (action.yml
 * declares them empty), so a value the user sets always wins, even one equal to the reference value.
 */
export const PROFILE_DEFAULTS: Record<Profile, Readonly<Record<string, string>>> = {
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
  // The reference workload: the plain defaults of every input a profile changes.
  default: {
    scenarios: 'flapping,leak,recovery',
    'warmup-connections': '5',
    'flap-cycles': '20',
    'flap-hold-ms': '100',
    'flap-pause-ms': '50',
    'leak-clients': '3',
    'leak-cycles': '15',
    'leak-rounds': '3',
    'max-leak-kb-per-connection': '100',
    'cooldown-ms': '2000',
    'recovery-hold-ms': '1000',
  },
  soak: {
    scenarios: 'flapping,leak,recovery,hostile',
    // V8 grows its heap over a Node server's first ~3,000 connections (RSS +28 MB on graphql-ws): warm up past it.
    'warmup-connections': '3000',
    'flap-hold-ms': '10',
    'flap-pause-ms': '10',
    'leak-clients': '10',
    'leak-cycles': '300',
    'leak-rounds': '6',
    'max-leak-kb-per-connection': '10',
  },
};

/** "20 (quick: 10)": an input's default under each profile, for help texts and docs; '' for an input no profile sets. */
export function profileDefaultText(name: string): string {
  const reference = PROFILE_DEFAULTS.default[name];
  if (reference === undefined) return '';
  const others = PROFILES.filter((p) => p !== 'default' && PROFILE_DEFAULTS[p][name] !== undefined).map(
    (p) => `${p}: ${PROFILE_DEFAULTS[p][name]}`,
  );
  return others.length === 0 ? reference : `${reference} (${others.join(', ')})`;
}
