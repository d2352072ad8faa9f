import { z } from 'zod';
import { auditProject } from '../core/audit/audit-project';
import { extractProject } from '../core/extraction/extract-project';
import { predictFolderInProject } from '../core/inference/project-folder-predictions';
import { predictInProject } from '../core/inference/project-predictions';
import type { JobHandlers } from '../core/jobs/job-context';
import { probePendingClips } from '../core/project/probe-clips';
import { trainProject } from '../core/runs/train-project';
import { workerScript } from './worker-script';

const ProjectParams = z.object({ projectDir: z.string().min(1) });

/** Every kind of job a worker process can run: params validated here, the work done in core/. */
export const jobKinds: JobHandlers = {
  probe: (params, ctx) => probePendingClips(ProjectParams.parse(params).projectDir, ctx),
  extract: (params, ctx) => extractProject(params, ctx, workerScript('clip-worker')),
  train: (params, ctx) => trainProject(params, ctx),
  predict: (params, ctx) => predictInProject(params, ctx),
  'predict-folder': (params, ctx) => predictFolderInProject(params, ctx, workerScript('clip-worker')),
  audit: (params, ctx) => auditProject(params, ctx),
};
