/**
 * The upload form: a file (picked or dropped), title, tags, visibility, project and optionally a
 * collection to index it into. Shows how much of the file is sent, then that the server is
 * reading it; 413/415/422 problems appear beside the file or the field they name.
 */
import { useId, useRef, useState } from "react";
import type { DragEvent, FormEvent } from "react";
import { api } from "../api/client";
import { uploadDocument, uploadPercent } from "../api/upload";
import type { UploadProgress, Uploaded } from "../api/upload";
import type { Collection, Project, Visibility } from "../api/types";
import { formatBytes } from "../format";
import { useSession } from "../session";
import { ProjectSelect, VisibilitySelect } from "./ContentFields";
import { ErrorBox, Field, fieldError, useAction } from "./forms";

const FIELDS = ["file", "title", "tags", "visibility", "project_id", "collection_id"];

export function DocumentUpload({ projects, collections, collectionId: initialCollection = "", onUploaded }: {
  projects: Project[];
  collections: Collection[];
  collectionId?: string;
  /** With the collection it was added to ("" for none). */
  onUploaded(uploaded: Uploaded, collectionId: string): void;
}) {
  const { can } = useSession();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState("");
  const [tags, setTags] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("private");
  const [projectId, setProjectId] = useState("");
  const [collectionId, setCollectionId] = useState(initialCollection);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const stopper = useRef<AbortController | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const upload = useAction(async () => {
    if (!file) return;
    const controller = new AbortController();
    stopper.current = controller;
    setProgress({ loaded: 0, total: file.size });
    try {
      const uploaded = await uploadDocument(
        api,
        { file, title, tags, visibility, project_id: projectId, collection_id: collectionId },
        { onProgress: setProgress, signal: controller.signal },
      );
      setFile(null);
      setTitle("");
      setTags("");
      if (input.current) input.current.value = "";
      onUploaded(uploaded, collectionId);
    } finally {
      stopper.current = null;
      setProgress(null);
    }
  });
  const choose = (chosen: File | null) => {
    setFile(chosen);
    upload.setError(null);
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const dropped = e.dataTransfer.files[0];
    if (!dropped) return;
    choose(dropped);
    if (input.current) {
      // Keep the picker showing the dropped file where the browser allows it.
      try {
        input.current.files = e.dataTransfer.files;
      } catch {
        // jsdom and some browsers refuse: the state holds the file anyway.
      }
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void upload.run();
  };
  const percent = progress ? uploadPercent(progress) : undefined;
  const reading = progress !== null && percent === 100;
  const fileError = fieldError(upload.error, "file");

  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload a document</h2>
      <form onSubmit={submit}>
        <fieldset className="plain" disabled={upload.busy}>
          <div
            className={dragging ? "drop-zone dragging" : "drop-zone"}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={drop}
            data-testid="drop-zone"
          >
            <label htmlFor={fileId}>File</label>
            <input
              id={fileId}
              ref={input}
              type="file"
              accept=".txt,.md,.markdown,.html,.htm,.pdf,.docx,text/plain,text/markdown,text/html,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              aria-invalid={fileError ? true : undefined}
              onChange={(e) => choose(e.target.files?.[0] ?? null)}
            />
            <small className="hint">
              {file ? `${file.name} · ${formatBytes(file.size)}` : "Or drop a file here. Plain text, markdown, HTML, PDF or DOCX."}
            </small>
            {fileError && <small className="field-error">{fileError}</small>}
          </div>
          <div className="two-columns">
            <Field label="Title" value={title} placeholder={file?.name ?? "The file name"} onChange={(e) => setTitle(e.target.value)} error={fieldError(upload.error, "title")} />
            <Field label="Tags" value={tags} placeholder="e.g. setup, rust" hint="Comma-separated." onChange={(e) => setTags(e.target.value)} error={fieldError(upload.error, "tags")} />
            <VisibilitySelect
              value={visibility}
              onChange={setVisibility}
              canPublish={can("content:publish") || can("content:manage")}
              error={fieldError(upload.error, "visibility")}
            />
            <ProjectSelect value={projectId} onChange={setProjectId} projects={projects} error={fieldError(upload.error, "project_id")} />
          </div>
          <div className="field">
            <label htmlFor={`${fileId}-collection`}>Add to collection</label>
            <select id={`${fileId}-collection`} value={collectionId} onChange={(e) => setCollectionId(e.target.value)}>
              <option value="">(none)</option>
              {collections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <small className="hint">Its indexing starts as soon as the text is read.</small>
            {fieldError(upload.error, "collection_id") && <small className="field-error">{fieldError(upload.error, "collection_id")}</small>}
          </div>
        </fieldset>
        {progress && (
          <div className="upload-progress" role="status">
            <progress max={100} value={percent} aria-label="Upload progress" />
            <span>{reading ? "Sent; the server is reading the text…" : `Sending… ${percent ?? 0}%`}</span>
          </div>
        )}
        <ErrorBox error={upload.error} fields={FIELDS} />
        <div className="buttons">
          <button type="submit" disabled={!file || upload.busy}>
            Upload
          </button>
          {upload.busy && (
            <button type="button" className="secondary" onClick={() => stopper.current?.abort()}>
              Stop
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
