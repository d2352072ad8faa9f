import { describe, expect, it } from 'vitest';
import { ByteBuffer } from 'flatbuffers';
import { handTaskBundle } from './hand-task-bundle';
import { handModelBytes } from './model-registry';
import { imageModelMetadata, readTfliteMetadata, tfliteMetadataNames, withTfliteMetadata } from './tflite-metadata';

describe('TFLite metadata for MediaPipe Tasks', () => {
  it('adds TFLITE_METADATA to a model that lacks it, keeping its other metadata and every old buffer', () => {
    const model = handModelBytes('palm_detection_lite');
    expect(tfliteMetadataNames(model)).not.toContain('TFLITE_METADATA');
    const meta = imageModelMetadata('palm_detection_lite', { mean: 0, std: 255 });
    const out = withTfliteMetadata(model, meta);
    expect(tfliteMetadataNames(out)).toEqual([...tfliteMetadataNames(model), 'TFLITE_METADATA']);
    expect(Buffer.from(readTfliteMetadata(out)!)).toEqual(Buffer.from(meta));
    expect(new ByteBuffer(out).getBufferIdentifier()).toBe('TFL3');
    expect(new ByteBuffer(meta).getBufferIdentifier()).toBe('M001');
    // The old model is carried whole, at a 16-byte aligned offset (TFLite buffers are force_align 16).
    const at = Buffer.from(out).indexOf(Buffer.from(model));
    expect(at).toBeGreaterThan(0);
    expect(at % 16).toBe(0);
    expect(() => withTfliteMetadata(out, meta)).toThrow(/already has TFLITE_METADATA/);
  });

  it('bundles both hand models as stored zip entries named as Tasks expects', () => {
    const zip = Buffer.from(handTaskBundle('lite'));
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    for (const name of ['hand_detector.tflite', 'hand_landmarks_detector.tflite']) expect(zip.includes(Buffer.from(name))).toBe(true);
    expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
    expect(zip.readUInt16LE(zip.length - 12)).toBe(2);
  });
});
