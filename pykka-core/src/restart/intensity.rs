//! Restart intensity: at most N restarts within a period T, as Erlang's; used by an actor's
//! own [`RestartPolicy`](super::RestartPolicy) and by a supervisor.
//!
//! Pure arithmetic over instants the caller passes in, so it is unit-tested without sleeping.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The restarts made within the last `within`; at most `max` are allowed.
#[derive(Debug)]
pub(crate) struct Intensity {
    max: u32,
    within: Duration,
    recent: VecDeque<Instant>,
}

impl Intensity {
    pub(crate) fn new(max: u32, within: Duration) -> Self {
        Intensity {
            max,
            within,
            recent: VecDeque::new(),
        }
    }

    /// Records a restart at `now` if fewer than `max` happened in the `within` before it, and
    /// returns whether it did. `false` means the intensity is exceeded: the policy or the
    /// supervisor gives up.
    pub(crate) fn admit(&mut self, now: Instant) -> bool {
        while let Some(&oldest) = self.recent.front() {
            if now.saturating_duration_since(oldest) >= self.within {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        if self.recent.len() >= self.max as usize {
            return false;
        }
        self.recent.push_back(now);
        true
    }

    pub(crate) fn max(&self) -> u32 {
        self.max
    }

    pub(crate) fn within(&self) -> Duration {
        self.within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    #[test]
    fn admits_max_restarts_within_the_period_and_refuses_one_more() {
        let t0 = Instant::now();
        let mut intensity = Intensity::new(3, Duration::from_secs(5));
        assert!(intensity.admit(at(t0, 0)));
        assert!(intensity.admit(at(t0, 1000)));
        assert!(intensity.admit(at(t0, 2000)));
        assert!(!intensity.admit(at(t0, 4999)));
    }

    #[test]
    fn restarts_older_than_the_period_no_longer_count() {
        let t0 = Instant::now();
        let mut intensity = Intensity::new(2, Duration::from_secs(1));
        assert!(intensity.admit(at(t0, 0)));
        assert!(intensity.admit(at(t0, 500)));
        assert!(intensity.admit(at(t0, 1000)));
        assert!(!intensity.admit(at(t0, 1200)));
    }

    #[test]
    fn zero_restarts_refuse_the_first() {
        assert!(!Intensity::new(0, Duration::from_secs(1)).admit(Instant::now()));
    }
}
