//! Unit tests of the rule: who sees and who changes which item.

use super::*;

fn viewer(write: bool, publish: bool, manage: bool) -> Viewer {
    Viewer {
        organization_id: OrganizationId::new(),
        user_id: UserId::new(),
        write,
        publish,
        manage,
        memberships: Vec::new(),
    }
}

fn item(
    v: &Viewer,
    owner: UserId,
    visibility: Visibility,
    project: Option<ProjectId>,
) -> Ownership {
    Ownership {
        organization_id: v.organization_id,
        owner_id: owner,
        visibility,
        project_id: project,
    }
}

#[test]
fn owners_write_their_own_and_nobody_else_sees_private_items() {
    let user = viewer(true, false, false);
    let mine = item(&user, user.user_id, Visibility::Private, None);
    assert_eq!(user.access(&mine), Access::Write);
    let theirs = item(&user, UserId::new(), Visibility::Private, None);
    assert_eq!(user.access(&theirs), Access::Hidden);
    let guest = viewer(false, false, false);
    let own_but_read_only = item(&guest, guest.user_id, Visibility::Private, None);
    assert_eq!(guest.access(&own_but_read_only), Access::Read);
}

#[test]
fn org_items_are_read_by_all_and_written_by_publishers() {
    let user = viewer(true, false, false);
    let published = item(&user, UserId::new(), Visibility::Org, None);
    assert_eq!(user.access(&published), Access::Read);
    let instructor = Viewer {
        organization_id: user.organization_id,
        ..viewer(true, true, false)
    };
    assert_eq!(instructor.access(&published), Access::Write);
}

#[test]
fn project_items_follow_membership_roles() {
    let project = ProjectId::new();
    let mut member = viewer(true, false, false);
    let shared = item(&member, UserId::new(), Visibility::Project, Some(project));
    assert_eq!(member.access(&shared), Access::Hidden);
    member.memberships = vec![(project, MemberRole::Viewer)];
    assert_eq!(member.access(&shared), Access::Read);
    member.memberships = vec![(project, MemberRole::Editor)];
    assert_eq!(member.access(&shared), Access::Write);
    let private_in_project = item(&member, UserId::new(), Visibility::Private, Some(project));
    assert_eq!(member.access(&private_in_project), Access::Hidden);
}

#[test]
fn admins_see_their_organization_only() {
    let admin = viewer(true, true, true);
    let theirs = item(&admin, UserId::new(), Visibility::Private, None);
    assert_eq!(admin.access(&theirs), Access::Write);
    let foreign = Ownership {
        organization_id: OrganizationId::new(),
        ..theirs
    };
    assert_eq!(admin.access(&foreign), Access::Hidden);
    assert_eq!(admin.require_read(&foreign), Err(Refusal::Hidden));
}
