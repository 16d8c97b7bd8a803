//! Users: creation, lookup, listing, changes, approval and disabling. Every change is audited in
//! its own transaction.

mod email;
mod lifecycle;
mod store;

pub use email::normalize_email;
pub use lifecycle::{Approval, UserChange, approve, record_login, set_grants, update_user};
pub use store::{
    LoginCandidate, NewUser, User, UserFilter, UserStatus, create_user, create_user_with_password,
    find_login, get_user, list_users,
};
