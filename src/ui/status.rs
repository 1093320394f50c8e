//! Check Payment Status: the pending payment, the device status, each recovery step with its
//! answer, the notice, and the guarded Reset device with its typed confirmation.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::notice;
use super::text;
use super::theme::Theme;
use crate::app::{NoticeKind, RecoveryStep, ResetPhase, State};

/// The Check Payment Status view.
#[derive(Debug, Clone, Copy)]
pub struct StatusView<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
}

fn step_text(step: RecoveryStep) -> &'static str {
    match step {
        RecoveryStep::AwaitStatus => "waiting for the device status",
        RecoveryStep::AwaitPayment => "waiting for the payment lookup",
        RecoveryStep::Polling => "the device still works on it; asking again shortly",
        RecoveryStep::AwaitRest => "asking Clover's payment records",
        RecoveryStep::Suspended => "paused until the device is ready",
    }
}

impl StatusView<'_> {
    fn summary(&self) -> Vec<Line<'static>> {
        let theme = &self.theme;
        let state = self.state;
        let mut lines = Vec::new();
        match state.pending() {
            Some(p) => {
                let (st, style) = text::payment_state(p.state, theme);
                lines.push(text::kv(
                    "Pending",
                    format!("{} · {}", p.amount, p.external_id),
                    theme.strong(),
                    theme,
                ));
                lines.push(text::kv("State", st, style, theme));
            }
            None => lines.push(text::kv("Pending", "none", theme.good(), theme)),
        }
        for o in state.recovered() {
            let (_, style) = text::payment_state(o.state, theme);
            lines.push(text::kv("Recovered", text::recovered_line(o), style, theme));
        }
        let device = match &state.device_status() {
            Some(s) => {
                let mut t = s.state.to_string();
                if let Some(sub) = &s.substate {
                    t.push_str(&format!(" / {sub}"));
                }
                if let Some(e) = &s.external_id {
                    t.push_str(&format!(", working on {e}"));
                }
                t
            }
            None => "not asked yet".to_owned(),
        };
        lines.push(text::kv("Device", device, theme.text(), theme));
        let (conn, conn_style) = text::connection(state.connection(), theme);
        lines.push(text::kv("Connection", conn, conn_style, theme));
        if let Some(r) = &state.recovery() {
            lines.push(text::kv(
                "Recovery",
                format!(
                    "{} · {} · round {}",
                    r.reason.as_str(),
                    step_text(r.step),
                    r.rounds
                ),
                theme.info(),
                theme,
            ));
        }
        if let Some(reset) = &state.reset() {
            let phase = match reset.phase {
                ResetPhase::Recovering => "checking the payment first",
                ResetPhase::NeedsConfirmation => "needs your confirmation (R)",
                ResetPhase::Sent => "sent; waiting for the device",
            };
            lines.push(text::kv("Reset", phase, theme.warn(), theme));
        }
        lines
    }

    fn steps(&self, room: usize) -> Vec<Line<'static>> {
        let theme = &self.theme;
        let Some(r) = &self.state.recovery() else {
            return Vec::new();
        };
        if r.steps.is_empty() || room < 2 {
            return Vec::new();
        }
        let mut lines = vec![Line::styled("Steps", theme.dim())];
        let fit = room - 1;
        // When they do not all fit, the newest are shown, after an "… earlier" line if there
        // is room for it and at least one step.
        let ellipsis = r.steps.len() > fit && fit >= 2;
        let skip = r
            .steps
            .len()
            .saturating_sub(if ellipsis { fit - 1 } else { fit });
        if ellipsis {
            lines.push(Line::styled(
                format!("  … {skip} earlier steps"),
                theme.dim(),
            ));
        }
        for (i, s) in r.steps.iter().enumerate().skip(skip) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:>2}. ", i + 1), theme.dim()),
                Span::raw(s.what.clone()),
                Span::styled(" → ", theme.dim()),
                Span::styled(s.answer.clone(), theme.strong()),
            ]));
        }
        lines
    }
}

