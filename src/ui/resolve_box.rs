//! The box of Check Payment Status where the operator resolves the pending payment by hand:
//! the outcome, the note, then the confirmation.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::text;
use super::theme::Theme;
use crate::app::State;
use crate::app::manual::ResolveInput;

/// The resolution box.
#[derive(Debug, Clone, Copy)]
pub struct ResolveBox<'a> {
    /// The state (for the pending payment).
    pub state: &'a State,
    /// What has been entered.
    pub input: &'a ResolveInput,
    /// Styling.
    pub theme: Theme,
}

impl ResolveBox<'_> {
    /// Rows wanted.
    pub const HEIGHT: u16 = 7;

    fn lines(&self) -> Vec<Line<'static>> {
        let theme = &self.theme;
        let id = self
            .state
            .pending()
            .map(|p| format!("{} of {}", p.external_id, p.amount))
            .unwrap_or_default();
        let note: String = self
            .input
            .note
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let mut out = vec![Line::styled(
            format!("{id}: resolve only after checking the Clover dashboard; nothing is sent"),
            theme.warn(),
        )];
        match (self.input.to, self.input.confirming) {
            (None, _) => out.push(Line::raw(
                "What happened? a approved · d declined · v voided · n not found",
            )),
            (Some(to), false) => {
                let to = to.as_str().replace('_', " ");
                out.push(Line::raw(format!("Outcome: {to}")));
                out.push(Line::raw(format!("Note (who checked what): {note}▏")));
            }
            (Some(to), true) => {
                let to = to.as_str().replace('_', " ");
                out.push(Line::raw(format!("Outcome: {to} · note: {note}")));
                out.push(Line::styled(
                    format!("Record it as {to}? y yes · n edit the note · Esc cancel"),
                    theme.strong(),
                ));
            }
        }
        out
    }
}

impl Widget for &ResolveBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        Paragraph::new(self.lines())
            .wrap(Wrap { trim: false })
            .block(text::panel(" Resolve by hand ", &self.theme))
            .render(area, buf);
    }
}
