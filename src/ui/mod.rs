//! The TUI's drawing: `render(&State, sim, &Theme, &mut Frame)`. Pure — it reads the state and
//! writes cells, nothing else (no clock, no environment: `NO_COLOR` is the caller's business,
//! passed in as a [`Theme`]). Every view draws only inside the area it is given, so any terminal
//! size works, down to 0×0.
//!
//! Layout: status bar (top line), the body (one view per screen, see [`view_for`]), the notice
//! when the view does not show it itself, the simulated device panel when there is room, the
//! help bar built from [`crate::app::screens::keymap`] (bottom line), and the `?` and quit
//! overlays on top.

mod big_text;
mod connect;
mod device_panel;
mod frames;
mod help_bar;
mod history;
mod in_progress;
mod notice;
mod prompt;
mod quit;
mod receipt_box;
mod refund_box;
mod report;
mod resolve_box;
mod result;
mod sale;
mod signature;
mod status;
mod status_bar;
mod tabs;
mod text;
mod theme;

pub use big_text::BigText;
pub use connect::ConnectView;
pub use device_panel::DevicePanel;
pub use frames::FramesView;
pub use help_bar::{HelpBar, HelpOverlay, HelpSection, help_sections};
pub use history::HistoryView;
pub use in_progress::InProgressView;
pub use prompt::PromptView;
pub use quit::QuitOverlay;
pub use refund_box::RefundBox;
pub use report::ReportView;
pub use resolve_box::ResolveBox;
pub use result::ResultView;
pub use sale::SaleView;
pub use signature::SignatureView;
pub use status::{ResetBox, StatusView};
pub use status_bar::StatusBar;
pub use text::recovered_line;
pub use theme::Theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use crate::app::State;
use crate::app::screens::{Screen, keymap};
use crate::sim::device::Screen as SimScreen;

/// Which view the body shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Connection progress / pairing code (the sale screen while the device is not ready),
    /// with the sale entry below it when there is room.
    Connect,
    /// Sale entry.
    Sale,
    /// A sale running.
    InProgress,
    /// Confirm payment / verify signature.
    Prompt,
    /// How the last sale ended.
    Result,
    /// Check Payment Status / reset.
    Status,
    /// The ledger.
    History,
    /// Today's totals.
    Report,
    /// The protocol inspector.
    Frames,
    /// Open tabs and the closeout.
    Tabs,
}

impl View {
    /// True when the view shows the notice itself (so it is not repeated above the help bar).
    pub fn shows_notice(self) -> bool {
        matches!(self, View::Connect | View::Sale | View::Status | View::Tabs)
    }
}

/// The view for the current screen. The sale screen shows the connection while the device is
/// not ready; the in-progress and prompt screens show the result once the payment is final
/// (the app leaves `ui.screen` on `InProgress` when a sale ends).
pub fn view_for(state: &State) -> View {
    let entry = if state.is_ready() {
        View::Sale
    } else {
        View::Connect
    };
    match state.ui().screen {
        Screen::Sale => entry,
        Screen::Prompt if state.prompt().is_some() => View::Prompt,
        Screen::InProgress | Screen::Prompt => {
            if state.pending().is_some() {
                View::InProgress
            } else if state.last_outcome().is_some() {
                View::Result
            } else {
                entry
            }
        }
        Screen::Result => View::Result,
        Screen::Status => View::Status,
        Screen::History => View::History,
        Screen::Report => View::Report,
        Screen::Frames => View::Frames,
        Screen::Tabs => View::Tabs,
    }
}

/// Draws the whole UI into the frame. `sim` is the simulated device's screen in simulator mode.
pub fn render(state: &State, sim: Option<&SimScreen>, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    draw(state, sim, theme, area, frame.buffer_mut());
}

