#!/usr/bin/env node
// Builds resources/tasks/hand_landmarker_{full,lite}.task (MediaPipe Tasks bundles) from the installed
// @mediapipe/hands models; git-ignored build output. Runs the TypeScript builder through tsx.
import { register } from 'tsx/esm/api';

register();
const { ensureHandTaskBundle } = await import('../src/core/vision/hand-task-bundle.ts');
for (const variant of ['full', 'lite']) console.log(ensureHandTaskBundle(variant));
