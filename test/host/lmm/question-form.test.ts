import { describe, expect, it } from 'vitest';
import { inTrainedForm, withQuestionsInTrainedForm } from '../../../host/lmm/question-form';

describe('inTrainedForm', () => {
  it.each([
    ['what type of defect is it?', 'What type of defect is it?'],
    ['  where \t exactly\n', 'Where exactly?'],
    ['how big is it', 'How big is it?'],
    ['Count the defects.', 'Count the defects.'],
    ['is it ok!', 'Is it ok!'],
    ['', ''],
  ])('%j -> %j', (typed, trained) => {
    expect(inTrainedForm(typed)).toBe(trained);
  });

  it('puts the question and the operator turns of the history in that form, and leaves answers and the first question alone', () => {
    const base = { product: 'cap', instructions: [], anomaly: { map: new Float32Array(1), mapWidth: 1, mapHeight: 1, score: 0 } };
    const req = withQuestionsInTrainedForm({
      ...base,
      history: [{ role: 'assistant', text: 'no, nothing.' }, { role: 'operator', text: 'where' }, { role: 'assistant', text: 'it is in the top.' }],
      question: 'how big',
    });
    expect(req.history.map((t) => t.text)).toEqual(['no, nothing.', 'Where?', 'it is in the top.']);
    expect(req.question).toBe('How big?');
    expect(withQuestionsInTrainedForm({ ...base, history: [], question: null }).question).toBeNull();
  });
});