/// Draws the whole UI into `area` of `buf` (what [`render`] does, without a terminal).
pub fn draw(state: &State, sim: Option<&SimScreen>, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let theme = *theme;
    let keys = keymap(state);
    let view = view_for(state);

    (&StatusBar {
        state,
        theme,
        simulator: sim.is_some(),
    })
        .render(Rect { height: 1, ..area }, buf);
    if let Some(why) = &state.ui().read_only {
        let top = Rect { height: 1, ..area };
        ratatui::widgets::Clear.render(top, buf);
        buf.set_style(top, theme.warn());
        Line::styled(format!(" READ-ONLY · {why}"), theme.warn()).render(top, buf);
    }
    if area.height < 2 {
        return;
    }
    let help_row = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    (&HelpBar { keys: &keys, theme }).render(help_row, buf);
    let mut body = Rect::new(area.x, area.y + 1, area.width, area.height - 2);
    if body.is_empty() {
        return;
    }

    if let Some(n) = state.notice().as_ref().filter(|_| !view.shows_notice())
        && body.height >= 4
    {
        let h = notice::height(n, body.width, 3.min(body.height / 4).max(1));
        let r = Rect::new(body.x, body.bottom() - h, body.width, h);
        notice::render(state, &theme, r, buf);
        body.height -= h;
    }

    if view == View::Sale && !state.recovered().is_empty() && body.height >= 6 {
        let mut lines: Vec<Line> = state
            .recovered()
            .iter()
            .map(|o| {
                let (_, style) = text::payment_state(o.state, &theme);
                Line::styled(format!(" {}", text::recovered_line(o)), style)
            })
            .collect();
        lines.push(Line::styled(" x dismisses", theme.dim()));
        let h = u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .min(body.height / 3);
        let r = Rect::new(body.x, body.bottom() - h, body.width, h);
        ratatui::widgets::Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .render(r, buf);
        body.height -= h;
    }

    if let Some(screen) = sim {
        let panel = DevicePanel { screen, theme };
        if body.width >= 100 {
            let w = DevicePanel::WIDTH;
            let r = Rect::new(body.right() - w, body.y, w, body.height);
            (&panel).render(r, buf);
            body.width -= w;
        } else if body.height >= 20 {
            let h = DevicePanel::HEIGHT;
            let r = Rect::new(body.x, body.bottom() - h, body.width, h);
            (&panel).render(r, buf);
            body.height -= h;
        }
    }

    draw_body(state, view, theme, body, buf);

    if let Some(input) = state.ui().refund_input() {
        let h = RefundBox::HEIGHT.min(body.height);
        let r = Rect::new(body.x, body.bottom() - h, body.width, h);
        (&RefundBox { input, theme }).render(r, buf);
    }

    if let Some(view) = state.ui().receipt() {
        let print = state.print_job().as_ref();
        (&receipt_box::ReceiptBox { view, theme, print }).render(body, buf);
    }

    if state.ui().help() {
        (&HelpOverlay {
            state,
            simulator: sim.is_some(),
            theme,
        })
            .render(body, buf);
    }
    if state.ui().quit_confirm() {
        (&QuitOverlay { state, theme }).render(body, buf);
    }
}

fn draw_body(state: &State, view: View, theme: Theme, body: Rect, buf: &mut Buffer) {
    match view {
        View::Connect => {
            let mut connect = ConnectView {
                state,
                theme,
                notice: true,
            };
            let want = connect.wanted_height(body.width);
            // The sale entry stays visible below when there is room for it (and shows the notice).
            const SALE_ROWS: u16 = 9;
            if body.height >= want + SALE_ROWS {
                connect.notice = false;
                (&connect).render(
                    Rect {
                        height: want,
                        ..body
                    },
                    buf,
                );
                let rest = Rect::new(body.x, body.y + want, body.width, body.height - want);
                (&SaleView { state, theme }).render(rest, buf);
            } else {
                (&connect).render(body, buf);
            }
        }
        View::Sale => (&SaleView { state, theme }).render(body, buf),
        View::InProgress => match state.pending() {
            Some(payment) => (&InProgressView {
                state,
                payment,
                theme,
            })
                .render(body, buf),
            None => nothing(body, buf, &theme, "No sale is running."),
        },
        View::Prompt => match &state.prompt() {
            Some(prompt) => (&PromptView {
                state,
                prompt,
                theme,
            })
                .render(body, buf),
            None => nothing(body, buf, &theme, "The device asks nothing right now."),
        },
        View::Result => match &state.last_outcome() {
            Some(outcome) => {
                let kind = state
                    .last_txn()
                    .as_ref()
                    .map_or(crate::payment::PaymentKind::Sale, |t| t.kind);
                (&ResultView {
                    outcome,
                    kind,
                    theme,
                })
                    .render(body, buf)
            }
            None => nothing(body, buf, &theme, "No sale has finished yet."),
        },
        View::Status => (&StatusView { state, theme }).render(body, buf),
        View::History => (&HistoryView { state, theme }).render(body, buf),
        View::Report => (&ReportView { state, theme }).render(body, buf),
        View::Frames => (&FramesView { state, theme }).render(body, buf),
        View::Tabs => (&tabs::TabsView { state, theme }).render(body, buf),
    }
}

fn nothing(area: Rect, buf: &mut Buffer, theme: &Theme, text: &'static str) {
    Line::styled(text, theme.dim()).render(Rect { height: 1, ..area }, buf);
}
