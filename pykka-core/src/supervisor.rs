//! [`Supervisor`]: an actor that starts children from specs, restarts them in place when they
//! fail, as its [`Strategy`] says, and stops them when it stops.
//!
//! The model is Erlang/OTP's, on pykka's restart in place: a restarted child keeps its
//! identity (URN, inbox, registry entry, every [`ActorRef`] and proxy), only its state is
//! rebuilt by its factory, so the holders of a reference never see it change.
//!
//! | What happens | One-for-one | One-for-all | Rest-for-one |
//! |---|---|---|---|
//! | a child fails | it is rebuilt | the others are torn down (`on_stop`) last-started first, then all are rebuilt (`on_start`) in start order | the same, for the failed child and those started after it |
//! | a temporary child fails | it ends | it ends | it ends |
//! | a temporary sibling in a restart | — | it is stopped, not rebuilt | the same |
//! | more than N restarts within T | the children are stopped last-started first, and the supervisor fails | the same | the same |
//! | the supervisor stops | the children are stopped last-started first, each within its shutdown timeout | the same | the same |
//!
//! The modules: `spec` (what a supervisor is started from), `link` (the side of the supervisor
//! its children's runtime calls), `intensity` (the count of recent restarts).

mod link;
mod spec;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::actor::{Actor, Context, Failure};
use crate::actor_ref::ActorRef;
use crate::error::{Error, Result};
use crate::future::{Future, Promise};
use crate::registry::{ActorRegistry, AnyActorRef};
use crate::restart::{Decision, Restart};

use self::link::{Link, Pending};
pub use self::spec::{ChildSpec, Strategy, SupervisorSpec};
use crate::restart::Intensity;

/// How often a supervisor waiting for a child looks whether that child failed meanwhile (and
/// so waits for a decision instead of going on).
const POLL: Duration = Duration::from_millis(5);

/// An actor that starts children from [`ChildSpec`]s and restarts them in place when they fail,
/// as its [`Strategy`] says.
///
/// - **Start.** [`SupervisorSpec::start`] starts the supervisor, which starts its children in
///   order, each once the one before it has run its `on_start`, in the supervisor's registry.
///   Take a typed reference to a child with [`ActorRef::child`] (by its index in the spec):
///   it stays valid across the child's restarts.
/// - **Failures.** A child that fails (a panic in a tell, a deferred call or a hook, or in the
///   factory or `on_start` of a restart) runs its `on_failure`, drops its state and waits for
///   the supervisor's decision; its messages queue meanwhile. A [`Restart::Temporary`] child
///   ends; any other is restarted as the strategy says, each restart logged at INFO (target
///   `pykka`).
/// - **Intensity.** At most N restarts within T (default 3 in 5 s, Erlang's; see
///   [`SupervisorSpec::intensity`]). One more failure and the supervisor gives up: it logs at
///   ERROR, stops its children last-started first, and fails. A supervisor that is itself a
///   child (a [`ChildSpec`] whose factory builds a `Supervisor`) thereby escalates: its own
///   supervisor decides, and rebuilds it (with new children) if its strategy says so. A
///   top-level one ends, with [`Termination::Failed`](crate::Termination::Failed).
/// - **Shutdown.** When the supervisor stops (`stop()`, `stop_all`, a parent's shutdown), it
///   stops its children last-started first, each within its
///   [`shutdown`](ChildSpec::shutdown) timeout; a child stuck past it is reported at ERROR and
///   not waited for. A child waiting for a decision is told to stop.
///
/// In a one-for-all or rest-for-one restart, the failed child is rebuilt in its place in the
/// start order, and the supervisor goes on to the next sibling once that child has handled
/// the messages that queued while it waited (its `on_start` first).
///
/// A child must not wait for its supervisor while the supervisor waits for it (in a child's
/// `on_start`, or in its `on_stop` during a restart): the supervisor waits at most the child's
/// shutdown timeout, then reports it and goes on.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka::{Actor, ActorRegistry, ChildSpec, Context, Strategy, SupervisorSpec};
///
/// #[derive(Default)]
/// struct Counter(u32);
/// impl Actor for Counter {
///     type Message = &'static str;
///     type Reply = u32;
///     fn on_receive(&mut self, _ctx: &Context<Self>, msg: &'static str) -> Result<u32, pykka::Unhandled> {
///         match msg {
///             "crash" => panic!("asked to crash"),
///             _ => { self.0 += 1; Ok(self.0) }
///         }
///     }
/// }
///
/// let registry = ActorRegistry::new();
/// let supervisor = SupervisorSpec::new(Strategy::OneForOne)
///     .intensity(10, Duration::from_secs(60))
///     .child(ChildSpec::new(Counter::default))
///     .start_in(&registry)
///     .unwrap();
/// let counter = supervisor.child::<Counter>(0).unwrap().unwrap();
///
/// assert_eq!(counter.ask("count").unwrap(), 1);
/// counter.tell("crash").unwrap(); // fails the counter; the supervisor restarts it in place
/// assert_eq!(counter.ask("count").unwrap(), 1); // the same reference, a new state
///
/// supervisor.stop(); // stops the counter too
/// assert!(!counter.is_alive());
/// ```
pub struct Supervisor {
    strategy: Strategy,
    intensity: Intensity,
    /// The specs of the children not started yet: all of them until `on_start`.
    specs: Vec<ChildSpec>,
    children: Vec<Child>,
    link: Option<Arc<Link>>,
    restarts: u32,
    /// Told the outcome of starting the children, for [`SupervisorSpec::start`].
    report: Option<Promise<()>>,
    shut_down: bool,
}

