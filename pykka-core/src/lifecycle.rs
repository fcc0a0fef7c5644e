//! The actor's life, independent of what drives it: start, handle one envelope, stop, fail.
//!
//! This is the runtime seam. [`crate::threading`] drives a `Lifecycle` from a dedicated OS
//! thread; a pooled M:N runtime would drive the same `Lifecycle` from worker threads, calling
//! [`Lifecycle::run`] with a `next` that yields a few envelopes per turn (or
//! [`Lifecycle::handle`] inside its own `catch_unwind`), without changing the public API.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::actor::{Actor, Context, Failure};
use crate::debug::ActorState;
use crate::envelope::{Envelope, StopReply};
use crate::error::Error;
use crate::panic::{self, panic_message};
use crate::restart::InPlace;
use crate::timers::actor::Deliver;

/// What the driver should do after an envelope.
pub(crate) enum Flow {
    /// Take the next envelope.
    Continue,
    /// Stop normally; the reply (if any) is answered once the actor has stopped.
    Stop(Option<StopReply>),
    /// A failure nobody could be told about: stop (or restart) through `on_failure`.
    Failed(Arc<str>),
    /// A request to tear down and rebuild in place.
    Restart(Box<InPlace>),
    /// The envelopes held back while the actor was between incarnations are all handled:
    /// go on with the inbox.
    Drained,
    /// The inbox is empty and the actor has timers: serve them (see
    /// [`fire_timer`](Lifecycle::fire_timer)), then go on with the inbox.
    Timers,
    /// The driver's receive gives the worker back (the inbox is empty, or its budget is
    /// spent): the incarnation goes on at the next turn. Only a pooled driver yields.
    Yield,
}

/// A started actor and its context.
pub(crate) struct Lifecycle<A: Actor> {
    actor: Option<A>,
    ctx: Context<A>,
}

