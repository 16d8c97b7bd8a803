//! Users: creation, lookup, listing, changes, approval and disabling. Every change is audited in
//! its own transaction.

mod admin;
mod email;
mod lifecycle;
mod registration;
mod store;

pub use admin::{
    CreatedUser, Decision, UserPatch, assignable_roles, create_user_as, decide_registration,
    disable_user_as, get_visible_user, list_visible_users, set_grants_as, set_password_as,
    update_user_as, visible_organization,
};
pub use email::normalize_email;
pub use lifecycle::{Approval, UserChange, approve, record_login, set_grants, update_user};
pub use registration::{SelfRegistration, SignupMode, change_own_password, own_account, register};
pub use store::{
    LoginCandidate, NewUser, User, UserFilter, UserStatus, create_user, create_user_with_password,
    find_login, get_user, list_users,
};
