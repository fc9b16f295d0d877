//! Loading content into the database: idempotent, versioned, never deleting.

use std::path::Path;

use genomics_training::content::{self, BASELINE_TAG, LoadSummary};
use genomics_training::entities::{assessment, assessment_item, item, item_version};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::content_check::{copy_tree, edit};
use crate::helpers::spawn_app;

fn read(dir: &Path) -> content::ContentTree {
    content::read_and_check(dir).expect("valid content")
}

async fn versions_of(app: &crate::helpers::TestApp, uid: &str) -> Vec<item_version::Model> {
    let row = item::Entity::find()
        .filter(item::Column::Uid.eq(uid))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    item_version::Entity::find()
        .filter(item_version::Column::ItemId.eq(row.id))
        .all(app.db())
        .await
        .unwrap()
}

#[rocket::async_test]
async fn start_up_loads_every_question_and_module_once() {
    let app = spawn_app().await;
    let tree = read(Path::new("content"));
    assert_eq!(
        item::Entity::find().count(app.db()).await.unwrap() as usize,
        tree.items.len()
    );
    assert_eq!(
        item_version::Entity::find().count(app.db()).await.unwrap() as usize,
        tree.items.len()
    );
    let baseline = assessment::Entity::find()
        .filter(assessment::Column::Slug.eq("baseline"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let pool = assessment_item::Entity::find()
        .filter(assessment_item::Column::AssessmentId.eq(baseline.id))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(
        pool as usize,
        tree.items
            .iter()
            .filter(|i| i.has_tag(BASELINE_TAG))
            .count()
    );
    let quizzes = assessment::Entity::find()
        .filter(assessment::Column::Kind.eq("quiz"))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(quizzes as usize, tree.modules.len());
}

#[rocket::async_test]
async fn loading_unchanged_content_again_changes_nothing() {
    let app = spawn_app().await;
    let summary = content::load_tree(app.db(), &read(Path::new("content")))
        .await
        .unwrap();
    assert_eq!(summary, LoadSummary::default());
}

#[rocket::async_test]
async fn editing_one_question_creates_exactly_one_new_version() {
    let app = spawn_app().await;
    let dir = copy_tree(Path::new("content"));
    let before = versions_of(&app, "basics-b01").await;
    assert_eq!(before.len(), 1);
    let text = std::fs::read_to_string(dir.path().join("questions/genomics-basics.gift")).unwrap();
    let start = text.find("[id:basics-b01]").unwrap();
    let stem_start = start + text[start..].find("::").unwrap();
    let title_end = stem_start + 2 + text[stem_start + 2..].find("::").unwrap() + 2;
    let old_stem = &text[title_end..title_end + 12];
    edit(
        dir.path(),
        "questions/genomics-basics.gift",
        &text[stem_start..title_end + 12],
        &format!("{}Edited: {old_stem}", &text[stem_start..title_end]),
    );

    let summary = content::load_tree(app.db(), &read(dir.path()))
        .await
        .unwrap();
    assert_eq!(
        summary,
        LoadSummary {
            item_versions_created: 1,
            ..Default::default()
        }
    );
    let after = versions_of(&app, "basics-b01").await;
    assert_eq!(after.len(), 2, "the old version is kept");
    assert!(after.iter().any(|v| v.body.contains("Edited: ")));
    assert_eq!(
        content::load_tree(app.db(), &read(dir.path()))
            .await
            .unwrap(),
        LoadSummary::default()
    );
}

#[rocket::async_test]
async fn removed_question_is_retired_and_keeps_its_versions() {
    let app = spawn_app().await;
    let dir = copy_tree(Path::new("content"));
    let path = dir.path().join("questions/genomics-basics.gift");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("// [id:basics-b07]").unwrap();
    let end = start
        + text[start..]
            .find("\n}\n")
            .map(|i| i + 3)
            .unwrap_or(text.len() - start);
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();

    let summary = content::load_tree(app.db(), &read(dir.path()))
        .await
        .unwrap();
    assert_eq!(summary.items_retired, 1, "{summary:?}");
    let row = item::Entity::find()
        .filter(item::Column::Uid.eq("basics-b07"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "retired");
    assert_eq!(versions_of(&app, "basics-b07").await.len(), 1);

    let restored = content::load_tree(app.db(), &read(Path::new("content")))
        .await
        .unwrap();
    assert_eq!(restored.item_versions_created, 0, "{restored:?}");
    let row = item::Entity::find_by_id(row.id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "published");
}
