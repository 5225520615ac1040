import { defineConfig } from 'vitest/config';

// Tests share two CPU cores with ONNX Runtime sessions and Chromium: run files one at a time
// so timings inside a test are not distorted and memory stays bounded.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // A poll waits on Chromium renders and ONNX Runtime sessions that share the same two cores:
    // one second (the default) is shorter than a render can lag under load.
    expect: { poll: { timeout: 10_000 } },
    reporters: ['default', './test/support/summary-reporter.ts'],
    globalSetup: ['./test/support/run-temp-dir.ts'],
  },
});
