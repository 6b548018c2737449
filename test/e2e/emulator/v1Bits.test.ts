import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../../infra/emulator/runner';
import { emulatorOptions, failuresOf, startServer } from './harness';

describe('runSimulation', () => {
  it.each([
    ['1', 256, undefined],
    ['2', 128, undefined],
    ['2', undefined, undefined],
    ['2', 256, /encryptType announces AES-128, expected AES-256/],
    ['1', 128, /encryptType announces AES-256, expected AES-128/],
  ] as const)('checks V1 credentials of a server with KG_ENCRYPT_TYPE=%s against --bits %s', async (encryptType, bits, problem) => {
    const server = await startServer({ KG_STORE: 'memory', KG_ENCRYPT_TYPE: encryptType });
    try {
      const report = await runSimulation(emulatorOptions(server.url, bits === undefined ? {} : { bits }), ['v1']);
      if (problem === undefined) {
        expect(failuresOf(report)).toEqual([]);
      } else {
        expect(report.ok).toBe(false);
        expect(report.failures[0]).toMatchObject({ step: 'V1 newInstance', actual: '000000' });
        expect(report.failures[0]?.note).toMatch(problem);
        expect(report.failures[0]?.note).toMatch(/does not decrypt/);
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});
