import { describe, expect, it } from 'vitest';
import { settingsThatDiffer } from './settings-across';

describe('settingsThatDiffer', () => {
  it('names only the keys whose values differ across all the runs, a missing key included', () => {
    const a = { lr: 0.001, epochs: 2, model: 'lstm' };
    const b = { lr: 0.01, epochs: 2, model: 'lstm' };
    const c = { lr: 0.001, epochs: 2, model: 'gru', mirror: 0.5 };
    expect(settingsThatDiffer([a, b, c])).toEqual(['lr', 'mirror', 'model']);
    expect(settingsThatDiffer([a, { ...a }])).toEqual([]);
  });
});
