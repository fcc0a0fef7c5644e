//! The thread-per-actor runtime: a named OS thread per actor driving its [`Lifecycle`].
//!
//! An actor's thread runs its *life* ([`Life::live`]): one incarnation, or, for an actor
//! restarted in place, one after another (each failure decided by its policy or parent, see
//! [`crate::restart`]), all draining the same inbox; then its *end* ([`Life::end`]): the inbox
//! closes, stops are answered, the termination resolves and the registry lets go. Between
//! incarnations the thread waits (a backoff, a parent's decision, a go-ahead) on its own inbox,
//! holding back what arrives for the next incarnation, so a stop request ends any wait.

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::actor::{Actor, Context};
use crate::actor_id::ActorId;
use crate::actor_ref::{ActorRef, Cell, StopKind, Stops};
use crate::debug::ActorState;
use crate::envelope::{Envelope, StopReply};
use crate::error::{Error, Result};
use crate::future::{Future, Promise};
use crate::inbox::{InboxReceiver, Received, inbox};
use crate::lifecycle::{self, Flow, Lifecycle};
use crate::limits::{self, Slot};
use crate::panic;
use crate::registry::{ActorRegistry, AnyActorRef};
use crate::restart::{Decision, Exit, InPlace, Restart, Supervision, Verdict, random_fraction};
use crate::termination::Termination;
use crate::timers::actor::TimerCell;

thread_local! {
    static CONTEXT: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

/// Returns the context of the actor running on this thread, if it is an `A`.
pub(crate) fn current_context<A: Actor>() -> Option<Context<A>> {
    CONTEXT.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|b| b.downcast_ref::<Context<A>>())
            .cloned()
    })
}

/// Returns `Name-N`, numbering the threads of each actor type from 1.
fn thread_name(name: &'static str) -> String {
    static COUNTERS: OnceLock<Mutex<HashMap<&'static str, usize>>> = OnceLock::new();
    let mut counters = COUNTERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let n = counters.entry(name).or_insert(0);
    *n += 1;
    format!("{name}-{n}")
}

/// An actor's OS thread, counted against [`limits::max_actor_threads`] until it is joined or
/// released (dropping it detaches the thread).
pub(crate) struct ActorThread {
    handle: JoinHandle<()>,
    _slot: Slot,
}

impl ActorThread {
    /// Waits for the thread to end, unless it is the calling thread.
    pub(crate) fn join(self) {
        if std::thread::current().id() != self.handle.thread().id() {
            let _ = self.handle.join();
        }
    }
}

/// Registers a new actor, then starts its thread, which builds it with `factory`.
///
/// # Errors
///
/// [`Error::StartFailed`] if the process has as many actor threads as it may, or the operating
/// system refuses a thread. The actor is then unregistered again, marked dead and gone from
/// the debug records; `factory` is dropped without being called.
pub(crate) fn spawn<A, F>(registry: &ActorRegistry, factory: F) -> Result<ActorRef<A>>
where
    A: Actor,
    F: FnOnce() -> A + Send + 'static,
{
    let mut factory = Some(factory);
    // Without supervision the runtime builds the actor once.
    let once = move || match factory.take() {
        Some(factory) => factory(),
        None => unreachable!("an actor without a restart policy is built once"),
    };
    spawn_supervised(registry, once, None)
}

/// Like [`spawn`], for an actor restarted in place: `factory` builds each incarnation, and
/// `supervision` decides after each failure.
///
/// # Errors
///
/// As [`spawn`].
pub(crate) fn spawn_restarting<A, F>(
    registry: &ActorRegistry,
    factory: F,
    supervision: Supervision,
) -> Result<ActorRef<A>>
where
    A: Actor,
    F: FnMut() -> A + Send + 'static,
{
    spawn_supervised(registry, factory, Some(supervision))
}

