//! The thread-per-actor runtime: a named OS thread per actor driving its [`Life`].
//!
//! An actor's thread runs its life ([`Life::resume`], whose incarnations this driver receives
//! for by blocking on the inbox, so one call lasts the whole life), then its end
//! ([`Life::end`]). The thread is the actor's for its whole life: [`current`] names it as the
//! running actor from start to end.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use crate::actor::{Actor, Context};
use crate::actor_id::ActorId;
use crate::actor_ref::ActorRef;
use crate::current;
use crate::debug::ActorState;
use crate::envelope::Envelope;
use crate::error::{Error, Result};
use crate::inbox::{InboxReceiver, Received, inbox};
use crate::life::Life;
use crate::lifecycle::{Flow, Lifecycle};
use crate::limits::{self, Slot};
use crate::panic;
use crate::registry::ActorRegistry;
use crate::restart::Supervision;
use crate::termination::Termination;

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
    let state = ActorState::new(id.clone());
    let actor_ref = ActorRef::create(registry, id, state, sender);
    let thread_ref = actor_ref.clone();
    let mut builder = std::thread::Builder::new().name(thread_name(A::name()));
    if let Some(size) = A::STACK_SIZE {
        builder = builder.stack_size(size);
    }
    // One box of everything the thread needs, so that std's thread start-up and the closure
    // carry a pointer instead of moving these by value through their frames: an idle actor's
    // thread then blocks within two stack pages (each page it touches is resident memory).
    let start = Box::new((thread_ref, factory, receiver, supervision));
    match builder.spawn(move || run_boxed(start)) {
        Ok(handle) => {
            *actor_ref
                .cell
                .join
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                Some(Box::new(ActorThread { handle, _slot: slot }));
            Ok(actor_ref)
        }
        Err(e) => {
            // The closure (with its clone of the ref) is dropped: the ref now reads as
            // terminated, to anyone who saw it in the registry meanwhile.
            actor_ref.cell.alive.store(false, Ordering::Release);
            registry.unregister(&actor_ref);
            actor_ref.close_stops();
            actor_ref.cell.state.forget();
            drop(slot);
            let reason: Arc<str> = Arc::from(format!("the operating system refused a thread: {e}"));
            actor_ref.cell.ending.end(Termination::Failed {
                message: reason.clone(),
            });
            let error = Error::StartFailed {
                actor: actor_ref.id().clone(),
                reason,
            };
            tracing::error!(target: "pykka", actor = %actor_ref.id(), "{error}");
            Err(error)
        }
    }
}

/// What a new actor thread starts from; see [`spawn_supervised`].
type Start<A, F> = (ActorRef<A>, F, InboxReceiver<Envelope<A>>, Option<Supervision>);

/// Unpacks a thread's [`Start`] and runs it.
#[inline(never)]
#[allow(
    clippy::boxed_local,
    reason = "the box is the point: std's thread start-up moves a pointer, not the whole start"
)]
fn run_boxed<A: Actor, F: FnMut() -> A>(start: Box<Start<A, F>>) {
    let (actor_ref, factory, receiver, supervision) = *start;
    run(actor_ref, factory, receiver, supervision);
}

/// The body of an actor thread: its life (one incarnation, or several with restarts), then
/// its end.
fn run<A: Actor>(
    actor_ref: ActorRef<A>,
    mut factory: impl FnMut() -> A,
    receiver: InboxReceiver<Envelope<A>>,
    supervision: Option<Supervision>,
) {
    actor_ref.cell.state.attach();
    current::enter(&actor_ref);
    let mut life = Life::new(Context::new(actor_ref), receiver, supervision);
    panic::set_ask_panics_fail(life.ask_panics_fail());
    // This driver's receive never yields: one call lives the whole life.
    let mut receive =
        |lifecycle: &mut Lifecycle<A>, receiver: &InboxReceiver<Envelope<A>>| receive_loop(lifecycle, receiver);
    let ended = loop {
        if let Some(ended) = life.resume(&mut factory, &mut receive) {
            break ended;
        }
    };
    life.end(ended, current::leave);
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
