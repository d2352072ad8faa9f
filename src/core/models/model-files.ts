import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { RunDirError } from '../errors';
import { createClassifier } from './create-classifier';
import { fileIOHandler, MODEL_JSON } from './file-io-handler';
import type { KernelSet } from './kernels/kernel-set';
import { modelSpecSchema } from './model-spec';
import type { SequenceClassifier } from './sequence-classifier';

/** Everything a saved classifier needs besides its weights, stored in model.json. */
export const modelMetadataSchema = z.object({
  spec: modelSpecSchema,
  /** {class_name: label}. */
  labelMap: z.record(z.string(), z.number().int()),
  /** Class names by label. */
  labels: z.array(z.string()),
  /** [seqLen, numFeatures]. */
  inputShape: z.tuple([z.number().int(), z.number().int()]),
  /** Training hyperparameters (epochs, batch, lr, weight decay, seed, ...). */
  hyperparameters: z.record(z.string(), z.unknown()),
  /** How the training data was extracted (sequence length, features, resampling), from the HDF5 attrs. */
  extraction: z.object({ numFrames: z.number().int(), numFeatures: z.number().int(), resampling: z.string().nullable() }).passthrough(),
  /** Epoch this checkpoint is from, and its validation macro F1. */
  epoch: z.number().int().optional(),
  valF1: z.number().optional(),
  backend: z.string().optional(),
  kernels: z.string().optional(),
});
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

const FORMAT = 'gesture-studio-sequence-classifier';

export async function saveClassifier(dir: string, model: SequenceClassifier, meta: ModelMetadata): Promise<void> {
  const named = Object.fromEntries(model.params.names.map((n) => [n, model.params.get(n)]));
  const { data, specs } = await tf.io.encodeWeights(named);
  await fileIOHandler(dir).save!({
    format: FORMAT,
    generatedBy: `TensorFlow.js ${tf.version_core}`,
    modelTopology: { spec: model.spec },
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: modelMetadataSchema.parse(meta) as unknown as Record<string, object>,
  });
}

/** The metadata alone, without the weights: to check a model (its classes, its input) before a long job. */
export function readModelMetadata(dir: string): ModelMetadata {
  const path = join(dir, MODEL_JSON);
  if (!existsSync(path)) throw new RunDirError(`no saved model in ${dir} (model.json is missing); train a model first`);
  let json: { format?: string; userDefinedMetadata?: unknown };
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new RunDirError(`${path} is not valid JSON; the saved model is damaged: train again`);
  }
  if (json.format !== FORMAT) throw new RunDirError(`${dir} holds a "${json.format}" model, not a Gesture Studio sequence classifier`);
  const parsed = modelMetadataSchema.safeParse(json.userDefinedMetadata);
  if (!parsed.success) throw new RunDirError(`${path} has incomplete metadata (${parsed.error.issues[0]?.path.join('.')}); train again`);
  return parsed.data;
}

export async function loadClassifier(dir: string, kernels?: KernelSet): Promise<{ model: SequenceClassifier; meta: ModelMetadata }> {
  const artifacts = await fileIOHandler(dir).load!();
  if (artifacts.format !== FORMAT) throw new RunDirError(`${dir} holds a "${artifacts.format}" model, not a Gesture Studio sequence classifier`);
  const parsed = modelMetadataSchema.safeParse(artifacts.userDefinedMetadata);
  if (!parsed.success) throw new RunDirError(`${dir}/model.json has incomplete metadata (${parsed.error.issues[0]?.path.join('.')}); train again`);
  const meta = parsed.data;
  const model = createClassifier(meta.spec, 0, kernels);
  const tensors = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  try {
    model.params.load(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { shape: t.shape, data: t.dataSync() as Float32Array }])));
  } catch (err) {
    model.dispose();
    throw new RunDirError(`${dir}: ${(err as Error).message}; the saved model does not match its description: train again`);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return { model, meta };
}