/// A started child.
struct Child {
    actor: AnyActorRef,
    restart: Restart,
    shutdown: Duration,
    /// A future that resolves once everything queued in the child so far has run.
    ping: Box<dyn Fn() -> Future<()> + Send>,
}

/// How a wait for a child ended.
enum Waited {
    Done,
    /// The child has ended (or dropped the promise).
    Ended,
    TimedOut,
    /// Waiting would deadlock: the child waits for the supervisor.
    Deadlock(Error),
    /// The child failed meanwhile and waits for a decision.
    Failed(Pending),
}

impl Supervisor {
    /// Builds an unstarted supervisor from `spec`: for a parent's [`ChildSpec`]
    /// (`ChildSpec::new(|| Supervisor::new(inner_spec()))`), or to start it like any actor.
    ///
    /// Its children are started by its `on_start`, each time it starts (so a nested supervisor
    /// that its parent restarts gets new children). Prefer [`SupervisorSpec::start`] for a
    /// top-level supervisor: it waits for the children and reports a child that cannot start.
    pub fn new(spec: SupervisorSpec) -> Self {
        Supervisor {
            strategy: spec.strategy,
            intensity: Intensity::new(spec.max_restarts, spec.within),
            specs: spec.children,
            children: Vec::new(),
            link: None,
            restarts: 0,
            report: None,
            shut_down: false,
        }
    }

    /// Returns the supervisor's strategy.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// Returns how many restarts this supervisor has made.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// Returns the child at `index` (its place in the spec) if it is an `A`.
    ///
    /// The reference stays valid across the child's restarts.
    pub fn child<A: Actor>(&self, index: usize) -> Option<ActorRef<A>> {
        self.children.get(index).and_then(|c| c.actor.downcast::<A>())
    }

    /// Returns the children, in start order (ended ones included).
    pub fn children(&self) -> Vec<AnyActorRef> {
        self.children.iter().map(|c| c.actor.clone()).collect()
    }

