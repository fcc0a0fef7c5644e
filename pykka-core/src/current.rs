//! The actor the calling thread is running now: for the whole life of an actor thread, for one
//! turn on a pool worker.
//!
//! [`Context::current`](crate::Context::current), the generated methods that take a
//! `&Context`, and the checks that refuse to wait on yourself (`join`, `stop_timeout` from
//! the actor's own handlers) read it; the runtimes write it.

use std::any::Any;
use std::cell::RefCell;
use std::sync::Arc;

use crate::actor::{Actor, Context};
use crate::actor_ref::{ActorRef, Cell};

thread_local! {
    /// The running actor's shared cell (an `Arc<Cell<A>>`), type-erased.
    static RUNNING: RefCell<Option<Arc<dyn Any + Send + Sync>>> = const { RefCell::new(None) };
}

/// Names `actor_ref` as the actor this thread runs, until [`leave`].
pub(crate) fn enter<A: Actor>(actor_ref: &ActorRef<A>) {
    let cell: Arc<dyn Any + Send + Sync> = actor_ref.cell.clone();
    RUNNING.with(|r| *r.borrow_mut() = Some(cell));
}

/// This thread no longer runs an actor.
pub(crate) fn leave() {
    // Taken out before it is dropped: the cell's drop may run user code (the actor's `Drop`
    // has run by then, but a queued message's has not), which may look here.
    let cell = RUNNING.with(|r| r.borrow_mut().take());
    drop(cell);
}

/// The context of the actor this thread runs, if it is an `A`.
pub(crate) fn context<A: Actor>() -> Option<Context<A>> {
    let cell = RUNNING.with(|r| r.borrow().clone())?;
    let cell = cell.downcast::<Cell<A>>().ok()?;
    Some(Context::new(ActorRef { cell }))
}

/// Whether this thread runs the actor of `cell` now.
pub(crate) fn is<A: Actor>(cell: &Arc<Cell<A>>) -> bool {
    RUNNING.with(|r| {
        r.borrow()
            .as_ref()
            .is_some_and(|running| std::ptr::addr_eq(Arc::as_ptr(running), Arc::as_ptr(cell)))
    })
}

/// Whether this thread runs an actor now.
pub(crate) fn running_an_actor() -> bool {
    RUNNING.with(|r| r.borrow().is_some())
}
