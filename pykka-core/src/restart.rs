//! Restarting in place: [`Restart`] types, the [`RestartPolicy`] (intensity, [`Backoff`]), the
//! pure arithmetic of both, and the primitives a supervisor is built on ([`Parent`],
//! [`Decision`], [`start_child`], the in-place restart request).
//!
//! One logical actor keeps its identity across restarts: its URN, inbox, registry entry, every
//! [`ActorRef`] and proxy, `is_alive()`, `stop()` and `join()`. Only its state is rebuilt, on
//! its own thread, by the factory it was started with. The driving lives in
//! [`crate::threading`] (which waits, drains and rebuilds) and [`crate::lifecycle`] (which
//! runs the hooks); this file decides, with an injected clock so the decisions are unit-tested
//! without sleeping.
//!
//! The default intensity, 3 restarts within 5 seconds, is Erlang/OTP's supervisor default
//! (`intensity => 1, period => 5` in current OTP, 3 in 5 in the classic `supervisor`
//! behaviour and in most Elixir code): enough to ride out a transient fault (a dropped
//! connection, a bad message) a few times, few enough that a fault that recurs at once (a
//! bug in `on_start`, a resource that is gone) ends the actor within milliseconds instead of
//! spinning, so its failure is seen.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::actor::Actor;
use crate::actor_ref::ActorRef;
use crate::error::Result;
use crate::future::{Future, Promise};
use crate::registry::{ActorRegistry, AnyActorRef};
use crate::termination::Termination;

mod intensity;

pub(crate) use self::intensity::Intensity;

/// When an actor is restarted, as Erlang's restart types.
///
/// A requested stop (`stop()`, `stop_all`, a supervisor's shutdown) never restarts an actor,
/// whatever its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Restart {
    /// Always restarted: after a failure, and after it stopped itself with
    /// [`Context::stop`](crate::Context::stop) (a normal exit of its own).
    #[default]
    Permanent,
    /// Restarted only after a failure.
    Transient,
    /// Never restarted.
    Temporary,
}

impl Restart {
    /// Whether an actor of this type is restarted after an exit of this kind.
    pub(crate) fn restarts_after(self, exit: Exit) -> bool {
        match (self, exit) {
            (Restart::Permanent, _) | (Restart::Transient, Exit::Failure) => true,
            (Restart::Transient, Exit::Normal) | (Restart::Temporary, _) => false,
        }
    }
}

/// How an incarnation ended, for [`Restart::restarts_after`]. A requested stop is neither: it
/// never restarts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// A panic nobody could be told about, or in the factory or `on_start` of a restart.
    Failure,
    /// The actor stopped itself with `Context::stop`.
    Normal,
}

/// How an actor started with [`Actor::start_restarting`] is restarted: its [`Restart`] type,
/// its intensity (at most N restarts within T; default 3 within 5 s, Erlang's) and an optional
/// [`Backoff`] between restarts.
///
/// Past the intensity the actor stops for good with
/// [`Termination::GaveUp`](crate::Termination::GaveUp).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka::{Backoff, Restart, RestartPolicy};
///
/// let policy = RestartPolicy::transient()
///     .intensity(5, Duration::from_secs(60))
///     .backoff(Backoff::new(Duration::from_millis(10), Duration::from_secs(1)).jitter(0.2));
/// assert_eq!(policy.restart(), Restart::Transient);
/// ```
#[derive(Clone, Debug)]
pub struct RestartPolicy {
    restart: Restart,
    max_restarts: u32,
    within: Duration,
    backoff: Option<Backoff>,
    ask_panics_fail: bool,
}

impl RestartPolicy {
    /// A policy of type `restart`, with the default intensity (3 restarts within 5 s) and no
    /// backoff.
    pub fn new(restart: Restart) -> Self {
        RestartPolicy {
            restart,
            max_restarts: 3,
            within: Duration::from_secs(5),
            backoff: None,
            ask_panics_fail: false,
        }
    }

    /// [`Restart::Permanent`]: restarted after a failure and after stopping itself.
    pub fn permanent() -> Self {
        Self::new(Restart::Permanent)
    }

    /// [`Restart::Transient`]: restarted only after a failure.
    pub fn transient() -> Self {
        Self::new(Restart::Transient)
    }

    /// [`Restart::Temporary`]: never restarted (its failures still end it with
    /// [`Termination::Failed`](crate::Termination::Failed) and run `on_failure`).
    pub fn temporary() -> Self {
        Self::new(Restart::Temporary)
    }

    /// Allows at most `max_restarts` restarts within any period of `within`; one more failure
    /// in that period ends the actor with [`Termination::GaveUp`](crate::Termination::GaveUp).
    /// Zero restarts means the first failure ends it.
    #[must_use]
    pub fn intensity(mut self, max_restarts: u32, within: Duration) -> Self {
        self.max_restarts = max_restarts;
        self.within = within;
        self
    }

