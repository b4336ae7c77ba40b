// Bad input: the one error every parser throws, naming the input, what was given and what is accepted.

/** Bad input: names the input, what was given and what is accepted. */
export class ConfigError extends Error {
  constructor(
    readonly input: string,
    readonly given: string,
    readonly accepted: string,
  ) {
    super(`'${input}' must be ${accepted}, got '${given.length > 200 ? `${given.slice(0, 200)}…` : given}'`);
    this.name = 'ConfigError';
  }
}
