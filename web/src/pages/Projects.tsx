/**
 * Projects: the ones you are a member of (admins: all), create and rename them, manage their
 * members and roles, and delete them (with their content only after a second, explicit choice).
 */
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { ApiError } from "../api/problem";
import type { MemberRole, Project, ProjectList, UserPage, UserView } from "../api/types";
import { useConfirm } from "../components/ConfirmDialog";
import { ErrorBox, Field, Notice, fieldError, useAction } from "../components/forms";
import { EmptyState, Skeleton } from "../components/States";
import { Time } from "../components/Time";
import { useLoad } from "../hooks";
import { useSession } from "../session";

const ROLES: MemberRole[] = ["owner", "editor", "viewer"];
const ROLE_TEXT: Record<MemberRole, string> = {
  owner: "owner (manages members)",
  editor: "editor (changes its content)",
  viewer: "viewer (reads its content)",
};

function CreateProject({ onCreated }: { onCreated(project: Project): void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const action = useAction(async () => {
    const project = await api.post<Project>("/api/v1/projects", { name: name.trim(), description: description.trim() });
    setName("");
    setDescription("");
    onCreated(project);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  return (
    <section className="card" aria-labelledby="new-project-title">
      <h2 id="new-project-title">New project</h2>
      <form onSubmit={submit}>
        <Field label="Project name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(action.error, "name")} />
        <Field
          label="Project description"
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={fieldError(action.error, "description")}
        />
        <ErrorBox error={action.error} fields={["name", "description"]} />
        <button type="submit" disabled={action.busy}>
          Create project
        </button>
      </form>
    </section>
  );
}

function EditProject({ project, onSaved }: { project: Project; onSaved(project: Project, message: string): void }) {
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const action = useAction(async () => {
    const saved = await api.patch<Project>(`/api/v1/projects/${project.id}`, { name: name.trim(), description: description.trim() });
    onSaved(saved, `Saved “${saved.name}”.`);
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void action.run();
      }}
    >
      <Field label="Name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(action.error, "name")} />
      <Field
        label="Description"
        maxLength={2000}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={fieldError(action.error, "description")}
      />
      <ErrorBox error={action.error} fields={["name", "description"]} />
      <button type="submit" disabled={action.busy || (name === project.name && description === project.description)}>
        Save
      </button>
    </form>
  );
}

function Members({ project, users, onChanged }: {
  project: Project;
  users: UserView[] | null;
  onChanged(project: Project, message: string): void;
}) {
  const confirm = useConfirm();
  const { me } = useSession();
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<MemberRole>("viewer");
  const label = (id: string) => users?.find((u) => u.id === id)?.email ?? (id === me?.user.id ? me.user.email : id);
  const members = [...project.members].sort((a, b) => label(a.user_id).localeCompare(label(b.user_id)));
  const candidates = (users ?? []).filter((u) => !project.members.some((m) => m.user_id === u.id));
  const put = useAction(async (user: string, newRole: MemberRole) => {
    const updated = await api.put<Project>(`/api/v1/projects/${project.id}/members/${encodeURIComponent(user)}`, { role: newRole });
    onChanged(updated, `${label(user)} is ${newRole} of “${project.name}”.`);
  });
  const remove = useAction(async (user: string) => {
    const ok = await confirm({
      action: "Remove member",
      object: label(user),
      consequence: `They no longer see the content shared with “${project.name}”.`,
    });
    if (!ok) return;
    await api.delete(`/api/v1/projects/${project.id}/members/${encodeURIComponent(user)}`);
    onChanged({ ...project, members: project.members.filter((m) => m.user_id !== user) }, `Removed ${label(user)} from “${project.name}”.`);
  });
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!userId.trim()) return;
    void put.run(userId.trim(), role).then(() => setUserId(""));
  };

  return (
    <section aria-labelledby="members-title">
      <h3 id="members-title">Members</h3>
      <div className="table-wrap">
        <table className="cards" aria-label="Members">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.user_id}>
                <td data-label="User" className="email">
                  {label(m.user_id)}
                </td>
                <td data-label="Role">
                  <select
                    aria-label={`Role of ${label(m.user_id)}`}
                    value={m.role}
                    disabled={put.busy}
                    onChange={(e) => void put.run(m.user_id, e.target.value as MemberRole)}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td data-label="">
                  <button
                    type="button"
                    className="danger small"
                    aria-label={`Remove ${label(m.user_id)}`}
                    disabled={remove.busy}
                    onClick={() => void remove.run(m.user_id)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="inline-form" onSubmit={add} aria-label="Add member">
        {users ? (
          <div className="field">
            <label htmlFor="member-user">Add user</label>
            <select id="member-user" value={userId} onChange={(e) => setUserId(e.target.value)} required>
              <option value="">Choose a user…</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.email}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <Field label="Add user (id)" value={userId} required onChange={(e) => setUserId(e.target.value)} hint="Ask the organiser for the user's id." />
        )}
        <div className="field">
          <label htmlFor="member-role">As</label>
          <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as MemberRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_TEXT[r]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={put.busy || !userId}>
          Add member
        </button>
      </form>
      <ErrorBox error={put.error} />
      <ErrorBox error={remove.error} />
    </section>
  );
}