    /// Waits between a failure and the restart, as `backoff` says. A stop requested meanwhile
    /// ends the actor at once.
    #[must_use]
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = Some(backoff);
        self
    }

    /// Whether a panic while handling an ask (or a proxy call whose future is kept) fails the
    /// actor too. Off by default: the asker gets [`Error::Panicked`](crate::Error::Panicked)
    /// and the actor goes on, Pykka's rule. On, the asker still gets `Error::Panicked`, then
    /// the actor fails (`on_failure`, then a restart as the policy says).
    #[must_use]
    pub fn ask_panics_fail(mut self, yes: bool) -> Self {
        self.ask_panics_fail = yes;
        self
    }

    /// Returns the restart type.
    pub fn restart(&self) -> Restart {
        self.restart
    }

    /// Whether a panic in an ask fails the actor; see [`ask_panics_fail`](Self::ask_panics_fail).
    pub(crate) fn fails_on_ask_panics(&self) -> bool {
        self.ask_panics_fail
    }

    /// The policy's running state: its intensity window and backoff.
    pub(crate) fn restarter(&self) -> Restarter {
        Restarter {
            window: Intensity::new(self.max_restarts, self.within),
            backoff: self.backoff.clone().map(BackoffState::new),
            policy: self.clone(),
        }
    }
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self::permanent()
    }
}

/// A delay between a failure and the restart, as Akka's backoff: it doubles from `min` with
/// each restart up to `max`, plus an optional random `jitter`, and goes back to `min` once the
/// actor has run a `reset_after` period without a restart.
///
/// Delays are lower bounds: the restart happens no sooner, maybe later.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka::Backoff;
///
/// let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(10))
///     .jitter(0.1)
///     .reset_after(Duration::from_secs(60));
/// # let _ = backoff;
/// ```
#[derive(Clone, Debug)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    jitter: f64,
    reset_after: Option<Duration>,
}

impl Backoff {
    /// Waits `min` before the first restart, doubling with each restart after it up to `max`.
    /// A `max` below `min` is taken as `min`.
    pub fn new(min: Duration, max: Duration) -> Self {
        Backoff {
            min,
            max: max.max(min),
            jitter: 0.0,
            reset_after: None,
        }
    }

    /// Adds a random extra of up to `fraction` of each delay (clamped to `0.0..=1.0`), so that
    /// actors failing together do not all restart together.
    #[must_use]
    pub fn jitter(mut self, fraction: f64) -> Self {
        self.jitter = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// Goes back to `min` when the actor has run `quiet` since its last restart.
    #[must_use]
    pub fn reset_after(mut self, quiet: Duration) -> Self {
        self.reset_after = Some(quiet);
        self
    }
}

/// What the policy says about an exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Restart after `delay` (zero without a backoff).
    Restart { delay: Duration },
    /// The restart type does not restart after this exit.
    End,
    /// The intensity is exceeded.
    GiveUp,
}

/// A restart policy's running state, on the actor's thread.
#[derive(Debug)]
pub(crate) struct Restarter {
    policy: RestartPolicy,
    window: Intensity,
    backoff: Option<BackoffState>,
}

impl Restarter {
    /// Decides about an exit at `now`; `random` (in `0.0..1.0`) draws the jitter.
    pub(crate) fn decide(&mut self, exit: Exit, now: Instant, random: f64) -> Verdict {
        if !self.policy.restart.restarts_after(exit) {
            return Verdict::End;
        }
        if !self.window.admit(now) {
            return Verdict::GiveUp;
        }
        let delay = self
            .backoff
            .as_mut()
            .map_or(Duration::ZERO, |b| b.next_delay(now, random));
        Verdict::Restart { delay }
    }

    /// The window of the intensity, for the log of giving up.
    pub(crate) fn within(&self) -> Duration {
        self.policy.within
    }
}

/// A [`Backoff`]'s running state: how many restarts it has doubled for, and the last one.
#[derive(Debug)]
struct BackoffState {
    spec: Backoff,
    attempt: u32,
    last: Option<Instant>,
}

impl BackoffState {
    fn new(spec: Backoff) -> Self {
        BackoffState {
            spec,
            attempt: 0,
            last: None,
        }
    }

    /// The delay before a restart at `now`; `random` (in `0.0..1.0`) draws the jitter.
    fn next_delay(&mut self, now: Instant, random: f64) -> Duration {
        if let (Some(quiet), Some(last)) = (self.spec.reset_after, self.last)
            && now.saturating_duration_since(last) >= quiet
        {
            self.attempt = 0;
        }
        let factor = 1u32.checked_shl(self.attempt).unwrap_or(u32::MAX);
        let base = self.spec.min.saturating_mul(factor).min(self.spec.max);
        let extra = base.mul_f64(self.spec.jitter * random.clamp(0.0, 1.0));
        self.attempt = self.attempt.saturating_add(1);
        self.last = Some(now);
        base.saturating_add(extra)
    }
}

