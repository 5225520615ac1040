import { describe, expect, it } from 'vitest';
import { fill, renderPrompt } from '../../../../host/lmm/myriad-s/prompt';
import { validConfig } from './config-fixture';
import { MyriadSConfig } from '../../../../host/lmm/myriad-s/config';

const prompt = MyriadSConfig.parse(validConfig()).prompt;

describe('renderPrompt', () => {
  it('asks the first question with the product and instructions', () => {
    const text = renderPrompt(prompt, { product: 'bottle', instructions: ['Ignore shadows.'], history: [], question: null });
    expect(text).toBe(
      'Image: <image>\nInstruction: Ignore shadows.\nOperator: Is there any anomaly on the bottle?\nAssistant:',
    );
  });

  it('puts the implicit first question before a history that starts with the first answer', () => {
    const text = renderPrompt(prompt, {
      product: 'nut',
      instructions: [],
      history: [{ role: 'assistant', text: 'No, there is no anomaly on the nut.' }],
      question: 'Where?',
    });
    expect(text).toBe(
      'Image: <image>\nOperator: Is there any anomaly on the nut?\nAssistant: No, there is no anomaly on the nut.</s>\nOperator: Where?\nAssistant:',
    );
  });

  it('keeps braces in operator text instead of treating them as fields', () => {
    expect(fill('Operator: {text}\n', { text: 'a {product} b' })).toBe('Operator: a {product} b\n');
  });
});
