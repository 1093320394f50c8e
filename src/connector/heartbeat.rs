//! Liveness of one connection. Pure: the caller passes the time.
//!
//! Every `interval` a heartbeat is sent (a WebSocket ping and a PING envelope). Anything received
//! from the device counts as a sign of life. When a heartbeat has been outstanding for `timeout`
//! with nothing received, the connection is dead — so a half-open connection is detected at the
//! latest `interval + timeout` after the device's last frame.

use std::time::Duration;

use tokio::time::Instant;

/// What to do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// Nothing until [`Heartbeat::next_deadline`].
    Idle,
    /// Send a heartbeat now.
    SendPing,
    /// Nothing was received for this long after a heartbeat: the connection is dead.
    Dead {
        /// Time since the last frame from the device.
        silent_for: Duration,
    },
}

/// Heartbeat state of one connection.
#[derive(Debug, Clone)]
pub struct Heartbeat {
    interval: Duration,
    timeout: Duration,
    last_inbound: Instant,
    outstanding_since: Option<Instant>,
    next_ping: Instant,
}

impl Heartbeat {
    /// Starts at `now`: the first heartbeat goes out after `interval`.
    pub fn new(now: Instant, interval: Duration, timeout: Duration) -> Self {
        Heartbeat {
            interval,
            timeout,
            last_inbound: now,
            outstanding_since: None,
            next_ping: now + interval,
        }
    }

    /// Something arrived from the device.
    pub fn on_inbound(&mut self, now: Instant) {
        self.last_inbound = now;
        self.outstanding_since = None;
    }

    /// What to do at `now`.
    pub fn poll(&mut self, now: Instant) -> Beat {
        match self.outstanding_since {
            Some(since) if now >= since + self.timeout => Beat::Dead {
                silent_for: now.saturating_duration_since(self.last_inbound),
            },
            Some(_) => Beat::Idle,
            None if now >= self.next_ping => {
                self.outstanding_since = Some(now);
                self.next_ping = now + self.interval;
                Beat::SendPing
            }
            None => Beat::Idle,
        }
    }

    /// When [`Heartbeat::poll`] must run next.
    pub fn next_deadline(&self) -> Instant {
        match self.outstanding_since {
            Some(since) => since + self.timeout,
            None => self.next_ping,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn answered_heartbeats_keep_the_connection() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(t0, 3 * S, 2 * S);
        assert_eq!(hb.poll(t0 + S), Beat::Idle);
        assert_eq!(hb.next_deadline(), t0 + 3 * S);
        assert_eq!(hb.poll(t0 + 3 * S), Beat::SendPing);
        assert_eq!(hb.next_deadline(), t0 + 5 * S);
        hb.on_inbound(t0 + 3 * S + S / 10);
        assert_eq!(hb.poll(t0 + 5 * S), Beat::Idle);
        assert_eq!(hb.poll(t0 + 6 * S), Beat::SendPing);
    }

    #[test]
    fn silence_after_a_heartbeat_is_death_within_interval_plus_timeout() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(t0, 3 * S, 2 * S);
        hb.on_inbound(t0);
        assert_eq!(hb.poll(t0 + 3 * S), Beat::SendPing);
        assert_eq!(hb.poll(t0 + 4 * S), Beat::Idle);
        assert_eq!(hb.poll(t0 + 5 * S), Beat::Dead { silent_for: 5 * S });
    }
}
