import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signedInt8IsExact } from '../../host/models/int8-exactness';
import { currentMachine, machineInfo, parseCpuFlags } from '../../lab/machine';
import { QEMU, runNodeOn } from '../support/emulated-cpu';

const X86 = `processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 9R14
flags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx512_vnni avx512_bf16
bugs\t\t: sysret_ss_attrs

processor\t: 1
flags\t\t: fpu sse2
`;
const ARM = `processor\t: 0
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics asimddp i8mm
CPU implementer\t: 0x41
`;

describe('machine info for bench and evaluate', () => {
  it('reads the first CPU flags of x86 and Arm /proc/cpuinfo and picks the int8 kernel flags', () => {
    expect(parseCpuFlags(X86)).toEqual(['fpu', 'sse2', 'avx', 'avx2', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx512_bf16']);
    expect(machineInfo(X86, true).int8_flags).toEqual(['avx2', 'avx512bw', 'avx512_vnni']);
    expect(machineInfo(ARM, true).int8_flags).toEqual(['asimddp', 'i8mm']);
    expect(machineInfo('', false)).toMatchObject({ cpu_flags: [], int8_flags: [] });
  });

  it.skipIf(!existsSync('/proc/cpuinfo'))('names this machine: model, core count and flags', async () => {
    const info = await currentMachine();
    expect(info.cpu).not.toBe('unknown');
    expect(info.cpus).toBeGreaterThan(0);
    expect(info.cpu_flags.length).toBeGreaterThan(5);
    expect(info.int8_flags.every((f) => info.cpu_flags.includes(f))).toBe(true);
  });

  it('says whether ONNX Runtime sums int8 exactly here, as its own probe finds', async () => {
    expect((await currentMachine()).int8_exact).toBe(await signedInt8IsExact('cpu'));
  });

  it.skipIf(!QEMU)('says the sums saturate on an emulated AVX2 CPU without VNNI, whatever flags /proc/cpuinfo shows', () => {
    const child = 'test/support/machine-child.ts';
    const onHaswell = JSON.parse(runNodeOn('Haswell', ['--import', 'tsx', child])) as { int8_exact: boolean };
    const onNehalem = JSON.parse(runNodeOn('Nehalem', ['--import', 'tsx', child])) as { int8_exact: boolean };
    expect(onHaswell.int8_exact).toBe(false);
    expect(onNehalem.int8_exact).toBe(true);
  }, 120_000);
});
