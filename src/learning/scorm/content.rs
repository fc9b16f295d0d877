//! What a package holds, read from the module's current published version: its pages rendered
//! as learners see them (with the default local details, as no one trust's texts belong in a
//! package other trusts may load), its sources and its quiz's questions.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::assessment::bank;
use crate::content::Source;
use crate::content::local_details::{LocalTexts, render_page};
use crate::entities::{Phase, assessment, module_page};
use crate::error::AppResult;
use crate::learning::modules::module_by_slug;
use crate::questions::Question;

#[derive(Debug, Clone)]
pub struct PackagePage {
    pub title: String,
    /// Sanitised HTML, with nothing that points outside the package.
    pub html: String,
}

#[derive(Debug, Clone)]
pub struct PackageContent {
    pub slug: String,
    pub version: i32,
    pub title: String,
    pub summary: String,
    pub minutes: i32,
    pub outcomes: Vec<String>,
    pub sources: Vec<Source>,
    /// Percentage of the quiz's marks needed to pass.
    pub pass_mark: i32,
    pub pages: Vec<PackagePage>,
    /// The quiz's gradable questions, in the quiz's order; empty when the module has no quiz.
    pub questions: Vec<Question>,
}

/// The package content of the published module `slug`.
pub async fn load(db: &impl ConnectionTrait, slug: &str) -> AppResult<PackageContent> {
    let module = module_by_slug(db, slug).await?;
    let pages = module_page::Entity::find()
        .filter(module_page::Column::ModuleVersionId.eq(module.version_id))
        .order_by_asc(module_page::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PackagePage {
            html: self_contained(&render_page(&p.body, &LocalTexts::default())),
            title: p.title,
        })
        .collect();
    let quiz = assessment::Entity::find()
        .filter(assessment::Column::ModuleId.eq(module.module_id.get()))
        .filter(assessment::Column::Kind.eq(Phase::Quiz))
        .one(db)
        .await?;
    let questions = match quiz {
        Some(quiz) => {
            let pool = bank::pool(db, quiz.id).await?;
            bank::slots_for(db, pool.iter().map(|i| (0, i.item_version_id, i.topic_id)))
                .await?
                .into_iter()
                .map(|slot| slot.question)
                .filter(Question::is_gradable)
                .collect()
        }
        None => Vec::new(),
    };
    Ok(PackageContent {
        slug: module.slug,
        version: module.version,
        title: module.title,
        summary: module.summary,
        minutes: module.minutes,
        outcomes: module.outcomes,
        sources: module.sources,
        pass_mark: module.pass_mark,
        pages,
        questions,
    })
}

/// Already-sanitised page HTML with every link or image that would leave the package taken
/// out: a link keeps its words, an image (none is packed) is left out. Same-page anchors stay.
pub fn self_contained(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .attribute_filter(|element, attribute, value| {
            if element == "a" && attribute == "href" && !value.starts_with('#') {
                None
            } else {
                Some(value.into())
            }
        })
        .link_rel(None)
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::self_contained;

    #[test]
    fn links_and_images_leaving_the_package_are_taken_out() {
        let html = self_contained(
            r##"<p><a href="https://www.nhs.uk" rel="noopener">NHS</a> <a href="#x">here</a> <img src="https://x/y.png" alt="y"></p>"##,
        );
        assert_eq!(html, r##"<p><a>NHS</a> <a href="#x">here</a> </p>"##);
    }
}
