import { defineConfig } from 'vitest/config';

// Tests share two CPU cores with ONNX Runtime sessions and Chromium: run files one at a time
// so timings inside a test are not distorted and memory stays bounded.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    globalSetup: ['./test/support/run-temp-dir.ts'],
  },
});
