/** The admin API, same origin, the token as a bearer header only (never in a URL, a cookie or localStorage). */
const KEY = 'tamis.desk.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value: string) => sessionStorage.setItem(KEY, value),
  forget: () => sessionStorage.removeItem(KEY),
};

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: Record<string, string>;
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

let onUnauthorized: () => void = () => {};
export const whenUnauthorized = (handler: () => void) => {
  onUnauthorized = handler;
};
let language = 'en';
export const setApiLanguage = (lang: string) => {
  language = lang;
};

export async function api<T>(method: string, path: string, body?: unknown, bearer = token.get()): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1/admin${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiProblem({
      status: 0,
      code: 'network',
      title: language === 'fr' ? 'Le serveur ne répond pas.' : 'The server does not answer.',
    });
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as unknown;
  if (!res.ok) {
    const problem = { status: res.status, code: 'error', title: res.statusText, ...(data as object) } as Problem;
    if (res.status === 401 && bearer === token.get()) onUnauthorized();
    throw new ApiProblem(problem);
  }
  return data as T;
}

export const qs = (params: Record<string, string | number | undefined | null>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};
