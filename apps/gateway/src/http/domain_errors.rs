//! How domain errors become HTTP answers.

use owp_identity::IdentityError;
use owp_rbac::RbacError;

use super::problem::ApiError;

impl From<IdentityError> for ApiError {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::InvalidEmail => {
                ApiError::invalid_field("email", "is not a valid address")
            }
            IdentityError::Invalid(field, message) => ApiError::invalid_field(field, message),
            IdentityError::WrongState(message) => ApiError::Conflict {
                detail: message,
                errors: Vec::new(),
            },
            IdentityError::Rbac(err) => err.into(),
            IdentityError::Store(err) => err.into(),
        }
    }
}

impl From<RbacError> for ApiError {
    fn from(err: RbacError) -> Self {
        match err {
            RbacError::UnknownPermission(p) => {
                ApiError::invalid_field("permissions", format!("unknown permission {p:?}"))
            }
            RbacError::UnknownRole(r) => {
                ApiError::invalid_field("roles", format!("unknown role {r:?}"))
            }
            RbacError::SystemRole => {
                ApiError::Forbidden("system roles cannot be changed or deleted".into())
            }
            RbacError::InvalidName => ApiError::invalid_field("name", err.to_string()),
            RbacError::Store(err) => err.into(),
        }
    }
}

impl From<owp_workshop::WorkshopError> for ApiError {
    fn from(err: owp_workshop::WorkshopError) -> Self {
        match err {
            owp_workshop::WorkshopError::Invalid(field, message) => {
                ApiError::invalid_field(field, message)
            }
            owp_workshop::WorkshopError::Metering(err) => err.into(),
            owp_workshop::WorkshopError::Store(err) => err.into(),
        }
    }
}

// --- owp-metering (crate split, issue 11) ---------------------------------------------------

impl From<owp_metering::MeteringError> for ApiError {
    fn from(err: owp_metering::MeteringError) -> Self {
        match err {
            owp_metering::MeteringError::Invalid(field, message) => {
                ApiError::invalid_field(field, message)
            }
            owp_metering::MeteringError::OverBudget {
                detail,
                retry_after,
            } => ApiError::TooManyRequests {
                detail,
                retry_after,
            },
            owp_metering::MeteringError::Store(err) => err.into(),
        }
    }
}
