//! [`ActorRegistry`]: every running actor, to look up, broadcast to and stop.

use std::any::{Any, TypeId};
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

mod stop_chain;

pub(crate) use self::stop_chain::StopChain;
use crate::actor::Actor;
use crate::actor_id::{ActorId, KeyMap};
use crate::actor_ref::{ActorRef, Cell};
use crate::error::{Error, Result};
use crate::future::Future;
use crate::interface::Interface;
use crate::start_order::StartOrder;
use crate::termination::Termination;
use crate::timers::Clock;

/// The type-erased face of an `ActorRef<A>`, for the registry.
/// What [`AnyActorRef`] asks of the actor behind it: implemented by an actor's shared cell
/// itself, so that erasing an [`ActorRef`]'s type reuses its allocation (a start registers
/// one, a pooled start puts one in its pool's list). The calls that need the typed ref take
/// the cell's `Arc` and make one.
trait ErasedRef: Send + Sync {
    fn id(&self) -> &ActorId;
    fn actor_type(&self) -> TypeId;
    fn message_type(&self) -> TypeId;
    fn is_alive(&self) -> bool;
    fn stop(self: Arc<Self>) -> bool;
    fn stop_future(self: Arc<Self>) -> Future<bool>;
    fn stop_timeout(self: Arc<Self>, timeout: Duration) -> Result<bool>;
    fn join(self: Arc<Self>) -> Result<()>;
    fn join_timeout(self: Arc<Self>, timeout: Duration) -> Result<()>;
    fn is_terminated(self: Arc<Self>) -> bool;
    fn termination(self: Arc<Self>) -> Future<Termination>;
    fn restart_in_place(self: Arc<Self>, go: Future<()>) -> (Future<()>, Future<()>);
    fn on_own_thread(self: Arc<Self>) -> bool;
    fn is_daemon(&self) -> bool;
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
    /// The actor type's [`Actor::INTERFACES`].
    fn implementations(&self) -> &'static [crate::Implementation];
    /// Tells `message` (which must be the actor's `Message` type) to the actor.
    fn tell_any(self: Arc<Self>, message: Box<dyn Any + Send>) -> Result<()>;
}

impl<A: Actor> ErasedRef for Cell<A> {
    fn id(&self) -> &ActorId {
        &self.id
    }
    fn actor_type(&self) -> TypeId {
        TypeId::of::<A>()
    }
    fn message_type(&self) -> TypeId {
        TypeId::of::<A::Message>()
    }
    fn is_alive(&self) -> bool {
        self.alive.load(std::sync::atomic::Ordering::Acquire)
    }
    fn stop(self: Arc<Self>) -> bool {
        ActorRef { cell: self }.stop()
    }
    fn stop_future(self: Arc<Self>) -> Future<bool> {
        ActorRef { cell: self }.stop_future()
    }
    fn stop_timeout(self: Arc<Self>, timeout: Duration) -> Result<bool> {
        ActorRef { cell: self }.stop_timeout(timeout)
    }
    fn join(self: Arc<Self>) -> Result<()> {
        ActorRef { cell: self }.join()
    }
    fn join_timeout(self: Arc<Self>, timeout: Duration) -> Result<()> {
        ActorRef { cell: self }.join_timeout(timeout)
    }
    fn is_terminated(self: Arc<Self>) -> bool {
        ActorRef { cell: self }.is_terminated()
    }
    fn termination(self: Arc<Self>) -> Future<Termination> {
        ActorRef { cell: self }.termination()
    }
    fn restart_in_place(self: Arc<Self>, go: Future<()>) -> (Future<()>, Future<()>) {
        ActorRef { cell: self }.restart_in_place(go)
    }
    fn on_own_thread(self: Arc<Self>) -> bool {
        ActorRef { cell: self }.on_own_thread()
    }
    fn is_daemon(&self) -> bool {
        A::DAEMON
    }
    fn implementations(&self) -> &'static [crate::Implementation] {
        A::INTERFACES
    }
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
    fn tell_any(self: Arc<Self>, message: Box<dyn Any + Send>) -> Result<()> {
        match message.downcast::<A::Message>() {
            Ok(m) => ActorRef { cell: self }.tell(*m),
            Err(_) => Ok(()),
        }
    }
}

