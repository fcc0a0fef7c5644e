//! [`ActorRef`]: the handle through which everyone else talks to an actor.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::actor::{Actor, Context};
use crate::actor_id::ActorId;
use crate::call::{Call, Job};
use crate::debug::ActorState;
use crate::envelope::{Envelope, StopReply};
use crate::error::{Error, Result, TryTellError};
use crate::future::{Future, Limit, Promise};
use crate::inbox::{InboxSender, SendError, TrySendError};
use crate::proxy::Dispatch;
use crate::registry::ActorRegistry;
use crate::restart::InPlace;
use crate::termination::{Ending, Termination};
use crate::threading::ActorThread;
use crate::timers::actor::TimerCell;
use crate::timers::delayed::{self, TimerHandle};

/// The state an actor shares with every reference to it.
pub(crate) struct Cell<A: Actor> {
    pub(crate) id: ActorId,
    pub(crate) sender: InboxSender<Envelope<A>>,
    /// Pykka's "stopped" flag, inverted: false from the moment the actor starts stopping.
    pub(crate) alive: AtomicBool,
    /// Set by [`Context::stop`]; read after `on_start`.
    pub(crate) self_stop: AtomicBool,
    pub(crate) registry: ActorRegistry,
    /// The actor's thread, until someone joins it (boxed: a pooled actor has none, and its
    /// idle footprint counts).
    pub(crate) join: Mutex<Option<Box<ActorThread>>>,
    /// The stop requests: at most one stop envelope is ever queued; see [`Stops`].
    pub(crate) stops: Mutex<Stops>,
    /// Resolved by the runtime once the actor has fully stopped, with why.
    pub(crate) ending: Ending,
    pub(crate) state: Arc<ActorState>,
    /// The actor's own timers, fired by its runtime.
    pub(crate) timers: TimerCell<A>,
}

/// The stop requests of one actor.
///
/// A stop never waits for room in a bounded inbox (whoever asks may be the actor itself, or
/// may be unable to wait), so it is queued without taking a room token. To keep the inbox
/// bounded anyway, only the first request queues a stop envelope; later ones, which the actor
/// would reach only after that stop, wait in `waiters` and are answered when the actor has
/// stopped. A bounded inbox therefore holds at most its capacity plus one stop.
#[derive(Default)]
pub(crate) struct Stops {
    /// A stop envelope has been queued.
    queued: bool,
    /// The runtime has answered every stop: the actor has stopped, later requests answer false.
    closed: bool,
    /// A stop was requested from outside the actor's own handlers (`stop`, `stop_future`,
    /// `stop_all`): the actor ends for good whatever its restart type.
    requested: bool,
    /// Replies to stop requests made after the envelope was queued; answered `true` when dropped.
    waiters: Vec<StopReply>,
}

/// What a stop envelope without a reply slot turned out to be; see
/// [`ActorRef::classify_stop`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StopKind {
    /// Someone asked the actor to stop: it ends for good.
    Requested,
    /// The actor asked itself to stop ([`Context::stop`]).
    Own,
    /// Queued by an incarnation that failed before reaching it: ignore.
    Stale,
}

/// A reference to a running actor: cheap to clone, `Send + Sync`, usable from any thread.
///
/// Refs compare and hash by the actor's URN and display as `Calculator (urn:uuid:…)`. (Clippy's
/// `mutable_key_type` lint flags refs used as map keys because the shared state behind them
/// has atomics; the hash only reads the URN, which never changes. Key by [`ActorRef::id`] to
/// avoid the lint.)
///
/// # Examples
///
/// ```
/// use pykka::{Actor, Context};
///
/// struct Adder;
/// impl Actor for Adder {
///     type Message = (i32, i32);
///     type Reply = i32;
///     fn on_receive(&mut self, _ctx: &Context<Self>, (a, b): (i32, i32)) -> Result<i32, pykka::Unhandled> {
///         Ok(a + b)
///     }
/// }
///
/// let adder = Adder.start();
/// adder.tell((1, 1)).unwrap();                           // fire and forget
/// assert_eq!(adder.ask((2, 3)).unwrap(), 5);             // wait for the reply
/// let future = adder.ask_future((4, 5));                 // reply later
/// assert_eq!(future.get().unwrap(), 9);
/// assert!(adder.stop());
/// assert!(!adder.is_alive());
/// ```
pub struct ActorRef<A: Actor> {
    pub(crate) cell: Arc<Cell<A>>,
}