export function Projects() {
  const { can } = useSession();
  const confirm = useConfirm();
  const [openId, setOpenId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [hasContent, setHasContent] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useLoad(() => api.get<ProjectList>("/api/v1/projects", { limit: 500 }), []);
  const canListUsers = can("users:read");
  const users = useLoad(
    () => (canListUsers ? api.get<UserPage>("/api/v1/users", { limit: 500 }).then((p) => p.items).catch(() => null) : Promise.resolve(null)),
    [canListUsers],
  );
  const items = list.data?.items ?? [];
  const open = items.find((p) => p.id === openId) ?? null;
  const replace = (project: Project, message: string) => {
    list.setData((page) => (page ? { ...page, items: page.items.map((p) => (p.id === project.id ? project : p)) } : page));
    setNotice(message);
  };
  const choose = (project: Project, message: string | null = null) => {
    setOpenId(project.id);
    setNotice(message);
    setHasContent(null);
    requestAnimationFrame(() => panel.current?.scrollIntoView?.({ block: "start", behavior: "smooth" }));
  };

  const remove = useAction(async (project: Project, cascade: boolean) => {
    const ok = await confirm(
      cascade
        ? {
            action: "Delete with its content",
            object: project.name,
            consequence: "The project and all its prompts and tools are deleted for everyone. This cannot be undone.",
          }
        : {
            action: "Delete project",
            object: project.name,
            consequence: "Its members lose access to what was shared with it.",
          },
    );
    if (!ok) return;
    try {
      await api.request("DELETE", `/api/v1/projects/${project.id}`, { query: cascade ? { cascade: true } : undefined });
    } catch (err) {
      if (!cascade && err instanceof ApiError && err.status === 409) {
        setHasContent(err.message);
        return;
      }
      throw err;
    }
    setOpenId(null);
    setHasContent(null);
    setNotice(`Deleted “${project.name}”${cascade ? " with its content" : ""}.`);
    void list.reload();
  });

  return (
    <div className="page">
      <h1>Projects</h1>
      {can("content:publish") && (
        <CreateProject
          onCreated={(project) => {
            void list.reload().then(() => choose(project, `Created “${project.name}”; you are its owner.`));
          }}
        />
      )}
      <div className="split">
        <section className="card" aria-labelledby="project-list-title">
          <h2 id="project-list-title">Your projects</h2>
          <ErrorBox error={list.error} />
          {list.loading && !list.data && <Skeleton rows={3} label="Loading projects" />}
          {list.data && items.length === 0 && (
            <EmptyState>
              {can("content:publish")
                ? "No projects yet: create one above to share prompts and tools with a group."
                : "You are not a member of any project yet."}
            </EmptyState>
          )}
          {items.length > 0 && (
            <ul className="select-list" aria-label="Projects">
              {items.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    className={p.id === openId ? "selected" : undefined}
                    aria-current={p.id === openId ? "true" : undefined}
                    onClick={() => choose(p)}
                  >
                    <span>
                      <strong>{p.name}</strong>
                    </span>
                    <span className="muted small-text">
                      {p.members.length} member{p.members.length === 1 ? "" : "s"}
                    </span>
                    {p.description && <span className="muted small-text">{p.description}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="stack" ref={panel}>
          {notice && <Notice kind="success">{notice}</Notice>}
          {!open && items.length > 0 && <p className="muted">Choose a project to change it or its members.</p>}
          {open && (
            <section className="card" aria-labelledby="project-title">
              <h2 id="project-title">{open.name}</h2>
              <p className="muted small-text">
                Created <Time value={open.created_at} />, changed <Time value={open.updated_at} />
              </p>
              <EditProject key={`${open.id}:${open.updated_at}`} project={open} onSaved={replace} />
              <Members project={open} users={users.data ?? null} onChanged={replace} />
              <div className="danger-zone">
                <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run(open, false)}>
                  Delete project
                </button>
                {hasContent && (
                  <div className="message warning" role="alert">
                    <p>{hasContent.charAt(0).toUpperCase() + hasContent.slice(1)}</p>
                    <button type="button" className="danger solid" disabled={remove.busy} onClick={() => void remove.run(open, true)}>
                      Delete with its content
                    </button>
                  </div>
                )}
                <ErrorBox error={remove.error} />
              </div>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}