    /// Starts a supervisor from `spec` in `registry` and waits for its children to start.
    fn start_from(spec: SupervisorSpec, registry: &ActorRegistry) -> Result<ActorRef<Supervisor>> {
        let (promise, started) = Promise::new();
        let mut supervisor = Supervisor::new(spec);
        supervisor.report = Some(promise);
        let actor = supervisor.try_start_in(registry)?;
        match started.get() {
            Ok(()) => Ok(actor),
            Err(e) => {
                // It has stopped its children and is stopping itself: see it end.
                actor.stop();
                Err(e)
            }
        }
    }

    /// Starts the children in order, each once the one before has run its `on_start`.
    fn start_children(&mut self, ctx: &Context<Self>, link: &Arc<Link>) -> Result<()> {
        let registry = ctx.registry().clone();
        for spec in std::mem::take(&mut self.specs) {
            let restart = spec.restart_type();
            let shutdown = spec.shutdown_timeout();
            let started = spec.start(&registry, link.clone())?;
            let actor = started.actor.clone();
            let ping = (started.ping)();
            self.children.push(Child {
                actor: started.actor,
                restart,
                shutdown,
                ping: started.ping,
            });
            match wait(link, &actor, &ping, shutdown) {
                Waited::Done => {}
                Waited::TimedOut => self.report_slow(ctx, &actor, &format!("did not start within {shutdown:?}")),
                Waited::Deadlock(e) => self.report_slow(ctx, &actor, &format!("cannot be waited for: {e}")),
                Waited::Ended => {
                    let reason = match actor.termination().get_timeout(shutdown) {
                        Ok(termination) => termination.to_string(),
                        Err(e) => e.to_string(),
                    };
                    return Err(start_failed(&actor, &reason));
                }
                Waited::Failed(pending) => {
                    let reason = format!("failed: {}", pending.message);
                    pending.answer(Decision::Stop);
                    return Err(start_failed(&actor, &reason));
                }
            }
        }
        Ok(())
    }

    /// Handles the failure `child` reported, unless it was answered already.
    fn on_child_failed(&mut self, ctx: &Context<Self>, child: &AnyActorRef) {
        let Some(pending) = self.link.as_ref().and_then(|link| link.take(child)) else {
            return;
        };
        let Some(index) = self.children.iter().position(|c| c.actor == pending.child) else {
            pending.answer(Decision::Stop);
            return;
        };
        if self.children[index].restart == Restart::Temporary {
            tracing::info!(
                target: "pykka",
                actor = %ctx.id(),
                "{}: temporary child {} failed; not restarting it",
                ctx.id(),
                pending.child
            );
            pending.answer(Decision::Stop);
            return;
        }
        let pending = self.admit(ctx, pending);
        match self.strategy {
            Strategy::OneForOne => {
                self.log_restart(ctx, &pending.child, &pending.message);
                pending.answer(Decision::Restart);
            }
            Strategy::OneForAll => self.restart_group(ctx, index, pending, 0),
            Strategy::RestForOne => self.restart_group(ctx, index, pending, index),
        }
    }

    /// Counts a restart for `pending`'s failure and gives it back, or gives up (which does not
    /// return) if the intensity is exceeded.
    fn admit(&mut self, ctx: &Context<Self>, pending: Pending) -> Pending {
        if self.intensity.admit(Instant::now()) {
            self.restarts += 1;
            return pending;
        }
        let message = format!(
            "{} gave up: {} failed more than {} time(s) within {:?} (last failure: {})",
            ctx.id(),
            pending.child,
            self.intensity.max(),
            self.intensity.within(),
            pending.message
        );
        tracing::error!(target: "pykka", actor = %ctx.id(), "{message}; stopping its children");
        pending.answer(Decision::Stop);
        self.shut_down(ctx);
        // Unwinding fails the supervisor (and drops the go-aheads of a strategy restart under
        // way, which ends those children), without the panic hook: the runtime logs the
        // failure, and a parent supervisor decides.
        std::panic::resume_unwind(Box::new(message));
    }

