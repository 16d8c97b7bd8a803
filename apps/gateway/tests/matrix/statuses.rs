//! Shorthands for a row's expected statuses, one per caller column (`CALLERS` order: anonymous,
//! guest, user, instructor, admin, other organization's admin, super admin).

/// Every caller gets `s`.
pub fn all(s: u16) -> [u16; 7] {
    [s; 7]
}

/// Content another user keeps private: only the organization's admins reach it.
pub fn hidden(s: u16) -> [u16; 7] {
    [401, 404, 404, 404, s, 404, s]
}

/// A write to content another user keeps private: guests are refused before the lookup.
pub fn hidden_write(s: u16) -> [u16; 7] {
    [401, 403, 404, 404, s, 404, s]
}

/// A write to something that does not exist: 404 for everyone allowed to write.
pub const NOTHING_THERE: [u16; 7] = [401, 403, 404, 404, 404, 404, 404];

/// A read every signed-in caller may make.
pub const READERS: [u16; 7] = [401, 200, 200, 200, 200, 200, 200];

/// A create every signed-in caller but guests may make.
pub const WRITERS: [u16; 7] = [401, 403, 201, 201, 201, 201, 201];

/// Every signed-in caller gets `s`.
pub fn signed_in(s: u16) -> [u16; 7] {
    [401, s, s, s, s, s, s]
}

/// Admins only: `s` for this organization's admin, `other` for another organization's,
/// `sup` for the super admin.
pub fn admins(s: u16, other: u16, sup: u16) -> [u16; 7] {
    [401, 403, 403, 403, s, other, sup]
}
