import { ApiError, type CallOutcome } from './client';
import { methods, type MethodName, type Params, type Result } from './methods';

/** Checks a call's outcome against the contract: the UI never works on a malformed answer. */
export function unwrap<M extends MethodName>(method: M, outcome: CallOutcome): Result<M> {
  if (!outcome.ok) throw new ApiError(outcome.error.code, outcome.error.message);
  const parsed = methods[method].result.safeParse(outcome.result);
  if (!parsed.success) throw new ApiError('invalid_response', `The back end answered ${method} with unexpected data`);
  return parsed.data as Result<M>;
}

export type Caller = <M extends MethodName>(method: M, params: Params<M>) => Promise<Result<M>>;
