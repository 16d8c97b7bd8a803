//! Tables of workshop content (`owp-workshop`): projects and their members, prompts with their
//! tags and versions, tools, agents. Every item row carries the columns of the one visibility rule:
//! `organization_id`, `owner_id`, `visibility` and `project_id`.

diesel::table! {
    /// Projects: a group of members sharing `project`-visible content.
    projects (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// Display name.
        name -> Text,
        /// Free text.
        description -> Text,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Who belongs to a project, as `owner`, `editor` or `viewer`.
    project_members (project_id, user_id) {
        /// The project.
        project_id -> Text,
        /// The member.
        user_id -> Text,
        /// `owner`, `editor` or `viewer`.
        role -> Text,
        /// UTC.
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Prompt templates; `content` and `variables` are the current version's.
    prompts (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// Who created it.
        owner_id -> Text,
        /// The project it belongs to.
        project_id -> Nullable<Text>,
        /// `private`, `project` or `org`.
        visibility -> Text,
        /// Display name.
        name -> Text,
        /// Slash command, unique per organisation.
        command -> Text,
        /// The template.
        content -> Text,
        /// JSON list of declared variables.
        variables -> Text,
        /// JSON list of tags (also in `prompt_tags` for filtering).
        tags -> Text,
        /// The current version number.
        version -> BigInt,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One row per tag of a prompt, so `?tag=` is an index lookup.
    prompt_tags (prompt_id, tag) {
        /// The prompt.
        prompt_id -> Text,
        /// Lower-case tag.
        tag -> Text,
    }
}

diesel::table! {
    /// Every version of a prompt's content and variables.
    prompt_versions (prompt_id, version) {
        /// The prompt.
        prompt_id -> Text,
        /// 1, 2, 3, …
        version -> BigInt,
        /// The template of this version.
        content -> Text,
        /// JSON list of declared variables of this version.
        variables -> Text,
        /// What changed, as the author said.
        message -> Nullable<Text>,
        /// Who wrote it.
        author_id -> Nullable<Text>,
        /// UTC.
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Tools: function definitions (a JSON Schema of parameters) for function calling.
    tools (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// Who created it.
        owner_id -> Text,
        /// The project it belongs to.
        project_id -> Nullable<Text>,
        /// `private`, `project` or `org`.
        visibility -> Text,
        /// Function name, unique per organisation.
        name -> Text,
        /// What it does, for the model.
        description -> Text,
        /// JSON Schema of the arguments (an object schema).
        parameters -> Text,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Agents: a model with a system prompt (text, or a prompt and its variables), tools and
    /// options, used from chat by id or as `agent:<slug>`.
    agents (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// Who created it.
        owner_id -> Text,
        /// The project it belongs to.
        project_id -> Nullable<Text>,
        /// `private`, `project` or `org`.
        visibility -> Text,
        /// Display name.
        name -> Text,
        /// `[a-z0-9-]{1,48}`, unique per organisation.
        slug -> Text,
        /// Free text.
        description -> Text,
        /// Canonical model name.
        model -> Text,
        /// The system prompt as text (never together with `prompt_id`).
        system_prompt -> Nullable<Text>,
        /// A prompt rendered as the system prompt (not a foreign key: it may be deleted).
        prompt_id -> Nullable<Text>,
        /// JSON object of values for the prompt's variables.
        prompt_variables -> Text,
        /// JSON list of tool ids.
        tool_ids -> Text,
        /// JSON object of Ollama options.
        options -> Text,
        /// JSON list of RAG system ids (empty until RAG systems exist).
        knowledge -> Text,
        /// Whether it may be used.
        active -> Bool,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::joinable!(project_members -> projects (project_id));
diesel::joinable!(prompt_tags -> prompts (prompt_id));
diesel::joinable!(prompt_versions -> prompts (prompt_id));
