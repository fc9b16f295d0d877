//! Pages for managers and admins: module assignments (and, in time, the gap dashboards).

pub(crate) mod assignment_changes;
pub(crate) mod assignments;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        assignments::list_assignments,
        assignments::create_assignment,
        assignments::api_list_assignments,
        assignments::api_create_assignment,
        assignment_changes::show_assignment,
        assignment_changes::change_due,
        assignment_changes::remove_assignment,
        assignment_changes::api_change_due,
        assignment_changes::api_remove_assignment
    ]
}
