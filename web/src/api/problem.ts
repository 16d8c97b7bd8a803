/** RFC 9457 problem details as the gateway sends them, and an Error that carries one. */

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  /** The `x-request-id` of the failed response, for the user to quote. */
  requestId?: string;
}

/** A failed API call: `detail` is what the user sees; `errors` are shown beside their fields. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = "ApiError";
    this.status = problem.status;
    this.title = problem.title ?? "";
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId;
  }

  /** The message for one form field, if the server named it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

/** Reads any error response into a Problem; a body that is not problem+json still gives a message. */
export async function readProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => "");
  const fallback = `${res.status} ${res.statusText || "error"}`.trim();
  const requestId = res.headers.get("x-request-id") ?? undefined;
  if (text) {
    try {
      const body = JSON.parse(text) as Partial<Problem> & { message?: string };
      const detail = body.detail ?? body.message ?? body.title ?? fallback;
      return {
        type: body.type,
        title: body.title,
        status: typeof body.status === "number" ? body.status : res.status,
        detail: String(detail),
        errors: Array.isArray(body.errors) ? body.errors : undefined,
        requestId,
      };
    } catch {
      // Not JSON (a proxy's HTML page, say): show a short plain message instead of markup.
    }
  }
  return { status: res.status, detail: fallback, requestId };
}

/** "invalid email or password" → "Invalid email or password." (server texts are lowercase). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const first = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/** The words for a server failure: no status line, what to do, and the id to quote. */
export function serverFailureText(requestId: string | undefined): string {
  const quote = requestId ? ` If it keeps happening, tell the organiser and quote request id ${requestId}.` : " If it keeps happening, tell the organiser.";
  return `Something went wrong on the server. Please try again in a moment.${quote}`;
}

/**
 * How an error is shown: messages for the named form fields (beside them), and one banner text
 * for the rest (null when the fields say it all). 5xx answers get a friendly text with the
 * request id; server texts are put in sentence case.
 */
export function presentError(
  err: unknown,
  shownFields: readonly string[] = [],
): { banner: string | null; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  if (!err) return { banner: null, fields };
  if (err instanceof ApiError) {
    if (err.status >= 500) return { banner: errorMessage(err), fields };
    const rest: string[] = [];
    for (const e of err.errors) {
      if (shownFields.includes(e.field) && !fields[e.field]) fields[e.field] = sentence(e.message);
      else rest.push(`${e.field.replace(/_/g, " ")}: ${e.message}`);
    }
    if (err.errors.length > 0) {
      return { banner: rest.length ? sentence(rest.join("; ")) : null, fields };
    }
    return { banner: sentence(err.message), fields };
  }
  return { banner: errorMessage(err), fields };
}

/** A message for anything thrown: API problems keep their detail, network failures say so. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status >= 500) {
      // An internal error or a bare status line says nothing useful; a gateway's own 502/503
      // detail ("Ollama is not reachable") does, and gets the id to quote added.
      if (err.status === 500 || /^\d{3}\b/.test(err.message)) return serverFailureText(err.requestId);
      return err.requestId ? `${sentence(err.message)} (Request id ${err.requestId}.)` : sentence(err.message);
    }
    return sentence(err.message);
  }
  if (err instanceof DOMException && err.name === "AbortError") return "Stopped.";
  if (err instanceof TypeError) return "The server could not be reached.";
  if (err instanceof Error) return sentence(err.message);
  return String(err);
}
