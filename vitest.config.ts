import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['__tests__/helpers/global-temp.ts'],
    // Integration tests run real servers through whole gate runs; unit tests finish far below this.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Integration tests mostly wait on timers and sockets: the whole suite used about 250 s of CPU in a 13-minute run
    // on two busy cores, so four files at a time still leave the cores idle most of the time.
    maxWorkers: 4,
  },
});
