//! The read-only TUI: `till --read-only`, or `till` when another till holds the data directory.
//! It shows the history (search by keys, events) and today's totals from a read-only ledger
//! handle, with a banner saying why; it never takes the lock, never writes and never connects
//! to a device.

use crossterm::event::EventStream;
use tokio::sync::mpsc;

use super::exit;
use crate::app::{AppSettings, State};
use crate::config::LoadedConfig;
use crate::ledger::Ledger;
use crate::runtime::{LedgerStore, NoDevice, ReadOnlyLedger, Runtime};
use crate::ui::{self, Theme};

/// Runs the read-only TUI; `why` is shown in the banner.
pub fn run(config: &LoadedConfig, why: String) -> u8 {
    let ledger = match Ledger::open_read_only(&config.paths.data_dir) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("till: {e}");
            return exit::USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("till: cannot start: {e}");
            return exit::UNREACHABLE;
        }
    };
    runtime.block_on(async {
        let state = State::read_only(AppSettings::default(), why);
        // The device channel stays open and silent: there is no device.
        let (_device_tx, device_rx) = mpsc::channel(1);
        let store = ReadOnlyLedger(LedgerStore::new(ledger, "read-only"));
        let mut rt = Runtime::new(state, NoDevice, store, device_rx);
        rt.dispatch(crate::app::Event::Key(crate::app::Key::Char('h')))
            .await;
        let theme = Theme::from_no_color(std::env::var_os("NO_COLOR").as_deref());
        let render = |state: &State, frame: &mut ratatui::Frame| {
            ui::render(state, None, &theme, frame);
        };
        let mut no_panel = |_: &crossterm::event::KeyEvent| false;
        let mut terminal = ratatui::init();
        let result = rt
            .run_tui(
                &mut terminal,
                EventStream::new(),
                render,
                &mut no_panel,
                std::future::pending::<()>,
            )
            .await;
        ratatui::restore();
        match result {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("till: terminal error: {e}");
                exit::UNREACHABLE
            }
        }
    })
}
