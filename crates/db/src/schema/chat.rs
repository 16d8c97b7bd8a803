//! Tables of conversations and usage (`owp-chat`, `owp-metering`): conversations and their
//! messages, daily usage buckets and token quotas.

diesel::table! {
    /// A user's chat threads with Ollama models.
    conversations (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The owner's tenant.
        organization_id -> Text,
        /// The owner: only they see it.
        user_id -> Text,
        /// Shown in the conversation list.
        title -> Text,
        /// The model last used.
        model -> Nullable<Text>,
        /// The agent last chatted with (no foreign key: the id stays when the agent goes).
        agent_id -> Nullable<Text>,
        /// The project it belongs to (unlinked when the project is deleted with its content).
        project_id -> Nullable<Text>,
        /// UTC.
        created_at -> Timestamp,
        /// UTC; bumped by every new message so lists sort by activity.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Messages of a conversation, in `created_at` order.
    messages (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The conversation.
        conversation_id -> Text,
        /// `system`, `user`, `assistant` or `tool`.
        role -> Text,
        /// The text.
        content -> Text,
        /// The model that wrote an assistant message.
        model -> Nullable<Text>,
        /// Tokens Ollama counted for an assistant message (prompt + completion).
        tokens_used -> Nullable<BigInt>,
        /// Time from request to last token, for an assistant message.
        processing_time_ms -> Nullable<BigInt>,
        /// JSON object: tool calls, done reason, timings.
        metadata -> Text,
        /// True while streaming, and for ever if the reply was cut off.
        incomplete -> Bool,
        /// UTC.
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Tokens and requests per user, API key, model and UTC day: what usage reports and
    /// quota checks read (a handful of rows per user and month, never one per request).
    usage_daily (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The caller's tenant.
        organization_id -> Text,
        /// The caller.
        user_id -> Text,
        /// The API key used, or empty for sessions.
        key_id -> Text,
        /// Model name.
        model -> Text,
        /// `YYYY-MM-DD` (UTC).
        day -> Text,
        /// Model calls.
        requests -> BigInt,
        /// Prompt tokens Ollama counted.
        prompt_tokens -> BigInt,
        /// Generated tokens Ollama counted.
        completion_tokens -> BigInt,
    }
}

diesel::table! {
    /// Token budgets per user (`credential_id` null) or per API key.
    token_quotas (subject_id) {
        /// The user id or the credential id the budget applies to.
        subject_id -> Text,
        /// The user (for a key budget, its owner).
        user_id -> Text,
        /// The API key, for a key budget.
        credential_id -> Nullable<Text>,
        /// Tokens per UTC day (null: no daily budget).
        daily_tokens -> Nullable<BigInt>,
        /// Tokens per UTC calendar month (null: no monthly budget).
        monthly_tokens -> Nullable<BigInt>,
        /// UTC.
        updated_at -> Timestamp,
    }
}
