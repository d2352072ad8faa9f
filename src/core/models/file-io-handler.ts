import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { replaceAtomically } from '../dataset/atomic-file';
import { RunDirError } from '../errors';

/**
 * A tf.io handler that saves and loads model artifacts in a directory on the filesystem, without
 * tfjs-node: `model.json` (topology, weights manifest, metadata) and `weights-<hash>.bin`.
 * The weights are written first under a content-hashed name, then model.json atomically, so a
 * crash mid-save leaves the previous model loadable.
 */
export const MODEL_JSON = 'model.json';

function concatWeightData(data: tf.io.WeightData): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  return tf.io.concatenateArrayBuffers(data as ArrayBuffer[]);
}

export function fileIOHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      mkdirSync(dir, { recursive: true });
      const weights = Buffer.from(concatWeightData(artifacts.weightData ?? new ArrayBuffer(0)));
      const weightsName = `weights-${createHash('sha256').update(weights).digest('hex').slice(0, 16)}.bin`;
      await replaceAtomically(join(dir, weightsName), (temp) => writeFileSync(temp, weights));
      const json = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: artifacts.userDefinedMetadata,
      };
      await replaceAtomically(join(dir, MODEL_JSON), (temp) => writeFileSync(temp, JSON.stringify(json, null, 1)));
      for (const f of readdirSync(dir)) if (/^weights-.*\.bin$/.test(f) && f !== weightsName) rmSync(join(dir, f), { force: true });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      if (!existsSync(jsonPath)) throw new RunDirError(`no saved model in ${dir} (model.json is missing); train a model first`);
      let json: { format?: string; generatedBy?: string; modelTopology?: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]; userDefinedMetadata?: Record<string, unknown> };
      try {
        json = JSON.parse(readFileSync(jsonPath, 'utf8'));
      } catch {
        throw new RunDirError(`${jsonPath} is not valid JSON; the saved model is damaged: train again`);
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const file = join(dir, p);
          if (!existsSync(file)) throw new RunDirError(`${file} is missing; the saved model is incomplete: train again`);
          const b = readFileSync(file);
          buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        }
      }
      return {
        format: json.format,
        generatedBy: json.generatedBy,
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: tf.io.concatenateArrayBuffers(buffers),
        userDefinedMetadata: json.userDefinedMetadata as Record<string, object>,
      };
    },
  };
}

const SCHEME = 'file://';
let routed = false;

/** Lets `tf.io` resolve `file://<dir>` to this handler (unless tfjs-node already routes file://). */
export function registerFileRouter(): void {
  if (routed) return;
  routed = true;
  const router = ((url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith(SCHEME)) return null;
    return fileIOHandler(url.slice(SCHEME.length));
  }) as unknown as Parameters<typeof tf.io.registerSaveRouter>[0];
  if (tf.io.getSaveHandlers(`${SCHEME}/probe`).length === 0) tf.io.registerSaveRouter(router);
  if (tf.io.getLoadHandlers(`${SCHEME}/probe`).length === 0) tf.io.registerLoadRouter(router);
}
