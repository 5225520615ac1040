import { readFileSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { signedInt8IsExact } from '../host/models/int8-exactness';

/**
 * The machine a measurement ran on, for `bench` and `evaluate` JSON. ONNX Runtime picks its int8
 * kernels by CPU feature (AVX2 multiplies in 16-bit saturating pairs; AVX512-VNNI, AVX-VNNI and
 * AMX accumulate exactly), so an int8 backbone's scores depend on the CPU: a report names it.
 */
export interface MachineInfo {
  cpu: string;
  cpus: number;
  /** Every feature flag of the first CPU in /proc/cpuinfo (`flags` on x86, `Features` on Arm); empty where there is none. */
  cpu_flags: string[];
  /** The flags among them that choose ONNX Runtime's int8 kernels, in `INT8_FLAGS` order. */
  int8_flags: string[];
  /**
   * Whether ONNX Runtime's uint8 x int8 sums are exact on this CPU, asked of ONNX Runtime itself
   * (host/models/int8-exactness.ts). The flags above can mislead: under an emulator or in a VM they
   * may be the host's. Where false, the station runs its int8 graphs with uint8 weights.
   */
  int8_exact: boolean;
  platform: string;
  node: string;
}

/** x86: AVX2, AVX512 byte ops, the two VNNI forms and AMX; Arm: dot product and int8 matrix multiply. */
export const INT8_FLAGS = ['avx2', 'avx512bw', 'avx512_vnni', 'avx_vnni', 'amx_int8', 'asimddp', 'i8mm'] as const;

/** The flags of the first processor block of a /proc/cpuinfo text. */
export function parseCpuFlags(cpuinfo: string): string[] {
  const line = cpuinfo.split('\n').find((l) => /^(flags|Features)\s*:/.test(l));
  return line ? (line.split(':')[1] ?? '').trim().split(/\s+/).filter(Boolean) : [];
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the model still comes from os.cpus(); flags are not readable without a native probe.
    return '';
  }
}

/** The machine info of a /proc/cpuinfo text and ONNX Runtime's answer on int8 sums. */
export function machineInfo(cpuinfo: string, int8Exact: boolean): MachineInfo {
  const flags = parseCpuFlags(cpuinfo);
  const has = new Set(flags);
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    cpu_flags: flags,
    int8_flags: INT8_FLAGS.filter((f) => has.has(f)),
    int8_exact: int8Exact,
    platform: platform(),
    node: process.version,
  };
}

/** This process's machine: its CPU, as /proc/cpuinfo names it and as ONNX Runtime's int8 kernels behave on it. */
export async function currentMachine(): Promise<MachineInfo> {
  return machineInfo(readCpuinfo(), await signedInt8IsExact('cpu'));
}
