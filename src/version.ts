// The gate's name and version, as reports and the CLI state them (a test keeps it equal to package.json).

export const TOOL_NAME = 'ws-resilience-gate';
export const TOOL_VERSION = '0.1.0';
/** Where the README lives; warnings link to its sections. */
export const TOOL_REPOSITORY_URL = 'https://github.com/ws-resilience-gate/ws-resilience-gate';
