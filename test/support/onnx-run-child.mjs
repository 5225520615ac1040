// Runs one ONNX model on one float32 input in a process of its own, so a test can run it on
// another CPU model (node under `qemu-x86_64 -cpu MODEL`). Plain JavaScript: no loader needed.
// Usage: node onnx-run-child.mjs MODEL.onnx INPUT.f32 DIMS_JSON INPUT_NAME OUTPUT_NAME OUT.f32
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [model, input, dimsJson, inputName, outputName, out] = process.argv.slice(2);
const raw = readFileSync(input);
const data = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
// The station's CPU session options (host/inference/onnx-runtime.ts), on one thread.
const session = await ort.InferenceSession.create(model, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
const result = await session.run({ [inputName]: new ort.Tensor('float32', data, JSON.parse(dimsJson)) });
const output = result[outputName].data;
writeFileSync(out, Buffer.from(output.buffer, output.byteOffset, output.byteLength));
