//! Sale entry: amount, optional tip and tax (the focused field highlighted), the external id the
//! sale will use, the total, inline validation and the connection state.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::notice;
use super::text::{self, LABEL_WIDTH};
use super::theme::Theme;
use crate::app::State;
use crate::app::screens::Field;
use crate::payment::Amounts;
use crate::protocol::Cents;

/// Width of an entry field.
const FIELD_WIDTH: usize = 14;

/// The sale entry view.
#[derive(Debug, Clone, Copy)]
pub struct SaleView<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
}

impl SaleView<'_> {
    fn field(&self, label: &str, field: Field, value: &str, hint: &str) -> Line<'static> {
        let theme = &self.theme;
        let focused = self.state.ui().field == field;
        let marker = if focused { "▸ " } else { "  " };
        let shown = if focused {
            format!(" {value}_")
        } else {
            format!(" {value}")
        };
        let width = FIELD_WIDTH.max(shown.chars().count() + 1);
        let style = if focused {
            theme.focus()
        } else {
            theme.field()
        };
        let label_w = LABEL_WIDTH - 2;
        // The field text starts with a space, so values line up with `text::kv` values.
        Line::from(vec![
            Span::styled(marker, theme.key()),
            Span::styled(format!("{label:<label_w$}"), theme.dim()),
            Span::styled(format!("{shown:<width$}"), style),
            Span::styled(format!(" {hint}"), theme.dim()),
        ])
    }

    /// Amount + tip (the tax is part of the amount) when every filled field parses.
    fn total(&self) -> Option<Cents> {
        let ui = &self.state.ui();
        let amount = Cents::parse(&ui.amount).ok()?;
        let field = |text: &String| {
            if text.trim().is_empty() {
                Some(None)
            } else {
                Cents::parse(text).ok().map(Some)
            }
        };
        let tip = field(&ui.tip)?;
        let tax = field(&ui.tax)?;
        Some(Amounts::new(amount, tip, tax).total())
    }
}

impl Widget for &SaleView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let state = self.state;
        let ui = &state.ui();
        let mut lines = vec![
            self.field("Amount", Field::Amount, &ui.amount, ""),
            self.field("Tip", Field::Tip, &ui.tip, "optional"),
            self.field("Tax", Field::Tax, &ui.tax, "optional"),
        ];
        let order = &state.desk().order;
        // The item field appears once used (`i` or Tab), so the quick amount path stays as it was.
        if ui.field == Field::Item || !order.is_empty() {
            lines.push(self.field("Item", Field::Item, &ui.item, "code, NAME=PRICE, %N, $A"));
        }
        let total = if order.is_empty() {
            self.total().map_or_else(String::new, |t| t.to_string())
        } else {
            // Fixed lines besides the order: fields, totals, id, device, borders.
            let room = usize::from(area.height).saturating_sub(13).max(1);
            lines.extend(order_lines(state, room, theme));
            let t = order.totals();
            Amounts::new(t.total, Cents::parse(&ui.tip).ok(), None)
                .total()
                .to_string()
        };
        lines.push(text::kv("  Total", total, theme.strong(), theme));
        let ext = if ui.next_external_id.is_empty() {
            "(a fresh id is being made)".to_owned()
        } else {
            ui.next_external_id.clone()
        };
        lines.push(text::kv("  External id", ext, theme.text(), theme));
        if ui.entry_kind != crate::app::tab_keys::EntryKind::Sale {
            // What Enter starts (k cycles): shown once it is not a plain sale.
            lines.push(text::kv(
                "  Kind",
                ui.entry_kind.label().to_owned(),
                theme.strong(),
                theme,
            ));
        }
        let (conn, conn_style) = text::connection(state.connection(), theme);
        lines.push(text::kv("  Device", conn, conn_style, theme));
        if let Some(p) = state.pending() {
            lines.push(Line::styled(
                format!(
                    "  Payment {} of {} is still {}: press s to check it before a new sale.",
                    p.external_id, p.amount, p.state
                ),
                theme.warn(),
            ));
        }
        if state.notice().is_some() {
            lines.push(Line::raw(""));
            lines.extend(notice::lines(state, theme));
        }
        Paragraph::new(lines)
            .block(text::panel(" New sale ", theme))
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

/// The order block: a window of lines around the selected one, discounts, then the subtotal,
/// discount and tax (the total is the view's Total row). Names are stripped of control characters.
fn order_lines(state: &State, room: usize, theme: &Theme) -> Vec<Line<'static>> {
    let desk = &state.desk();
    let order = &desk.order;
    let n = order.lines().len();
    let start = desk
        .selected
        .saturating_sub(room.saturating_sub(1))
        .min(n.saturating_sub(room));
    let mut out = Vec::new();
    if start > 0 {
        out.push(Line::styled(
            format!("    … {start} more above"),
            theme.dim(),
        ));
    }
    for (i, l) in order.lines().iter().enumerate().skip(start).take(room) {
        let marker = if i == desk.selected { "  ▸ " } else { "    " };
        let name: String = l
            .display_name()
            .chars()
            .filter(|c| !c.is_control())
            .take(24)
            .collect();
        out.push(Line::from(vec![
            Span::styled(marker, theme.key()),
            Span::styled(format!("{:>3} × {name:<24}", l.quantity), theme.text()),
            Span::styled(format!("{:>10}", l.amount().to_string()), theme.text()),
        ]));
    }
    let rest = n.saturating_sub(start + room);
    if rest > 0 {
        out.push(Line::styled(
            format!("    … {rest} more below"),
            theme.dim(),
        ));
    }
    let t = order.totals();
    let mut sums = format!("  Subtotal {}", t.subtotal);
    if t.discount.0 > 0 {
        sums.push_str(&format!("  Discount -{}", t.discount));
    }
    sums.push_str(&format!("  Tax {}", t.tax));
    out.push(Line::styled(sums, theme.dim()));
    out
}
