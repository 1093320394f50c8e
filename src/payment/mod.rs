//! The payment vocabulary: what a payment is and where it stands, below the app and the ledger.
//!
//! Pure data: no I/O. [`PaymentKind`] says what a transaction is, [`PaymentState`] where it
//! stands, [`Amounts`] what it asks for and its total, [`CloseoutState`] and [`Batch`] what
//! became of a closeout. The ledger stores these;
//! the app, the screens and the commands read them.

mod amounts;
mod closeout;
mod kind;
mod state;

pub use amounts::Amounts;
pub use closeout::{Batch, CloseoutState, UnknownCloseoutState};
pub use kind::{PaymentKind, UnknownKind};
pub use state::{PaymentState, UnknownState};
