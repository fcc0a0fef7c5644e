//! An actor's whole life, whatever drives it: its incarnations and what decides between them,
//! then its end.
//!
//! [`Lifecycle`] is one incarnation (start, handle, stop, fail). A `Life` is the logical
//! actor around it: one incarnation for a plain actor, one after another for an actor
//! restarted in place (each failure decided by its policy or parent, see [`crate::restart`]),
//! all draining the same inbox; then its *end* ([`Life::end`]): the inbox closes, stops are
//! answered, the termination resolves and the registry lets go.
//!
//! A driver (a runtime: [`crate::threading`] or [`crate::pool`]) calls [`Life::resume`] with
//! its way of receiving: the thread driver's blocks until the incarnation ends, so one call
//! lives the whole life; the pool's hands back [`Flow::Yield`] when the inbox is empty or its
//! budget is spent, and `resume` then returns `None`, keeping the incarnation for the next
//! call. Between incarnations the actor waits (a backoff, a parent's decision, a go-ahead) on
//! its own inbox, holding back what arrives for the next incarnation, so a stop request ends
//! any wait; on a pool that wait is managed blocking (see [`crate::pool::blocking`]).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::actor::{Actor, Context};
use crate::actor_ref::StopKind;
use crate::envelope::{Envelope, StopReply};
use crate::future::{Future, Promise};
use crate::inbox::{Receive, Received};
use crate::lifecycle::{self, Flow, Lifecycle};
use crate::panic;
use crate::registry::AnyActorRef;
use crate::restart::{Decision, Exit, InPlace, Restart, Supervision, Verdict, random_fraction};
use crate::termination::Termination;

/// How an actor ended for good, with the reply of the stop request that ended it, if any.
pub(crate) type Ended = (Termination, Option<StopReply>);

/// An actor's life: what outlives each incarnation.
pub(crate) struct Life<A: Actor, R> {
    ctx: Context<A>,
    receiver: R,
    /// Envelopes received while the actor was between incarnations, for the next one, first.
    /// Boxed, made on first use: rare, and a pooled actor's life is part of its idle footprint.
    #[allow(
        clippy::box_collection,
        reason = "8 bytes instead of 32 in every idle pooled actor; the deque is rarely used"
    )]
    pending: Option<Box<VecDeque<Envelope<A>>>>,
    /// Boxed: most actors have none, and a pooled actor's life is part of its idle footprint.
    supervision: Option<Box<Supervision>>,
    /// How many times the actor was restarted.
    restarts: u32,
    /// The running incarnation, between two calls of [`resume`](Self::resume) that yielded.
    current: Option<Lifecycle<A>>,
    /// No incarnation has started yet: a failed first start is not restarted.
    first: bool,
    /// The promise of an in-place restart's `started`, kept once the next incarnation is up.
    started: Option<Promise<()>>,
}

/// What comes after an incarnation ended.
enum Next {
    /// Build the next incarnation.
    Restart,
    /// The actor ends for good.
    End(Termination, Option<StopReply>),
}

/// What [`Life::decide`] made of the flow that ended a run of the incarnation.
enum Decided<A: Actor> {
    /// Not an end after all (a stale stop, an unsupported restart): go on receiving.
    Resume(Lifecycle<A>),
    /// Build the next incarnation, keeping the promise of an in-place restart's `started`.
    Restart(Option<Promise<()>>),
    /// The actor ends for good.
    End(Termination, Option<StopReply>),
}

/// How a wait between incarnations ended.
enum Waited {
    /// The deadline passed, or the awaited future is set.
    Done,
    /// A stop was requested meanwhile.
    Stop(Option<StopReply>),
}

impl<A: Actor, R: Receive<Envelope<A>>> Life<A, R> {
    pub(crate) fn new(ctx: Context<A>, receiver: R, supervision: Option<Supervision>) -> Self {
        Life {
            ctx,
            receiver,
            pending: None,
            supervision: supervision.map(Box::new),
            restarts: 0,
            current: None,
            first: true,
            started: None,
        }
    }

    /// The actor's context.
    pub(crate) fn ctx(&self) -> &Context<A> {
        &self.ctx
    }

    /// Whether ask panics fail this actor (see [`crate::RestartPolicy::ask_panics_fail`]).
    pub(crate) fn ask_panics_fail(&self) -> bool {
        self.supervision.as_deref().is_some_and(Supervision::ask_panics_fail)
    }

    /// Lives on: starts an incarnation if none is running (building it with `factory`), hands
    /// it to `receive` and decides what its end means, until the actor ends for good (`Some`,
    /// with why) or `receive` yields ([`Flow::Yield`]: `None`, the incarnation is kept for the
    /// next call).
    pub(crate) fn resume(
        &mut self,
        factory: &mut impl FnMut() -> A,
        receive: &mut impl FnMut(&mut Lifecycle<A>, &R) -> Flow,
    ) -> Option<Ended> {
        loop {
            let (mut lifecycle, mut flow) = match self.current.take() {
                Some(lifecycle) => (lifecycle, None),
                None => match self.start(factory) {
                    Ok((lifecycle, stop_now)) => (lifecycle, stop_now.then_some(Flow::Stop(None))),
                    Err(Some(ended)) => return Some(ended),
                    Err(None) => continue,
                },
            };
            let flow = match flow.take() {
                Some(flow) => flow,
                None => self.receive(&mut lifecycle, receive),
            };
            if matches!(flow, Flow::Yield) {
                self.current = Some(lifecycle);
                return None;
            }
            match self.decide(lifecycle, flow) {
                Decided::Resume(lifecycle) => self.current = Some(lifecycle),
                Decided::Restart(started) => self.started = started,
                Decided::End(termination, reply) => return Some((termination, reply)),
            }
        }
    }

