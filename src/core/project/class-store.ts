import type Database from 'better-sqlite3';
import type { ClassChange, ClassEvent } from '../../api';
import { InvalidInputError, NotFoundError, ProjectError } from '../errors';
import { newBatch, recordAction } from './action-log';
import { checkClassName, sameName } from './class-names';
import { clipsText, namedClips, type ClassMove, type LabelHistory } from './label-history';

interface ClassRow {
  id: number;
  name: string;
  state: 'active' | 'merged' | 'removed';
  merged_into: number | null;
}

interface ClassEventRow {
  id: number;
  batch: string;
  kind: 'add' | 'rename' | 'merge';
  class_id: number;
  into_class_id: number | null;
  old_name: string | null;
  new_name: string | null;
  folders: string;
}

const now = () => new Date().toISOString();

/**
 * The project's classes as the researcher manages them: added, renamed and merged, each an action
 * on the undo stack shared with relabels. A class is never deleted (runs, predictions and the label
 * history point at it): a merged class is hidden and its clips and folders go to the class it went
 * into; undoing an add hides the class again. The folders of the video folder map to classes apart
 * from their names, so a rename leaves the disk alone and a re-import still finds the class.
 */
export class ClassStore {
  constructor(
    private readonly db: Database.Database,
    private readonly labels: LabelHistory,
  ) {}

  /** A new class without a folder; with `clipIds`, those clips are relabelled into it in the same undoable action. */
  add(rawName: string, author: string, clipIds: number[] = []): ClassChange {
    const name = this.freeName(rawName);
    const at = now();
    const batch = newBatch();
    let id = 0;
    let relabelled: number[] = [];
    this.db.transaction(() => {
      id = Number(this.db.prepare('INSERT INTO classes (name, created_at) VALUES (?, ?)').run(name, at).lastInsertRowid);
      this.event(batch, 'add', id, { newName: name }, author, at);
      relabelled = this.labels.relabelIn(batch, clipIds, id, author, at);
      recordAction(this.db, batch, author, at);
    })();
    const clips = relabelled.length ? ` and relabelled ${clipsText(relabelled.length)} as ${name}${namedClips(this.db, relabelled)}` : '';
    return { classId: id, clipIds: relabelled, description: `Added class ${name}${clips}` };
  }

  /** A new name everywhere (and in the keypoints file at the next sync); its folders keep theirs on disk. */
  rename(id: number, rawName: string, author: string): ClassChange {
    const cls = this.active(id);
    const name = this.freeName(rawName, id);
    if (name === cls.name) throw new InvalidInputError(`The class is already called "${name}"`);
    const at = now();
    const batch = newBatch();
    this.db.transaction(() => {
      this.setName(id, name, at);
      this.event(batch, 'rename', id, { oldName: cls.name, newName: name }, author, at);
      recordAction(this.db, batch, author, at);
    })();
    const folders = this.folders(id);
    const disk = folders.length ? ` (its folder ${folders.map((f) => `${f}/`).join(', ')} keeps its name on disk)` : '';
    return { classId: id, clipIds: [], description: `Renamed class ${cls.name} to ${name}${disk}` };
  }

  /** Every clip of `id` becomes `into`, and so do the clips its folders bring later; `id` leaves the lists. */
  merge(id: number, into: number, author: string): ClassChange {
    if (id === into) throw new InvalidInputError('A class cannot be merged into itself: choose another class to merge it into');
    const from = this.active(id);
    const target = this.active(into);
    const at = now();
    const batch = newBatch();
    let moved: number[] = [];
    this.db.transaction(() => {
      this.event(batch, 'merge', id, { oldName: from.name, newName: target.name, into, folders: this.folders(id) }, author, at);
      const clipIds = (this.db.prepare('SELECT id FROM clips WHERE class_id = ? ORDER BY id').all(id) as { id: number }[]).map((r) => r.id);
      moved = this.labels.relabelIn(batch, clipIds, into, author, at);
      this.db.prepare('UPDATE class_folders SET class_id = ? WHERE class_id = ?').run(into, id);
      this.db.prepare("UPDATE classes SET state = 'merged', merged_into = ? WHERE id = ?").run(into, id);
      recordAction(this.db, batch, author, at);
    })();
    return { classId: into, clipIds: moved, description: `Merged class ${from.name} into ${target.name}: ${clipsText(moved.length)} relabelled${namedClips(this.db, moved)}` };
  }

