/**
 * Errors a user can meet. The message says what happened and what to do; `code` lets the UI and
 * CLI react without parsing text. Anything else that escapes is a bug and is reported as such.
 */
export class StudioError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}

export class NotFoundError extends StudioError {
  constructor(what: string, hint = '') {
    super('not_found', `${what} was not found${hint ? `: ${hint}` : ''}`);
  }
}

export class InvalidInputError extends StudioError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

export class UnreadableVideoError extends StudioError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('unreadable_video', `Cannot read video ${path}: ${reason}`);
  }
}

/**
 * ffmpeg was stopped on a clip: no frame for `seconds` (`stall`), or the whole clip took more than
 * `seconds` of its time (`total`). Still an unreadable video: the clip is recorded as failed and the run goes on.
 */
export class DecodeTimeLimitError extends UnreadableVideoError {
  constructor(
    path: string,
    readonly limit: 'stall' | 'total',
    readonly seconds: number,
    readonly framesDelivered: number,
  ) {
    super(
      path,
      limit === 'stall'
        ? `ffmpeg delivered no frame for ${seconds} s after frame ${framesDelivered} and was stopped: the file may be built to hang decoders (GSTUDIO_DECODE_STALL_S sets the limit)`
        : `decoding took more than ${seconds} s of ffmpeg's time and was stopped after frame ${framesDelivered}: the file may be built to keep decoders busy; if it is a real, long clip, raise the limit with GSTUDIO_DECODE_LIMIT_S`,
    );
  }
}

/** What is recorded beside a clip that failed: the record names the clip, so not its path again. */
export function clipFailureReason(err: unknown): string {
  return err instanceof UnreadableVideoError ? err.reason : errorMessage(err);
}

export class ProjectError extends StudioError {
  constructor(message: string) {
    super('project', message);
  }
}

export class CancelledError extends StudioError {
  constructor(message = 'Cancelled') {
    super('cancelled', message);
  }
}

/** A model file is missing, broken or cannot be fetched; the message says where to get it. */
export class ModelUnavailableError extends StudioError {
  constructor(message: string) {
    super('model_unavailable', message);
  }
}

/** A short, single-line reason for logs, the CLI and the UI. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}

/** A keypoint HDF5 file that cannot be used: missing, empty, not HDF5, or not the reference layout. */
export class DatasetFileError extends StudioError {
  constructor(
    readonly reason: 'missing' | 'empty' | 'corrupt' | 'layout' | 'no_sequences',
    readonly path: string,
    detail: string,
  ) {
    super(`dataset_${reason}`, `${path}: ${detail}`);
    this.name = 'DatasetFileError';
  }
}

/** The data cannot train a classifier (one class, too few clips, a split that does not match). */
export class TrainingDataError extends StudioError {
  constructor(message: string) {
    super('training_data', message);
    this.name = 'TrainingDataError';
  }
}

/** A run directory or saved model that is missing or unreadable. */
export class RunDirError extends StudioError {
  constructor(message: string) {
    super('run_dir', message);
    this.name = 'RunDirError';
  }
}