fn spawn_supervised<A, F>(registry: &ActorRegistry, factory: F, supervision: Option<Supervision>) -> Result<ActorRef<A>>
where
    A: Actor,
    F: FnMut() -> A + Send + 'static,
{
    let id = ActorId::new(A::name());
    let slot = limits::acquire().map_err(|refused| Error::StartFailed {
        actor: id.clone(),
        reason: Arc::from(refused.reason()),
    })?;
    let (sender, receiver) = inbox(A::INBOX_CAPACITY);
    // Named after the actor, so that waiting on its end (`stop`, `join`) takes part in deadlock
    // detection like any other wait on it.
    let (terminated_promise, terminated) = Promise::with_fulfiller(Some(id.clone()));
    let state = ActorState::new(id.clone());
    let actor_ref = ActorRef {
        cell: Arc::new(Cell {
            id,
            sender,
            alive: AtomicBool::new(true),
            self_stop: AtomicBool::new(false),
            registry: registry.clone(),
            thread: OnceLock::new(),
            join: Mutex::new(None),
            stops: Mutex::new(Stops::default()),
            terminated,
            state,
            timers: TimerCell::default(),
        }),
    };
    registry.register(&actor_ref);
    let thread_ref = actor_ref.clone();
    let mut builder = std::thread::Builder::new().name(thread_name(A::name()));
    if let Some(size) = A::STACK_SIZE {
        builder = builder.stack_size(size);
    }
    // One box of everything the thread needs, so that std's thread start-up and the closure
    // carry a pointer instead of moving these by value through their frames: an idle actor's
    // thread then blocks within two stack pages (each page it touches is resident memory).
    let start = Box::new((thread_ref, factory, receiver, terminated_promise, supervision));
    match builder.spawn(move || run_boxed(start)) {
        Ok(handle) => {
            *actor_ref
                .cell
                .join
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(ActorThread { handle, _slot: slot });
            Ok(actor_ref)
        }
        Err(e) => {
            // The closure (with its clone of the ref and the terminated promise) is dropped:
            // the ref now reads as terminated, to anyone who saw it in the registry meanwhile.
            actor_ref.cell.alive.store(false, Ordering::Release);
            registry.unregister(&actor_ref);
            actor_ref.close_stops();
            actor_ref.cell.state.forget();
            drop(slot);
            let error = Error::StartFailed {
                actor: actor_ref.id().clone(),
                reason: Arc::from(format!("the operating system refused a thread: {e}")),
            };
            tracing::error!(target: "pykka", actor = %actor_ref.id(), "{error}");
            Err(error)
        }
    }
}

/// What a new actor thread starts from; see [`spawn_supervised`].
type Start<A, F> = (
    ActorRef<A>,
    F,
    InboxReceiver<Envelope<A>>,
    Promise<Termination>,
    Option<Supervision>,
);

/// Unpacks a thread's [`Start`] and runs it.
#[inline(never)]
#[allow(
    clippy::boxed_local,
    reason = "the box is the point: std's thread start-up moves a pointer, not the whole start"
)]
fn run_boxed<A: Actor, F: FnMut() -> A>(start: Box<Start<A, F>>) {
    let (actor_ref, factory, receiver, terminated, supervision) = *start;
    run(actor_ref, factory, receiver, terminated, supervision);
}

/// The body of an actor thread: its life (one incarnation, or several with restarts), then
/// its end.
fn run<A: Actor>(
    actor_ref: ActorRef<A>,
    mut factory: impl FnMut() -> A,
    receiver: InboxReceiver<Envelope<A>>,
    terminated: Promise<Termination>,
    supervision: Option<Supervision>,
) {
    let _ = actor_ref.cell.thread.set(std::thread::current().id());
    actor_ref.cell.state.attach();
    let ctx = Context::new(actor_ref);
    CONTEXT.with(|c| *c.borrow_mut() = Some(Box::new(ctx.clone())));
    panic::set_ask_panics_fail(supervision.as_ref().is_some_and(Supervision::ask_panics_fail));

    let mut life = Life {
        ctx,
        receiver,
        pending: VecDeque::new(),
        supervision,
        restarts: 0,
    };
    let (termination, stop_reply) = life.live(&mut factory);
    life.end(termination, stop_reply, terminated);
}

/// An actor's life on its thread: what outlives each incarnation.
struct Life<A: Actor> {
    ctx: Context<A>,
    receiver: InboxReceiver<Envelope<A>>,
    /// Envelopes received while the actor was between incarnations, for the next one, first.
    pending: VecDeque<Envelope<A>>,
    supervision: Option<Supervision>,
    /// How many times the actor was restarted.
    restarts: u32,
}

/// What comes after an incarnation ended.
enum Next {
    /// Build the next incarnation.
    Restart,
    /// The actor ends for good; the reply answers the stop request that ended it, if any.
    End(Termination, Option<StopReply>),
}

/// How a wait between incarnations ended.
enum Waited {
    /// The deadline passed, or the awaited future is set.
    Done,
    /// A stop was requested meanwhile.
    Stop(Option<StopReply>),
}

