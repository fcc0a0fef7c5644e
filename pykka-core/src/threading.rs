//! The thread-per-actor runtime: a named OS thread per actor driving its [`Lifecycle`].

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use crate::actor::{Actor, Context};
use crate::actor_id::ActorId;
use crate::actor_ref::{ActorRef, Cell, Stops};
use crate::debug::ActorState;
use crate::envelope::Envelope;
use crate::error::{Error, Result};
use crate::future::Promise;
use crate::inbox::{InboxReceiver, inbox};
use crate::lifecycle::{Flow, Lifecycle};
use crate::limits::{self, Slot};
use crate::panic;
use crate::registry::ActorRegistry;

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
        }),
    };
    registry.register(&actor_ref);
    let thread_ref = actor_ref.clone();
    let mut builder = std::thread::Builder::new().name(thread_name(A::name()));
    if let Some(size) = A::STACK_SIZE {
        builder = builder.stack_size(size);
    }
    match builder.spawn(move || run(thread_ref, factory, receiver, terminated_promise)) {
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

/// The body of an actor thread.
fn run<A: Actor>(
    actor_ref: ActorRef<A>,
    factory: impl FnOnce() -> A,
    receiver: InboxReceiver<Envelope<A>>,
    terminated: Promise<()>,
) {
    let _ = actor_ref.cell.thread.set(std::thread::current().id());
    let state = actor_ref.cell.state.clone();
    state.attach();
    let id = actor_ref.id().clone();
    let finished = actor_ref.clone();
    let ctx = Context::new(actor_ref);
    CONTEXT.with(|c| *c.borrow_mut() = Some(Box::new(ctx.clone())));

    let mut stop_reply = None;
    if let Some((mut lifecycle, stop_now)) = Lifecycle::start(ctx, factory) {
        let flow = if stop_now {
            Flow::Stop(None)
        } else {
            receive_loop(&mut lifecycle, &receiver)
        };
        match flow {
            Flow::Failed(message) => lifecycle.fail(&message),
            Flow::Stop(reply) => {
                lifecycle.stop();
                stop_reply = reply;
            }
            Flow::Continue => lifecycle.stop(),
        }
    }
    // Close the inbox before answering the stop, so the stopper sees every later message
    // refused: queued asks fail with `ActorDead`, queued stops answer `true`.
    close_inbox(&id, receiver);
    drop(stop_reply);
    finished.close_stops();
    CONTEXT.with(|c| c.borrow_mut().take());
    state.detach();
    terminated.set(());
    // Only now may `join_all` and `stop_all` stop waiting for it.
    finished.cell.registry.finished(&finished);
}

/// Closes a stopped actor's inbox: drops the receiver, and with it every envelope still
/// queued or pushed until the channel refuses more.
///
/// The inbox drops each envelope inside `catch_unwind` (see `inbox::Slot`): a message whose
/// `Drop` panics is logged (naming `id`, set here), and the envelopes behind it are still
/// dropped, so their asks still fail with `ActorDead` instead of waiting forever. There is no
/// drain before the drop: a message pushed in the last moment before the channel closes is
/// dropped by the channel's clean-up, through the same guard.
fn close_inbox<T>(id: &ActorId, receiver: InboxReceiver<T>) {
    panic::closing(id, move || drop(receiver));
}

fn receive_loop<A: Actor>(lifecycle: &mut Lifecycle<A>, receiver: &InboxReceiver<Envelope<A>>) -> Flow {
    let state = lifecycle.state().clone();
    // The actor is idle only while it waits for a message: a busy one writes nothing.
    lifecycle
        .run(|lifecycle| receiver.next_with(|| state.idle(), || state.woke(), |envelope| lifecycle.handle(envelope)))
}
