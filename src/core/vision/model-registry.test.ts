import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ModelUnavailableError } from '../errors';
import { sharedData } from '../../test-support/shared-data';
import { handModelBytes, manifestEntry, modelCacheDir, modelManifest, packedRange, resolveDetectorModel } from './model-registry';
import { TfliteModel } from './tflite-runtime';

describe('model registry', () => {
  it.each(['palm_detection_full', 'palm_detection_lite', 'hand_landmark_full', 'hand_landmark_lite'] as const)(
    'reads %s from @mediapipe/hands with the manifest size and hash, and it loads',
    async (name) => {
      const bytes = handModelBytes(name);
      const e = manifestEntry(name);
      expect(bytes.length).toBe(e.size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(e.sha256);
      const m = await TfliteModel.create(bytes, name);
      expect(m.inputs[0].shape).toEqual(e.input.shape);
      m.dispose();
    },
  );

  it('finds byte ranges in an emscripten loader', () => {
    const js = '{"files": [{"filename": "/a/b.txt", "start": 0, "end": 11}, {"filename": "/a/palm.tflite", "start": 11, "end": 2341291}]}';
    expect(packedRange(js, '/a/palm.tflite')).toEqual({ start: 11, end: 2341291 });
    expect(packedRange(js, '/a/none.tflite')).toBeNull();
  });

  it('lists an official URL, input and output format for every model', () => {
    for (const m of modelManifest.models) {
      expect(m.url).toMatch(/^https:\/\//);
      expect(m.input.shape.length).toBe(4);
      expect(m.output.format.length).toBeGreaterThan(0);
    }
  });

  it('honours XDG_CACHE_HOME for the model cache', () => {
    expect(modelCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/gesture-studio/models');
    if (process.platform !== 'win32') expect(modelCacheDir({})).toMatch(/\.cache\/gesture-studio\/models$/);
  });

  it('resolves detectors from a path, GSTUDIO_MODELS_DIR, or nowhere', () => {
    const shared = sharedData('models', 'yolox_nano.onnx');
    expect(resolveDetectorModel('yolox_nano', { path: shared })).toEqual({ path: shared, source: 'path' });
    expect(resolveDetectorModel('yolox_nano', { env: { GSTUDIO_MODELS_DIR: sharedData('models') } })).toEqual({ path: shared, source: 'env' });
    expect(resolveDetectorModel('yolox_nano', { env: { XDG_CACHE_HOME: '/nonexistent' } })).toBeNull();
    expect(() => resolveDetectorModel('yolox_nano', { path: '/nonexistent/model.onnx' })).toThrow(ModelUnavailableError);
  });
});