    /// Restarts the failed child at `failed` and its siblings from `from` on: tears the
    /// siblings down last-started first, then rebuilds all of them in start order.
    fn restart_group(&mut self, ctx: &Context<Self>, failed: usize, pending: Pending, from: usize) {
        let Some(link) = self.link.clone() else {
            pending.answer(Decision::Stop);
            return;
        };
        let group: Vec<usize> = (from..self.children.len())
            .filter(|&i| i == failed || self.children[i].actor.is_alive())
            .collect();
        tracing::info!(
            target: "pykka",
            actor = %ctx.id(),
            restarts = self.restarts,
            "Restarting {} and {} sibling(s) ({}, restart {} by {}): {}",
            pending.child,
            group.len() - 1,
            self.strategy,
            self.restarts,
            ctx.id(),
            pending.message
        );
        // Teardown, last-started first.
        let mut torn_down = Vec::new();
        for &i in group.iter().rev().filter(|&&i| i != failed) {
            let child = &self.children[i];
            if child.restart == Restart::Temporary {
                self.stop_child(ctx, i);
                continue;
            }
            let (go, go_future) = Promise::new();
            let (down, started) = child.actor.restart_in_place(go_future);
            // A child too slow to tear down still gets its go-ahead: it comes back once it is
            // done, instead of ending for want of one.
            if self.wait_for(ctx, &link, i, &down, "tear down") {
                torn_down.push((i, go, started));
            }
        }
        // Rebuild, in start order.
        let mut pending = Some(pending);
        for &i in &group {
            if i == failed {
                if let Some(pending) = pending.take() {
                    pending.answer(Decision::Restart);
                }
                let ping = (self.children[i].ping)();
                self.wait_for(ctx, &link, i, &ping, "restart");
            } else if let Some(at) = torn_down.iter().position(|t| t.0 == i) {
                let (_, go, started) = torn_down.swap_remove(at);
                go.set(());
                self.wait_for(ctx, &link, i, &started, "restart");
            }
        }
    }

    /// Waits (at most the child's shutdown timeout) for `future` of the child at `index`;
    /// returns whether the child is still there (`future` resolved, or the wait was given up
    /// and reported). A failure of that child meanwhile is decided on the spot, and the wait
    /// goes on.
    fn wait_for(&mut self, ctx: &Context<Self>, link: &Link, index: usize, future: &Future<()>, what: &str) -> bool {
        let (actor, timeout) = (self.children[index].actor.clone(), self.children[index].shutdown);
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match wait(link, &actor, future, left) {
                Waited::Done => return true,
                Waited::Ended => return false,
                Waited::TimedOut => {
                    self.report_slow(ctx, &actor, &format!("did not {what} within {timeout:?}"));
                    return true;
                }
                Waited::Deadlock(e) => {
                    self.report_slow(ctx, &actor, &format!("cannot be waited for to {what}: {e}"));
                    return true;
                }
                Waited::Failed(pending) => {
                    if self.children[index].restart == Restart::Temporary {
                        pending.answer(Decision::Stop);
                        return false;
                    }
                    let pending = self.admit(ctx, pending);
                    self.log_restart(ctx, &pending.child, &pending.message);
                    pending.answer(Decision::Restart);
                }
            }
        }
    }

    /// Stops the child at `index` within its shutdown timeout, reporting it if it is stuck.
    fn stop_child(&self, ctx: &Context<Self>, index: usize) {
        let child = &self.children[index];
        if let Err(e) = child.actor.stop_timeout(child.shutdown) {
            tracing::error!(
                target: "pykka",
                actor = %ctx.id(),
                "{}: child {} did not stop within {:?} ({e}); not waiting for it",
                ctx.id(),
                child.actor,
                child.shutdown
            );
        }
    }

    /// Stops the children, last-started first; answers every waiting failure with Stop first.
    fn shut_down(&mut self, ctx: &Context<Self>) {
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        if let Some(link) = &self.link {
            link.close();
        }
        for index in (0..self.children.len()).rev() {
            self.stop_child(ctx, index);
        }
    }

    fn log_restart(&self, ctx: &Context<Self>, child: &AnyActorRef, message: &str) {
        tracing::info!(
            target: "pykka",
            actor = %ctx.id(),
            restarts = self.restarts,
            "Restarting {child} ({}, restart {} by {}): {message}",
            self.strategy,
            self.restarts,
            ctx.id()
        );
    }

    fn report_slow(&self, ctx: &Context<Self>, child: &AnyActorRef, what: &str) {
        tracing::error!(
            target: "pykka",
            actor = %ctx.id(),
            "{}: child {child} {what}; not waiting for it",
            ctx.id()
        );
    }
}