  /**
   * Undoes or redoes the class part of an action (LabelHistory calls it inside its transaction). A
   * change that can no longer be made (its name was taken since, clips came into an added class)
   * throws, and the whole undo is rolled back.
   */
  move(batch: string, to: 'applied' | 'undone', at: string, clipCount: number): ClassMove | null {
    const events = this.db.prepare(`SELECT * FROM class_events WHERE batch = ? ORDER BY id ${to === 'undone' ? 'DESC' : 'ASC'}`).all(batch) as ClassEventRow[];
    if (events.length === 0) return null;
    const undo = to === 'undone';
    const verb = undo ? 'Undid' : 'Redid';
    const parts: string[] = [];
    for (const e of events) {
      const cls = this.row(e.class_id);
      if (e.kind === 'add') {
        if (undo) {
          const inIt = (this.db.prepare('SELECT COUNT(*) AS n FROM clips WHERE class_id = ?').get(e.class_id) as { n: number }).n;
          if (inIt > 0 || this.folders(e.class_id).length > 0) {
            throw new ProjectError(`Cannot undo adding class ${cls.name}: ${clipsText(inIt)} came into it since (imported from its folder); merge it into another class instead`);
          }
          this.db.prepare("UPDATE classes SET state = 'removed' WHERE id = ?").run(e.class_id);
        } else {
          this.requireFree(cls.name, e.class_id, `redo adding class ${cls.name}`);
          this.db.prepare("UPDATE classes SET state = 'active' WHERE id = ?").run(e.class_id);
        }
        parts.push(`${verb} adding class ${cls.name}${clipCount ? ` and relabelling ${clipsText(clipCount)}` : ''}`);
      } else if (e.kind === 'rename') {
        const name = undo ? e.old_name! : e.new_name!;
        this.requireFree(name, e.class_id, `${undo ? 'undo' : 'redo'} renaming class ${e.old_name} to ${e.new_name}`);
        this.setName(e.class_id, name, at);
        parts.push(`${verb} renaming class ${e.old_name} to ${e.new_name}`);
      } else {
        const folders = JSON.parse(e.folders) as string[];
        const into = this.row(e.into_class_id!);
        const setFolder = this.db.prepare('UPDATE class_folders SET class_id = ? WHERE folder = ?');
        if (undo) {
          this.requireFree(cls.name, e.class_id, `undo merging ${cls.name} into ${into.name}`);
          this.db.prepare("UPDATE classes SET state = 'active', merged_into = NULL WHERE id = ?").run(e.class_id);
          for (const f of folders) setFolder.run(e.class_id, f);
          parts.push(`Undid merging class ${cls.name} into ${into.name}: ${clipsText(clipCount)} back in ${cls.name}`);
        } else {
          this.db.prepare("UPDATE classes SET state = 'merged', merged_into = ? WHERE id = ?").run(into.id, e.class_id);
          for (const f of folders) setFolder.run(into.id, f);
          parts.push(`Redid merging class ${cls.name} into ${into.name}: ${clipsText(clipCount)} relabelled`);
        }
      }
      this.db.prepare('UPDATE class_events SET state = ?, changed_at = ? WHERE id = ?').run(to, at, e.id);
    }
    return { description: parts.join('; ') };
  }

  /**
   * The class a folder of the video folder feeds (import): the class it was mapped to (followed
   * through merges), else the active class of that name (a class made in the studio adopts the
   * folder made for it), else a new class named after it.
   */
  forFolder(folder: string): number {
    const mapped = this.db
      .prepare('SELECT n.now_id AS id FROM class_folders f JOIN class_now n ON n.id = f.class_id WHERE f.folder = ?')
      .get(folder) as { id: number } | undefined;
    if (mapped) return mapped.id;
    let id = this.activeId(folder);
    if (id === null) id = Number(this.db.prepare('INSERT INTO classes (name, created_at) VALUES (?, ?)').run(folder, now()).lastInsertRowid);
    this.db.prepare('INSERT INTO class_folders (folder, class_id) VALUES (?, ?)').run(folder, id);
    return id;
  }

  /**
   * Class ids of a model's labels (a run's or an audit's), by name: the names the job saw when it
   * started (`known`: a class renamed during the job keeps its id), else an active class, else a
   * class that had the name (merged since), else one made for it.
   */
  idsForLabels(names: string[], known: Map<string, number> = new Map()): number[] {
    const anyByName = this.db.prepare('SELECT id FROM classes WHERE name = ? ORDER BY id DESC LIMIT 1');
    return names.map((n) => known.get(n) ?? this.activeId(n) ?? (anyByName.get(n) as { id: number } | undefined)?.id ?? this.forFolder(n));
  }