    /// Starts an incarnation. `Err(None)` when its start failed and the next one is to be
    /// built; `Err(Some(..))` when the actor ends.
    fn start(&mut self, factory: &mut impl FnMut() -> A) -> Result<(Lifecycle<A>, bool), Option<Ended>> {
        // A failed first start is not restarted (as an Erlang child whose start fails).
        let ending = self.first || self.supervision.is_none();
        match Lifecycle::start(self.ctx.clone(), &mut *factory, ending) {
            Ok(started) => {
                self.first = false;
                if let Some(promise) = self.started.take() {
                    promise.set(());
                }
                Ok(started)
            }
            Err(message) if ending => Err(Some((Termination::Failed { message }, None))),
            Err(message) => match self.after(Exit::Failure, message) {
                Next::Restart => Err(None),
                Next::End(termination, reply) => Err(Some((termination, reply))),
            },
        }
    }

    /// Decides what the flow that ended a run of the incarnation means.
    fn decide(&mut self, lifecycle: Lifecycle<A>, flow: Flow) -> Decided<A> {
        let Some(supervision) = &self.supervision else {
            // Not restarted: every end is the actor's end.
            return match flow {
                Flow::Failed(message) => {
                    lifecycle.fail(&message, true);
                    Decided::End(Termination::Failed { message }, None)
                }
                Flow::Stop(reply) => {
                    lifecycle.stop(true);
                    Decided::End(Termination::Stopped, reply)
                }
                // An in-place restart needs a factory that builds again: not supported.
                Flow::Restart(_) => Decided::Resume(lifecycle),
                Flow::Continue | Flow::Drained | Flow::Timers | Flow::Yield => {
                    lifecycle.stop(true);
                    Decided::End(Termination::Stopped, None)
                }
            };
        };
        let restart = supervision.restart();
        let next = match flow {
            Flow::Stop(None) => match self.ctx.actor_ref().classify_stop() {
                StopKind::Stale => return Decided::Resume(lifecycle),
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
                    Waited::Stop(reply) => Decided::End(Termination::Stopped, reply),
                    Waited::Done if go.get_timeout(Duration::ZERO).is_err() => Decided::End(Termination::Stopped, None),
                    Waited::Done => {
                        self.restarted();
                        Decided::Restart(Some(started))
                    }
                };
            }
            Flow::Continue | Flow::Drained | Flow::Timers | Flow::Yield => {
                lifecycle.stop(true);
                Next::End(Termination::Stopped, None)
            }
        };
        match next {
            Next::Restart => Decided::Restart(None),
            Next::End(termination, reply) => Decided::End(termination, reply),
        }
    }

    /// Handles the envelopes held back between incarnations, then hands the incarnation to
    /// the driver's `receive`.
    fn receive(
        &mut self,
        lifecycle: &mut Lifecycle<A>,
        receive: &mut impl FnMut(&mut Lifecycle<A>, &R) -> Flow,
    ) -> Flow {
        if let Some(pending) = self.pending.as_deref_mut()
            && !pending.is_empty()
        {
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
        receive(lifecycle, &self.receiver)
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
        let Some(supervision) = self.supervision.as_deref_mut() else {
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
                Received::Message(envelope) => self.pending.get_or_insert_with(Box::default).push_back(envelope),
                Received::Closed => return Waited::Stop(None),
            }
        }
    }

    /// Ends the actor for good: marks it dead (if a failure or a backoff left it alive),
    /// closes its inbox, answers the stops, calls `leave` (the driver lets go of the actor's
    /// context), resolves its termination, tells its parent, and leaves the registry's waits.
    pub(crate) fn end(self, (termination, stop_reply): Ended, leave: impl FnOnce()) {
        let Life {
            ctx,
            receiver,
            pending,
            supervision,
            current,
            ..
        } = self;
        debug_assert!(current.is_none(), "an actor ends once its incarnation has ended");
        let actor_ref = ctx.actor_ref().clone();
        if actor_ref.is_alive() {
            lifecycle::mark_dead(&ctx);
        }
        lifecycle::log_stopped(&ctx);
        // Close the inbox before answering the stop, so the stopper sees every later message
        // refused: queued asks fail with `ActorDead`, queued stops answer `true`. The
        // envelopes held back between incarnations came first: they go first.
        panic::closing(actor_ref.id(), move || {
            for envelope in pending.into_iter().flat_map(|pending| *pending) {
                panic::drop_queued(envelope);
            }
            receiver.close();
        });
        drop(stop_reply);
        actor_ref.close_stops();
        leave();
        drop(ctx);
        actor_ref.cell.state.detach();
        actor_ref.cell.ending.end(termination.clone());
        if let Some(Supervision::Parent { parent, .. }) = supervision.map(|s| *s) {
            parent.child_ended(AnyActorRef::from(actor_ref.clone()), termination);
        }
        // Only now may `join_all` and `stop_all` stop waiting for it.
        actor_ref.cell.registry.finished(&actor_ref);
    }
}
