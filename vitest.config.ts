import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the library's source, not its build output.
    alias: { 'hyperv-kvp': fileURLToPath(new URL('./shared/hyperv-kvp/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
    // A throwaway PostgreSQL cluster when Debian's server is installed (test/support/postgres.ts).
    globalSetup: ['test/support/postgres-global-setup.ts'],
    // Every agent a test starts (in process or as a child) serves its API on an ephemeral port.
    env: { AVMA_LISTEN: '127.0.0.1:0' },
  },
});
