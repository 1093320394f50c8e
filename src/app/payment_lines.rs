//! The text people read about a stored payment: its card (`VISA …4242`), its event lines and
//! the order kept with it, as the TUI's history and payment views show them. Pure: the runtime
//! hands the ledger's records over, the app words them.

use crate::ledger::{OrderRecord, PaymentEvent};

/// Brand and last4 as a refund or void names the sale: `VISA …4242`, `…4242` without a brand.
pub fn card_with_ellipsis(brand: Option<&str>, last4: Option<&str>) -> Option<String> {
    match (brand, last4) {
        (Some(b), Some(l)) => Some(format!("{b} …{l}")),
        (None, Some(l)) => Some(format!("…{l}")),
        _ => None,
    }
}

/// Brand and last4 as a history row shows them: `VISA 4242`, empty unless both are known.
pub fn card_in_history(brand: Option<&str>, last4: Option<&str>) -> String {
    match (brand, last4) {
        (Some(b), Some(l)) => format!("{b} {l}"),
        _ => String::new(),
    }
}

/// One line per event (`time from → to [cause] detail`), then the order's lines.
pub fn payment_lines(events: &[PaymentEvent], order: Option<&OrderRecord>) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let from = e.from.map_or("-".to_owned(), |s| s.to_string());
            let fix = if e.correction { " (correction)" } else { "" };
            format!(
                "{} {from} → {}{fix} [{}] {}",
                crate::timefmt::rfc3339(e.at_ms),
                e.to,
                e.cause,
                e.detail
            )
        })
        .chain(order_lines(order))
        .collect()
}

/// The order kept with a payment, as lines under its events in the TUI's payment view.
fn order_lines(order: Option<&OrderRecord>) -> Vec<String> {
    let Some(o) = order else {
        return Vec::new();
    };
    let mut lines = vec![format!(
        "Order: {} item{}",
        o.items(),
        if o.items() == 1 { "" } else { "s" }
    )];
    for l in &o.lines {
        lines.push(format!(
            "  {} x {} @ {} = {}",
            l.quantity,
            l.display_name(),
            l.unit_price,
            l.amount()
        ));
    }
    for d in &o.discounts {
        lines.push(format!("  {}: -{}", d.name, d.amount));
    }
    lines.push(format!(
        "  subtotal {}  discount {}  tax {}  total {}",
        o.subtotal, o.discount, o.tax, o.total
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::PaymentState;

    #[test]
    fn cards_and_event_lines_read_as_before() {
        assert_eq!(
            card_with_ellipsis(Some("VISA"), Some("4242")).as_deref(),
            Some("VISA …4242")
        );
        assert_eq!(
            card_with_ellipsis(None, Some("4242")).as_deref(),
            Some("…4242")
        );
        assert_eq!(card_with_ellipsis(Some("VISA"), None), None);
        assert_eq!(card_in_history(Some("VISA"), Some("4242")), "VISA 4242");
        assert_eq!(card_in_history(None, Some("4242")), "");
        let e = PaymentEvent {
            external_id: "E".into(),
            seq: 2,
            at_ms: 0,
            from: Some(PaymentState::Sent),
            to: PaymentState::Approved,
            cause: "FINISH_OK".into(),
            detail: "VISA 4242".into(),
            correction: true,
        };
        assert_eq!(
            payment_lines(&[e], None),
            ["1970-01-01T00:00:00Z sent → approved (correction) [FINISH_OK] VISA 4242"]
        );
    }
}