/// A random fraction in `0.0..1.0`, for the jitter (from the process's UUID generator, so no
/// other source of randomness is needed; called once per restart).
pub(crate) fn random_fraction() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() >> (128 - 53);
    #[allow(clippy::cast_precision_loss, reason = "53 bits fit an f64's mantissa exactly")]
    let fraction = bits as f64 / (1u64 << 53) as f64;
    fraction
}

/// What a supervisor decides for a failed child.
#[allow(dead_code, reason = "the supervisor is built on it")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Rebuild the child in place.
    Restart,
    /// End it for good.
    Stop,
}

/// The supervisor side of a child, held by the child's runtime.
#[allow(dead_code, reason = "the supervisor is built on it")]
pub(crate) trait Parent: Send + Sync + 'static {
    /// Called on the child's thread after the failing incarnation's `on_failure` and `Drop`
    /// finished (also after a factory or `on_start` panic of a restart, and after a permanent
    /// child stopped itself). The child then waits on the returned future: it handles no
    /// message meanwhile (they queue), but a stop request ends the wait and the child. `Err(_)`
    /// (the supervisor is gone) is [`Decision::Stop`].
    ///
    /// The child's own intensity does not apply to a supervised child: the parent decides.
    fn child_failed(&self, child: AnyActorRef, message: Arc<str>) -> Future<Decision>;

    /// Called on the child's thread when it ends for good (any reason), after its
    /// termination resolved and before it leaves its registry's waits.
    fn child_ended(&self, child: AnyActorRef, termination: Termination);
}

/// How a running actor is restarted: by its own policy, or by its parent.
pub(crate) enum Supervision {
    /// The actor's own [`RestartPolicy`].
    Policy(Restarter),
    /// A supervisor, which applies `restart` (and its own intensity) itself;
    /// `ask_panics_fail` as in [`RestartPolicy::ask_panics_fail`].
    Parent {
        parent: Arc<dyn Parent>,
        restart: Restart,
        ask_panics_fail: bool,
    },
}

impl Supervision {
    pub(crate) fn restart(&self) -> Restart {
        match self {
            Supervision::Policy(restarter) => restarter.policy.restart,
            Supervision::Parent { restart, .. } => *restart,
        }
    }

    pub(crate) fn ask_panics_fail(&self) -> bool {
        match self {
            Supervision::Policy(restarter) => restarter.policy.fails_on_ask_panics(),
            Supervision::Parent { ask_panics_fail, .. } => *ask_panics_fail,
        }
    }
}

/// Starts a child linked to `parent`: like
/// [`try_start_restarting_in`](Actor::try_start_restarting_in), but each failure goes to the
/// parent, which applies `restart` (the child's restart type) and decides.
///
/// # Errors
///
/// [`Error::StartFailed`](crate::Error::StartFailed), as [`Actor::try_start`].
#[allow(dead_code, reason = "the supervisor is built on it")]
pub(crate) fn start_child<A: Actor, F: FnMut() -> A + Send + 'static>(
    registry: &ActorRegistry,
    parent: Arc<dyn Parent>,
    restart: Restart,
    ask_panics_fail: bool,
    factory: F,
) -> Result<ActorRef<A>> {
    let supervision = Supervision::Parent {
        parent,
        restart,
        ask_panics_fail,
    };
    crate::threading::spawn_restarting(registry, factory, supervision)
}

/// A request to tear an actor down and rebuild it in place without a failure (a strategy's
/// sibling restart); see `AnyActorRef::restart_in_place`.
pub(crate) struct InPlace {
    /// Resolved by the requester when the actor may rebuild; failed (dropped): stop for good.
    pub(crate) go: Future<()>,
    /// Resolved once `on_stop` ran and the state was dropped.
    pub(crate) torn_down: Promise<()>,
    /// Resolved once the rebuilt state's `on_start` ran.
    pub(crate) started: Promise<()>,
}

