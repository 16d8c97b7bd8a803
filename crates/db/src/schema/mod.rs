//! The portable diesel schema of every table (one file for both dialects: TEXT ids, UTC
//! timestamps). Kept by hand in step with `migrations/`; the schema-parity test checks both.
//! Conversations' and usage tables live in `schema/chat.rs`, workshop content's in
//! `schema/workshop.rs`, documents' and collections' in `schema/knowledge.rs` (all re-exported
//! here).

mod chat;
mod knowledge;
mod workshop;

pub use chat::{conversations, messages, token_quotas, usage_daily};
pub use knowledge::{
    chunk_vectors, collection_documents, collection_generations, collections, document_chunks,
    document_tags, documents, jobs, rag_systems,
};
pub use workshop::{
    agents, project_members, projects, prompt_tags, prompt_versions, prompts, tools,
};

diesel::table! {
    /// Tenants: every user and every piece of content belongs to exactly one.
    organizations (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// Display name.
        name -> Text,
        /// URL-safe unique handle.
        slug -> Text,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Append-only security events, hash-chained in `seq` order.
    audit_events (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// Position in the chain, 1, 2, 3, … without gaps.
        seq -> BigInt,
        /// UTC.
        occurred_at -> Timestamp,
        /// e.g. `login_success`.
        event_type -> Text,
        /// Who did it.
        actor_user_id -> Nullable<Text>,
        /// Whom it concerned.
        subject_user_id -> Nullable<Text>,
        /// The credential used or affected.
        credential_id -> Nullable<Text>,
        /// The tenant it happened in.
        organization_id -> Nullable<Text>,
        /// Client address.
        ip -> Nullable<Text>,
        /// Client software.
        user_agent -> Nullable<Text>,
        /// Correlates with the access log.
        request_id -> Nullable<Text>,
        /// JSON object with event-specific facts.
        detail -> Text,
        /// Hash of the previous event (zeros for the first).
        prev_hash -> Text,
        /// SHA-256 over this event's canonical fields and `prev_hash`.
        hash -> Text,
    }
}

diesel::table! {
    /// The chain's head: one row, updated in the same transaction as every new event, which
    /// also serialises concurrent writers.
    audit_chain (id) {
        /// Always 1.
        id -> Integer,
        /// `seq` of the newest event.
        last_seq -> BigInt,
        /// `hash` of the newest event.
        last_hash -> Text,
        /// First `seq` hashed with the server's audit key (HMAC-SHA256); older events were
        /// written before keying and verify as plain SHA-256. Set once, by the migration.
        keyed_from_seq -> BigInt,
        /// Fingerprint of the key the keyed events were written with (`NULL` until the first).
        key_fingerprint -> Nullable<Text>,
    }
}

diesel::table! {
    /// Accounts. `email_normalized` (lowercase) is unique, so sign-in is case-insensitive.
    users (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// As the user typed it (trimmed).
        email -> Text,
        /// Lowercased; the unique key.
        email_normalized -> Text,
        /// Display name.
        full_name -> Nullable<Text>,
        /// `pending`, `active`, `disabled` or `rejected`.
        status -> Text,
        /// The admin who approved or rejected.
        approved_by -> Nullable<Text>,
        /// When that happened.
        approved_at -> Nullable<Timestamp>,
        /// The admin's note on approval.
        admin_notes -> Nullable<Text>,
        /// JSON array of model names, or NULL for "whatever the roles allow".
        allowed_model_ids -> Nullable<Text>,
        /// JSON array of tool ids, or NULL for "whatever the roles allow".
        allowed_tool_ids -> Nullable<Text>,
        /// Last successful sign-in.
        last_login_at -> Nullable<Timestamp>,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// System roles (no organization) and each organization's custom roles.
    roles (id) {
        /// UUID as text (fixed for system roles).
        id -> Text,
        /// NULL for system roles.
        organization_id -> Nullable<Text>,
        /// Unique per organization.
        name -> Text,
        /// What the role is for.
        description -> Text,
        /// System roles cannot be deleted or renamed.
        is_system -> Bool,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// `resource:action` permissions granted by a role.
    role_permissions (role_id, permission) {
        /// The role.
        role_id -> Text,
        /// e.g. `users:read`.
        permission -> Text,
    }
}

diesel::table! {
    /// Which user holds which role.
    user_roles (user_id, role_id) {
        /// The user.
        user_id -> Text,
        /// The role.
        role_id -> Text,
    }
}

diesel::table! {
    /// Secrets bound to a user: the `password` credential and API keys.
    credentials (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The owner.
        user_id -> Text,
        /// `password` or `api_key`.
        kind -> Text,
        /// Shown in lists (`password` for passwords).
        label -> Text,
        /// API keys: the public lookup part of the key; unique.
        key_prefix -> Nullable<Text>,
        /// argon2id PHC string.
        secret_hash -> Text,
        /// API keys: JSON array of permissions, or NULL for the owner's.
        scopes -> Nullable<Text>,
        /// API keys: JSON array of model names, or NULL for the owner's.
        allowed_model_ids -> Nullable<Text>,
        /// When the key stops working.
        expires_at -> Nullable<Timestamp>,
        /// Last successful use.
        last_used_at -> Nullable<Timestamp>,
        /// When it was revoked.
        revoked_at -> Nullable<Timestamp>,
        /// UTC.
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Sign-in sessions; an access token's `sid`. Revoking one ends its tokens at once.
    sessions (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The user.
        user_id -> Text,
        /// UTC.
        created_at -> Timestamp,
        /// When its refresh tokens stop working.
        expires_at -> Timestamp,
        /// Set by sign-out, password change or refresh-token reuse.
        revoked_at -> Nullable<Timestamp>,
        /// Client address at sign-in.
        ip -> Nullable<Text>,
        /// Client software at sign-in.
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    /// Opaque refresh tokens (stored hashed), one family per session, rotated on every use.
    refresh_tokens (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The family.
        session_id -> Text,
        /// SHA-256 of the token.
        token_hash -> Text,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        expires_at -> Timestamp,
        /// Set when exchanged; presenting it again is reuse.
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Single-use, expiring invitations to join an organization.
    invitations (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// Where the invitee lands.
        organization_id -> Text,
        /// Who is invited.
        email -> Text,
        /// JSON array of role names given on acceptance.
        roles -> Text,
        /// SHA-256 of the invite token.
        token_hash -> Text,
        /// The inviting admin.
        created_by -> Nullable<Text>,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        expires_at -> Timestamp,
        /// When accepted.
        accepted_at -> Nullable<Timestamp>,
        /// The account created by accepting.
        accepted_user_id -> Nullable<Text>,
        /// When revoked.
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Data migrations that ran (rules in Rust, applied once after the schema migrations).
    data_migrations (name) {
        /// Which one.
        name -> Text,
        /// UTC.
        applied_at -> Timestamp,
    }
}

diesel::joinable!(audit_events -> organizations (organization_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(roles -> organizations (organization_id));
diesel::joinable!(role_permissions -> roles (role_id));
diesel::joinable!(user_roles -> roles (role_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(credentials -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(conversations -> users (user_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(usage_daily -> users (user_id));
diesel::joinable!(project_members -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    audit_events,
    audit_chain,
    users,
    roles,
    role_permissions,
    user_roles,
    credentials,
    sessions,
    refresh_tokens,
    invitations,
    conversations,
    messages,
    usage_daily,
    token_quotas,
    data_migrations,
    projects,
    project_members,
    prompts,
    prompt_tags,
    prompt_versions,
    tools,
    agents,
    documents,
    document_tags,
    document_chunks,
    collections,
    collection_generations,
    collection_documents,
    chunk_vectors,
    jobs,
    rag_systems,
);
