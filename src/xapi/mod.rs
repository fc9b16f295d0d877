//! xAPI out (docs/xapi.md): learning events become xAPI 1.0.3 statements for the
//! organisation's learning record store (LRS).
//!
//! A statement is written to the `xapi_outbox` table in the same transaction as the event it
//! describes (`record`, called from the submit), so an event is never recorded without its
//! statements or the other way round; a sender (`outbox::deliver_due`, run by the server every
//! few seconds and by `xapi send-due`) posts them in batches, at least once, in order per learner.
//! With `app.xapi` unset nothing is written.

pub mod outbox;
mod record;
mod send;
pub mod statements;

pub use record::{Recording, account_name, forget_person, record};
pub use send::{Lrs, Posted};
