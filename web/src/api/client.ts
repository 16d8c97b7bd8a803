/**
 * The one way the app talks to the gateway: adds the access token, parses problem+json into
 * ApiError, refreshes the session before the access token expires and once more on a 401.
 */
import { ApiError, readProblem } from "./problem";

export interface Tokens {
  access_token: string;
  refresh_token: string;
  /** Epoch milliseconds when the access token expires. */
  expires_at: number;
}

/** What `/auth/login` and `/auth/refresh` answer (the parts the client keeps). */
export interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** Where tokens live between page loads; tests pass an in-memory store. */
export interface TokenStore {
  load(): Tokens | null;
  save(tokens: Tokens | null): void;
}

const STORAGE_KEY = "owp.session";

/** Keeps the session across reloads of the tab (the CSP forbids foreign scripts that could read it). */
export const localTokenStore: TokenStore = {
  load() {
    try {
      const raw = localStorage.getItem(STORAGE_KEY);
      return raw ? (JSON.parse(raw) as Tokens) : null;
    } catch {
      return null;
    }
  },
  save(tokens) {
    if (tokens) localStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(STORAGE_KEY);
  },
};

/** Refresh when this share of the token's lifetime has passed. */
const REFRESH_AT = 0.8;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** Skip the bearer token (sign-in, registration, refresh). */
  anonymous?: boolean;
}

type Fetch = typeof fetch;

export class ApiClient {
  private tokens: Tokens | null;
  private refreshing: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<(signedIn: boolean) => void>();

  constructor(
    private readonly store: TokenStore = localTokenStore,
    private readonly fetchImpl: Fetch = (...args) => fetch(...args),
    private readonly now: () => number = () => Date.now(),
  ) {
    this.tokens = store.load();
    if (this.tokens) this.schedule();
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  /** Called with `false` when the session ends (sign-out or a refresh the server refused). */
  onSessionChange(listener: (signedIn: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores the tokens of a sign-in or refresh and plans the next refresh. */
  setTokens(answer: TokenAnswer | null): void {
    this.tokens = answer
      ? {
          access_token: answer.access_token,
          refresh_token: answer.refresh_token,
          expires_at: this.now() + answer.expires_in * 1000,
        }
      : null;
    this.store.save(this.tokens);
    this.schedule();
    this.listeners.forEach((l) => l(this.tokens !== null));
  }

  /** JSON request; resolves to the parsed body (undefined for 204), rejects with ApiError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    if (res.status === 204) return undefined as T;
    const type = res.headers.get("content-type") ?? "";
    if (type.includes("json")) return (await res.json()) as T;
    return (await res.text()) as T;
  }

  /** The raw response of a successful call, for streams; errors still become ApiError. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    if (!options.anonymous) await this.freshen();
    let res = await this.fetchOnce(method, path, options);
    if (res.status === 401 && !options.anonymous && this.tokens) {
      // The token may have expired while the tab slept: refresh once and try again.
      if (await this.refresh()) res = await this.fetchOnce(method, path, options);
    }
    if (!res.ok) throw new ApiError(await readProblem(res));
    return res;
  }

  get<T>(path: string, query?: RequestOptions["query"]) {
    return this.request<T>("GET", path, { query });
  }
  post<T>(path: string, body?: unknown) {
    return this.request<T>("POST", path, { body });
  }
  put<T>(path: string, body?: unknown) {
    return this.request<T>("PUT", path, { body });
  }
  patch<T>(path: string, body?: unknown) {
    return this.request<T>("PATCH", path, { body });
  }
  delete<T>(path: string) {
    return this.request<T>("DELETE", path);
  }

  /**
   * The bearer header for a request the client cannot make itself (an upload through
   * XMLHttpRequest, for its progress events), refreshed first when the token is (nearly) expired.
   */
  async authorization(): Promise<Record<string, string>> {
    await this.freshen();
    return this.tokens ? { authorization: `Bearer ${this.tokens.access_token}` } : {};
  }

  /** Trades the refresh token for new tokens; false (and signed out) when the server refuses. */
  refresh(): Promise<boolean> {
    if (!this.tokens) return Promise.resolve(false);
    // Refresh tokens are single-use: concurrent callers must share one rotation.
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refresh_token = this.tokens?.refresh_token;
    if (!refresh_token) return false;
    try {
      const res = await this.fetchOnce("POST", "/api/v1/auth/refresh", {
        body: { refresh_token },
        anonymous: true,
      });
      if (!res.ok) {
        this.setTokens(null);
        return false;
      }
      this.setTokens((await res.json()) as TokenAnswer);
      return true;
    } catch {
      // Network trouble: keep the session, the next call retries.
      return false;
    }
  }

  /** Refreshes first when the access token is (nearly) expired, e.g. after the tab slept. */
  private async freshen(): Promise<void> {
    if (this.tokens && this.now() >= this.tokens.expires_at - 5_000) await this.refresh();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.tokens) return;
    const remaining = this.tokens.expires_at - this.now();
    const lifetime = Math.max(remaining, 0);
    const delay = Math.max(lifetime * REFRESH_AT, 1_000);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private fetchOnce(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
    if (!options.anonymous && this.tokens) {
      headers.authorization = `Bearer ${this.tokens.access_token}`;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    return this.fetchImpl(withQuery(path, options.query), {
      method,
      headers,
      body,
      signal: options.signal,
    });
  }
}

/** Appends the defined query parameters. */
export function withQuery(path: string, query?: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The app's client. */
export const api = new ApiClient();
