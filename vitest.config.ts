import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['__tests__/helpers/global-temp.ts'],
    // Integration tests run real servers through whole gate runs; unit tests finish far below this.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Integration tests mostly wait on timers and sockets: three files at a time fit two cores.
    maxWorkers: 3,
  },
});