/// A reference to an actor of any type, as the registry returns it.
///
/// Compares and hashes by URN, displays as `Name (urn:uuid:…)`. Get the typed
/// [`ActorRef`] back with [`downcast`](AnyActorRef::downcast).
#[derive(Clone)]
pub struct AnyActorRef {
    inner: Arc<dyn ErasedRef>,
}

impl AnyActorRef {
    /// Returns the actor's identity.
    pub fn id(&self) -> &ActorId {
        self.inner.id()
    }

    /// Returns the actor's URN.
    pub fn urn(&self) -> &str {
        self.inner.id().urn()
    }

    /// Returns the actor's type name.
    pub fn name(&self) -> &'static str {
        self.inner.id().name()
    }

    /// Returns false from the moment the actor starts stopping.
    pub fn is_alive(&self) -> bool {
        self.inner.is_alive()
    }

    /// Returns true once the actor's thread has finished; see [`ActorRef::is_terminated`].
    pub fn is_terminated(&self) -> bool {
        self.inner.clone().is_terminated()
    }

    /// Stops the actor and waits until it has; see [`ActorRef::stop`].
    pub fn stop(&self) -> bool {
        self.inner.clone().stop()
    }

    /// Like [`stop`](Self::stop), but waits at most `timeout`; see [`ActorRef::stop_timeout`].
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if the actor's thread had not finished in time.
    pub fn stop_timeout(&self, timeout: Duration) -> Result<bool> {
        self.inner.clone().stop_timeout(timeout)
    }

    /// Waits until the actor's thread has finished; see [`ActorRef::join`].
    ///
    /// # Errors
    ///
    /// [`Error::Deadlock`] if called from the actor's own thread.
    pub fn join(&self) -> Result<()> {
        self.inner.clone().join()
    }

    /// Like [`join`](Self::join), but waits at most `timeout`; see [`ActorRef::join_timeout`].
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if the thread had not finished in time, [`Error::Deadlock`] if called
    /// from the actor's own thread.
    pub fn join_timeout(&self, timeout: Duration) -> Result<()> {
        self.inner.clone().join_timeout(timeout)
    }

    /// Returns a future of the actor's [`Termination`]; see [`ActorRef::termination`].
    pub fn termination(&self) -> Future<Termination> {
        self.inner.clone().termination()
    }

    /// Asks a running actor to tear down its state and rebuild it in place, without a
    /// failure: a supervisor's restart of a sibling.
    ///
    /// The request is queued like a stop (it bypasses a bounded inbox's room). Once the actor
    /// reaches it, it runs `on_stop` (a requested teardown, not a failure), drops its state,
    /// resolves `torn_down`, then waits for `go` (messages queue meanwhile), then rebuilds
    /// (factory + `on_start`; a panic there is a failure, which goes to its parent or policy)
    /// and resolves `started`. If `go` fails, the actor stops for good
    /// ([`Termination::Stopped`]); a stop request arriving while it waits for `go` ends it
    /// too. Returns `(torn_down, started)`; both fail with [`Error::ActorDead`] if the actor
    /// ends before reaching that point.
    #[allow(dead_code, reason = "the supervisor is built on it")]
    pub(crate) fn restart_in_place(&self, go: Future<()>) -> (Future<()>, Future<()>) {
        self.inner.clone().restart_in_place(go)
    }

    /// Asks the actor to stop without waiting; see [`ActorRef::stop_future`].
    pub fn stop_future(&self) -> Future<bool> {
        self.inner.clone().stop_future()
    }

    /// Returns true if the actor is an `A`.
    pub fn is<A: Actor>(&self) -> bool {
        self.inner.actor_type() == TypeId::of::<A>()
    }

    /// The interfaces the actor's type lists in [`Actor::INTERFACES`].
    pub(crate) fn implementations(&self) -> &'static [crate::Implementation] {
        self.inner.implementations()
    }

    /// Returns the typed reference if the actor is an `A`.
    pub fn downcast<A: Actor>(&self) -> Option<ActorRef<A>> {
        self.inner
            .clone()
            .into_any()
            .downcast::<Cell<A>>()
            .ok()
            .map(|cell| ActorRef { cell })
    }

    /// Tells `message` to the actor if its [`Message`](Actor::Message) type is `M`.
    ///
    /// Returns `Ok(false)` (and sends nothing) if the actor takes another message type.
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the actor has stopped.
    pub fn tell_any<M: Send + 'static>(&self, message: M) -> Result<bool> {
        if self.inner.message_type() != TypeId::of::<M>() {
            return Ok(false);
        }
        self.inner.clone().tell_any(Box::new(message)).map(|()| true)
    }
}

