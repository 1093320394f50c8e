//! Sale amounts, computed in one place: tax is part of the amount, so a sale's total is
//! amount + tip. Every screen, frame and `--json` output uses these.

use crate::protocol::Cents;

/// What the customer pays: the amount (tax included) plus the tip.
pub fn total(amount: Cents, tip: Option<Cents>) -> Cents {
    Cents(amount.0.saturating_add(tip.map_or(0, |t| t.0)))
}

/// The most a device payment may take for a request before it is a conflict: the amount, the
/// tip asked for (or chosen on the device, whichever is larger) and the tax, added up.
pub fn ceiling(
    amount: Cents,
    tip: Option<Cents>,
    tax: Option<Cents>,
    tip_added: Option<Cents>,
) -> Cents {
    let tip = tip.map_or(0, |t| t.0).max(tip_added.map_or(0, |t| t.0));
    Cents(
        amount
            .0
            .saturating_add(tip)
            .saturating_add(tax.map_or(0, |t| t.0.max(0))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_is_amount_plus_tip_and_tax_is_inside_the_amount() {
        assert_eq!(total(Cents(2000), Some(Cents(300))), Cents(2300));
        assert_eq!(total(Cents(2000), None), Cents(2000));
        assert_eq!(
            ceiling(Cents(2000), Some(Cents(300)), Some(Cents(150)), None),
            Cents(2450)
        );
        assert_eq!(
            ceiling(Cents(2000), None, None, Some(Cents(500))),
            Cents(2500)
        );
    }
}
