//! A sale running on the device: the device's own screen text live, the amount, the external
//! id, the elapsed time and how to cancel.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::text;
use super::theme::Theme;
use crate::app::{CurrentPayment, State};
use crate::payment::PaymentState;

/// The in-progress view.
#[derive(Debug, Clone, Copy)]
pub struct InProgressView<'a> {
    /// What to show.
    pub state: &'a State,
    /// The payment running.
    pub payment: &'a CurrentPayment,
    /// Styling.
    pub theme: Theme,
}

/// `12.34` or `12.34 (tip 1.00, tax 0.50)`.
pub fn amount_with_extras(
    amount: crate::protocol::Cents,
    tip: Option<crate::protocol::Cents>,
    tax: Option<crate::protocol::Cents>,
) -> String {
    let extras: Vec<String> = [("tip", tip), ("tax", tax)]
        .into_iter()
        .filter_map(|(l, v)| v.map(|v| format!("{l} {v}")))
        .collect();
    if extras.is_empty() {
        amount.to_string()
    } else {
        format!("{amount} ({})", extras.join(", "))
    }
}

impl Widget for &InProgressView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let p = self.payment;
        let state = self.state;
        let device_says = state
            .device_text()
            .clone()
            .unwrap_or_else(|| "(nothing yet)".to_owned());
        let (st, st_style) = text::payment_state(p.state, theme);
        let mut lines = vec![
            text::kv("Device says", device_says, theme.strong(), theme),
            Line::raw(""),
            text::kv(
                "Amount",
                amount_with_extras(p.amount, p.tip, p.tax),
                theme.strong(),
                theme,
            ),
            text::kv("External id", p.external_id.clone(), theme.text(), theme),
            text::kv("State", st, st_style, theme),
            text::kv(
                "Elapsed",
                text::elapsed(state.now_ms() - p.started_ms),
                theme.text(),
                theme,
            ),
        ];
        if !state.is_ready() {
            let (conn, style) = text::connection(state.connection(), theme);
            lines.push(text::kv("Connection", conn, style, theme));
        }
        lines.push(Line::raw(""));
        if p.state == PaymentState::Unknown {
            lines.push(Line::styled(
                "The outcome is not known yet: till is checking with the device. Press s for the details.",
                theme.warn(),
            ));
        } else if state.device_wants_signature() {
            lines.push(Line::styled(
                "The customer is signing: the device ignores cancel now. After the signature, r rejects it (the payment is voided).",
                theme.dim(),
            ));
        } else {
            lines.push(Line::styled(
                "Esc cancels the sale on the device.",
                theme.dim(),
            ));
        }
        Paragraph::new(lines)
            .block(text::panel(" Sale in progress ", theme))
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}
