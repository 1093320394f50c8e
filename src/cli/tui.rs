//! `till` with no command: the TUI, on the embedded simulator unless a device is configured.

use std::sync::Arc;

use crossterm::event::{EventStream, KeyCode, KeyEvent, KeyEventKind};
use tokio::sync::{Mutex, mpsc, watch};

use super::composition::{self, Purpose};
use super::config::GlobalArgs;
use super::exit;
use crate::app::keymap::DEVICE_PANEL_KEYS;
use crate::config::SimCustomer;
use crate::ledger::{Ledger, LedgerError};
use crate::sim::cards::{APPROVE_VISA, DECLINE_VISA, PARTIAL_VISA};
use crate::sim::device::{CustomerAction, Profile, Screen as SimScreen};
use crate::ui::{self, Theme};

/// The customer action for a function key.
fn panel_action(key: &KeyEvent) -> Option<CustomerAction> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    Some(match key.code {
        KeyCode::F(1) => CustomerAction::TapCard(APPROVE_VISA.into()),
        KeyCode::F(2) => CustomerAction::TapCard(PARTIAL_VISA.into()),
        KeyCode::F(3) => CustomerAction::TapCard(DECLINE_VISA.into()),
        KeyCode::F(4) => CustomerAction::Sign,
        KeyCode::F(5) => CustomerAction::Decline,
        KeyCode::F(6) => CustomerAction::Cancel,
        KeyCode::F(7) => CustomerAction::WalkAway,
        KeyCode::F(8) => CustomerAction::ApprovePairing,
        KeyCode::F(9) => CustomerAction::RejectPairing,
        KeyCode::F(12) => CustomerAction::Reboot,
        _ => return None,
    })
}

/// The device screen with its actions spelled as the keys that perform them.
fn with_keys(screen: &SimScreen) -> SimScreen {
    let mut s = screen.clone();
    s.actions = s
        .actions
        .iter()
        .filter_map(|a| {
            let keys: Vec<String> = DEVICE_PANEL_KEYS
                .iter()
                .filter(|(name, _, _)| name == a)
                .map(|(_, key, what)| format!("{key} {what}"))
                .collect();
            (!keys.is_empty()).then(|| keys.join(" · "))
        })
        .collect();
    s
}

/// What `till` says when started without a terminal to draw on.
const NEEDS_TERMINAL: &str = "till needs a terminal; use a subcommand (see --help)";

/// Runs the TUI. Errors before the terminal is taken over are printed with their exit code.
/// With `read_only`, or when another till holds the data directory, the read-only TUI instead.
pub fn run(
    global: &GlobalArgs,
    sim_customer: Option<SimCustomer>,
    sim_profile: Option<Profile>,
    seed: Option<u64>,
    read_only: bool,
) -> u8 {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!("{NEEDS_TERMINAL}");
        return exit::USAGE;
    }
    let config = match composition::load_config(global) {
        Ok(c) => c,
        Err(f) => {
            eprintln!("till: {}", crate::protocol::text::terminal_safe(&f.message));
            return f.code;
        }
    };
    if read_only {
        let why = "opened with --read-only: viewing only, no sales".to_owned();
        return super::tui_read_only::run(&config, why);
    }
    // Another till holds the data directory: view its ledger instead of refusing.
    match Ledger::open(&config.paths.data_dir) {
        Ok(probe) => drop(probe),
        Err(LedgerError::Locked { pid, .. }) => {
            let who = pid.map_or_else(|| "another till".to_owned(), |p| format!("till pid {p}"));
            let why = format!("{who} holds this data directory: viewing only, no sales");
            return super::tui_read_only::run(&config, why);
        }
        // Anything else is reported by the session below, as before.
        Err(_) => {}
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("till: cannot start: {e}");
            return exit::UNREACHABLE;
        }
    };
    runtime.block_on(async {
        let mut s = match composition::open(
            global,
            config,
            Purpose::Tui {
                sim_customer,
                sim_profile,
                seed,
            },
        )
        .await
        {
            Ok(s) => s,
            Err(f) => {
                eprintln!("till: {}", crate::protocol::text::terminal_safe(&f.message));
                return f.code;
            }
        };
        let theme = Theme::from_no_color(std::env::var_os("NO_COLOR").as_deref());
        let sim_view: Option<watch::Receiver<SimScreen>> = s.sim.as_ref().and_then(|sim| sim.screen("default").ok());
        let controller = s.sim.as_ref().map(|sim| sim.controller());

        // Wake the loop when the simulated device's screen changes.
        let (changed_tx, changed_rx) = mpsc::unbounded_channel::<()>();
        if let Some(mut rx) = sim_view.clone() {
            tokio::spawn(async move {
                while rx.changed().await.is_ok() {
                    if changed_tx.send(()).is_err() {
                        break;
                    }
                }
            });
        }
        let changed_rx = Arc::new(Mutex::new(changed_rx));
        let changed = move || {
            let rx = changed_rx.clone();
            async move {
                if rx.lock().await.recv().await.is_none() {
                    std::future::pending::<()>().await;
                }
            }
        };
        let mut panel = |key: &KeyEvent| -> bool {
            let (Some(controller), Some(action)) = (controller.as_ref(), panel_action(key)) else {
                return false;
            };
            let controller = controller.clone();
            tokio::spawn(async move {
                if let Err(why) = controller.act("default", action).await {
                    tracing::info!(%why, "simulated customer action not applied");
                }
            });
            true
        };
        let render = |state: &crate::app::State, frame: &mut ratatui::Frame| {
            let screen = sim_view.as_ref().map(|rx| with_keys(&rx.borrow()));
            ui::render(state, screen.as_ref(), &theme, frame);
        };

        let mut terminal = ratatui::init();
        let result = s.rt.run_tui(&mut terminal, EventStream::new(), render, &mut panel, changed).await;
        ratatui::restore();
        let pending = s.rt.state().pending().cloned();
        s.close().await;
        if let Some(p) = pending {
            eprintln!(
                "Payment {} of {} is still {}: till will check it with the device the next time it starts (or run `till recover`).",
                p.external_id, p.amount, p.state
            );
        }
        match result {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("till: terminal error: {e}");
                exit::UNREACHABLE
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::{DEVICE_PANEL_KEYS, panel_action};

    #[test]
    fn every_device_panel_key_handled_is_listed_for_the_help() {
        for n in 1..=24u8 {
            let handled = panel_action(&KeyEvent::new(KeyCode::F(n), KeyModifiers::NONE));
            let listed = DEVICE_PANEL_KEYS
                .iter()
                .any(|(_, key, _)| *key == format!("F{n}"));
            assert_eq!(handled.is_some(), listed, "F{n}");
        }
    }
}