impl<A: Actor> Life<A> {
    /// Runs incarnations until the actor ends for good; returns why, with the reply of the
    /// stop request that ended it, if any.
    fn live(&mut self, factory: &mut impl FnMut() -> A) -> (Termination, Option<StopReply>) {
        let mut first = true;
        let mut started: Option<Promise<()>> = None;
        loop {
            // A failed first start is not restarted (as an Erlang child whose start fails).
            let ending = first || self.supervision.is_none();
            let (lifecycle, stop_now) = match Lifecycle::start(self.ctx.clone(), &mut *factory, ending) {
                Ok(started) => started,
                Err(message) if ending => return (Termination::Failed { message }, None),
                Err(message) => match self.after(Exit::Failure, message) {
                    Next::Restart => continue,
                    Next::End(termination, reply) => return (termination, reply),
                },
            };
            first = false;
            if let Some(started) = started.take() {
                started.set(());
            }
            match self.incarnation(lifecycle, stop_now) {
                Ok(request) => started = request,
                Err((termination, reply)) => return (termination, reply),
            }
        }
    }

    /// Runs one incarnation until it ends. `Ok` to build the next one (with the promise of an
    /// in-place restart's `started`, if it was one), `Err` when the actor ends for good.
    #[allow(clippy::type_complexity, reason = "a private step of `live`")]
    fn incarnation(
        &mut self,
        mut lifecycle: Lifecycle<A>,
        stop_now: bool,
    ) -> std::result::Result<Option<Promise<()>>, (Termination, Option<StopReply>)> {
        let mut flow = if stop_now {
            Flow::Stop(None)
        } else {
            self.receive(&mut lifecycle)
        };
        loop {
            let Some(supervision) = &self.supervision else {
                // Not restarted: every end is the actor's end.
                return Err(match flow {
                    Flow::Failed(message) => {
                        lifecycle.fail(&message, true);
                        (Termination::Failed { message }, None)
                    }
                    Flow::Stop(reply) => {
                        lifecycle.stop(true);
                        (Termination::Stopped, reply)
                    }
                    // An in-place restart needs a factory that builds again: not supported.
                    Flow::Restart(_) => {
                        flow = self.receive(&mut lifecycle);
                        continue;
                    }
                    Flow::Continue | Flow::Drained | Flow::Timers => {
                        lifecycle.stop(true);
                        (Termination::Stopped, None)
                    }
                });
            };
            let restart = supervision.restart();
            let next = match flow {
                Flow::Stop(None) => match self.ctx.actor_ref().classify_stop() {
                    StopKind::Stale => {
                        flow = self.receive(&mut lifecycle);
                        continue;
                    }
                    StopKind::Own if restart.restarts_after(Exit::Normal) => {
                        lifecycle.stop(false);
                        self.after(Exit::Normal, Arc::from("it stopped itself"))
                    }
                    StopKind::Own | StopKind::Requested => {
                        lifecycle.stop(true);
                        Next::End(Termination::Stopped, None)
                    }
                },
                Flow::Stop(reply) => {
                    lifecycle.stop(true);
                    Next::End(Termination::Stopped, reply)
                }
                Flow::Failed(message) => {
                    lifecycle.fail(&message, false);
                    self.after(Exit::Failure, message)
                }
                Flow::Restart(request) => {
                    let InPlace { go, torn_down, started } = *request;
                    lifecycle.stop(false);
                    torn_down.set(());
                    self.ctx.actor_ref().cell.state.restarting();
                    return match self.wait(None, Some(&go)) {
                        Waited::Stop(reply) => Err((Termination::Stopped, reply)),
                        Waited::Done if go.get_timeout(Duration::ZERO).is_err() => Err((Termination::Stopped, None)),
                        Waited::Done => {
                            self.restarted();
                            Ok(Some(started))
                        }
                    };
                }
                Flow::Continue | Flow::Drained | Flow::Timers => {
                    lifecycle.stop(true);
                    Next::End(Termination::Stopped, None)
                }
            };
            return match next {
                Next::Restart => Ok(None),
                Next::End(termination, reply) => Err((termination, reply)),
            };
        }
    }

