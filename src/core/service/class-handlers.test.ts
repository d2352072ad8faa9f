import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallOutcome, ClassChange, ClassEvent, ProjectSummary, StudioEvent } from '../../api';
import { ProjectStore } from '../project';
import { StudioService } from './studio-service';

let dir: string;
let service: StudioService;
let events: StudioEvent[];
let ids: Record<string, number>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-classes-api-'));
  const store = ProjectStore.create(dir);
  store.syncClips(['a/1.mp4', 'a/2.mp4', 'b/3.mp4'].map((relPath) => ({ relPath, className: relPath[0], sizeBytes: 1, mtimeMs: 1 })));
  ids = Object.fromEntries(store.listClips({}).items.map((c) => [c.name, c.id]));
  store.close();
  service = new StudioService(
    {
      mode: 'web',
      version: 'test',
      spawner: () => {
        throw new Error('no job is started by class calls');
      },
    },
    { projectDir: dir },
  );
  events = [];
  service.onEvent((e) => events.push(e));
});
afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, params: unknown = {}): Promise<T> {
  const out = await service.call(method, params);
  if (!out.ok) throw new Error(`${out.error.code}: ${out.error.message}`);
  return out.result as T;
}
const classes = async () => (await call<ProjectSummary>('project.summary')).classes.map((c) => c.name);
const classId = async (name: string) => (await call<ProjectSummary>('project.summary')).classes.find((c) => c.name === name)!.id;

describe('the classes API', () => {
  it('adds (with clips, from the picker), renames and merges, each undoable through labels.undo', async () => {
    const [a, b] = [await classId('a'), await classId('b')];
    const made = await call<ClassChange>('classes.add', { name: 'wave', clipIds: [ids['3.mp4']] });
    expect(made).toMatchObject({ clipIds: [ids['3.mp4']], description: 'Added class wave and relabelled 1 clip as wave: 3.mp4' });
    expect(events).toContainEqual({ type: 'project', what: 'classes' });
    await call('classes.rename', { id: a, name: 'alpha' });
    expect((await call<ClassChange>('classes.merge', { id: b, into: made.classId })).description).toBe('Merged class b into wave: 0 clips relabelled');
    expect(await classes()).toEqual(['alpha', 'wave']);
    const history = await call<ClassEvent[]>('classes.history');
    expect(history.map((e) => [e.kind, e.className, e.author.length > 0])).toEqual([
      ['merge', 'b', true],
      ['rename', 'alpha', true],
      ['add', 'wave', true],
    ]);
    expect((await call<{ description: string }>('labels.undo')).description).toBe('Undid merging class b into wave: 0 clips back in b');
    expect((await call<{ description: string }>('labels.undo')).description).toBe('Undid renaming class a to alpha');
    expect(await classes()).toEqual(['a', 'b', 'wave']);
    expect((await call<{ description: string }>('labels.redo')).description).toBe('Redid renaming class a to alpha');
  });

  it('refuses malformed calls before anything runs', async () => {
    const bad: [string, unknown][] = [
      ['classes.add', {}],
      ['classes.add', { name: 7 }],
      ['classes.add', { name: 'x', clipIds: [1.5] }],
      ['classes.add', { name: 'x', extra: true }],
      ['classes.add', { name: 'x'.repeat(1001) }],
      ['classes.rename', { id: 0, name: 'x' }],
      ['classes.rename', { id: 1 }],
      ['classes.merge', { id: 1 }],
      ['classes.merge', { id: '1', into: 2 }],
      ['classes.history', { all: true }],
    ];
    for (const [method, params] of bad) {
      const out = (await service.call(method, params)) as Extract<CallOutcome, { ok: false }>;
      expect(out.ok, `${method} ${JSON.stringify(params)}`).toBe(false);
      expect(out.error.code).toBe('invalid_params');
      expect(out.error.message).toMatch(new RegExp(`^Invalid ${method.replace('.', '\\.')} request: `));
    }
    expect(await classes()).toEqual(['a', 'b']);
    expect(events).toEqual([]);
  });

  it('says clearly what is wrong with a name or a class, and changes nothing', async () => {
    const [a, b] = [await classId('a'), await classId('b')];
    const before = await call<ProjectSummary>('project.summary');
    const refused: [string, unknown, string, RegExp][] = [
      ['classes.add', { name: '' }, 'invalid_input', /^A class needs a name/],
      ['classes.add', { name: 'A' }, 'invalid_input', /^There is already a class called "a"/],
      ['classes.rename', { id: a, name: 'b' }, 'invalid_input', /^There is already a class called "b"/],
      ['classes.rename', { id: 99, name: 'z' }, 'not_found', /^Class 99 was not found/],
      ['classes.merge', { id: a, into: a }, 'invalid_input', /cannot be merged into itself/],
      ['classes.merge', { id: a, into: 99 }, 'not_found', /^Class 99 was not found/],
      ['classes.add', { name: 'new', clipIds: [99] }, 'not_found', /^Clip 99 was not found/],
    ];
    for (const [method, params, code, message] of refused) {
      const out = (await service.call(method, params)) as Extract<CallOutcome, { ok: false }>;
      expect(out.ok).toBe(false);
      expect(out.error.code).toBe(code);
      expect(out.error.message).toMatch(message);
    }
    await call('classes.merge', { id: a, into: b });
    const merged = (await service.call('clips.relabel', { clipIds: [ids['3.mp4']], classId: a })) as Extract<CallOutcome, { ok: false }>;
    expect(merged.error).toEqual({ code: 'project', message: 'Class "a" was merged into "b": relabel as "b"' });
    await call('labels.undo');
    expect(await call<ProjectSummary>('project.summary')).toEqual(before);
  });
});
