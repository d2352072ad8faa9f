import { z } from 'zod';

/** What a classifier is: enough to rebuild it and load its weights. Saved beside the weights. */
export const modelSpecSchema = z.object({
  type: z.enum(['lstm', 'gru', 'transformer']),
  /** Features per frame (84 in the reference). */
  inputSize: z.number().int().positive(),
  /** Frames per sequence. */
  seqLen: z.number().int().positive(),
  numClasses: z.number().int().min(2),
  hiddenSize: z.number().int().positive(),
  numLayers: z.number().int().positive(),
  dropout: z.number().min(0).max(0.95),
  /** Transformer only: attention heads (must divide hiddenSize). */
  numHeads: z.number().int().positive().optional(),
});
export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type ModelType = ModelSpec['type'];
export const MODEL_TYPES: readonly ModelType[] = ['lstm', 'gru', 'transformer'];
