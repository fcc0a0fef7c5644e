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
use crate::debug::ActorState;

/// A running actor's shared cell, type-erased: what this thread knows of the actor it runs.
trait Running: Send + Sync {
    /// The cell as `Any`, to get the typed cell back.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
    /// The actor's debug record (for deadlock detection).
    fn state(&self) -> &Arc<ActorState>;
}

impl<A: Actor> Running for Cell<A> {
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn state(&self) -> &Arc<ActorState> {
        &self.state
    }
}

thread_local! {
    /// The running actor's shared cell.
    static RUNNING: RefCell<Option<Arc<dyn Running>>> = const { RefCell::new(None) };
}

/// Names `actor_ref` as the actor this thread runs, until [`leave`].
pub(crate) fn enter<A: Actor>(actor_ref: &ActorRef<A>) {
    let cell: Arc<dyn Running> = actor_ref.cell.clone();
    RUNNING.with(|r| *r.borrow_mut() = Some(cell));
}

/// The debug record of the actor this thread runs, if any.
pub(crate) fn state() -> Option<Arc<ActorState>> {
    RUNNING.with(|r| r.borrow().as_ref().map(|cell| cell.state().clone()))
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
    let cell = cell.into_any().downcast::<Cell<A>>().ok()?;
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