impl<A: Actor> ActorRef<A> {
    /// Creates the shared state of a new actor with inbox `sender` and registers it in
    /// `registry`. Whichever runtime drives it, an actor starts here; its runtime records its
    /// end in `cell.ending`.
    pub(crate) fn create(
        registry: &ActorRegistry,
        id: ActorId,
        state: Arc<ActorState>,
        sender: InboxSender<Envelope<A>>,
    ) -> Self {
        let actor_ref = ActorRef {
            cell: Arc::new(Cell {
                id,
                sender,
                alive: AtomicBool::new(true),
                self_stop: AtomicBool::new(false),
                registry: registry.clone(),
                join: Mutex::new(None),
                stops: Mutex::new(Stops::default()),
                ending: Ending::new(),
                state,
                timers: TimerCell::default(),
            }),
        };
        registry.register(&actor_ref);
        actor_ref
    }

    /// Returns the actor's identity (type name and URN).
    pub fn id(&self) -> &ActorId {
        &self.cell.id
    }

    /// Returns the actor's URN (`urn:uuid:…`).
    pub fn urn(&self) -> &str {
        self.cell.id.urn()
    }

    /// Returns the actor's type name.
    pub fn name(&self) -> &'static str {
        self.cell.id.name()
    }

    /// Returns false from the moment the actor starts stopping.
    ///
    /// This follows the stopped flag: a `true` does not promise that the actor will still be
    /// alive when your next message arrives.
    pub fn is_alive(&self) -> bool {
        self.cell.alive.load(Ordering::Acquire)
    }

    /// Returns how many messages wait in the actor's inbox.
    pub fn inbox_len(&self) -> usize {
        self.cell.sender.len()
    }

    #[cold]
    #[inline(never)]
    fn dead(&self) -> Error {
        Error::ActorDead {
            actor: self.cell.id.clone(),
        }
    }

    #[inline]
    fn enqueue(&self, envelope: Envelope<A>) -> Result<()> {
        self.cell.sender.send(envelope).map_err(|_| self.dead())
    }

    fn send_until(&self, envelope: Envelope<A>, deadline: Option<Instant>, after: Duration) -> Result<()> {
        let Some(deadline) = deadline else {
            return self.enqueue(envelope);
        };
        self.cell.sender.send_deadline(envelope, deadline).map_err(|e| match e {
            SendError::Closed(_) => self.dead(),
            SendError::Timeout(_) => Error::Timeout {
                actor: Some(self.cell.id.clone()),
                after,
            },
        })
    }

    /// Sends a message without waiting for a reply.
    ///
    /// Never blocks on an unbounded inbox; on a bounded one it waits for room.
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the actor has stopped (or is stopping).
    // Always inlined, with the channel's own `send`: a tell in a loop then stores its
    // envelope straight into the channel instead of passing it through two stack copies.
    #[inline(always)]
    pub fn tell(&self, message: A::Message) -> Result<()> {
        if !self.is_alive() {
            return Err(self.dead());
        }
        if self.cell.sender.send_with(|| Envelope::Tell(message)) {
            Ok(())
        } else {
            Err(self.dead())
        }
    }

    /// Sends `message` after `delay`, from a shared timer thread (started on first use; no
    /// thread per send), and returns a handle to [`cancel`](TimerHandle::cancel) it.
    ///
    /// The delay is a lower bound, measured by the clock of the actor's registry (see
    /// [`ActorRegistry::with_clock`]). The pending send holds the actor weakly: it never keeps
    /// a stopped actor's state alive, and if the actor has stopped when the send comes due
    /// (or already had when it was made), the message is dropped, silently. Sends do not wait
    /// for room: to a full bounded inbox the message is dropped, with a WARN log.
    ///
    /// # Panics
    ///
    /// If the timer thread is needed and the operating system refuses it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka::{Actor, ActorRegistry, Context, ManualClock, Unhandled};
    ///
    /// #[derive(Default)]
    /// struct Inbox { got: Vec<&'static str> }
    /// impl Actor for Inbox {
    ///     type Message = &'static str;
    ///     type Reply = Vec<&'static str>;
    ///     fn on_receive(&mut self, _ctx: &Context<Self>, msg: &'static str) -> Result<Self::Reply, Unhandled> {
    ///         if msg != "?" { self.got.push(msg); }
    ///         Ok(self.got.clone())
    ///     }
    /// }
    ///
    /// let clock = ManualClock::new();
    /// let registry = ActorRegistry::with_clock(clock.clone());
    /// let inbox = Inbox::default().start_in(&registry);
    /// inbox.tell_after(Duration::from_secs(2), "later");
    /// let never = inbox.tell_after(Duration::from_secs(1), "never");
    /// assert!(never.cancel());
    /// clock.advance(Duration::from_secs(2)); // delivered during the call
    /// assert_eq!(inbox.ask("?").unwrap(), ["later"]);
    /// inbox.stop();
    /// ```
    pub fn tell_after(&self, delay: Duration, message: A::Message) -> TimerHandle {
        self.schedule_weak(delay, move |target| {
            if let Err(TryTellError::Full { actor, .. }) = target.try_tell(message) {
                tracing::warn!(target: "pykka", actor = %actor, "Dropped a delayed message to {actor}: its inbox is full");
            }
        })
    }

    /// Schedules `deliver` on the shared timer thread after `delay`, holding this actor only
    /// weakly: if it has stopped (or its state is gone) by then, `deliver` is dropped unrun.
    pub(crate) fn schedule_weak(
        &self,
        delay: Duration,
        deliver: impl FnOnce(ActorRef<A>) + Send + 'static,
    ) -> TimerHandle {
        if !self.is_alive() {
            return TimerHandle::dropped();
        }
        let target = Arc::downgrade(&self.cell);
        delayed::schedule(
            self.cell.registry.clock(),
            delay,
            Box::new(move || {
                if let Some(cell) = target.upgrade() {
                    deliver(ActorRef { cell });
                }
            }),
        )
    }

    /// Queues work to run on the actor after `delay`, as [`tell_after`](Self::tell_after)
    /// does a message: for the proxies' `after(delay)` form.
    pub(crate) fn call_after<J: Job<A>>(&self, delay: Duration, job: J) -> TimerHandle {
        self.schedule_weak(delay, move |target| {
            let cell = &target.cell;
            if cell.alive.load(Ordering::Acquire)
                && let Err(TrySendError::Full(_)) = cell.sender.try_send(Envelope::Call(Call::new(job)))
            {
                let actor = &cell.id;
                tracing::warn!(target: "pykka", actor = %actor, "Dropped a delayed call to {actor}: its inbox is full");
            }
        })
    }

    /// Sends a message without a reply and without waiting: if the actor's bounded inbox is
    /// full, fails at once and hands the message back.
    ///
    /// On an unbounded inbox (the default) this is [`tell`](Self::tell), which never waits
    /// there either.
    ///
    /// # Errors
    ///
    /// [`TryTellError::Full`] if the bounded inbox has no room, [`TryTellError::Dead`] if the
    /// actor has stopped (or is stopping); both hand the message back
    /// ([`TryTellError::into_inner`]) and convert into [`Error::InboxFull`] and
    /// [`Error::ActorDead`].
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, Context, Unhandled};
    /// use std::sync::mpsc::{Receiver, channel};
    ///
    /// /// Room for one message; starts once `go` is sent.
    /// struct Worker(Receiver<()>);
    /// impl Actor for Worker {
    ///     type Message = u32;
    ///     type Reply = ();
    ///     const INBOX_CAPACITY: Option<usize> = Some(1);
    ///     fn on_start(&mut self, _ctx: &Context<Self>) {
    ///         self.0.recv().unwrap();
    ///     }
    ///     fn on_receive(&mut self, _ctx: &Context<Self>, _job: u32) -> Result<(), Unhandled> {
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let (go, gate) = channel();
    /// let worker = Worker(gate).start();
    /// worker.tell(1).unwrap(); // takes the one place
    /// let err = worker.try_tell(2).unwrap_err(); // no room: fails at once
    /// assert!(err.is_full());
    /// assert_eq!(err.into_inner(), 2);
    ///
    /// go.send(()).unwrap();
    /// worker.ask(3).unwrap(); // waits for room, then for the reply
    /// worker.try_tell(4).unwrap(); // room again
    /// worker.stop();
    /// ```
    pub fn try_tell(&self, message: A::Message) -> std::result::Result<(), TryTellError<A::Message>> {
        let actor = || self.cell.id.clone();
        if !self.is_alive() {
            return Err(TryTellError::Dead {
                actor: actor(),
                message,
            });
        }
        let unsent = match self.cell.sender.try_send(Envelope::Tell(message)) {
            Ok(()) => return Ok(()),
            Err(unsent) => unsent,
        };
        Err(match unsent {
            TrySendError::Full(Envelope::Tell(message)) => TryTellError::Full {
                actor: actor(),
                message,
            },
            TrySendError::Closed(Envelope::Tell(message)) => TryTellError::Dead {
                actor: actor(),
                message,
            },
            TrySendError::Full(_) | TrySendError::Closed(_) => unreachable!("the envelope sent is a tell"),
        })
    }

    /// Sends a message and returns a future for the reply, without waiting for the reply.
    ///
    /// On a bounded inbox it waits for room, like [`tell`](Self::tell); use
    /// [`ask_timeout`](Self::ask_timeout) to bound that wait, or
    /// [`try_tell`](Self::try_tell) not to wait at all.
    ///
    /// If the actor is dead, the future has already failed with [`Error::ActorDead`]; if it
    /// stops before handling the message, the future fails with it then.
    pub fn ask_future(&self, message: A::Message) -> Future<A::Reply> {
        self.ask_until(message, None, Duration::ZERO)
            .unwrap_or_else(|e| Future::failed_for(e, Some(self.cell.id.clone())))
    }

    fn ask_until(&self, message: A::Message, deadline: Option<Instant>, after: Duration) -> Result<Future<A::Reply>> {
        if !self.is_alive() {
            return Err(self.dead());
        }
        let (promise, future) = Promise::with_fulfiller(Some(self.cell.id.clone()));
        self.send_until(Envelope::Ask(message, promise), deadline, after)?;
        Ok(future)
    }

    /// Sends a message and blocks until the reply arrives.
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the actor is or becomes dead before replying,
    /// [`Error::Panicked`] if the handler panicked, [`Error::Unhandled`] if `on_receive` did not
    /// handle the message, [`Error::Deadlock`] if called from the actor's own thread.
    #[inline]
    pub fn ask(&self, message: A::Message) -> Result<A::Reply> {
        self.ask_until(message, None, Duration::ZERO)?.wait()
    }

    /// Like [`ask`](Self::ask), but gives up after `timeout` (which also bounds the wait for
    /// room in a bounded inbox).
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if no reply came in time, else as [`ask`](Self::ask).
    pub fn ask_timeout(&self, message: A::Message, timeout: Duration) -> Result<A::Reply> {
        let deadline = Instant::now() + timeout;
        let future = self.ask_until(message, Some(deadline), timeout)?;
        match future.wait_timeout(deadline.saturating_duration_since(Instant::now())) {
            Err(Error::Timeout { actor, .. }) => Err(Error::Timeout { actor, after: timeout }),
            other => other,
        }
    }

    /// Runs `f` on the actor's thread, after the messages already queued, and returns a
    /// future of its result.
    ///
    /// A panic in `f` fails the future with [`Error::Panicked`]; the actor keeps running.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, Context};
    ///
    /// struct Counter(u32);
    /// impl Actor for Counter { type Message = (); type Reply = (); }
    ///
    /// let counter = Counter(0).start();
    /// counter.tell_with(|c, _ctx| c.0 += 2).unwrap();
    /// assert_eq!(counter.ask_with(|c, _ctx| c.0).get().unwrap(), 2);
    /// counter.stop();
    /// ```
    pub fn ask_with<R, F>(&self, f: F) -> Future<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut A, &Context<A>) -> R + Send + 'static,
    {
        let (promise, future) = Promise::with_fulfiller(Some(self.cell.id.clone()));
        match self.call(AskWith { promise, f }) {
            Ok(()) => future,
            Err(e) => Future::failed_for(e, Some(self.cell.id.clone())),
        }
    }

    /// Runs `f` on the actor's thread, after the messages already queued, without a reply.
    ///
    /// A panic in `f` is a failure of the actor: it calls `on_failure` and stops.
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the actor has stopped.
    pub fn tell_with<F>(&self, f: F) -> Result<()>
    where
        F: FnOnce(&mut A, &Context<A>) + Send + 'static,
    {
        self.call(TellWith(f))
    }

    /// Sends a generated proxy message (or any [`Dispatch`] message) to the actor.
    ///
    /// The message carries its own [`Reply`](crate::Reply) slot. These are Pykka's
    /// `ProxyCall`, `ProxyGetAttr` and `ProxySetAttr` messages: a proxy builds the same message
    /// on the actor's thread from the arguments it sends; this is how you send one without a
    /// proxy.
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the actor has stopped; the message's reply slot then fails with
    /// the same error.
    pub fn send<M: Dispatch<A>>(&self, message: M) -> Result<()> {
        self.call(Message(message))
    }

    /// Queues work to run on the actor. A panic that escapes it is a failure.
    #[inline]
    pub(crate) fn call<J: Job<A>>(&self, job: J) -> Result<()> {
        if !self.is_alive() {
            return Err(self.dead());
        }
        self.enqueue(Envelope::Call(Call::new(job)))
    }

    /// [`call`](Self::call), waiting for room in a bounded inbox until `limit`'s deadline at
    /// most (`None`: as long as it takes).
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the actor has stopped, [`Error::Timeout`] (with the limit's
    /// timeout) if the room did not come in time.
    #[inline]
    pub(crate) fn call_limited<J: Job<A>>(&self, job: J, limit: Option<Limit>) -> Result<()> {
        let Some(limit) = limit else {
            return self.call(job);
        };
        if !self.is_alive() {
            return Err(self.dead());
        }
        self.send_until(Envelope::Call(Call::new(job)), Some(limit.deadline), limit.timeout)
    }

    /// Asks the actor to stop and waits until it has.
    ///
    /// Messages queued before the stop are handled first; later ones are answered with
    /// [`Error::ActorDead`]. Returns true if the actor was alive or already stopping (after a
    /// failure too), false if it had already stopped. Once it returns, the actor's thread has
    /// finished ([`is_terminated`](Self::is_terminated) is true). Called from the actor's own
    /// thread it cannot wait for itself: it queues the stop (like [`Context::stop`]) and returns
    /// true. If deadlock detection finds the actor waiting on the calling actor, it returns false
    /// without waiting (the stop stays queued).
    ///
    /// The stop request never waits for room in a bounded inbox: it is queued even into a full
    /// one (see [`stop_future`](Self::stop_future)).
    ///
    /// # Examples
    ///
    /// ```
    /// # use pykka::{Actor, Context};
    /// # struct Idle;
    /// # impl Actor for Idle { type Message = (); type Reply = (); }
    /// let actor = Idle.start();
    /// assert!(actor.stop());
    /// assert!(actor.is_terminated());
    /// assert!(!actor.stop()); // already dead
    /// ```
    pub fn stop(&self) -> bool {
        if self.on_own_thread() {
            self.request_self_stop();
            return true;
        }
        // A wait that fails is a deadlock found (the actor waits on this thread, which waits on
        // it): the stop stays queued, and this thread gives up waiting instead of hanging.
        let Ok(stopped) = self.stop_future().wait() else {
            return false;
        };
        if self.wait_terminated().is_ok() {
            self.join_thread();
        }
        stopped
    }

    /// Waits for the actor's end without a deadline. Fails only with [`Error::Deadlock`], when
    /// the actor is (transitively) waiting on this thread.
    fn wait_terminated(&self) -> Result<()> {
        if self.cell.ending.is_ended() {
            // Ended already (the usual case after a stop's answer): no future to make.
            return Ok(());
        }
        match self.termination().get() {
            Err(error @ Error::Deadlock { .. }) => Err(error),
            // A start that failed drops the promise unset: the actor has ended all the same.
            _ => Ok(()),
        }
    }

    /// Like [`stop`](Self::stop), but waits at most `timeout`, in all: for the actor to reach
    /// the stop and for its thread to finish.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if the actor's thread had not finished in time (it still stops
    /// later).
    ///
    /// # Examples
    ///
    /// ```
    /// # use pykka::{Actor, Context};
    /// # use std::time::Duration;
    /// # struct Idle;
    /// # impl Actor for Idle { type Message = (); type Reply = (); }
    /// let actor = Idle.start();
    /// assert_eq!(actor.stop_timeout(Duration::from_secs(5)), Ok(true));
    /// assert!(actor.is_terminated());
    /// ```
    pub fn stop_timeout(&self, timeout: Duration) -> Result<bool> {
        if self.on_own_thread() {
            self.request_self_stop();
            return Ok(true);
        }
        let deadline = Instant::now() + timeout;
        let stopped = match self.stop_future().get_timeout(timeout) {
            Ok(stopped) => stopped,
            Err(Error::Timeout { actor, .. }) => return Err(Error::Timeout { actor, after: timeout }),
            Err(_) => false,
        };
        self.join_until(deadline, timeout)?;
        Ok(stopped)
    }

    /// Asks the actor to stop and returns a future of [`stop`](Self::stop)'s answer, without
    /// waiting, not even for room in a bounded inbox.
    ///
    /// The first stop request is queued even into a full bounded inbox (one place beyond its
    /// capacity); a request made while a stop is already queued queues nothing and is answered
    /// with it, since the actor stops at the first one anyway.
    ///
    /// # Examples
    ///
    /// ```
    /// # use pykka::{Actor, Context};
    /// # struct Idle;
    /// # impl Actor for Idle { type Message = (); type Reply = (); }
    /// let actor = Idle.start();
    /// let first = actor.stop_future();
    /// let second = actor.stop_future();
    /// assert_eq!(first.get(), Ok(true));
    /// assert_eq!(second.get(), Ok(true));
    /// assert_eq!(actor.stop_future().get(), Ok(false)); // already stopped
    /// ```
    pub fn stop_future(&self) -> Future<bool> {
        let mut stops = lock(&self.cell.stops);
        if stops.closed {
            return Future::ready(false);
        }
        stops.requested = true;
        let (promise, future) = Promise::with_fulfiller(Some(self.cell.id.clone()));
        let reply = StopReply::new(promise);
        if stops.queued {
            stops.waiters.push(reply);
            return future;
        }
        stops.queued = true;
        drop(stops);
        match self.cell.sender.send_untokened(Envelope::Stop(Some(reply))) {
            Ok(()) => future,
            Err(_) => Future::ready(false),
        }
    }

    /// Queues a stop without a reply slot, unless one is queued already. Like every stop, it
    /// skips a bounded inbox's room check: the actor must never wait for room in its own inbox.
    pub(crate) fn request_self_stop(&self) {
        self.cell.self_stop.store(true, Ordering::Release);
        let mut stops = lock(&self.cell.stops);
        if stops.closed || stops.queued {
            return;
        }
        stops.queued = true;
        drop(stops);
        let _ = self.cell.sender.send_untokened(Envelope::Stop(None));
    }

    /// Classifies a stop envelope without a reply slot that the actor of a restarting runtime
    /// has reached: a requested stop (someone else waits on it), the actor's own stop, or a
    /// stale one, queued by an incarnation that failed before reaching it. Unless requested,
    /// a later self-stop may queue a new envelope.
    pub(crate) fn classify_stop(&self) -> StopKind {
        let mut stops = lock(&self.cell.stops);
        if stops.requested {
            return StopKind::Requested;
        }
        stops.queued = false;
        if self.cell.self_stop.swap(false, Ordering::AcqRel) {
            StopKind::Own
        } else {
            StopKind::Stale
        }
    }

    /// Returns a future of the actor's [`Termination`]: why it ended for good. It resolves
    /// once, when the actor's thread has finished (as [`is_terminated`](Self::is_terminated)
    /// turns true); a restart in place does not resolve it.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, Context, Termination, Unhandled};
    ///
    /// struct Fragile;
    /// impl Actor for Fragile {
    ///     type Message = ();
    ///     type Reply = ();
    ///     fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<(), Unhandled> {
    ///         panic!("broken")
    ///     }
    /// }
    ///
    /// let actor = Fragile.start();
    /// actor.tell(()).unwrap();
    /// let termination = actor.termination().get().unwrap();
    /// assert_eq!(termination, Termination::Failed { message: "broken".into() });
    /// ```
    pub fn termination(&self) -> Future<Termination> {
        self.cell.ending.future(&self.cell.id)
    }

    /// Asks the actor to tear down its state and rebuild it in place once `go` resolves; see
    /// [`AnyActorRef::restart_in_place`]. Returns the futures of the teardown and of the
    /// rebuilt state's `on_start` (both fail with [`Error::ActorDead`] if the actor ends
    /// first).
    pub(crate) fn restart_in_place(&self, go: Future<()>) -> (Future<()>, Future<()>) {
        let (torn_down, torn_down_future) = Promise::with_fulfiller(Some(self.cell.id.clone()));
        let (started, started_future) = Promise::with_fulfiller(Some(self.cell.id.clone()));
        let request = Box::new(InPlace { go, torn_down, started });
        // Refused (the actor has stopped): dropping the request fails both futures.
        let _ = self.cell.sender.send_untokened(Envelope::Restart(request));
        (torn_down_future, started_future)
    }

    /// Wakes the runtime while it waits between incarnations (see `threading::Life::wait`),
    /// or to fire its due timers. Returns false if the inbox is closed.
    pub(crate) fn wake(&self) -> bool {
        self.cell.sender.send_untokened(Envelope::Wake).is_ok()
    }

    /// Answers every stop request still waiting, and makes later ones answer false: the actor
    /// has stopped and its inbox is closed. Called once, by the runtime.
    pub(crate) fn close_stops(&self) {
        let waiters = {
            let mut stops = lock(&self.cell.stops);
            stops.closed = true;
            std::mem::take(&mut stops.waiters)
        };
        drop(waiters);
    }

    /// Waits until the actor has stopped, whoever stopped it, and its thread has finished.
    ///
    /// # Errors
    ///
    /// [`Error::Deadlock`] at once if called from the actor's own thread, which would wait for
    /// itself forever, or when deadlock detection finds the actor waiting (through other
    /// actors) on the calling actor.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, Context, Unhandled};
    ///
    /// struct OneShot;
    /// impl Actor for OneShot {
    ///     type Message = ();
    ///     type Reply = ();
    ///     fn on_receive(&mut self, ctx: &Context<Self>, (): ()) -> Result<(), Unhandled> {
    ///         ctx.stop(); // done after one message
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let actor = OneShot.start();
    /// actor.tell(()).unwrap();
    /// actor.join().unwrap();
    /// assert!(actor.is_terminated());
    /// ```
    pub fn join(&self) -> Result<()> {
        if self.on_own_thread() {
            return Err(self.deadlock());
        }
        self.wait_terminated()?;
        self.join_thread();
        Ok(())
    }

    /// Like [`join`](Self::join), but waits at most `timeout`.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if the actor's thread had not finished in time,
    /// [`Error::Deadlock`] at once if called from the actor's own thread, or when deadlock
    /// detection finds the actor waiting on the calling actor.
    ///
    /// # Examples
    ///
    /// ```
    /// # use pykka::{Actor, Context};
    /// # use std::time::Duration;
    /// # struct Idle;
    /// # impl Actor for Idle { type Message = (); type Reply = (); }
    /// let actor = Idle.start();
    /// let err = actor.join_timeout(Duration::from_millis(10)).unwrap_err();
    /// assert!(err.is_timeout()); // nobody stopped it
    /// actor.stop_future();
    /// actor.join_timeout(Duration::from_secs(5)).unwrap();
    /// ```
    pub fn join_timeout(&self, timeout: Duration) -> Result<()> {
        if self.on_own_thread() {
            return Err(self.deadlock());
        }
        self.join_until(Instant::now() + timeout, timeout)
    }

    /// Waits for the thread to finish until `deadline`; `after` is the timeout reported.
    fn join_until(&self, deadline: Instant, after: Duration) -> Result<()> {
        if self.cell.ending.is_ended() {
            self.join_thread();
            return Ok(());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match self.termination().get_timeout(left) {
            Err(error @ Error::Deadlock { .. }) => return Err(error),
            Err(_) if !self.cell.ending.is_ended() => {
                return Err(Error::Timeout {
                    actor: Some(self.cell.id.clone()),
                    after,
                });
            }
            _ => {}
        }
        self.join_thread();
        Ok(())
    }

    /// Returns true once the actor's thread has finished: its hooks have run, its state has been
    /// dropped and its inbox closed.
    ///
    /// [`is_alive`](Self::is_alive) goes false as soon as the actor starts stopping, while it
    /// may still be inside [`on_stop`](crate::Actor::on_stop) or
    /// [`on_failure`](crate::Actor::on_failure); this goes true only when all of that is over.
    ///
    /// # Examples
    ///
    /// ```
    /// # use pykka::{Actor, Context};
    /// # struct Idle;
    /// # impl Actor for Idle { type Message = (); type Reply = (); }
    /// let actor = Idle.start();
    /// assert!(actor.is_alive() && !actor.is_terminated());
    /// actor.stop();
    /// assert!(!actor.is_alive() && actor.is_terminated());
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.cell.ending.is_ended()
    }

    #[cold]
    #[inline(never)]
    fn deadlock(&self) -> Error {
        Error::Deadlock {
            cycle: vec![self.cell.id.clone()],
        }
    }

    fn join_thread(&self) {
        let thread = lock(&self.cell.join).take();
        if let Some(thread) = thread {
            thread.join();
        }
    }

    /// Whether the calling thread is running this actor now (its own thread, or a pool worker
    /// in one of its turns).
    pub(crate) fn on_own_thread(&self) -> bool {
        crate::current::is(&self.cell)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<A: Actor> Clone for ActorRef<A> {
    fn clone(&self) -> Self {
        ActorRef {
            cell: self.cell.clone(),
        }
    }
}

impl<A: Actor> PartialEq for ActorRef<A> {
    fn eq(&self, other: &Self) -> bool {
        self.cell.id == other.cell.id
    }
}

impl<A: Actor> Eq for ActorRef<A> {}

impl<A: Actor> Hash for ActorRef<A> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.cell.id.hash(state);
    }
}

