//! The portable diesel schema of every table (one file for both dialects: TEXT ids, UTC
//! timestamps). Kept by hand in step with `migrations/`; the schema-parity test checks both.

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
    }
}

diesel::joinable!(audit_events -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(organizations, audit_events, audit_chain);
