/**
 * Document uploads with progress. `fetch` reports no upload progress, so the file goes through
 * XMLHttpRequest; the bearer token comes from the ApiClient (refreshed and retried once on a
 * 401 like every other call), and failures become the same ApiError as elsewhere.
 */
import type { ApiClient } from "./client";
import { ApiError, readProblem } from "./problem";
import type { DocumentView, Visibility } from "./types";

export interface UploadFields {
  file: File;
  title?: string;
  /** Comma-separated. */
  tags?: string;
  visibility?: Visibility;
  project_id?: string;
  collection_id?: string;
}

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** Bytes to send (0 when the browser cannot tell). */
  total: number;
}

export interface Uploaded {
  document: DocumentView;
  /** The same content was uploaded before: the server answered with that document (200). */
  duplicate: boolean;
}

/** Share sent, 0..100; undefined when the size is unknown. */
export function uploadPercent(progress: UploadProgress): number | undefined {
  if (progress.total <= 0) return undefined;
  return Math.min(100, Math.round((progress.loaded / progress.total) * 100));
}

/** The multipart form: the text parts first, then the file; empty fields are left out. */
function uploadForm(fields: UploadFields): FormData {
  const form = new FormData();
  const text: [string, string | undefined][] = [
    ["title", fields.title?.trim()],
    ["tags", fields.tags?.trim()],
    ["visibility", fields.visibility],
    ["project_id", fields.project_id],
    ["collection_id", fields.collection_id],
  ];
  for (const [name, value] of text) if (value) form.append(name, value);
  form.append("file", fields.file, fields.file.name);
  return form;
}

/** Said when the connection broke while the file was still being sent. */
export const CUT_OFF =
  "The upload was cut off before the server answered. If the file is large, it may be over the server's upload limit; otherwise try again.";

interface Options {
  onProgress?(progress: UploadProgress): void;
  signal?: AbortSignal;
  /** Tests pass a fake. */
  createRequest?: () => XMLHttpRequest;
}

interface RawAnswer {
  status: number;
  body: string;
  headers: Headers;
}

/** One attempt: resolves with whatever the server answered, rejects on network failure or abort. */
function sendOnce(form: FormData, headers: Record<string, string>, options: Options): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = options.createRequest?.() ?? new XMLHttpRequest();
    let sent: UploadProgress = { loaded: 0, total: 0 };
    const abort = () => xhr.abort();
    options.signal?.addEventListener("abort", abort);
    const finish = () => options.signal?.removeEventListener("abort", abort);
    xhr.open("POST", "/api/v1/documents");
    xhr.setRequestHeader("accept", "application/json");
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      sent = { loaded: e.loaded, total: e.lengthComputable ? e.total : 0 };
      options.onProgress?.(sent);
    };
    xhr.onload = () => {
      finish();
      const answerHeaders = new Headers();
      for (const name of ["content-type", "x-request-id"]) {
        const value = xhr.getResponseHeader(name);
        if (value) answerHeaders.set(name, value);
      }
      resolve({ status: xhr.status, body: xhr.responseText, headers: answerHeaders });
    };
    xhr.onerror = () => {
      finish();
      const unfinished = sent.total > 0 && sent.loaded < sent.total;
      reject(unfinished ? new ApiError({ status: 0, detail: CUT_OFF }) : new TypeError("Failed to fetch"));
    };
    xhr.onabort = () => {
      finish();
      reject(new DOMException("The upload was stopped.", "AbortError"));
    };
    xhr.send(form);
  });
}

/** Uploads a document; rejects with ApiError (413, 415, 422, …), TypeError offline, or AbortError. */
export async function uploadDocument(client: ApiClient, fields: UploadFields, options: Options = {}): Promise<Uploaded> {
  const form = uploadForm(fields);
  let answer = await sendOnce(form, await client.authorization(), options);
  if (answer.status === 401 && client.signedIn && (await client.refresh())) {
    answer = await sendOnce(form, await client.authorization(), options);
  }
  if (answer.status < 200 || answer.status >= 300) {
    const res = new Response(answer.body || null, { status: answer.status, headers: answer.headers });
    throw new ApiError(await readProblem(res));
  }
  return { document: JSON.parse(answer.body) as DocumentView, duplicate: answer.status === 200 };
}
