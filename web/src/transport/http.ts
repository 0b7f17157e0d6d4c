/** JSON over HTTP to the GuestChat server, with its CSRF header and problem+json errors. */

/** A refused or failed request: `status` 0 and `code` "network" when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: Record<string, string[]> = {},
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-GuestChat'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  throw await problemFrom(response);
}

async function problemFrom(response: Response): Promise<ApiError> {
  let code = `http-${response.status}`;
  let message = response.statusText || 'The request failed.';
  let errors: Record<string, string[]> = {};
  try {
    const problem = (await response.json()) as { code?: unknown; title?: unknown; detail?: unknown; errors?: unknown };
    if (typeof problem.code === 'string') code = problem.code;
    if (typeof problem.detail === 'string' && problem.detail) message = problem.detail;
    else if (typeof problem.title === 'string') message = problem.title;
    if (problem.errors && typeof problem.errors === 'object') errors = problem.errors as Record<string, string[]>;
  } catch {
    // Not a problem document (a proxy's error page, say): the status alone speaks.
  }
  const retry = Number(response.headers.get('Retry-After'));
  return new ApiError(response.status, code, message, errors, Number.isFinite(retry) && retry > 0 ? retry : null);
}