impl PartialEq for AnyActorRef {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl Eq for AnyActorRef {}

impl Hash for AnyActorRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl<A: Actor> PartialEq<ActorRef<A>> for AnyActorRef {
    fn eq(&self, other: &ActorRef<A>) -> bool {
        self.id() == other.id()
    }
}

impl<A: Actor> From<ActorRef<A>> for AnyActorRef {
    fn from(r: ActorRef<A>) -> Self {
        AnyActorRef { inner: r.cell }
    }
}

impl fmt::Display for AnyActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.id(), f)
    }
}

impl fmt::Debug for AnyActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<ActorRef for {}>", self.id())
    }
}

/// The registry of running actors: look them up, broadcast to them, stop them all.
///
/// [`Actor::start`] registers actors in the process-wide [`ActorRegistry::global`] registry;
/// [`Actor::start_in`] uses another one, which scopes lookups and `stop_all` (tests running in
/// parallel each use their own). Registries are cheap to clone and thread-safe. Actors are kept
/// in start order; [`stop_all`](Self::stop_all) stops the last started first.
///
/// # Examples
///
/// ```
/// use pykka::{Actor, ActorRegistry};
///
/// struct Worker;
/// impl Actor for Worker { type Message = (); type Reply = (); }
///
/// let registry = ActorRegistry::new();
/// let a = Worker.start_in(&registry);
/// let b = Worker.start_in(&registry);
/// assert_eq!(registry.get_by_type::<Worker>(), vec![a.clone(), b.clone()]);
/// assert_eq!(registry.get_by_urn(a.urn()).unwrap(), a);
/// assert_eq!(registry.stop_all(), vec![true, true]);
/// assert!(registry.get_all().is_empty());
/// ```
#[derive(Clone, Default)]
pub struct ActorRegistry {
    actors: Arc<Mutex<Entries>>,
    /// The clock of its actors' timers and of delayed sends to them.
    clock: Clock,
}

/// The registered actors: in start order, and found by identity without a scan, so that
/// registering and unregistering stay cheap with thousands of actors (a scan made starting
/// and stopping n actors cost n² comparisons).
#[derive(Default)]
struct Entries {
    /// The actors by registration number: iterating gives start order.
    in_order: StartOrder<AnyActorRef>,
    /// Actor identity ([`ActorId::key`]) to registration number.
    number_of: KeyMap<u128, u64>,
    /// Actors that were registered when they started stopping and whose thread has not
    /// finished yet: out of the lookups, still waited for by `join_all` and `stop_all`.
    stopping: KeyMap<u128, AnyActorRef>,
}

impl Entries {
    /// Adds `actor` last; returns false (and adds nothing) if it is already there.
    fn insert(&mut self, actor: AnyActorRef) -> bool {
        let key = actor.id().key();
        if self.number_of.contains_key(&key) {
            return false;
        }
        let number = self.in_order.push(actor);
        self.number_of.insert(key, number);
        true
    }

    /// Removes the actor with identity `key`; returns false if it was not there.
    fn remove(&mut self, key: u128) -> bool {
        match self.number_of.remove(&key) {
            Some(number) => self.in_order.remove(number).is_some(),
            None => false,
        }
    }

    /// The actors, in start order.
    fn iter(&self) -> impl DoubleEndedIterator<Item = &AnyActorRef> {
        self.in_order.values()
    }

