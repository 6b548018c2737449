import { describe, expect, it } from 'vitest';
import { RESULT_CODE_DOC } from '../../../shared/core/resultCodeDocs';
import { RESULT } from '../../../shared/core/resultCodes';

describe('RESULT_CODE_DOC', () => {
  it('documents every result code and nothing else', () => {
    expect(Object.keys(RESULT_CODE_DOC).sort()).toEqual(Object.values(RESULT).sort());
  });

  it.each(Object.entries(RESULT_CODE_DOC))('gives %s a one-line explanation', (_code, text) => {
    expect(text.length).toBeGreaterThan(20);
    expect(text).not.toContain('\n');
  });
});
