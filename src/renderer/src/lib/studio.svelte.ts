import { connectStudio } from '../../../api/connect';
import type { AppInfo, JobInfo, ProjectSummary, StudioApi } from '../../../api';

/**
 * The renderer's single source of truth for what the back end told it: the open project and
 * the jobs. Views read these runes; every change comes through the typed API or its events.
 */
export const api: StudioApi = connectStudio();

class StudioState {
  info = $state<AppInfo | null>(null);
  summary = $state<ProjectSummary | null>(null);
  jobs = $state<Record<string, JobInfo>>({});
  /** Bumped when clips or labels change, so that lists refetch. */
  clipsVersion = $state(0);
  /** Bumped when runs start or finish. */
  runsVersion = $state(0);
  predictionsVersion = $state(0);
  error = $state<string | null>(null);

  async start() {
    api.onEvent((e) => {
      if (e.type === 'job') {
        this.jobs[e.job.id] = e.job;
        if (e.job.state !== 'running') void this.refresh();
      } else if (e.what === 'runs') {
        this.runsVersion++;
        void this.refresh(); // the active run may have changed
      } else if (e.what === 'predictions') {
        this.predictionsVersion++;
      } else {
        // Labels too: the class counts in the summary change with every relabel.
        void this.refresh();
        this.clipsVersion++;
      }
    });
    try {
      this.info = await api.call('app.info', {});
      await this.refresh();
      for (const j of await api.call('jobs.list', {})) this.jobs[j.id] = j;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  async refresh() {
    this.summary = await api.call('project.summary', {});
  }

  runningJob(kind: string): JobInfo | undefined {
    return Object.values(this.jobs).find((j) => j.kind === kind && j.state === 'running');
  }

  lastJob(kind: string): JobInfo | undefined {
    return Object.values(this.jobs)
      .filter((j) => j.kind === kind)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
      .at(-1);
  }
}

export const studio = new StudioState();