impl<A: Actor> Lifecycle<A> {
    /// Builds the actor with `factory` and runs `on_start`. Returns the lifecycle and whether
    /// `on_start` asked to stop, or the message of a panic in either (logged at ERROR; the
    /// actor built, if any, is dropped without `on_stop` or `on_failure`).
    ///
    /// With `ending` (no restart can follow), a failed start marks the actor dead and
    /// unregisters it before its state is dropped; else the driver decides what comes next and
    /// the actor stays alive meanwhile.
    pub(crate) fn start(ctx: Context<A>, factory: impl FnOnce() -> A, ending: bool) -> Result<(Self, bool), Arc<str>> {
        tracing::debug!(target: "pykka", actor = %ctx.id(), "Starting {}", ctx.id());
        ctx.actor_ref().cell.state.starting();
        // A new incarnation starts its own timers: none of the last one's survive.
        ctx.actor_ref().cell.timers.clear();
        let mut actor = match panic::catch(factory) {
            Ok(actor) => actor,
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                log_unhandled(&ctx, &message);
                if ending {
                    mark_dead(&ctx);
                }
                return Err(message);
            }
        };
        if let Err(payload) = panic::catch(|| actor.on_start(&ctx)) {
            let message = panic_message(payload.as_ref());
            log_unhandled(&ctx, &message);
            if ending {
                mark_dead(&ctx);
            }
            drop_actor(&ctx, actor);
            return Err(message);
        }
        ctx.actor_ref().cell.state.idle();
        let stop_now = ctx.actor_ref().cell.self_stop.load(Ordering::Acquire);
        Ok((
            Lifecycle {
                actor: Some(actor),
                ctx,
            },
            stop_now,
        ))
    }

    /// Handles envelopes taken from `next` until one ends the actor's life (`None` from
    /// `next` ends it too, as a normal stop).
    ///
    /// A panic that escapes a handler (a tell, or a call without a reply slot) ends the batch
    /// as [`Flow::Failed`]. There is one `catch_unwind` per batch, not per message: asks and
    /// calls with a reply slot catch their own panics, so only failures reach this one. The
    /// batch is one of the runtime's catch points (see [`panic::catch`]): the panics inside it,
    /// the asks' included, are pykka's to report.
    ///
    /// `step` takes the next envelope and hands it straight to [`handle`](Self::handle),
    /// returning its flow (`None` when there is no next envelope). Matching on the envelope
    /// where the channel wrote it, instead of passing it back through `Option`s, keeps the
    /// compiler from copying it through the stack.
    pub(crate) fn run(&mut self, mut step: impl FnMut(&mut Self) -> Option<Flow>) -> Flow {
        let result = panic::catch(|| {
            loop {
                match step(self) {
                    Some(Flow::Continue) => {}
                    Some(other) => return other,
                    None => return Flow::Stop(None),
                }
            }
        });
        result.unwrap_or_else(|payload| Flow::Failed(panic_message(payload.as_ref())))
    }

    /// Runs one step of the driver's (a timer, an envelope received outside
    /// [`run`](Self::run)) inside the catch point of a batch.
    pub(crate) fn run_one(&mut self, step: impl FnOnce(&mut Self) -> Flow) -> Flow {
        panic::catch(|| step(self)).unwrap_or_else(|payload| Flow::Failed(panic_message(payload.as_ref())))
    }

    /// Fires the earliest timer due by the actor's clock: hands its message or call to the
    /// actor, then starts it again if it is periodic (and was not cancelled or replaced by
    /// its handler). `None` if no timer is due. A panic in the handler unwinds out of here,
    /// a failure as in a tell.
    pub(crate) fn fire_timer(&mut self) -> Option<Flow> {
        let ctx = &self.ctx;
        let cell = &ctx.actor_ref().cell;
        let clock = cell.registry.clock();
        let Some(actor) = self.actor.as_mut() else {
            return Some(Flow::Stop(None));
        };
        let mut firing = cell.timers.take_due(clock.now())?;
        let deliver = std::mem::replace(&mut firing.deliver, Deliver::Once(Box::new(|_, _| {})));
        let again = match deliver {
            Deliver::Message(message) => {
                receive(actor, ctx, message);
                None
            }
            Deliver::Repeat(message, copy) => {
                receive(actor, ctx, copy(&message));
                Some(Deliver::Repeat(message, copy))
            }
            Deliver::Once(f) => {
                cell.state.receiving();
                f(actor, ctx);
                None
            }
            Deliver::Call(mut f) => {
                cell.state.receiving();
                f(actor, ctx);
                Some(Deliver::Call(f))
            }
        };
        if let Some(deliver) = again {
            cell.timers.fired(firing, deliver, clock.now());
        }
        Some(Flow::Continue)
    }

    /// Fires every timer due by now, in due order (each at most once: a periodic timer due
    /// again at once waits for the next round).
    #[inline(never)]
    pub(crate) fn fire_due_timers(&mut self) -> Flow {
        for _ in 0..self.ctx.actor_ref().cell.timers.pending() {
            match self.fire_timer() {
                None => break,
                Some(Flow::Continue) => {}
                Some(other) => return other,
            }
        }
        Flow::Continue
    }

    /// Handles one envelope. A panic in a tell or a reply-less call unwinds out of here; see
    /// [`run`](Self::run).
    ///
    /// Plain tells, the bulk of a busy inbox, take the short path inlined into the receive
    /// loop; every other envelope goes through [`handle_other`](Self::handle_other), kept out
    /// of line so the loop stays small.
    #[inline(always)]
    pub(crate) fn handle(&mut self, envelope: Envelope<A>) -> Flow {
        match envelope {
            Envelope::Tell(message) => self.tell(message),
            other => self.handle_other(other),
        }
    }

    /// Handles a plain message without a reply slot.
    #[inline(always)]
    fn tell(&mut self, message: A::Message) -> Flow {
        let Some(actor) = self.actor.as_mut() else {
            return Flow::Stop(None);
        };
        receive(actor, &self.ctx, message);
        Flow::Continue
    }

    /// Handles every envelope but a plain tell: asks, calls and stops.
    #[inline(never)]
    fn handle_other(&mut self, envelope: Envelope<A>) -> Flow {
        let Some(actor) = self.actor.as_mut() else {
            return Flow::Stop(None);
        };
        let ctx = &self.ctx;
        let state = &ctx.actor_ref().cell.state;
        match envelope {
            Envelope::Tell(message) => receive(actor, ctx, message),
            Envelope::Ask(message, promise) => {
                state.receiving();
                match catch_unwind(AssertUnwindSafe(|| actor.on_receive(ctx, message))) {
                    Ok(Ok(reply)) => promise.set(reply),
                    Ok(Err(unhandled)) => {
                        log_unexpected(ctx, &unhandled);
                        promise.set_error(Error::Unhandled {
                            actor: ctx.id().clone(),
                        });
                    }
                    Err(payload) => {
                        let message = panic_message(payload.as_ref());
                        let actor = ctx.id().clone();
                        tracing::info!(
                            target: "pykka",
                            actor = %actor,
                            error = %message,
                            "Exception returned from {actor} to caller: {message}"
                        );
                        promise.set_error(Error::Panicked { actor, message });
                        panic::fail_on_ask_panic(payload);
                    }
                }
            }
            Envelope::Call(call) => call.run(actor, ctx),
            Envelope::Stop(reply) => return Flow::Stop(reply),
            Envelope::Restart(request) => return Flow::Restart(request),
            // A wake-up (from a manual clock, say) fires the timers due by now.
            Envelope::Wake if ctx.actor_ref().cell.timers.is_armed() => return self.fire_due_timers(),
            Envelope::Wake => {}
        }
        Flow::Continue
    }

    /// The actor's reference.
    pub(crate) fn actor_ref(&self) -> &crate::ActorRef<A> {
        self.ctx.actor_ref()
    }

    /// The actor's debug record, which the driver marks idle while it waits for a message.
    pub(crate) fn state(&self) -> &Arc<ActorState> {
        &self.ctx.actor_ref().cell.state
    }

    /// Stops normally: runs `on_stop` and drops the state. With `ending` (a stop for good),
    /// first marks the actor dead and unregisters it; without (a teardown before a restart in
    /// place), the actor stays alive.
    pub(crate) fn stop(mut self, ending: bool) {
        let ctx = &self.ctx;
        ctx.actor_ref().cell.state.stopping();
        if ending {
            mark_dead(ctx);
        }
        if let Some(actor) = self.actor.as_mut()
            && let Err(payload) = panic::catch(|| actor.on_stop(ctx))
        {
            log_unhandled(ctx, &panic_message(payload.as_ref()));
        }
        self.finish();
    }

    /// Stops after a failure: logs it at ERROR, runs `on_failure` and drops the state. With
    /// `ending` (no restart can follow), first marks the actor dead and unregisters it;
    /// without, the actor stays alive while the driver decides.
    pub(crate) fn fail(mut self, message: &Arc<str>, ending: bool) {
        let ctx = &self.ctx;
        ctx.actor_ref().cell.state.stopping();
        log_unhandled(ctx, message);
        if ending {
            mark_dead(ctx);
        }
        if let Some(actor) = self.actor.as_mut() {
            let failure = Failure::new(message.clone());
            if let Err(payload) = panic::catch(|| actor.on_failure(ctx, &failure)) {
                log_unhandled(ctx, &panic_message(payload.as_ref()));
            }
        }
        self.finish();
    }

    /// Cancels the actor's timers and drops its state on its own thread.
    fn finish(&mut self) {
        self.ctx.actor_ref().cell.timers.clear();
        if let Some(actor) = self.actor.take() {
            drop_actor(&self.ctx, actor);
        }
    }
}

