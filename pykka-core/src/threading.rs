//! The thread-per-actor runtime: a named OS thread per actor driving its [`Lifecycle`].

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use crate::actor::{Actor, Context};
use crate::actor_id::ActorId;
use crate::actor_ref::{ActorRef, Cell};
use crate::debug::ActorState;
use crate::envelope::Envelope;
use crate::future::Promise;
use crate::inbox::{InboxReceiver, inbox};
use crate::lifecycle::{Flow, Lifecycle};
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

/// Turns a panic payload into its message.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> Arc<str> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Arc::from(*s)
    } else if let Some(s) = payload.downcast_ref::<String>() {
        Arc::from(s.as_str())
    } else {
        Arc::from("<non-string panic payload>")
    }
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

/// Registers a new actor, then starts its thread, which builds it with `factory`.
pub(crate) fn spawn<A, F>(registry: &ActorRegistry, factory: F) -> ActorRef<A>
where
    A: Actor,
    F: FnOnce() -> A + Send + 'static,
{
    let id = ActorId::new(A::name());
    let (sender, receiver) = inbox(A::INBOX_CAPACITY);
    let (terminated_promise, terminated) = Promise::new();
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
            terminated,
            state,
        }),
    };
    registry.register(&actor_ref);
    let thread_ref = actor_ref.clone();
    let handle = std::thread::Builder::new()
        .name(thread_name(A::name()))
        .spawn(move || run(thread_ref, factory, receiver, terminated_promise))
        .unwrap_or_else(|e| panic!("cannot start a thread for actor {}: {e}", actor_ref.id()));
    *actor_ref
        .cell
        .join
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(handle);
    actor_ref
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
    CONTEXT.with(|c| c.borrow_mut().take());
    state.detach();
    terminated.set(());
}

/// Drops every envelope still queued for a stopped actor, then the inbox itself.
///
/// Each envelope is dropped on its own, inside `catch_unwind`: a message whose `Drop` panics is
/// logged, and the envelopes behind it are still dropped, so their asks still fail with
/// `ActorDead` instead of waiting forever. (Left to the channel, such a panic would unwind out
/// of its clean-up halfway and leave the rest of the queue unanswered.)
fn close_inbox<T>(id: &ActorId, receiver: InboxReceiver<T>) {
    while let Some(envelope) = receiver.try_take() {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(envelope))) {
            let message = panic_message(payload.as_ref());
            tracing::error!(
                target: "pykka",
                actor = %id,
                error = %message,
                "Panic while dropping a message queued for stopped actor {id}: {message}"
            );
        }
    }
    drop(receiver);
}

fn receive_loop<A: Actor>(lifecycle: &mut Lifecycle<A>, receiver: &InboxReceiver<Envelope<A>>) -> Flow {
    let state = lifecycle.state().clone();
    // The actor is idle only while it waits for a message: a busy one writes nothing.
    lifecycle
        .run(|lifecycle| receiver.next_with(|| state.idle(), || state.woke(), |envelope| lifecycle.handle(envelope)))
}