#[cfg(test)]
mod parent_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    #[test]
    fn restart_types_restart_as_erlangs() {
        assert!(Restart::Permanent.restarts_after(Exit::Failure));
        assert!(Restart::Permanent.restarts_after(Exit::Normal));
        assert!(Restart::Transient.restarts_after(Exit::Failure));
        assert!(!Restart::Transient.restarts_after(Exit::Normal));
        assert!(!Restart::Temporary.restarts_after(Exit::Failure));
        assert!(!Restart::Temporary.restarts_after(Exit::Normal));
        assert_eq!(Restart::default(), Restart::Permanent);
    }

    #[test]
    fn the_default_intensity_admits_three_restarts_within_five_seconds() {
        let t0 = Instant::now();
        let mut r = RestartPolicy::permanent().restarter();
        for ms in [0, 1000, 2000] {
            assert_eq!(
                r.decide(Exit::Failure, at(t0, ms), 0.0),
                Verdict::Restart { delay: Duration::ZERO }
            );
        }
        assert_eq!(r.decide(Exit::Failure, at(t0, 4999), 0.0), Verdict::GiveUp);
    }

    #[test]
    fn restarts_older_than_the_window_no_longer_count() {
        let t0 = Instant::now();
        let mut r = RestartPolicy::permanent()
            .intensity(2, Duration::from_secs(1))
            .restarter();
        assert!(matches!(
            r.decide(Exit::Failure, at(t0, 0), 0.0),
            Verdict::Restart { .. }
        ));
        assert!(matches!(
            r.decide(Exit::Failure, at(t0, 500), 0.0),
            Verdict::Restart { .. }
        ));
        // The first restart is exactly one window old: it has left the window.
        assert!(matches!(
            r.decide(Exit::Failure, at(t0, 1000), 0.0),
            Verdict::Restart { .. }
        ));
        assert_eq!(r.decide(Exit::Failure, at(t0, 1200), 0.0), Verdict::GiveUp);
    }

    #[test]
    fn zero_restarts_give_up_at_the_first_failure() {
        let mut r = RestartPolicy::permanent()
            .intensity(0, Duration::from_secs(1))
            .restarter();
        assert_eq!(r.decide(Exit::Failure, Instant::now(), 0.0), Verdict::GiveUp);
    }

    #[test]
    fn transient_and_temporary_policies_end_instead_of_restarting() {
        let now = Instant::now();
        assert_eq!(
            RestartPolicy::transient().restarter().decide(Exit::Normal, now, 0.0),
            Verdict::End
        );
        assert_eq!(
            RestartPolicy::temporary().restarter().decide(Exit::Failure, now, 0.0),
            Verdict::End
        );
        assert!(matches!(
            RestartPolicy::permanent().restarter().decide(Exit::Normal, now, 0.0),
            Verdict::Restart { .. }
        ));
    }

    #[test]
    fn backoff_doubles_from_min_up_to_max() {
        let t0 = Instant::now();
        let backoff = Backoff::new(Duration::from_millis(10), Duration::from_millis(50));
        let mut r = RestartPolicy::permanent()
            .intensity(100, Duration::from_secs(1))
            .backoff(backoff)
            .restarter();
        let delays: Vec<u64> = (0..5)
            .map(|i| match r.decide(Exit::Failure, at(t0, i), 0.0) {
                Verdict::Restart { delay } => u64::try_from(delay.as_millis()).unwrap(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(delays, [10, 20, 40, 50, 50]);
    }

    #[test]
    fn backoff_goes_back_to_min_after_a_quiet_period() {
        let t0 = Instant::now();
        let mut b = BackoffState::new(
            Backoff::new(Duration::from_millis(10), Duration::from_secs(1)).reset_after(Duration::from_secs(2)),
        );
        assert_eq!(b.next_delay(at(t0, 0), 0.0), Duration::from_millis(10));
        assert_eq!(b.next_delay(at(t0, 100), 0.0), Duration::from_millis(20));
        assert_eq!(b.next_delay(at(t0, 1999), 0.0), Duration::from_millis(40));
        assert_eq!(b.next_delay(at(t0, 3999), 0.0), Duration::from_millis(10));
    }

    #[test]
    fn jitter_adds_at_most_its_fraction() {
        let t0 = Instant::now();
        let spec = Backoff::new(Duration::from_millis(100), Duration::from_secs(1)).jitter(0.5);
        assert_eq!(
            BackoffState::new(spec.clone()).next_delay(t0, 0.0),
            Duration::from_millis(100)
        );
        assert_eq!(
            BackoffState::new(spec.clone()).next_delay(t0, 0.5),
            Duration::from_millis(125)
        );
        assert!(BackoffState::new(spec).next_delay(t0, 0.999_999) < Duration::from_millis(150));
        assert_eq!(Backoff::new(Duration::ZERO, Duration::ZERO).jitter(7.0).jitter, 1.0);
        assert_eq!(
            Backoff::new(Duration::ZERO, Duration::ZERO).jitter(f64::NAN).jitter,
            0.0
        );
    }

    #[test]
    fn a_huge_number_of_doublings_saturates_at_max() {
        let mut b = BackoffState::new(Backoff::new(Duration::from_secs(1), Duration::from_secs(30)));
        b.attempt = 200;
        assert_eq!(b.next_delay(Instant::now(), 0.0), Duration::from_secs(30));
    }

    #[test]
    fn random_fractions_are_below_one() {
        for _ in 0..1000 {
            let f = random_fraction();
            assert!((0.0..1.0).contains(&f), "{f}");
        }
    }
}
