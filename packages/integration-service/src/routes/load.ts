import { observationOf } from '../sync/store.ts';
import { ApiError } from '../http/errors.ts';
import type { AppDeps } from '../http/types.ts';
import { toRequestDetail } from '../http/views.ts';
import type { Library } from '../store/libraries.ts';
import { jobsOfRequest } from '../store/outbox.ts';
import { findLibraryRequest, historyOf, type StoredRequest } from '../store/requests.ts';

/** A library's own request, or 404: another library's request is not even said to exist. */
export async function requireOwnRequest(deps: AppDeps, library: Library, id: string): Promise<StoredRequest> {
  const request = await findLibraryRequest(deps.db, library.id, id);
  if (!request) throw new ApiError('NOT_FOUND', `No request ${id}`);
  return request;
}

export async function requestDetail(deps: AppDeps, library: Library, request: StoredRequest) {
  return toRequestDetail(
    request,
    library,
    await jobsOfRequest(deps.db, request.id),
    await historyOf(deps.db, request.id),
    await observationOf(deps.db, request.id),
  );
}
