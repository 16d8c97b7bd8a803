//! Typed ids: UUIDv7 (time-ordered, so inserts stay index-friendly) wrapped per entity, so a
//! user id can never be passed where an organisation id is expected. Rows store them as text.

/// Declares a typed id newtype over [`uuid::Uuid`] with parsing, display and serde as a string.
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

/// Reads an id stored as text. A row holding a malformed id is a fault of the store, not of
/// the caller, so it is [`crate::StoreError::Internal`] (ids from clients are parsed by the
/// HTTP edge, where a malformed one is simply not found).
pub fn parse_stored_id<T: std::str::FromStr>(text: &str) -> Result<T, crate::StoreError> {
    text.parse()
        .map_err(|_| crate::StoreError::Internal(format!("malformed id {text:?} in the store")))
}

typed_id!(
    /// Identifies an organisation (tenant).
    OrganizationId
);

typed_id!(
    /// Identifies a user account.
    UserId
);

typed_id!(
    /// Identifies a credential (a password or an API key).
    CredentialId
);

typed_id!(
    /// Identifies an audit event.
    AuditEventId
);

typed_id!(
    /// Identifies a role.
    RoleId
);

typed_id!(
    /// Identifies a sign-in session (the `sid` of access tokens).
    SessionId
);

typed_id!(
    /// Identifies an invitation.
    InvitationId
);

typed_id!(
    /// Identifies a conversation.
    ConversationId
);

typed_id!(
    /// Identifies a message of a conversation.
    MessageId
);

typed_id!(
    /// Identifies a workshop project.
    ProjectId
);

typed_id!(
    /// Identifies a prompt.
    PromptId
);

typed_id!(
    /// Identifies a tool (a function definition).
    ToolId
);

typed_id!(
    /// Identifies an agent (a model with its system prompt, tools and options).
    AgentId
);

typed_id!(
    /// Identifies an uploaded document.
    DocumentId
);

typed_id!(
    /// Identifies a chunk of a document's text.
    ChunkId
);

typed_id!(
    /// Identifies a collection (documents indexed for retrieval).
    CollectionId
);

typed_id!(
    /// Identifies one generation (build) of a collection's index.
    GenerationId
);

typed_id!(
    /// Identifies an ingestion job.
    JobId
);

typed_id!(
    /// Identifies a RAG system (collections + chat model + prompt template).
    RagSystemId
);

#[cfg(test)]
mod tests {
    use super::OrganizationId;

    #[test]
    fn ids_are_time_ordered_and_round_trip_as_text() {
        let first = OrganizationId::new();
        let second = OrganizationId::new();
        assert!(first < second);
        assert_eq!(first.0.get_version_num(), 7);
        let parsed: OrganizationId = first.to_string().parse().unwrap();
        assert_eq!(parsed, first);
        assert!("not-a-uuid".parse::<OrganizationId>().is_err());
    }
}
