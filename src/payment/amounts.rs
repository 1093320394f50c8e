//! What a payment asks for, and its total, computed in one place: the tax is part of the
//! amount, so the total is amount + tip.

use crate::protocol::Cents;

/// The money of a payment: the amount (tax included), the tip on top of it and the tax inside
/// it. `None` means not given (a sale without a tip field), which reads differently from a zero
/// on screens and in `--json` output; for the total both count as zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amounts {
    /// The amount, tax included, before tip.
    pub amount: Cents,
    /// The tip on top of the amount.
    pub tip: Option<Cents>,
    /// The tax included in the amount.
    pub tax: Option<Cents>,
}

impl Amounts {
    /// `amount` with the tip and tax given (or not).
    pub fn new(amount: Cents, tip: Option<Cents>, tax: Option<Cents>) -> Amounts {
        Amounts { amount, tip, tax }
    }

    /// The amounts as the ledger stores them, where a zero tip or tax means none was given.
    pub fn stored(amount: Cents, tip: Cents, tax: Cents) -> Amounts {
        let given = |c: Cents| Some(c).filter(|c| c.get() != 0);
        Amounts {
            amount,
            tip: given(tip),
            tax: given(tax),
        }
    }

    /// The tip, zero when none was given.
    pub fn tip_or_zero(self) -> Cents {
        self.tip.unwrap_or(Cents::ZERO)
    }

    /// The tax, zero when none was given.
    pub fn tax_or_zero(self) -> Cents {
        self.tax.unwrap_or(Cents::ZERO)
    }

    /// What the customer pays: the amount (tax included) plus the tip. Saturates rather than
    /// wraps (amounts are checked against `sale.max_amount` long before).
    pub fn total(self) -> Cents {
        Cents(self.amount.get().saturating_add(self.tip_or_zero().get()))
    }

    /// The most a device payment may take for these amounts before it is a conflict: the
    /// amount, the tip asked for (or `tip_added` on the device, whichever is larger) and the
    /// tax, added up.
    pub fn ceiling(self, tip_added: Option<Cents>) -> Cents {
        let tip = self
            .tip_or_zero()
            .get()
            .max(tip_added.map_or(0, |t| t.get()));
        Cents(
            self.amount
                .get()
                .saturating_add(tip)
                .saturating_add(self.tax_or_zero().get().max(0)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_is_amount_plus_tip_and_tax_is_inside_the_amount() {
        let a = Amounts::new(Cents(2000), Some(Cents(300)), Some(Cents(150)));
        assert_eq!(a.total(), Cents(2300));
        assert_eq!(Amounts::new(Cents(2000), None, None).total(), Cents(2000));
        assert_eq!(
            Amounts::new(Cents(i64::MAX), Some(Cents(1)), None).total(),
            Cents(i64::MAX)
        );
        assert_eq!(a.ceiling(None), Cents(2450));
        assert_eq!(
            Amounts::new(Cents(2000), None, None).ceiling(Some(Cents(500))),
            Cents(2500)
        );
        assert_eq!(
            Amounts::new(Cents(2000), Some(Cents(300)), None).ceiling(Some(Cents(100))),
            Cents(2300)
        );
    }

    #[test]
    fn stored_zeros_mean_none_given() {
        let a = Amounts::stored(Cents(500), Cents::ZERO, Cents(40));
        assert_eq!(a.tip, None);
        assert_eq!(a.tax, Some(Cents(40)));
        assert_eq!(a.tip_or_zero(), Cents::ZERO);
        assert_eq!(a.total(), Cents(500));
    }
}
