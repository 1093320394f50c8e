//! Today's totals (key `t`): the payments whose outcome is unknown first, as action items, then
//! counts and amounts by outcome and by card brand, tips, tax, refunds, voids, credits and the
//! net taken — the same figures as `till report`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::text;
use super::theme::Theme;
use crate::app::State;
use crate::ledger::{Report, Tally};

/// The report view.
#[derive(Debug, Clone, Copy)]
pub struct ReportView<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
}

fn tally(name: &str, t: &Tally) -> String {
    format!(" {name:<10} {:>5} {:>10}", t.count, t.amount.to_string())
}

/// The action items and the money taken: always at the top, so they show at any size.
fn head(report: &Report, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if report.action_items.is_empty() {
        out.push(Line::styled(
            "No action items: every payment today has a final outcome.",
            theme.good(),
        ));
    } else {
        out.push(Line::styled(
            format!(
                "ACTION ITEMS: {} payment(s) with an unknown outcome (s: check status)",
                report.action_items.len()
            ),
            theme.error(),
        ));
        for p in &report.action_items {
            let (state, style) = text::payment_state(p.state, theme);
            out.push(Line::from(vec![
                Span::raw(format!(
                    " {} {:>9} ",
                    text::utc_minute(p.created_ms),
                    p.amount.to_string()
                )),
                Span::styled(state, style),
                Span::raw(format!(" {}", p.external_id)),
            ]));
        }
    }
    out.push(Line::from(vec![
        Span::styled(format!("NET TAKEN {}", report.net), theme.strong()),
        Span::raw(format!("   tips {}   tax {}", report.tips, report.tax)),
    ]));
    out
}

/// Counts and amounts by outcome.
fn outcomes(report: &Report, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!(" {:<10} {:>5} {:>10}", "Outcome", "count", "amount"),
        theme.dim(),
    )];
    for (o, t) in &report.outcomes {
        out.push(Line::raw(tally(o.label(), t)));
    }
    out.push(Line::styled(tally("all", &report.payments), theme.strong()));
    out
}

/// Money taken by card brand, then refunds, voids and credits.
fn others(report: &Report, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!(" {:<10} {:>5} {:>10}", "Card", "count", "taken"),
        theme.dim(),
    )];
    for (b, t) in &report.brands {
        let brand: String = b.chars().filter(|c| !c.is_control()).take(10).collect();
        out.push(Line::raw(tally(&brand, t)));
    }
    out.push(Line::raw(tally("refunds", &report.refunds)));
    out.push(Line::raw(tally("voids", &report.voids)));
    out.push(Line::raw(tally("credits", &report.credits)));
    out
}

/// Width of one table column.
const COLUMN: u16 = 29;

impl Widget for &ReportView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let day = crate::timefmt::date(self.state.now_ms());
        let title = format!(" Today's totals · {day} (UTC) ");
        let block = text::panel(&title, theme);
        let inner = block.inner(area);
        block.render(area, buf);
        let report = match &self.state.ui().report {
            None => {
                Line::styled("Loading…", theme.dim()).render(inner, buf);
                return;
            }
            Some(Err(why)) => {
                Paragraph::new(Line::styled(
                    format!("Cannot read the ledger: {why}"),
                    theme.error(),
                ))
                .render(inner, buf);
                return;
            }
            Some(Ok(report)) => report,
        };
        let top = head(report, theme);
        let top_h = u16::try_from(top.len())
            .unwrap_or(u16::MAX)
            .min(inner.height);
        Paragraph::new(top).render(
            Rect {
                height: top_h,
                ..inner
            },
            buf,
        );
        let rest = Rect::new(inner.x, inner.y + top_h, inner.width, inner.height - top_h);
        if rest.is_empty() {
            return;
        }
        // Two tables side by side when they fit, else one below the other.
        let (left, right) = (outcomes(report, theme), others(report, theme));
        if rest.width >= 2 * COLUMN {
            Paragraph::new(left).render(
                Rect {
                    width: COLUMN,
                    ..rest
                },
                buf,
            );
            let r = Rect::new(rest.x + COLUMN, rest.y, rest.width - COLUMN, rest.height);
            Paragraph::new(right).render(r, buf);
        } else {
            Paragraph::new([left, right].concat()).render(rest, buf);
        }
    }
}