/// The reset confirmation box shown while the operator types the external id.
#[derive(Debug, Clone, Copy)]
pub struct ResetBox<'a> {
    /// What to show.
    pub state: &'a State,
    /// What has been typed.
    pub typed: &'a str,
    /// Styling.
    pub theme: Theme,
}

impl ResetBox<'_> {
    fn message(&self) -> Vec<Line<'static>> {
        let theme = &self.theme;
        match self.state.pending() {
            Some(p) => vec![
                Line::styled(
                    format!(
                        "! Payment {} of {} is still {}: a reset may void it.",
                        p.external_id, p.amount, p.state
                    ),
                    theme.error(),
                ),
                Line::raw(format!(
                    "Type {} to reset; the payment may be voided.",
                    p.external_id
                )),
            ],
            None => vec![Line::raw(
                "No payment is at risk now; Enter resets the device.",
            )],
        }
    }

    /// Rows the box wants at this width: borders, the wrapped message and the typing line.
    pub fn height(&self, width: u16) -> u16 {
        let inner = usize::from(width.saturating_sub(2)).max(1);
        let text: usize = self
            .message()
            .iter()
            .map(|l| l.width().div_ceil(inner).max(1))
            .sum();
        u16::try_from(text + 3).unwrap_or(u16::MAX)
    }
}

impl Widget for &ResetBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        Clear.render(area, buf);
        let block = text::panel(" Reset device ", theme).border_style(theme.error());
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        // The typing line is pinned to the last row so it is always visible.
        let input = Rect::new(inner.x, inner.bottom() - 1, inner.width, 1);
        Line::from(vec![
            Span::styled("> ", theme.key()),
            Span::styled(format!("{}_", self.typed), theme.focus()),
        ])
        .render(input, buf);
        let above = Rect {
            height: inner.height - 1,
            ..inner
        };
        Paragraph::new(self.message())
            .wrap(Wrap { trim: false })
            .render(above, buf);
    }
}

impl Widget for &StatusView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let state = self.state;
        let mut main = area;
        if let Some(typed) = state.ui().reset_input() {
            let reset = ResetBox {
                state,
                typed,
                theme: *theme,
            };
            let h = reset.height(area.width).min(area.height);
            let boxed = Rect::new(area.x, area.bottom() - h, area.width, h);
            main.height -= h;
            (&reset).render(boxed, buf);
        }
        if let Some(input) = state.ui().resolve_input() {
            let h = super::ResolveBox::HEIGHT.min(main.height);
            let boxed = Rect::new(main.x, main.bottom() - h, main.width, h);
            main.height -= h;
            (&super::ResolveBox {
                state,
                input,
                theme: *theme,
            })
                .render(boxed, buf);
        }
        if main.is_empty() {
            return;
        }
        let block = text::panel(" Check payment status ", theme);
        let inner = block.inner(main);
        block.render(main, buf);
        if inner.is_empty() {
            return;
        }
        // While the reset box is up it says what the reset-confirmation notice says.
        let notice = state.notice().as_ref().filter(|n| {
            !(state.ui().reset_input().is_some() && n.kind == NoticeKind::ResetNeedsConfirmation)
        });
        let notice_h = notice.map_or(0, |n| {
            notice::height(n, inner.width, 4).min(inner.height / 2)
        });
        let top_h = inner.height - notice_h;
        let mut lines = self.summary();
        let room = usize::from(top_h).saturating_sub(lines.len() + 1);
        let steps = self.steps(room);
        if !steps.is_empty() {
            lines.push(Line::raw(""));
            lines.extend(steps);
        }
        Paragraph::new(lines).render(
            Rect {
                height: top_h,
                ..inner
            },
            buf,
        );
        if notice_h > 0 {
            let r = Rect::new(inner.x, inner.y + top_h, inner.width, notice_h);
            notice::render(state, theme, r, buf);
        }
    }
}
