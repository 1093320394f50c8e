//! What kind of transaction a payment is: sale, refund, void, credit, auth, pre-auth, capture,
//! increment or tip adjust.

use std::fmt;
use std::str::FromStr;

/// What kind of transaction a payment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentKind {
    /// A sale (TX_START with `requestInfo: "SALE"`).
    Sale,
    /// A refund of (part of) an approved sale (REFUND_REQUEST); names its sale.
    Refund,
    /// A void of an approved sale (VOID_PAYMENT); names its sale.
    Void,
    /// A manual refund, money given back without a sale (TX_START with `requestInfo: "CREDIT"`).
    Credit,
    /// A tip-adjustable payment (TX_START with `requestInfo: "AUTH"`): money taken, the tip
    /// added later by a tip adjust.
    Auth,
    /// A hold on the card (TX_START with `requestInfo: "PREAUTH"`): no money taken until it is
    /// captured.
    PreAuth,
    /// The capture of an approved pre-auth with the final amount and tip (CAPTURE_PREAUTH);
    /// names its pre-auth.
    Capture,
    /// An increment of an approved pre-auth's hold (INCREMENT_PREAUTH_REQUEST); names its
    /// pre-auth.
    Increment,
    /// A tip set on an approved auth (TIP_ADJUST); names its auth.
    TipAdjust,
}

impl PaymentKind {
    /// Every kind.
    pub const ALL: [PaymentKind; 9] = [
        PaymentKind::Sale,
        PaymentKind::Refund,
        PaymentKind::Void,
        PaymentKind::Credit,
        PaymentKind::Auth,
        PaymentKind::PreAuth,
        PaymentKind::Capture,
        PaymentKind::Increment,
        PaymentKind::TipAdjust,
    ];

    /// The stored name, e.g. `sale`.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Sale => "sale",
            PaymentKind::Refund => "refund",
            PaymentKind::Void => "void",
            PaymentKind::Credit => "credit",
            PaymentKind::Auth => "auth",
            PaymentKind::PreAuth => "preauth",
            PaymentKind::Capture => "capture",
            PaymentKind::Increment => "increment",
            PaymentKind::TipAdjust => "tip_adjust",
        }
    }

    /// The name for people, e.g. `pre-auth`, `tip adjust`.
    pub fn label(self) -> &'static str {
        match self {
            PaymentKind::PreAuth => "pre-auth",
            PaymentKind::TipAdjust => "tip adjust",
            other => other.as_str(),
        }
    }

    /// True for the kinds that act on an earlier payment (refund, void, capture, increment, tip
    /// adjust): they name it.
    pub fn has_parent(self) -> bool {
        matches!(
            self,
            PaymentKind::Refund
                | PaymentKind::Void
                | PaymentKind::Capture
                | PaymentKind::Increment
                | PaymentKind::TipAdjust
        )
    }

    /// True for the payments started with TX_START that the device looks up by their own
    /// external id (sale, auth, pre-auth).
    pub fn is_payment(self) -> bool {
        matches!(
            self,
            PaymentKind::Sale | PaymentKind::Auth | PaymentKind::PreAuth
        )
    }

    /// True for the kinds that change an auth or pre-auth (capture, increment, tip adjust).
    pub fn is_adjustment(self) -> bool {
        matches!(
            self,
            PaymentKind::Capture | PaymentKind::Increment | PaymentKind::TipAdjust
        )
    }

    /// True for the kinds that carry a tip of their own (sale, capture, tip adjust).
    pub fn carries_tip(self) -> bool {
        matches!(
            self,
            PaymentKind::Sale | PaymentKind::Capture | PaymentKind::TipAdjust
        )
    }

    /// True for the kinds that give money back (refund, credit).
    pub fn gives_back(self) -> bool {
        matches!(self, PaymentKind::Refund | PaymentKind::Credit)
    }
}

impl fmt::Display for PaymentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored kind name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown payment kind '{0}'")]
pub struct UnknownKind(pub String);

impl FromStr for PaymentKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PaymentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!("sale".parse::<PaymentKind>(), Ok(PaymentKind::Sale));
        for kind in PaymentKind::ALL {
            assert_eq!(kind.as_str().parse::<PaymentKind>(), Ok(kind));
        }
        assert!("refundd".parse::<PaymentKind>().is_err());
    }
}
