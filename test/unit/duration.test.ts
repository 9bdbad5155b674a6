import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../../src/util/duration.js';

describe('parseDurationSeconds', () => {
  it.each([
    ['2', 2], ['2s', 2], ['500ms', 0.5], ['1m', 60], ['1.5s', 1.5], ['0', 0], [' 3 s ', 3], ['2S', 2], ['1h', 3600],
  ])('%s is %d s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '-1', 'abc', '2x', '1e3', 's', '2 s s'])('rejects %j with BadArgument', (text) => {
    expect(() => parseDurationSeconds(text)).toThrow(expect.objectContaining({ code: 'BadArgument', exitCode: 2 }));
  });
});
