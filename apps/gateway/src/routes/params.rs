//! Query parameters shared by list routes.

use owp_db::Page;
use owp_identity::users::UserStatus;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::problem::ApiError;

/// Plain paging parameters.
#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1..=500, default 50.
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// User states as a query parameter.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusParam {
    /// Waiting for approval.
    Pending,
    /// Can sign in.
    Active,
    /// Switched off.
    Disabled,
    /// Registration refused.
    Rejected,
}

impl From<StatusParam> for UserStatus {
    fn from(status: StatusParam) -> Self {
        match status {
            StatusParam::Pending => UserStatus::Pending,
            StatusParam::Active => UserStatus::Active,
            StatusParam::Disabled => UserStatus::Disabled,
            StatusParam::Rejected => UserStatus::Rejected,
        }
    }
}

pub(crate) fn page(limit: Option<i64>, offset: Option<i64>) -> Result<Page, ApiError> {
    Page::new(limit, offset).map_err(|e| ApiError::invalid_field(e.field, e.message))
}
