import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { appendShardLog } from '../core/extraction/shard-log';
import { partFileFor, shardOfClip } from '../core/extraction/shard';
import { writeSequenceFile, type ClipInput } from '../core/dataset/sequence-file-writer';

/** `count` synthetic clips in two classes (deterministic values), as an extraction would name them. */
export function syntheticClips(count: number, frames = 8, features = 84): ClipInput[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = new Float32Array(frames * features);
    for (let j = 0; j < seq.length; j++) seq[j] = Math.sin(i * 0.37 + j * 0.011);
    const className = i % 2 === 0 ? 'hello' : 'thanks';
    return { relativePath: `${className}/clip ${i}.mp4`, className, sequence: seq, shape: [frames, features] as [number, number] };
  });
}

/**
 * The part files (and logs) that `shards` shard runs of these clips leave beside `target`, as if
 * each had run to its end; `extraction` is the settings attribute they record.
 */
export async function writeSyntheticParts(target: string, clips: ClipInput[], shards: number, extraction: Record<string, unknown> = { numFrames: 8, numFeatures: 84, model: 'lite' }): Promise<string[]> {
  const labelMap = { hello: 0, thanks: 1 };
  mkdirSync(dirname(target), { recursive: true });
  const paths: string[] = [];
  for (let i = 1; i <= shards; i++) {
    const mine = clips.filter((c) => shardOfClip(c.relativePath, shards) === i);
    const part = partFileFor(target, { index: i, count: shards });
    await writeSequenceFile(part, mine, { labelMap, extraction: extraction as never });
    appendShardLog(part, { kind: 'start', shard: { index: i, count: shards }, clips: mine.map((c) => c.relativePath), at: new Date().toISOString(), host: 'test', pid: 1 });
    appendShardLog(part, { kind: 'end', at: new Date().toISOString(), extracted: mine.length, failed: 0 });
    paths.push(part);
  }
  return paths;
}