/// Drops the actor's state, logging a panic in its `Drop` as an unhandled exception.
fn drop_actor<A: Actor>(ctx: &Context<A>, actor: A) {
    if let Err(payload) = panic::catch(move || drop(actor)) {
        log_unhandled(ctx, &panic_message(payload.as_ref()));
    }
}

/// Hands a plain message without a reply slot to the actor.
#[inline(always)]
fn receive<A: Actor>(actor: &mut A, ctx: &Context<A>, message: A::Message) {
    ctx.actor_ref().cell.state.receiving();
    if let Err(unhandled) = actor.on_receive(ctx, message) {
        log_unexpected(ctx, &unhandled);
    }
}

/// Marks the actor dead and takes it out of its registry's lookups; the registry still counts
/// it as stopping (for `join_all` and `stop_all`) until its thread has finished.
pub(crate) fn mark_dead<A: Actor>(ctx: &Context<A>) {
    let actor_ref = ctx.actor_ref();
    actor_ref.cell.alive.store(false, Ordering::Release);
    actor_ref.cell.registry.begin_stopping(actor_ref);
}

pub(crate) fn log_stopped<A: Actor>(ctx: &Context<A>) {
    tracing::debug!(target: "pykka", actor = %ctx.id(), "Stopped {}", ctx.id());
}

fn log_unhandled<A: Actor>(ctx: &Context<A>, message: &str) {
    tracing::error!(
        target: "pykka",
        actor = %ctx.id(),
        error = %message,
        "Unhandled exception in {}: {message}",
        ctx.id()
    );
}

fn log_unexpected<A: Actor>(ctx: &Context<A>, unhandled: &crate::actor::Unhandled) {
    let message = unhandled.message().unwrap_or("<not shown>");
    tracing::warn!(
        target: "pykka",
        actor = %ctx.id(),
        "Unexpected message received by {}: {message}",
        ctx.id()
    );
}
