//! Pages for managers and admins: module assignments (and, in time, the gap dashboards).

pub(crate) mod assignments;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        assignments::list_assignments,
        assignments::create_assignment,
        assignments::api_list_assignments,
        assignments::api_create_assignment
    ]
}
