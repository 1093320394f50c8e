//! The device asks the operator: Confirm payment (each challenge's type and message) or Verify
//! signature (the strokes drawn), answered with a / r.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::signature::SignatureView;
use super::text;
use super::theme::Theme;
use crate::app::{Prompt, State};
use crate::protocol::{Cents, Payment};

/// The prompt view.
#[derive(Debug, Clone, Copy)]
pub struct PromptView<'a> {
    /// What to show.
    pub state: &'a State,
    /// The question.
    pub prompt: &'a Prompt,
    /// Styling.
    pub theme: Theme,
}

/// `12.34 · VISA 4242 · ext EXT1` for the payment the device asks about.
fn payment_line(payment: &Payment, theme: &Theme) -> Line<'static> {
    let mut parts = Vec::new();
    if let Some(a) = payment.amount {
        parts.push(Cents(a).to_string());
    }
    match (payment.card_brand(), payment.last4()) {
        (Some(b), Some(l)) => parts.push(format!("{b} {l}")),
        (Some(b), None) => parts.push(b.to_string()),
        (None, Some(l)) => parts.push(format!("card {l}")),
        (None, None) => {}
    }
    if let Some(e) = &payment.external_payment_id {
        parts.push(e.clone());
    }
    text::kv("Payment", parts.join(" · "), theme.strong(), theme)
}

fn answer_line(theme: &Theme, accept: &str, reject: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled("a", theme.key()),
        Span::raw(format!(" {accept}   ")),
        Span::styled("r", theme.key()),
        Span::raw(format!(" {reject}")),
    ])
}

impl Widget for &PromptView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        match self.prompt {
            Prompt::Challenge {
                payment,
                challenges,
            } => {
                let mut lines = vec![
                    Line::styled("The device asks you to confirm this payment:", theme.warn()),
                    payment_line(payment, theme),
                    Line::raw(""),
                ];
                for (i, c) in challenges.iter().enumerate() {
                    let kind = c
                        .kind
                        .as_ref()
                        .map_or_else(|| "CHALLENGE".to_owned(), |k| k.to_string());
                    lines.push(Line::from(vec![
                        Span::styled(format!("{}. {kind}", i + 1), theme.strong()),
                        Span::raw(": "),
                        Span::raw(
                            crate::protocol::text::device_line(
                                c.message.as_deref().unwrap_or("(no message)"),
                            )
                            .into_owned(),
                        ),
                    ]));
                }
                if challenges.is_empty() {
                    lines.push(Line::raw("(the device sent no challenge text)"));
                }
                lines.push(Line::raw(""));
                lines.push(answer_line(
                    theme,
                    "accept the payment",
                    "reject (voids the payment)",
                ));
                Paragraph::new(lines)
                    .block(text::panel(" Confirm payment ", theme))
                    .wrap(Wrap { trim: false })
                    .render(area, buf);
            }
            Prompt::Signature { payment, signature } => {
                let block = text::panel(" Verify signature ", theme);
                let inner = block.inner(area);
                block.render(area, buf);
                if inner.is_empty() {
                    return;
                }
                let head = vec![
                    payment_line(payment, theme),
                    answer_line(theme, "accept the signature", "reject (voids the payment)"),
                ];
                let head_h = (head.len() as u16).min(inner.height);
                Paragraph::new(head).render(
                    Rect {
                        height: head_h,
                        ..inner
                    },
                    buf,
                );
                if inner.height > head_h + 1 {
                    let canvas = Rect::new(
                        inner.x,
                        inner.y + head_h + 1,
                        inner.width,
                        inner.height - head_h - 1,
                    );
                    (&SignatureView {
                        signature,
                        theme: *theme,
                    })
                        .render(canvas, buf);
                }
            }
        }
    }
}
