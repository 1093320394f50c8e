//! Which state changes the payment lifecycle allows.
//!
//! `created` → `sent` → `in_progress` → final, never backwards; `unknown` from any unfinished
//! state, and from `unknown` on to `in_progress` or a final state once recovery finds out. A
//! non-final state may be recorded again (e.g. "still in progress" after a status query). A final
//! state never changes here: only `Ledger::correct` can, with a recorded reason.

use crate::payment::PaymentState;

/// Why a change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The payment's outcome is already final.
    AlreadyFinal,
    /// The change breaks the lifecycle; the text says which rule.
    Invalid(&'static str),
}

/// Checks an ordinary (non-correction) change from `from` to `to`.
pub fn check(from: PaymentState, to: PaymentState) -> Result<(), Refusal> {
    use PaymentState::*;
    if from.is_final() {
        return Err(Refusal::AlreadyFinal);
    }
    match (from, to) {
        (_, Created) => Err(Refusal::Invalid("a payment is created only once")),
        (Created | Sent, Sent) => Ok(()),
        (_, Sent) => Err(Refusal::Invalid(
            "only a created payment is sent; a payment is never sent again",
        )),
        // In progress, unknown or final: allowed from every unfinished state.
        _ => Ok(()),
    }
}

/// Checks a correction of a final outcome from `from` to `to`.
pub fn check_correction(from: PaymentState, to: PaymentState) -> Result<(), &'static str> {
    if !from.is_final() {
        Err(
            "only a final outcome is corrected; record an unfinished payment's news as a transition",
        )
    } else if !to.is_final() {
        Err("a correction must give the final outcome that was found")
    } else if from == to {
        Err("a correction must change the outcome")
    } else {
        Ok(())
    }
}

/// Checks reopening a final outcome as `unknown` (the device contradicted it later).
pub fn check_reopen(from: PaymentState) -> Result<(), &'static str> {
    if from.is_final() {
        Ok(())
    } else {
        Err("only a final outcome is reopened")
    }
}

#[cfg(test)]
mod tests {
    use super::PaymentState::*;
    use super::*;

    #[test]
    fn lifecycle_table() {
        let refused = [
            (Created, Created),
            (Sent, Created),
            (InProgress, Created),
            (Unknown, Created),
            (InProgress, Sent),
            (Unknown, Sent),
        ];
        for from in PaymentState::ALL {
            for to in PaymentState::ALL {
                let got = check(from, to);
                if from.is_final() {
                    assert_eq!(got, Err(Refusal::AlreadyFinal), "{from} -> {to}");
                } else if refused.contains(&(from, to)) {
                    assert!(matches!(got, Err(Refusal::Invalid(_))), "{from} -> {to}");
                } else {
                    assert_eq!(got, Ok(()), "{from} -> {to}");
                }
            }
        }
    }

    #[test]
    fn corrections_go_between_different_final_outcomes() {
        assert_eq!(check_correction(Approved, Voided), Ok(()));
        assert!(check_correction(Approved, Approved).is_err());
        assert!(check_correction(InProgress, Approved).is_err());
        assert!(check_correction(Approved, Unknown).is_err());
    }
}
