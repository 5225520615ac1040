import { describe, expect, it } from 'vitest';
import { parseExpertOption } from '../../../lab/evaluation/expert-subject';

describe('--expert and --expert-options', () => {
  it('passes validated options to the expert spec', () => {
    expect(parseExpertOption('patchcore', undefined, '{"maxBankRows":8192,"sigma":2}')).toEqual({
      kind: 'patchcore',
      options: { maxBankRows: 8192, sigma: 2 },
    });
    expect(parseExpertOption('padim', 'mobilenetv2-12-int8', '{"channels":64}')).toEqual({
      kind: 'padim',
      backbone: 'mobilenetv2-12-int8',
      options: { channels: 64 },
    });
    expect(parseExpertOption('padim', undefined)).toEqual({ kind: 'padim' });
    expect(parseExpertOption('auto', undefined)).toEqual({ kind: 'auto' });
    // auto fits both candidates with the options: those both take.
    expect(parseExpertOption('auto', undefined, '{"inputSize":384,"sigma":2}')).toEqual({ kind: 'auto', options: { inputSize: 384, sigma: 2 } });
  });

  it('refuses bad JSON, non-objects, unknown or out-of-range options, options for anomalib and options only one auto candidate takes', () => {
    expect(() => parseExpertOption('patchcore', undefined, '{maxBankRows:1}')).toThrow(/not JSON/);
    expect(() => parseExpertOption('patchcore', undefined, '[1]')).toThrow(/JSON object/);
    expect(() => parseExpertOption('patchcore', undefined, '3')).toThrow(/JSON object/);
    expect(() => parseExpertOption('patchcore', undefined, '{"bankRows":1}')).toThrow(/Invalid PatchCore option bankRows: PatchCore has no such option/);
    expect(() => parseExpertOption('padim', undefined, '{"channels":0}')).toThrow(/channels/);
    expect(() => parseExpertOption('anomalib:x.onnx', undefined, '{}')).toThrow(/^Expert options are for patchcore, padim or auto \(got anomalib\)$/);
    expect(() => parseExpertOption('auto', undefined, '{"maxBankRows":8192}')).toThrow(/PaDiM has no such option.*choose the patchcore expert for these options$/);
    expect(() => parseExpertOption('best', undefined)).toThrow(/patchcore, padim, auto/);
  });
});
