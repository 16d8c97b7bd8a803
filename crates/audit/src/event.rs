//! Event types and the shapes of events going in and coming out.

use chrono::NaiveDateTime;
use owp_db::ids::{AuditEventId, CredentialId, UserId};
use serde::Serialize;

use crate::context::ACTOR_FIELD;

/// Every kind of event the platform records; stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// A sign-in succeeded.
    LoginSuccess,
    /// A sign-in failed (unknown email, wrong password, pending or disabled account, throttled).
    LoginFailure,
    /// A session was ended.
    Logout,
    /// A used refresh token was presented again; its whole family was revoked.
    TokenRefreshReuse,
    /// Someone registered.
    UserRegistered,
    /// An admin created a user.
    UserCreated,
    /// An admin approved a pending user.
    UserApproved,
    /// An admin rejected a pending user.
    UserRejected,
    /// A user's profile or state changed.
    UserUpdated,
    /// A user was disabled.
    UserDisabled,
    /// A user's roles changed.
    RolesChanged,
    /// A user changed their own password.
    PasswordChanged,
    /// An admin set a user's password.
    PasswordSet,
    /// An API key was issued.
    ApiKeyIssued,
    /// An API key was revoked.
    ApiKeyRevoked,
    /// A user's model or tool grants changed.
    GrantChanged,
    /// A model was pulled into Ollama.
    ModelPulled,
    /// A model was deleted from Ollama.
    ModelDeleted,
    /// A custom role was created.
    RoleCreated,
    /// A custom role's name, description or permissions changed.
    RoleUpdated,
    /// A custom role was deleted.
    RoleDeleted,
    /// Someone was invited.
    InvitationCreated,
    /// An invitation was withdrawn.
    InvitationRevoked,
    /// An invitation was accepted and its account created.
    InvitationAccepted,
    /// A super admin created an organization.
    OrganizationCreated,
    /// A super admin renamed an organization.
    OrganizationRenamed,
    /// A super admin deleted an (empty) organization.
    OrganizationDeleted,
    /// A workshop project was created.
    ProjectCreated,
    /// A project's name or description changed.
    ProjectUpdated,
    /// A project was deleted (with its content when cascading).
    ProjectDeleted,
    /// Someone was added to a project or their project role changed.
    ProjectMemberSet,
    /// Someone was removed from a project.
    ProjectMemberRemoved,
    /// A prompt was created.
    PromptCreated,
    /// A prompt changed (a new version when its content or variables did).
    PromptUpdated,
    /// An earlier version of a prompt became its newest.
    PromptRestored,
    /// A prompt was deleted.
    PromptDeleted,
    /// A tool was created.
    ToolCreated,
    /// A tool changed.
    ToolUpdated,
    /// A tool was deleted (and removed from every grant).
    ToolDeleted,
    /// An agent was created.
    AgentCreated,
    /// An agent changed.
    AgentUpdated,
    /// An agent was deleted.
    AgentDeleted,
    /// A document was uploaded (its text extracted, or its failure recorded).
    DocumentUploaded,
    /// A document was deleted with its chunks and vectors in every collection.
    DocumentDeleted,
    /// A collection was created.
    CollectionCreated,
    /// A collection changed (a new model or chunking starts a new generation).
    CollectionUpdated,
    /// A collection was deleted with its index.
    CollectionDeleted,
    /// A document was added to a collection (indexing queued).
    CollectionDocumentAdded,
    /// A document was removed from a collection (its vectors dropped).
    CollectionDocumentRemoved,
    /// A RAG system was created.
    RagSystemCreated,
    /// A RAG system changed.
    RagSystemUpdated,
    /// A RAG system was deleted.
    RagSystemDeleted,
}

/// A stored event type name that this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown audit event type {0:?}")]
pub struct UnknownEventType(pub String);

