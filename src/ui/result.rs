//! How the last sale ended: approved / declined / canceled / voided / not found / unknown, with
//! the card brand and last4, auth code, amounts, external id and the explanation.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::in_progress::amount_with_extras;
use super::text;
use super::theme::Theme;
use crate::app::Outcome;
use crate::payment::{PaymentKind, PaymentState};

/// The result view.
#[derive(Debug, Clone, Copy)]
pub struct ResultView<'a> {
    /// The outcome.
    pub outcome: &'a Outcome,
    /// What kind of transaction it was (a sale unless a refund, void or credit).
    pub kind: PaymentKind,
    /// Styling.
    pub theme: Theme,
}

fn headline(kind: PaymentKind, state: PaymentState) -> &'static str {
    match (kind, state) {
        (PaymentKind::Refund, PaymentState::Approved) => "REFUNDED — money returned to the card",
        (PaymentKind::Void, PaymentState::Approved) => "VOID DONE — the sale is voided",
        (PaymentKind::Credit, PaymentState::Approved) => "CREDITED — money given to the card",
        (PaymentKind::TipAdjust, PaymentState::Approved) => "TIP SET — the auth carries the tip",
        (PaymentKind::Capture, PaymentState::Approved) => "CAPTURED — the hold is taken",
        (PaymentKind::Increment, PaymentState::Approved) => "HOLD RAISED",
        (PaymentKind::PreAuth, PaymentState::Approved) => "HELD — capture it later (o)",
        (PaymentKind::Auth, PaymentState::Approved) => "APPROVED — tab open: tip later (o)",
        (
            PaymentKind::Refund
            | PaymentKind::Void
            | PaymentKind::Credit
            | PaymentKind::Capture
            | PaymentKind::Increment
            | PaymentKind::TipAdjust,
            PaymentState::Declined,
        ) => "REFUSED — no money moved",
        (
            PaymentKind::Capture | PaymentKind::Increment | PaymentKind::TipAdjust,
            PaymentState::NotFound,
        ) => "NOT DONE — the payment is unchanged",
        (_, state) => sale_headline(state),
    }
}

fn sale_headline(state: PaymentState) -> &'static str {
    match state {
        PaymentState::Approved => "APPROVED",
        PaymentState::Declined => "DECLINED — no money taken",
        PaymentState::Canceled => "CANCELED — no money taken",
        PaymentState::Voided => "VOIDED — no money taken",
        PaymentState::NotFound => "NOT FOUND — no money taken",
        PaymentState::Unknown => "UNKNOWN — recovery needed",
        PaymentState::Created | PaymentState::Sent | PaymentState::InProgress => "NOT FINISHED",
    }
}

impl Widget for &ResultView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let o = self.outcome;
        let (_, style) = text::payment_state(o.state, theme);
        let f = &o.facts;
        let head = match (o.state, f.remaining, f.amount_charged) {
            (PaymentState::Approved, Some(rem), Some(taken)) => {
                format!("PARTIAL — {taken} taken, {rem} still due")
            }
            _ => headline(self.kind, o.state).to_owned(),
        };
        let style = if f.remaining.is_some() && o.state == PaymentState::Approved {
            theme.warn()
        } else {
            style
        };
        let mut lines = vec![Line::styled(head, style), Line::raw("")];
        lines.push(text::kv(
            "Amount",
            amount_with_extras(o.amount, o.tip, o.tax),
            theme.strong(),
            theme,
        ));
        let total = o.amounts().total();
        if let Some(charged) = f
            .amount_charged
            .filter(|c| o.state == PaymentState::Approved && *c != total)
        {
            let why = if f.remaining.is_some() {
                "partial authorisation"
            } else {
                "as the device says"
            };
            lines.push(text::kv(
                "Charged",
                format!("{charged} ({why})"),
                theme.warn(),
                theme,
            ));
        }
        let card = match (&f.card_brand, &f.last4) {
            (Some(b), Some(l)) => Some(format!("{b} ending {l}")),
            (Some(b), None) => Some(b.clone()),
            (None, Some(l)) => Some(format!("ending {l}")),
            (None, None) => None,
        };
        if let Some(card) = card {
            lines.push(text::kv("Card", card, theme.text(), theme));
        }
        if let Some(a) = &f.auth_code {
            lines.push(text::kv("Auth code", a.clone(), theme.text(), theme));
        }
        lines.push(text::kv(
            "External id",
            o.external_id.clone(),
            theme.text(),
            theme,
        ));
        if let Some(id) = &f.device_payment_id {
            lines.push(text::kv("Payment id", id.clone(), theme.dim(), theme));
        }
        if !o.message.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::raw(
                crate::protocol::text::terminal_safe(&o.message).into_owned(),
            ));
        }
        Paragraph::new(lines)
            .block(text::panel(" Result ", theme))
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::PaymentFacts;
    use crate::protocol::Cents;

    fn shown(kind: PaymentKind, state: PaymentState) -> String {
        let outcome = Outcome {
            external_id: "R1".into(),
            state,
            amount: Cents(500),
            tip: None,
            tax: None,
            facts: PaymentFacts::default(),
            message: String::new(),
        };
        let area = Rect::new(0, 0, 60, 12);
        let mut buf = Buffer::empty(area);
        (&ResultView {
            outcome: &outcome,
            kind,
            theme: Theme::default(),
        })
            .render(area, &mut buf);
        area.rows()
            .map(|r| r.positions().map(|p| buf[p].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_refund_void_or_credit_is_not_called_approved() {
        assert!(shown(PaymentKind::Sale, PaymentState::Approved).contains("APPROVED"));
        let refund = shown(PaymentKind::Refund, PaymentState::Approved);
        assert!(
            refund.contains("REFUNDED") && !refund.contains("APPROVED"),
            "{refund}"
        );
        assert!(shown(PaymentKind::Void, PaymentState::Approved).contains("VOID DONE"));
        assert!(shown(PaymentKind::Credit, PaymentState::Approved).contains("CREDITED"));
        assert!(shown(PaymentKind::Refund, PaymentState::Declined).contains("REFUSED"));
    }
}