/// Waits at most `timeout` for `future`, looking every [`POLL`] whether `child` failed and
/// waits for a decision (it then never resolves `future` before it gets one).
fn wait(link: &Link, child: &AnyActorRef, future: &Future<()>, timeout: Duration) -> Waited {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(pending) = link.take(child) {
            return Waited::Failed(pending);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match future.get_timeout(left.min(POLL)) {
            Ok(()) => return Waited::Done,
            Err(e) if e.is_timeout() => {
                if left <= POLL {
                    return link.take(child).map_or(Waited::TimedOut, Waited::Failed);
                }
            }
            Err(e @ Error::Deadlock { .. }) => return Waited::Deadlock(e),
            Err(_) => return Waited::Ended,
        }
    }
}

fn start_failed(child: &AnyActorRef, reason: &str) -> Error {
    Error::StartFailed {
        actor: child.id().clone(),
        reason: Arc::from(format!("the supervised child could not start: {reason}")),
    }
}

// The only `Actor` impl in the core: without this, rustc would suggest it to every user whose
// type lacks an `Actor` impl ("the trait `Actor` is implemented for `Supervisor`").
#[diagnostic::do_not_recommend]
impl Actor for Supervisor {
    type Message = ();
    type Reply = ();

    fn on_start(&mut self, ctx: &Context<Self>) {
        let link = Arc::new(Link::new(ctx.actor_ref().clone()));
        self.link = Some(link.clone());
        match self.start_children(ctx, &link) {
            Ok(()) => {
                if let Some(report) = self.report.take() {
                    report.set(());
                }
            }
            Err(e) => {
                self.shut_down(ctx);
                if let Some(report) = self.report.take() {
                    report.set_error(e);
                    ctx.stop();
                } else {
                    std::panic::resume_unwind(Box::new(format!("{}: {e}", ctx.id())));
                }
            }
        }
    }

    fn on_stop(&mut self, ctx: &Context<Self>) {
        self.shut_down(ctx);
    }

    fn on_failure(&mut self, ctx: &Context<Self>, _failure: &Failure) {
        self.shut_down(ctx);
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        if let Some(link) = &self.link {
            link.close();
        }
    }
}

impl fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Supervisor")
            .field("strategy", &self.strategy)
            .field("children", &self.children())
            .field("restarts", &self.restarts)
            .finish_non_exhaustive()
    }
}

impl ActorRef<Supervisor> {
    /// Returns the supervisor's child at `index` (its place in the spec), or `None` if there is
    /// no such child or it is not an `A`.
    ///
    /// The reference stays valid across the child's restarts, which happen in place. Asks the
    /// supervisor, so it waits for what the supervisor is doing (a restart, at most).
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the supervisor has stopped, [`Error::Deadlock`] if called from
    /// the supervisor's own thread (use [`Supervisor::child`] there).
    pub fn child<A: Actor>(&self, index: usize) -> Result<Option<ActorRef<A>>> {
        self.ask_with(move |supervisor, _| supervisor.child::<A>(index)).get()
    }

    /// Returns the supervisor's children, in start order.
    ///
    /// # Errors
    ///
    /// As [`child`](Self::child).
    pub fn children(&self) -> Result<Vec<AnyActorRef>> {
        self.ask_with(|supervisor, _| supervisor.children()).get()
    }
}