impl EventType {
    /// Every event type, for validation messages and filters.
    pub const ALL: [EventType; 52] = [
        EventType::LoginSuccess,
        EventType::LoginFailure,
        EventType::Logout,
        EventType::TokenRefreshReuse,
        EventType::UserRegistered,
        EventType::UserCreated,
        EventType::UserApproved,
        EventType::UserRejected,
        EventType::UserUpdated,
        EventType::UserDisabled,
        EventType::RolesChanged,
        EventType::PasswordChanged,
        EventType::PasswordSet,
        EventType::ApiKeyIssued,
        EventType::ApiKeyRevoked,
        EventType::GrantChanged,
        EventType::ModelPulled,
        EventType::ModelDeleted,
        EventType::RoleCreated,
        EventType::RoleUpdated,
        EventType::RoleDeleted,
        EventType::InvitationCreated,
        EventType::InvitationRevoked,
        EventType::InvitationAccepted,
        EventType::OrganizationCreated,
        EventType::OrganizationRenamed,
        EventType::OrganizationDeleted,
        EventType::ProjectCreated,
        EventType::ProjectUpdated,
        EventType::ProjectDeleted,
        EventType::ProjectMemberSet,
        EventType::ProjectMemberRemoved,
        EventType::PromptCreated,
        EventType::PromptUpdated,
        EventType::PromptRestored,
        EventType::PromptDeleted,
        EventType::ToolCreated,
        EventType::ToolUpdated,
        EventType::ToolDeleted,
        EventType::AgentCreated,
        EventType::AgentUpdated,
        EventType::AgentDeleted,
        EventType::DocumentUploaded,
        EventType::DocumentDeleted,
        EventType::CollectionCreated,
        EventType::CollectionUpdated,
        EventType::CollectionDeleted,
        EventType::CollectionDocumentAdded,
        EventType::CollectionDocumentRemoved,
        EventType::RagSystemCreated,
        EventType::RagSystemUpdated,
        EventType::RagSystemDeleted,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::LoginSuccess => "login_success",
            EventType::LoginFailure => "login_failure",
            EventType::Logout => "logout",
            EventType::TokenRefreshReuse => "token_refresh_reuse",
            EventType::UserRegistered => "user_registered",
            EventType::UserCreated => "user_created",
            EventType::UserApproved => "user_approved",
            EventType::UserRejected => "user_rejected",
            EventType::UserUpdated => "user_updated",
            EventType::UserDisabled => "user_disabled",
            EventType::RolesChanged => "roles_changed",
            EventType::PasswordChanged => "password_changed",
            EventType::PasswordSet => "password_set",
            EventType::ApiKeyIssued => "api_key_issued",
            EventType::ApiKeyRevoked => "api_key_revoked",
            EventType::GrantChanged => "grant_changed",
            EventType::ModelPulled => "model_pulled",
            EventType::ModelDeleted => "model_deleted",
            EventType::RoleCreated => "role_created",
            EventType::RoleUpdated => "role_updated",
            EventType::RoleDeleted => "role_deleted",
            EventType::InvitationCreated => "invitation_created",
            EventType::InvitationRevoked => "invitation_revoked",
            EventType::InvitationAccepted => "invitation_accepted",
            EventType::OrganizationCreated => "organization_created",
            EventType::OrganizationRenamed => "organization_renamed",
            EventType::OrganizationDeleted => "organization_deleted",
            EventType::ProjectCreated => "project_created",
            EventType::ProjectUpdated => "project_updated",
            EventType::ProjectDeleted => "project_deleted",
            EventType::ProjectMemberSet => "project_member_set",
            EventType::ProjectMemberRemoved => "project_member_removed",
            EventType::PromptCreated => "prompt_created",
            EventType::PromptUpdated => "prompt_updated",
            EventType::PromptRestored => "prompt_restored",
            EventType::PromptDeleted => "prompt_deleted",
            EventType::ToolCreated => "tool_created",
            EventType::ToolUpdated => "tool_updated",
            EventType::ToolDeleted => "tool_deleted",
            EventType::AgentCreated => "agent_created",
            EventType::AgentUpdated => "agent_updated",
            EventType::AgentDeleted => "agent_deleted",
            EventType::DocumentUploaded => "document_uploaded",
            EventType::DocumentDeleted => "document_deleted",
            EventType::CollectionCreated => "collection_created",
            EventType::CollectionUpdated => "collection_updated",
            EventType::CollectionDeleted => "collection_deleted",
            EventType::CollectionDocumentAdded => "collection_document_added",
            EventType::CollectionDocumentRemoved => "collection_document_removed",
            EventType::RagSystemCreated => "rag_system_created",
            EventType::RagSystemUpdated => "rag_system_updated",
            EventType::RagSystemDeleted => "rag_system_deleted",
        }
    }
}

impl std::str::FromStr for EventType {
    type Err = UnknownEventType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownEventType(s.to_owned()))
    }
}

/// One event to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    /// What happened.
    pub event_type: EventType,
    /// Whom it concerned.
    pub subject_user_id: Option<UserId>,
    /// The credential used or affected.
    pub credential_id: Option<CredentialId>,
    /// Event-specific facts (never secrets).
    pub detail: serde_json::Value,
}

impl NewAuditEvent {
    /// An event of `event_type` with no subject and an empty detail.
    pub fn new(event_type: EventType) -> Self {
        Self {
            event_type,
            subject_user_id: None,
            credential_id: None,
            detail: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// Sets whom the event concerns.
    pub fn subject(mut self, user: UserId) -> Self {
        self.subject_user_id = Some(user);
        self
    }

    /// Sets the credential involved.
    pub fn credential(mut self, credential: CredentialId) -> Self {
        self.credential_id = Some(credential);
        self
    }

    /// Sets the detail object.
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// A recorded event, as the audit API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    /// Stable id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: AuditEventId,
    /// Position in the chain.
    pub seq: i64,
    /// When it happened (UTC).
    pub occurred_at: NaiveDateTime,
    /// What happened (stored name; kept as text so old rows stay readable).
    pub event_type: String,
    /// Who did it.
    pub actor_user_id: Option<String>,
    /// Whom it concerned.
    pub subject_user_id: Option<String>,
    /// The credential used or affected.
    pub credential_id: Option<String>,
    /// The tenant.
    pub organization_id: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// Client software.
    pub user_agent: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
    /// Event-specific facts.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
}

impl AuditEvent {
    /// Who acted: the user's id, else the system actor named in the detail (`cli`), else
    /// nobody (an anonymous caller or the server's own bootstrap).
    pub fn actor(&self) -> Option<&str> {
        self.actor_user_id.as_deref().or_else(|| {
            self.detail
                .get(ACTOR_FIELD)
                .and_then(serde_json::Value::as_str)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::EventType;

    #[test]
    fn every_type_round_trips_through_its_name() {
        for t in EventType::ALL {
            assert_eq!(t.as_str().parse::<EventType>(), Ok(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert!("login_succes".parse::<EventType>().is_err());
    }
}
