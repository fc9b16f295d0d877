//! The measures of DESIGN section 4, as pure functions over responses and running sums.

pub mod response;
pub mod summary;
