import type { Command } from 'commander';
import { pipelineOptions } from '../../core/extraction/extraction-settings';
import { extractClip } from '../../core/keypoints/extract-clip';
import type { FrameRecord } from '../../core/keypoints/frame-record';
import { addVisionOptions, settingsFromFlags, type VisionFlags } from '../extraction-options';
import { shown } from '../terminal-text';

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** The JSON shape of `gstudio landmarks`: coordinates normalised to the full frame. */
export function landmarksJson(frames: FrameRecord[], width: number, height: number) {
  return {
    width,
    height,
    frames: frames.map((f) => ({
      index: f.index,
      time: round(f.time),
      persons: f.persons.map((p) => ({ box: p.box.map(round), score: round(p.score) })),
      hands: f.hands.map((h) => ({
        handedness: h.handedness,
        score: round(h.score),
        handedness_score: round(h.handednessScore),
        landmarks: h.landmarks.map((l) => l.map(round)),
      })),
    })),
  };
}

export function registerLandmarks(program: Command): void {
  const cmd = program
    .command('landmarks')
    .description('person boxes and hand landmarks of an image or every frame of a video')
    .argument('<image-or-video>', 'a picture (png, jpg) or a video file')
    .option('--json', 'print {width, height, frames: [...]} as JSON');
  addVisionOptions(cmd).action(async (file: string, flags: VisionFlags & { json?: boolean }) => {
    const s = settingsFromFlags(flags);
    const result = await extractClip(file, pipelineOptions(s));
    if (result.detectorWarning) process.stderr.write(`Note: ${shown(result.detectorWarning)}\n`);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(landmarksJson(result.frames, result.width, result.height))}\n`);
      return;
    }
    for (const f of result.frames) {
      const persons = f.persons.map((p) => `person ${p.score.toFixed(2)}`).join(', ');
      const hands = f.hands.map((h) => `${h.handedness} hand ${h.score.toFixed(2)} (wrist ${h.landmarks[0][0].toFixed(3)}, ${h.landmarks[0][1].toFixed(3)})`).join(', ');
      console.log(`frame ${f.index} t=${f.time.toFixed(2)}s: ${[persons, hands].filter(Boolean).join('; ') || 'no hands'}`);
    }
    const st = result.stats;
    // A rate says nothing about one picture (and would mostly measure loading the models).
    const rate = result.isImage || st.frames <= 1 ? '' : `, ${(st.frames / st.seconds).toFixed(1)} frames/s`;
    console.log(`${st.framesWithHands}/${st.frames} frame${st.frames === 1 ? '' : 's'} with hands, ${result.width}×${result.height}${rate}`);
  });
}
