//! Mail that does the work: activation links in bulk, notices of assignments, reminders
//! before and after a due date, and a weekly completion summary for line managers. Every
//! message goes through the durable outbox (`accounts::outbox`); each person chooses the
//! optional ones (`preferences`).

pub mod assignment_mail;
pub mod due;
pub mod preferences;
pub mod sent;
pub mod summary;
pub mod templates;
