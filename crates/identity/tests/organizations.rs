//! Organization storage on both backends.

use owp_db::{Page, StoreError};
use owp_identity::organizations::{self, NewOrganization};
use owp_testkit::{Backend, TestDatabase, on_both_backends};

on_both_backends!(create_get_list_and_conflict);

async fn create_get_list_and_conflict(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let now = owp_db::time::now();

    let (created, fetched, by_slug, default, page, duplicate) = db
        .run(move |conn| {
            let new = |name: &str, slug: &str| NewOrganization {
                name: name.into(),
                slug: slug.into(),
            };
            let created = organizations::create(conn, new("Acme Labs", "acme"), now)?;
            organizations::create(conn, new("Zeta", "zeta"), now)?;
            let fetched = organizations::get(conn, created.id)?;
            let by_slug = organizations::get_by_slug(conn, "acme")?;
            let default = organizations::default_organization(conn)?;
            let page = organizations::list(conn, Page::new(Some(2), Some(0)).unwrap())?;
            let duplicate = organizations::create(conn, new("Other", "acme"), now);
            Ok::<_, StoreError>((created, fetched, by_slug, default, page, duplicate))
        })
        .await
        .unwrap();

    assert_eq!(
        fetched, created,
        "times survive the round trip at stored precision"
    );
    assert_eq!(by_slug, created);
    assert_eq!(default.slug, "default");
    assert_eq!(page.total, 3);
    let names: Vec<&str> = page.items.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Acme Labs", "Default organization"]);
    assert_eq!(
        duplicate,
        Err(StoreError::Conflict {
            field: "slug".into()
        })
    );

    let missing = db
        .run(|conn| organizations::get(conn, owp_db::ids::OrganizationId::new()))
        .await;
    assert_eq!(missing, Err(StoreError::NotFound));
}
