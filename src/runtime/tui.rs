//! The TUI loop: terminal events, device events and timers into the state machine; a redraw
//! only when the state changed (no render tick while idle).

use std::io;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures_util::{Stream, StreamExt};
use ratatui::{Frame, Terminal, backend::Backend};

use super::event_loop::Runtime;
use super::ports::{DevicePort, LedgerPort};
use crate::app::{Event, Key};

/// A key the simulator's device panel handles (acting as the customer), if any.
pub type PanelKeys<'a> = &'a mut dyn FnMut(&KeyEvent) -> bool;

/// Maps a terminal key to an app key.
pub fn map_key(key: &KeyEvent) -> Option<Key> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Key::CtrlC),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Tab => Key::Tab,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        _ => return None,
    })
}

impl<D: DevicePort, L: LedgerPort> Runtime<D, L> {
    /// Runs the TUI until the operator quits. `events` is the terminal's event stream (crossterm's
    /// `EventStream`, or a scripted stream in tests); `render` draws the state; `panel` gets first
    /// go at keys (the simulator's customer keys) and returns true when it used one; `changed`
    /// resolves when something outside the state machine changed (the simulated device screen).
    pub async fn run_tui<B, S, R, C, F>(
        &mut self,
        terminal: &mut Terminal<B>,
        mut events: S,
        mut render: R,
        panel: PanelKeys<'_>,
        mut changed: C,
    ) -> io::Result<()>
    where
        B: Backend,
        B::Error: std::error::Error + Send + Sync + 'static,
        S: Stream<Item = io::Result<TermEvent>> + Unpin,
        R: FnMut(&crate::app::State, &mut Frame),
        C: FnMut() -> F,
        F: std::future::Future<Output = ()>,
    {
        if let Ok(size) = terminal.size() {
            self.dispatch(Event::Resize {
                width: size.width,
                height: size.height,
            })
            .await;
        }
        self.drain().await;
        let mut device_open = true;
        loop {
            if self.dirty {
                terminal
                    .draw(|f| render(&self.state, f))
                    .map_err(io::Error::other)?;
                self.dirty = false;
            }
            if self.state.quit() {
                return Ok(());
            }
            tokio::select! {
                ev = events.next() => match ev {
                    Some(Ok(TermEvent::Key(key))) => {
                        if panel(&key) {
                            self.dirty = true;
                        } else if let Some(k) = map_key(&key) {
                            self.dispatch(Event::Key(k)).await;
                        }
                    }
                    Some(Ok(TermEvent::Resize(w, h))) => self.dispatch(Event::Resize { width: w, height: h }).await,
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e),
                    None => return Ok(()),
                },
                input = self.device_rx.recv(), if device_open => match input {
                    Some(input) => self.dispatch(Event::Device(input)).await,
                    None => {
                        device_open = false;
                        let why = "the connection to the device stopped; restart till to reconnect".to_owned();
                        self.dispatch(Event::Device(crate::app::DeviceInput::Disconnected(crate::device::Disconnect::stopped(why)))).await;
                    }
                },
                Some(id) = self.timer_rx.recv() => self.dispatch(Event::Timer(id)).await,
                _ = changed() => self.dirty = true,
            }
        }
    }
}
