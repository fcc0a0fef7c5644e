//! The link between a supervisor and its children: the [`Parent`] the children's runtime calls,
//! and the table of failures waiting for the supervisor's decision.
//!
//! A failing child calls [`Parent::child_failed`] on its own thread and then waits for the
//! decision. The link files the failure in its table and tells the supervisor, whose own thread
//! takes it from the table and answers it. The table (not the message) holds the answer's
//! promise, so that the supervisor can answer a failure before it reaches the message: when it
//! waits for that child during a strategy restart, and when it shuts down ([`Link::close`]
//! answers every waiting child with [`Decision::Stop`], so that no child stays blocked on a
//! supervisor that will never read its message).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::actor_ref::ActorRef;
use crate::future::{Future, Promise};
use crate::registry::AnyActorRef;
use crate::restart::{Decision, Parent};
use crate::termination::Termination;

use super::Supervisor;

/// A failed child waiting for its supervisor's decision.
pub(super) struct Pending {
    pub(super) child: AnyActorRef,
    pub(super) message: Arc<str>,
    promise: Promise<Decision>,
}

impl Pending {
    /// Answers the child: it restarts in place, or ends.
    pub(super) fn answer(self, decision: Decision) {
        self.promise.set(decision);
    }
}

#[derive(Default)]
struct Table {
    /// Set once the supervisor shuts down or gives up: every failure is then answered Stop.
    closed: bool,
    pending: Vec<Pending>,
}

/// The supervisor side of its children, shared by all of them (one per supervisor
/// incarnation).
pub(super) struct Link {
    supervisor: ActorRef<Supervisor>,
    table: Mutex<Table>,
}

impl Link {
    pub(super) fn new(supervisor: ActorRef<Supervisor>) -> Self {
        Link {
            supervisor,
            table: Mutex::new(Table::default()),
        }
    }

    fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the failure `child` is waiting on, if it is waiting.
    pub(super) fn take(&self, child: &AnyActorRef) -> Option<Pending> {
        let mut table = self.table();
        let i = table.pending.iter().position(|p| p.child == *child)?;
        Some(table.pending.swap_remove(i))
    }

    /// Answers every waiting child with [`Decision::Stop`], now and from now on.
    pub(super) fn close(&self) {
        let pending = {
            let mut table = self.table();
            table.closed = true;
            std::mem::take(&mut table.pending)
        };
        for p in pending {
            p.answer(Decision::Stop);
        }
    }
}

impl Parent for Link {
    fn child_failed(&self, child: AnyActorRef, message: Arc<str>) -> Future<Decision> {
        let (promise, future) = Promise::with_fulfiller(Some(self.supervisor.id().clone()));
        {
            let mut table = self.table();
            if table.closed {
                return Future::ready(Decision::Stop);
            }
            table.pending.push(Pending {
                child: child.clone(),
                message,
                promise,
            });
        }
        let sent = self
            .supervisor
            .tell_with(move |supervisor, ctx| supervisor.on_child_failed(ctx, &child));
        if sent.is_err() {
            // The supervisor has stopped: its shutdown closed the table, or is about to.
            self.close();
        }
        future
    }

    fn child_ended(&self, child: AnyActorRef, termination: Termination) {
        tracing::debug!(
            target: "pykka",
            actor = %self.supervisor.id(),
            "{}: child {child} ended ({termination})",
            self.supervisor.id()
        );
    }
}