    /// Handles the envelopes held back between incarnations, then the inbox, until the
    /// incarnation's life ends.
    fn receive(&mut self, lifecycle: &mut Lifecycle<A>) -> Flow {
        if !self.pending.is_empty() {
            let pending = &mut self.pending;
            let flow = lifecycle.run(|lifecycle| {
                Some(match pending.pop_front() {
                    Some(envelope) => lifecycle.handle(envelope),
                    None => Flow::Drained,
                })
            });
            if !matches!(flow, Flow::Drained) {
                return flow;
            }
        }
        receive_loop(lifecycle, &self.receiver)
    }

    /// Decides what follows an incarnation's `exit` (whose state is already dropped): asks the
    /// policy or the parent, waits out a backoff or the parent's decision (a stop request
    /// ends the wait and the actor), and counts the restart.
    fn after(&mut self, exit: Exit, message: Arc<str>) -> Next {
        let id = self.ctx.id().clone();
        self.ctx.actor_ref().cell.state.restarting();
        let ended = match exit {
            Exit::Normal => Termination::Stopped,
            Exit::Failure => Termination::Failed {
                message: message.clone(),
            },
        };
        let Some(supervision) = self.supervision.as_mut() else {
            return Next::End(ended, None);
        };
        match supervision {
            Supervision::Policy(restarter) => match restarter.decide(exit, Instant::now(), random_fraction()) {
                Verdict::End => Next::End(ended, None),
                Verdict::GiveUp => {
                    let within = restarter.within();
                    let restarts = self.restarts;
                    tracing::error!(
                        target: "pykka",
                        actor = %id,
                        restarts,
                        error = %message,
                        "Giving up on {id}: it failed again after {restarts} restart(s) within {within:?}: {message}"
                    );
                    Next::End(Termination::GaveUp { restarts, message }, None)
                }
                Verdict::Restart { delay } => {
                    if !delay.is_zero()
                        && let Waited::Stop(reply) = self.wait::<()>(Some(Instant::now() + delay), None)
                    {
                        return Next::End(Termination::Stopped, reply);
                    }
                    self.restarted();
                    Next::Restart
                }
            },
            Supervision::Parent { parent, restart, .. } => {
                let restart = *restart;
                if exit == Exit::Normal && !restart.restarts_after(exit) {
                    return Next::End(Termination::Stopped, None);
                }
                let child = AnyActorRef::from(self.ctx.actor_ref().clone());
                let decision = parent.child_failed(child, message.clone());
                match self.wait(None, Some(&decision)) {
                    Waited::Stop(reply) => Next::End(Termination::Stopped, reply),
                    Waited::Done => match decision.get_timeout(Duration::ZERO) {
                        Ok(Decision::Restart) => {
                            self.restarted();
                            Next::Restart
                        }
                        _ if exit == Exit::Normal => Next::End(Termination::Stopped, None),
                        _ if restart == Restart::Temporary => Next::End(ended, None),
                        _ => Next::End(
                            Termination::GaveUp {
                                restarts: self.restarts,
                                message,
                            },
                            None,
                        ),
                    },
                }
            }
        }
    }

    /// Counts a restart, logs it at INFO and shows it in the debug record.
    fn restarted(&mut self) {
        self.restarts = self.restarts.saturating_add(1);
        // A stop the old incarnation asked for itself is not the new one's: if its envelope
        // is still queued, the new incarnation finds it stale (see `ActorRef::classify_stop`).
        self.ctx.actor_ref().cell.self_stop.store(false, Ordering::Release);
        let (id, n) = (self.ctx.id(), self.restarts);
        self.ctx.actor_ref().cell.state.restarted(n);
        tracing::info!(target: "pykka", actor = %id, restarts = n, "Restarting {id} (restart {n})");
    }