    fn len(&self) -> usize {
        self.in_order.len()
    }

    /// The registered actors, then the stopping ones: everything a wait must see.
    fn awaited(&self) -> Vec<AnyActorRef> {
        self.in_order.values().chain(self.stopping.values()).cloned().collect()
    }
}

impl ActorRegistry {
    /// Returns the process-wide registry that [`Actor::start`] uses.
    pub fn global() -> &'static ActorRegistry {
        static GLOBAL: OnceLock<ActorRegistry> = OnceLock::new();
        GLOBAL.get_or_init(ActorRegistry::new)
    }

    /// Creates an empty registry, for actors started with [`Actor::start_in`].
    pub fn new() -> Self {
        ActorRegistry::default()
    }

    /// Creates an empty registry whose actors measure their timers, and the delayed sends to
    /// them, with `clock`: a [`ManualClock`](crate::ManualClock) for tests.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka::{ActorRegistry, ManualClock};
    ///
    /// let clock = ManualClock::new();
    /// let registry = ActorRegistry::with_clock(clock.clone());
    /// let start = registry.clock().now();
    /// clock.advance(Duration::from_secs(60));
    /// assert_eq!(registry.clock().now() - start, Duration::from_secs(60));
    /// ```
    pub fn with_clock(clock: impl Into<Clock>) -> Self {
        ActorRegistry {
            clock: clock.into(),
            ..ActorRegistry::default()
        }
    }

    /// Returns the clock of the registry's actors: real time unless made
    /// [`with_clock`](Self::with_clock).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.actors.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds an actor. Starting an actor does this; call it only to re-register one you
    /// unregistered by hand. Registering an actor twice keeps one entry.
    pub fn register<A: Actor>(&self, actor_ref: &ActorRef<A>) {
        if !self.lock().insert(actor_ref.clone().into()) {
            return;
        }
        tracing::debug!(target: "pykka", actor = %actor_ref.id(), "Registered {}", actor_ref.id());
    }

    /// Removes an actor. Returns false (and does nothing) if it was not registered.
    pub fn unregister<A: Actor>(&self, actor_ref: &ActorRef<A>) -> bool {
        let removed = self.lock().remove(actor_ref.id().key());
        if removed {
            tracing::debug!(target: "pykka", actor = %actor_ref.id(), "Unregistered {}", actor_ref.id());
        }
        removed
    }

    /// Takes a stopping actor out of the lookups, keeping it for the waits until
    /// [`finished`](Self::finished). An actor that was not registered (never, or unregistered
    /// by hand) is not kept.
    pub(crate) fn begin_stopping<A: Actor>(&self, actor_ref: &ActorRef<A>) {
        let key = actor_ref.id().key();
        let moved = {
            let mut entries = self.lock();
            let number = entries.number_of.remove(&key);
            match number.and_then(|n| entries.in_order.remove(n)) {
                Some(actor) => {
                    entries.stopping.insert(key, actor);
                    true
                }
                None => false,
            }
        };
        if moved {
            tracing::debug!(target: "pykka", actor = %actor_ref.id(), "Unregistered {}", actor_ref.id());
        }
    }

    /// Forgets a stopping actor: its thread has finished.
    pub(crate) fn finished<A: Actor>(&self, actor_ref: &ActorRef<A>) {
        self.lock().stopping.remove(&actor_ref.id().key());
    }

    /// Returns every registered actor, in start order.
    pub fn get_all(&self) -> Vec<AnyActorRef> {
        self.lock().iter().cloned().collect()
    }

    /// Returns how many actors are registered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Returns true if no actor is registered.
    pub fn is_empty(&self) -> bool {
        self.lock().len() == 0
    }

    /// Returns every running actor of type `A` (Pykka's `get_by_class`).
    pub fn get_by_type<A: Actor>(&self) -> Vec<ActorRef<A>> {
        self.lock().iter().filter_map(AnyActorRef::downcast::<A>).collect()
    }

    /// Returns every running actor whose [`Actor::name`] is `name` (Pykka's
    /// `get_by_class_name`).
    pub fn get_by_name(&self, name: &str) -> Vec<AnyActorRef> {
        self.lock().iter().filter(|a| a.name() == name).cloned().collect()
    }

    /// Returns the actor with this URN, or `None`.
    pub fn get_by_urn(&self, urn: &str) -> Option<AnyActorRef> {
        self.lock().iter().find(|a| a.urn() == urn).cloned()
    }

    /// Returns the proxy for the interface `I` (`dyn Trait`) of every running actor whose type
    /// lists `I` in [`Actor::INTERFACES`], in start order: Pykka's `get_by_class` with
    /// subclasses, for actors of any type behind one trait.
    pub fn get_by_interface<I: Interface + ?Sized>(&self) -> Vec<I::Proxy> {
        self.get_all().iter().filter_map(AnyActorRef::interface::<I>).collect()
    }

    /// Calls `call` with the proxy for the interface `I` of every running actor implementing
    /// it, in start order (the listener pattern): `call` sends one method, usually through the
    /// proxy's `defer()` form (tell semantics).
    ///
    /// A failure for one listener does not stop the broadcast: returns the listeners it failed
    /// for, each with its error (the send's, such as [`Error::ActorDead`] for a listener that
    /// stopped meanwhile, or an [`Error::Custom`] if `call` panicked). A listener that panics
    /// while handling a deferred call fails on its own thread, as with any tell.
    ///
    /// ```
    /// use pykka::{Actor, actor, interface};
    ///
    /// #[interface]
    /// pub trait Listener {
    ///     fn on_event(&mut self, event: String);
    /// }
    ///
    /// #[actor]
    /// pub struct Log { pub seen: Vec<String> }
    /// impl Actor for Log {
    ///     type Message = ();
    ///     type Reply = ();
    ///     const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Listener];
    /// }
    /// #[actor]
    /// impl Log {}
    /// #[actor]
    /// impl Listener for Log {
    ///     fn on_event(&mut self, event: String) {
    ///         self.seen.push(event);
    ///     }
    /// }
    ///
    /// let registry = pykka::ActorRegistry::new();
    /// let log = Log { seen: Vec::new() }.start_in(&registry);
    /// let failed = registry.broadcast_interface::<dyn Listener>(|l| l.defer().on_event("started".into()));
    /// assert!(failed.is_empty());
    /// assert_eq!(log.proxy().unwrap().seen().get().unwrap(), ["started"]);
    /// log.stop();
    /// ```
    pub fn broadcast_interface<I: Interface + ?Sized>(
        &self,
        mut call: impl FnMut(&I::Proxy) -> Result<()>,
    ) -> Vec<(AnyActorRef, Error)> {
        let mut failed = Vec::new();
        for actor in self.get_all() {
            let Some(proxy) = actor.interface::<I>() else {
                continue;
            };
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&proxy))) {
                Ok(Ok(())) => {}
                Ok(Err(error)) => failed.push((actor, error)),
                Err(payload) => {
                    let message = crate::panic::panic_message(payload.as_ref());
                    let error = Error::custom(format!("the broadcast's call for {actor} panicked: {message}"));
                    failed.push((actor, error));
                }
            }
        }
        failed
    }

    /// Tells `message` to every running actor whose [`Message`](Actor::Message) type is `M`.
    ///
    /// Actors that stop meanwhile are skipped. Returns how many actors got the message.
    pub fn broadcast<M: Clone + Send + 'static>(&self, message: &M) -> usize {
        self.broadcast_where(message, |_| true)
    }

    /// Tells `message` to every running actor of type `A`. Returns how many got it.
    pub fn broadcast_to<A: Actor>(&self, message: &A::Message) -> usize
    where
        A::Message: Clone,
    {
        self.broadcast_where(message, AnyActorRef::is::<A>)
    }

    /// Tells `message` to every running actor named `name` whose message type is `M`.
    /// Returns how many got it.
    pub fn broadcast_to_name<M: Clone + Send + 'static>(&self, name: &str, message: &M) -> usize {
        self.broadcast_where(message, |a| a.name() == name)
    }

    fn broadcast_where<M: Clone + Send + 'static>(&self, message: &M, pred: impl Fn(&AnyActorRef) -> bool) -> usize {
        self.get_all()
            .iter()
            .filter(|a| pred(a))
            .filter(|a| matches!(a.tell_any(message.clone()), Ok(true)))
            .count()
    }

    /// Stops every registered actor, the last started first, each stop waiting for the
    /// previous one; then waits for every actor of the registry that was already stopping.
    /// Returns each registered actor's `stop` answer, in that (reverse) order.
    ///
    /// When it returns, every actor it stopped or waited for has finished its hooks
    /// ([`on_stop`](Actor::on_stop), [`on_failure`](Actor::on_failure)) and dropped its state,
    /// so `main` may return. Actors that start while this runs are stopped too. Each actor is
    /// stopped once: one that stays registered anyway (a dead actor registered by hand, or the
    /// calling actor itself, whose stop is only queued) does not make this loop. Called from an
    /// actor, it does not wait for that actor, which cannot stop before this returns.
    ///
    /// See [`stop_all_timeout`](Self::stop_all_timeout) for a bounded form.
    pub fn stop_all(&self) -> Vec<bool> {
        self.stop_all_until(None).unwrap_or_default()
    }

    /// Like [`stop_all`](Self::stop_all), but gives up when `timeout` has passed, in all (one
    /// deadline for every stop and wait together).
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`], naming the actor it was waiting for, if the time ran out. The actors
    /// asked to stop by then still stop.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka::{Actor, ActorRegistry};
    ///
    /// struct Worker;
    /// impl Actor for Worker { type Message = (); type Reply = (); }
    ///
    /// let registry = ActorRegistry::new();
    /// let a = Worker.start_in(&registry);
    /// let b = Worker.start_in(&registry);
    /// assert_eq!(registry.stop_all_timeout(Duration::from_secs(5)), Ok(vec![true, true]));
    /// assert!(a.is_terminated() && b.is_terminated());
    /// ```
    pub fn stop_all_timeout(&self, timeout: Duration) -> Result<Vec<bool>> {
        self.stop_all_until(Some((Instant::now() + timeout, timeout)))
    }

    /// [`stop_all`](Self::stop_all) with an optional deadline (and the timeout it came from).
    fn stop_all_until(&self, deadline: Option<(Instant, Duration)>) -> Result<Vec<bool>> {
        let left = |(deadline, _): (Instant, Duration)| deadline.saturating_duration_since(Instant::now());
        let timed_out = |actor: &AnyActorRef, after: Duration| Error::Timeout {
            actor: Some(actor.id().clone()),
            after,
        };
        // Waits for an actor's end (and its thread), within the deadline if there is one.
        let join = |actor: &AnyActorRef| -> Result<()> {
            match deadline {
                None => {
                    let _ = actor.inner.clone().join();
                    Ok(())
                }
                Some(d) => actor
                    .inner
                    .clone()
                    .join_timeout(left(d))
                    .map_err(|_| timed_out(actor, d.1)),
            }
        };
        let mut answers = Vec::new();
        let mut stopped: HashSet<ActorId> = HashSet::new();
        loop {
            let actors: Vec<AnyActorRef> = self
                .get_all()
                .into_iter()
                .filter(|a| !stopped.contains(a.id()))
                .collect();
            if actors.is_empty() {
                // Wait for the actors that were stopping already (or that a stop above left
                // to another joiner), but never for the calling actor itself.
                let stopping: Vec<AnyActorRef> = self
                    .lock()
                    .stopping
                    .values()
                    .filter(|a| !a.inner.clone().on_own_thread() && !a.inner.clone().is_terminated())
                    .cloned()
                    .collect();
                if stopping.is_empty() {
                    return Ok(answers);
                }
                for actor in &stopping {
                    join(actor)?;
                }
                continue;
            }
            if !crate::current::running_an_actor() {
                // From outside every actor: the same order, with each next stop sent by the
                // previous actor's end instead of a round trip to this thread.
                let (chain, done) = StopChain::start(actors.iter().rev().cloned().collect());
                let waited = match deadline {
                    None => done.get(),
                    Some(d) => done.get_timeout(left(d)),
                };
                if waited.is_err() {
                    let actor = chain.waiting_for().unwrap_or(&actors[0]);
                    return Err(timed_out(actor, deadline.map_or(Duration::ZERO, |d| d.1)));
                }
                // Each actor has ended; joining lets go of an actor thread at once.
                for actor in &actors {
                    join(actor)?;
                    stopped.insert(actor.id().clone());
                }
                answers.extend(chain.answers());
                continue;
            }
            for actor in actors.iter().rev() {
                let answer = match deadline {
                    None => actor.stop(),
                    Some(d) => actor
                        .inner
                        .clone()
                        .stop_timeout(left(d))
                        .map_err(|_| timed_out(actor, d.1))?,
                };
                answers.push(answer);
                stopped.insert(actor.id().clone());
            }
            // Anything registered meanwhile gets the same treatment.
        }
    }

    /// Asks every registered actor to stop, last started first, without waiting (not even for
    /// room in a full bounded inbox); returns one future per actor.
    pub fn stop_all_nowait(&self) -> Vec<Future<bool>> {
        self.get_all().iter().rev().map(AnyActorRef::stop_future).collect()
    }

    /// Waits until every actor of the registry that is not a [daemon](Actor::DAEMON) has
    /// stopped and its thread has finished, or `timeout` (if given) runs out.
    ///
    /// This includes the actors that are stopping: out of the lookups already, but still inside
    /// [`on_stop`](Actor::on_stop) or [`on_failure`](Actor::on_failure), or dropping their state.
    ///
    /// Rust threads do not keep a process alive: when `main` returns, every actor ends with
    /// it. Call this (or [`stop_all`](Self::stop_all)) before returning from `main` to let
    /// actors finish, as Pykka's non-daemon threads do.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if actors were still running when the time ran out;
    /// [`Error::Deadlock`] at once if called from the thread of an actor it would wait for
    /// (a non-daemon actor of this registry), which would wait for itself forever. (Unlike
    /// [`stop_all`](Self::stop_all), which from an actor's thread stops the others and only
    /// queues the caller's own stop, `join_all` has nothing to do for its caller but wait: an
    /// actor that wants to wait for its peers joins them one by one with
    /// [`ActorRef::join`](crate::ActorRef::join).)
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka::{Actor, ActorRegistry, Context, Unhandled};
    ///
    /// struct OneShot;
    /// impl Actor for OneShot {
    ///     type Message = ();
    ///     type Reply = ();
    ///     fn on_receive(&mut self, ctx: &Context<Self>, (): ()) -> Result<(), Unhandled> {
    ///         ctx.stop();
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let registry = ActorRegistry::new();
    /// let actor = OneShot.start_in(&registry);
    /// assert!(registry.join_all(Some(Duration::from_millis(10))).unwrap_err().is_timeout());
    /// actor.tell(()).unwrap();
    /// registry.join_all(None).unwrap();
    /// assert!(actor.is_terminated());
    /// ```
    pub fn join_all(&self, timeout: Option<Duration>) -> Result<()> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let pending: Vec<AnyActorRef> = self
                .lock()
                .awaited()
                .into_iter()
                .filter(|a| !a.inner.is_daemon() && !a.inner.clone().is_terminated())
                .collect();
            if pending.is_empty() {
                return Ok(());
            }
            if let Some(me) = pending.iter().find(|a| a.inner.clone().on_own_thread()) {
                return Err(Error::Deadlock {
                    cycle: vec![me.id().clone()],
                });
            }
            for actor in pending {
                match deadline {
                    None => actor.inner.clone().join()?,
                    Some(d) => {
                        let left = d.saturating_duration_since(Instant::now());
                        if actor.inner.clone().join_timeout(left).is_err() {
                            return Err(Error::Timeout {
                                actor: Some(actor.id().clone()),
                                after: timeout.unwrap_or_default(),
                            });
                        }
                    }
                }
            }
        }
    }
}

impl fmt::Debug for ActorRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActorRegistry")
            .field("actors", &self.get_all())
            .finish()
    }
}
