//! Learning content as files (`content/`): reading and checking the tree, loading it into the
//! database without losing history, and rendering trainers' Markdown safely.
//!
//! Errors here are [`Problem`]s naming a file and line; callers print them or refuse a load.

mod check;
mod files;
mod frameworks;
mod key_spread;
mod load;
pub mod local_details;
pub mod markdown;
mod problem;
mod tree;
mod wording;

pub use check::{check_tree, is_slug};
pub use files::read_tree;
pub use load::{
    LoadSummary, ModuleContent, ORIGIN_CONTENT, PUBLISHED, RETIRED, add_item_version,
    add_module_version, load_tree, stored_question, version_hash,
};
pub use problem::Problem;
pub use tree::*;
pub use wording::in_sentence;

use std::path::Path;

/// Reads and checks the whole content tree; every problem found, or the tree.
pub fn read_and_check(dir: &Path) -> Result<ContentTree, Vec<Problem>> {
    let (tree, mut problems) = read_tree(dir);
    // Checks between files would only echo a file that could not be read, so they wait until
    // every file reads cleanly.
    if problems.is_empty() {
        problems.extend(check_tree(&tree));
    }
    if problems.is_empty() {
        Ok(tree)
    } else {
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}
