//! Reconnect delays: capped exponential backoff with jitter. Pure: the caller passes the RNG.

use std::time::Duration;

use rand::Rng;

/// Delays `floor, 2·floor, 4·floor, …` up to `cap`, each jittered to a random value in
/// `[d/2, d]` so that many terminals do not reconnect in lockstep.
#[derive(Debug, Clone)]
pub struct Backoff {
    floor: Duration,
    cap: Duration,
    failures: u32,
}

impl Backoff {
    /// A backoff starting at `floor` and never above `cap`.
    pub fn new(floor: Duration, cap: Duration) -> Self {
        Backoff {
            floor,
            cap: cap.max(floor),
            failures: 0,
        }
    }

    /// The un-jittered delay for the next attempt.
    pub fn base_delay(&self) -> Duration {
        let factor = 1u32.checked_shl(self.failures.min(31)).unwrap_or(u32::MAX);
        self.floor
            .checked_mul(factor)
            .unwrap_or(self.cap)
            .min(self.cap)
    }

    /// The delay before the next attempt; each call doubles the base until the cap.
    pub fn next_delay(&mut self, rng: &mut impl Rng) -> Duration {
        let base = self.base_delay();
        self.failures = self.failures.saturating_add(1);
        let nanos = u64::try_from(base.as_nanos()).unwrap_or(u64::MAX);
        if nanos < 2 {
            return base;
        }
        Duration::from_nanos(rng.random_range(nanos / 2..=nanos))
    }

    /// Straight to `cap` (another POS took the device: do not grab it back at once).
    pub fn saturate(&mut self) {
        self.failures = 31;
    }

    /// Back to `floor` (after a connection reached ready).
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Attempts since the last reset.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn doubles_up_to_the_cap_with_jitter() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(1000));
        let bases: Vec<u64> = (0..7)
            .map(|_| {
                let base = b.base_delay();
                let d = b.next_delay(&mut rng);
                assert!(
                    d <= base && d >= base / 2,
                    "{d:?} outside [{:?}, {base:?}]",
                    base / 2
                );
                base.as_millis() as u64
            })
            .collect();
        assert_eq!(bases, [100, 200, 400, 800, 1000, 1000, 1000]);
        b.reset();
        assert_eq!(b.base_delay(), Duration::from_millis(100));
    }

    #[test]
    fn never_overflows() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        for _ in 0..200 {
            assert!(b.next_delay(&mut rng) <= Duration::from_secs(60));
        }
        let mut z = Backoff::new(Duration::ZERO, Duration::ZERO);
        assert_eq!(z.next_delay(&mut rng), Duration::ZERO);
    }

    #[test]
    fn jitter_spreads_delays() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let delays: std::collections::BTreeSet<Duration> = (0..20)
            .map(|_| {
                Backoff::new(Duration::from_secs(1), Duration::from_secs(1)).next_delay(&mut rng)
            })
            .collect();
        assert!(delays.len() > 10);
    }
}
