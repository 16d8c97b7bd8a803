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
