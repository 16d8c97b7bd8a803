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
}

/** A failed API call: `detail` is what the user sees; `errors` are shown beside their fields. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[];

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = "ApiError";
    this.status = problem.status;
    this.title = problem.title ?? "";
    this.errors = problem.errors ?? [];
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
      };
    } catch {
      // Not JSON (a proxy's HTML page, say): show a short plain message instead of markup.
    }
  }
  return { status: res.status, detail: fallback };
}

/** A message for anything thrown: API problems keep their detail, network failures say so. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof DOMException && err.name === "AbortError") return "Stopped.";
  if (err instanceof TypeError) return "The server could not be reached.";
  if (err instanceof Error) return err.message;
  return String(err);
}
