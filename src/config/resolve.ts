// How each input's value is found: the value given, else the profile's default, else the plain one. Pure.

import { INPUTS, inputDefault, type InputName, type RawInputs } from './inputs.js';
import { PROFILE_DEFAULTS, PROFILES, type Profile } from './profiles.js';
import { ConfigError } from './types.js';

/**
 * How each input's value is found: the value given, else the profile's default, else the plain one.
 * `explicit` tells a value the user chose from a default.
 */
export function resolveInputs(raw: RawInputs, defaults: RawInputs) {
  const profileText = raw.profile?.trim() || defaults.profile || inputDefault('profile');
  if (!PROFILES.includes(profileText as Profile)) throw new ConfigError('profile', profileText, `one of ${PROFILES.join(', ')}`);
  const profile = profileText as Profile;
  const defaultOf = (name: InputName): string =>
    defaults[name] ?? PROFILE_DEFAULTS[profile][name] ?? PROFILE_DEFAULTS.default[name] ?? inputDefault(name);
  // Inputs a profile sets have no default in action.yml, so the runner passes them only when the user set them:
  // any value given is the user's choice and wins over the profile.
  const given = (name: InputName): string | null => {
    const value = raw[name]?.trim();
    return value === undefined || value === '' ? null : value;
  };
  const get = (name: InputName): string => given(name) ?? defaultOf(name);
  const explicit = (name: InputName): boolean => {
    const value = given(name);
    return value !== null && value !== defaultOf(name);
  };
  return { profile, get, explicit };
}

/** Every input's default under a profile (the reference one when the name is unknown), for "settings not default". */
export function defaultSettings(profileName: string | undefined): Record<string, string> {
  const profile = PROFILES.includes(profileName as Profile) ? (profileName as Profile) : 'default';
  return Object.fromEntries(
    INPUTS.map((i) => [i.name, PROFILE_DEFAULTS[profile][i.name] ?? PROFILE_DEFAULTS.default[i.name] ?? i.default]),
  );
}
