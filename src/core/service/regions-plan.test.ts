import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data';
import { regionsPlan } from './regions-plan';

describe('the regions an extraction will use, said before it runs', () => {
  const emptyCache = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'gs-cache-')) };

  it('names YOLOX-nano when its model is on this machine', () => {
    const env = { ...emptyCache, GSTUDIO_MODELS_DIR: dirname(sharedData('models', 'yolox_nano.onnx')) };
    expect(regionsPlan('yolox', env)).toMatchObject({ modelFound: true, text: expect.stringMatching(/^YOLOX-nano person boxes \(the model is on this machine\)/) });
  });

  it('says the model must be downloaded first, and what happens if that fails, when it is not', () => {
    const plan = regionsPlan('yolox', emptyCache);
    expect(plan.modelFound).toBe(false);
    expect(plan.text).toMatch(/not on this machine yet.*downloads it.*whole frame/);
  });

  it('says the whole frame when no detector is chosen', () => {
    expect(regionsPlan('none', emptyCache).text).toMatch(/^the whole frame/);
  });
});
