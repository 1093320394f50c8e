//! Exit codes shared by every command (README "Exit codes"), and the table `--help` shows.

/// Success; for a sale, approved.
pub const OK: u8 = 0;
/// A definitive negative outcome: declined, canceled, not_found; or input that failed to decode.
pub const NEGATIVE: u8 = 1;
/// Usage, configuration or validation error; nothing was sent.
pub const USAGE: u8 = 2;
/// Device unreachable, not ready, or pairing required.
pub const UNREACHABLE: u8 = 3;
/// Outcome unknown: the payment is pending recovery in the ledger.
pub const UNKNOWN: u8 = 4;
/// Refused: another payment is pending or another `till` holds the data directory.
pub const REFUSED: u8 = 5;
/// A sale partially approved: less was taken than asked for; the rest is still due.
pub const PARTIAL: u8 = 6;

/// The exit code table at the end of `till --help`.
pub(super) const HELP: &str = "\
Exit codes:
  0  success (a sale, auth or pre-auth: approved; a refund, void, credit, capture, increment or
     tip adjust: done; a closeout: the batch closed; recover: every outcome resolved)
  1  definitive negative outcome (declined, canceled, voided, not_found, refused by the device;
     undecodable input)
  2  usage, configuration or validation error, a reused external id, a ledger that cannot
     be written, a refund/void/capture/increment/tip adjust the ledger's money rules forbid,
     a flow the device does not support, or a closeout with open tabs (nothing sent); a
     payment id that matches no payment (receipt)
  3  device unreachable, not ready, or pairing required
  4  outcome unknown: the payment (refund, void, credit, capture, tip adjust…) is pending
     recovery in the ledger; a closeout without an answer
  5  refused: another transaction is pending, or another till holds the data directory
  6  partially approved: less was taken than asked for (the rest is still due)";