impl<A: Actor> fmt::Display for ActorRef<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cell.id, f)
    }
}

impl<A: Actor> fmt::Debug for ActorRef<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<ActorRef for {}>", self.cell.id)
    }
}

/// The job of [`ActorRef::ask_with`]: a closure whose result answers a promise.
struct AskWith<F, R> {
    promise: Promise<R>,
    f: F,
}

impl<A: Actor, R: Send + 'static, F: FnOnce(&mut A, &Context<A>) -> R + Send + 'static> Job<A> for AskWith<F, R> {
    fn label(&self) -> &'static str {
        "ask_with"
    }

    fn run(self, actor: &mut A, ctx: &Context<A>) {
        let f = self.f;
        crate::proxy::Reply::ask(self.promise).run(|| f(actor, ctx));
    }
}

/// The job of [`ActorRef::tell_with`]: a closure without a reply.
struct TellWith<F>(F);

impl<A: Actor, F: FnOnce(&mut A, &Context<A>) + Send + 'static> Job<A> for TellWith<F> {
    fn label(&self) -> &'static str {
        "tell_with"
    }

    fn run(self, actor: &mut A, ctx: &Context<A>) {
        (self.0)(actor, ctx);
    }
}

/// The job of [`ActorRef::send`]: a message applied to the actor, which answers its own
/// reply slot.
struct Message<M>(M);

impl<A: Actor, M: Dispatch<A>> Job<A> for Message<M> {
    fn label(&self) -> &'static str {
        self.0.label()
    }

    fn run(self, actor: &mut A, _ctx: &Context<A>) {
        self.0.dispatch(actor);
    }
}