  /** name -> id of the active classes: what a job's labels mean when it starts. */
  activeIds(): Map<string, number> {
    const rows = this.db.prepare("SELECT id, name FROM classes WHERE state = 'active'").all() as { id: number; name: string }[];
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  /** The folders whose clips go to this class, sorted. */
  folders(id: number): string[] {
    return (this.db.prepare('SELECT folder FROM class_folders WHERE class_id = ? ORDER BY folder').all(id) as { folder: string }[]).map((r) => r.folder);
  }

  /**
   * The folder Capture records into: the class's own (the first), or for a class made in the studio
   * a new one of its name, mapped to it at once (a folder of that name may feed a class renamed since).
   */
  captureFolder(id: number): string {
    const own = this.folders(id)[0];
    if (own !== undefined) return own;
    const name = this.active(id).name;
    const taken = this.db.prepare('SELECT 1 FROM class_folders WHERE folder = ?');
    let folder = name;
    for (let k = 2; taken.get(folder); k++) folder = `${name} ${k}`;
    this.db.prepare('INSERT INTO class_folders (folder, class_id) VALUES (?, ?)').run(folder, id);
    return folder;
  }

  /** Class actions, newest first. */
  history(limit = 200): ClassEvent[] {
    const rows = this.db
      .prepare(
        `SELECT e.id, e.kind, k.name AS class_name, e.old_name, e.new_name, i.name AS into_name, e.author, e.at, e.state,
           (SELECT COUNT(*) FROM label_events l WHERE l.batch = e.batch) AS clips
         FROM class_events e JOIN classes k ON k.id = e.class_id LEFT JOIN classes i ON i.id = e.into_class_id
         ORDER BY e.id DESC LIMIT ?`,
      )
      .all(limit) as { id: number; kind: ClassEvent['kind']; class_name: string; old_name: string | null; new_name: string | null; into_name: string | null; author: string; at: string; state: ClassEvent['state']; clips: number }[];
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      className: r.class_name,
      oldName: r.old_name,
      newName: r.new_name,
      intoName: r.into_name,
      clips: r.clips,
      author: r.author,
      at: r.at,
      state: r.state,
    }));
  }

  /** An active class, or a clear error naming what became of it. */
  active(id: number): ClassRow {
    const cls = this.row(id);
    if (cls.state === 'merged') throw new ProjectError(`Class "${cls.name}" was merged into "${this.row(cls.merged_into!).name}" and is no longer a class of its own`);
    if (cls.state === 'removed') throw new NotFoundError(`Class "${cls.name}"`, 'its adding was undone');
    return cls;
  }

  private row(id: number): ClassRow {
    const cls = this.db.prepare('SELECT id, name, state, merged_into FROM classes WHERE id = ?').get(id) as ClassRow | undefined;
    if (!cls) throw new NotFoundError(`Class ${id}`);
    return cls;
  }

  private activeId(name: string): number | null {
    return (this.db.prepare("SELECT id FROM classes WHERE state = 'active' AND name = ?").get(name) as { id: number } | undefined)?.id ?? null;
  }

  /** A checked name that no other active class has (in any case: "Wave" and "wave" would be one class to a reader). */
  private freeName(raw: string, self?: number): string {
    const name = checkClassName(raw);
    const clash = this.clash(name, self);
    if (clash) throw new InvalidInputError(`There is already a class called "${clash}": choose another name, or merge the two classes`);
    return name;
  }

  private clash(name: string, self?: number): string | null {
    const rows = this.db.prepare("SELECT id, name FROM classes WHERE state = 'active'").all() as { id: number; name: string }[];
    return rows.find((r) => r.id !== self && sameName(r.name, name))?.name ?? null;
  }

  private requireFree(name: string, self: number, what: string): void {
    // Exact names only here: the class had this name before, next to whatever the project held then.
    const taken = this.db.prepare("SELECT 1 FROM classes WHERE state = 'active' AND name = ? AND id != ?").get(name, self);
    if (taken) throw new ProjectError(`Cannot ${what}: another class is called ${name} now; rename that class first`);
  }

  private setName(id: number, name: string, at: string): void {
    this.db.prepare('UPDATE classes SET name = ? WHERE id = ?').run(name, id);
    // The keypoints file names each clip's class: the next sync writes the new name.
    this.db.prepare('UPDATE clips SET label_dirty = 1, updated_at = ? WHERE class_id = ?').run(at, id);
  }

  private event(
    batch: string,
    kind: ClassEventRow['kind'],
    classId: number,
    e: { oldName?: string; newName?: string; into?: number; folders?: string[] },
    author: string,
    at: string,
  ): void {
    this.db
      .prepare('INSERT INTO class_events (batch, kind, class_id, into_class_id, old_name, new_name, folders, author, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(batch, kind, classId, e.into ?? null, e.oldName ?? null, e.newName ?? null, JSON.stringify(e.folders ?? []), author, at);
  }
}