    /// Waits between incarnations until `deadline` or until `until` is set, whichever comes
    /// first (with neither: returns at once), holding back every envelope that arrives
    /// meanwhile for the next incarnation; a stop request ends the wait.
    fn wait<T: Send + 'static>(&mut self, deadline: Option<Instant>, until: Option<&Future<T>>) -> Waited {
        let fired = Arc::new(AtomicBool::new(false));
        if let Some(future) = until {
            let (me, fired) = (self.ctx.actor_ref().clone(), fired.clone());
            future.when_ready(move || {
                fired.store(true, Ordering::Release);
                me.wake();
            });
        } else if deadline.is_none() {
            return Waited::Done;
        }
        loop {
            if fired.load(Ordering::Acquire) || deadline.is_some_and(|d| Instant::now() >= d) {
                return Waited::Done;
            }
            match self.receiver.recv_until(deadline) {
                Received::Message(Envelope::Stop(Some(reply))) => return Waited::Stop(Some(reply)),
                Received::Message(Envelope::Stop(None)) => {
                    if self.ctx.actor_ref().classify_stop() == StopKind::Requested {
                        return Waited::Stop(None);
                    }
                    // A stop the failed incarnation queued for itself: there is nothing to stop.
                }
                Received::Message(Envelope::Wake) | Received::Timeout => {}
                Received::Message(envelope) => self.pending.push_back(envelope),
                Received::Closed => return Waited::Stop(None),
            }
        }
    }

    /// Ends the actor for good: marks it dead (if a failure or a backoff left it alive),
    /// closes its inbox, answers the stops, resolves its termination, tells its parent, and
    /// leaves the registry's waits.
    fn end(self, termination: Termination, stop_reply: Option<StopReply>, terminated: Promise<Termination>) {
        let Life {
            ctx,
            receiver,
            pending,
            supervision,
            ..
        } = self;
        let actor_ref = ctx.actor_ref().clone();
        if actor_ref.is_alive() {
            lifecycle::mark_dead(&ctx);
        }
        lifecycle::log_stopped(&ctx);
        // Close the inbox before answering the stop, so the stopper sees every later message
        // refused: queued asks fail with `ActorDead`, queued stops answer `true`. The
        // envelopes held back between incarnations came first: they go first.
        panic::closing(actor_ref.id(), move || {
            for envelope in pending {
                panic::drop_queued(envelope);
            }
            drop(receiver);
        });
        drop(stop_reply);
        actor_ref.close_stops();
        CONTEXT.with(|c| c.borrow_mut().take());
        drop(ctx);
        actor_ref.cell.state.detach();
        terminated.set(termination.clone());
        if let Some(Supervision::Parent { parent, .. }) = supervision {
            parent.child_ended(AnyActorRef::from(actor_ref.clone()), termination);
        }
        // Only now may `join_all` and `stop_all` stop waiting for it.
        actor_ref.cell.registry.finished(&actor_ref);
    }
}

/// Handles the inbox until the incarnation's life ends. When the inbox is empty, an actor
/// with timers fires the earliest due one, or, with none due, waits on the inbox no later
/// than the next one is due (a manual clock wakes it instead).
fn receive_loop<A: Actor>(lifecycle: &mut Lifecycle<A>, receiver: &InboxReceiver<Envelope<A>>) -> Flow {
    let state = lifecycle.state().clone();
    let actor_ref = lifecycle.actor_ref().clone();
    let timers = &actor_ref.cell.timers;
    // The actor is idle only while it waits for a message: a busy one writes nothing.
    let idle = || {
        if timers.is_armed() {
            return Some(Flow::Timers);
        }
        state.idle();
        None
    };
    loop {
        let flow =
            lifecycle.run(|lifecycle| receiver.next_with(idle, || state.woke(), |envelope| lifecycle.handle(envelope)));
        if !matches!(flow, Flow::Timers) {
            return flow;
        }
        if let Some(end) = serve_timers(lifecycle, receiver, &actor_ref, &state) {
            return end;
        }
    }
}

/// The timer half of [`receive_loop`], out of line so that an actor without timers does not
/// carry its stack frame: fires the earliest due timer, or, with none due, waits for a message
/// until the next one is due. Returns the flow that ends the incarnation, if one does.
#[cold]
#[inline(never)]
fn serve_timers<A: Actor>(
    lifecycle: &mut Lifecycle<A>,
    receiver: &InboxReceiver<Envelope<A>>,
    actor_ref: &ActorRef<A>,
    state: &ActorState,
) -> Option<Flow> {
    match lifecycle.run_one(|lifecycle| lifecycle.fire_timer().unwrap_or(Flow::Timers)) {
        Flow::Continue => return None,
        Flow::Timers => {}
        other => return Some(other),
    }
    let deadline = actor_ref.cell.timers.deadline(actor_ref.cell.registry.clock());
    state.idle();
    let received = receiver.recv_until(deadline);
    state.woke();
    match received {
        Received::Message(envelope) => match lifecycle.run_one(|lifecycle| lifecycle.handle(envelope)) {
            Flow::Continue => None,
            other => Some(other),
        },
        Received::Timeout => None,
        Received::Closed => Some(Flow::Stop(None)),
    }
}
