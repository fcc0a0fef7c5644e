//! [`ActorRegistry`]: every running actor, to look up, broadcast to and stop.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::actor::Actor;
use crate::actor_id::ActorId;
use crate::actor_ref::ActorRef;
use crate::error::{Error, Result};
use crate::future::Future;

/// The type-erased face of an `ActorRef<A>`, for the registry.
trait ErasedRef: Send + Sync {
    fn id(&self) -> &ActorId;
    fn actor_type(&self) -> TypeId;
    fn message_type(&self) -> TypeId;
    fn is_alive(&self) -> bool;
    fn stop(&self) -> bool;
    fn stop_future(&self) -> Future<bool>;
    fn join(&self);
    fn terminated(&self) -> Future<()>;
    fn is_daemon(&self) -> bool;
    fn as_any(&self) -> &dyn Any;
    /// Tells `message` (which must be the actor's `Message` type) to the actor.
    fn tell_any(&self, message: Box<dyn Any + Send>) -> Result<()>;
}

impl<A: Actor> ErasedRef for ActorRef<A> {
    fn id(&self) -> &ActorId {
        ActorRef::id(self)
    }
    fn actor_type(&self) -> TypeId {
        TypeId::of::<A>()
    }
    fn message_type(&self) -> TypeId {
        TypeId::of::<A::Message>()
    }
    fn is_alive(&self) -> bool {
        ActorRef::is_alive(self)
    }
    fn stop(&self) -> bool {
        ActorRef::stop(self)
    }
    fn stop_future(&self) -> Future<bool> {
        ActorRef::stop_future(self)
    }
    fn join(&self) {
        ActorRef::join(self);
    }
    fn terminated(&self) -> Future<()> {
        self.cell.terminated.clone()
    }
    fn is_daemon(&self) -> bool {
        A::DAEMON
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn tell_any(&self, message: Box<dyn Any + Send>) -> Result<()> {
        match message.downcast::<A::Message>() {
            Ok(m) => self.tell(*m),
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

    /// Stops the actor and waits until it has; see [`ActorRef::stop`].
    pub fn stop(&self) -> bool {
        self.inner.stop()
    }

    /// Asks the actor to stop without waiting; see [`ActorRef::stop_future`].
    pub fn stop_future(&self) -> Future<bool> {
        self.inner.stop_future()
    }

    /// Returns true if the actor is an `A`.
    pub fn is<A: Actor>(&self) -> bool {
        self.inner.actor_type() == TypeId::of::<A>()
    }

    /// Returns the typed reference if the actor is an `A`.
    pub fn downcast<A: Actor>(&self) -> Option<ActorRef<A>> {
        self.inner.as_any().downcast_ref::<ActorRef<A>>().cloned()
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
        self.inner.tell_any(Box::new(message)).map(|()| true)
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
        AnyActorRef { inner: Arc::new(r) }
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
}

/// The registered actors: in start order, and found by identity without a scan, so that
/// registering and unregistering stay cheap with thousands of actors (a scan made starting
/// and stopping n actors cost n² comparisons).
#[derive(Default)]
struct Entries {
    /// Registration number to actor: iterating gives start order.
    in_order: BTreeMap<u64, AnyActorRef>,
    /// Actor identity ([`ActorId::key`]) to registration number.
    number_of: HashMap<u128, u64>,
    /// The next registration number.
    next: u64,
}

impl Entries {
    /// Adds `actor` last; returns false (and adds nothing) if it is already there.
    fn insert(&mut self, actor: AnyActorRef) -> bool {
        let key = actor.id().key();
        if self.number_of.contains_key(&key) {
            return false;
        }
        self.number_of.insert(key, self.next);
        self.in_order.insert(self.next, actor);
        self.next += 1;
        true
    }

    /// Removes the actor with identity `key`; returns false if it was not there.
    fn remove(&mut self, key: u128) -> bool {
        match self.number_of.remove(&key) {
            Some(number) => self.in_order.remove(&number).is_some(),
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
    /// previous one. Returns each actor's `stop` answer, in that (reverse) order.
    ///
    /// Actors that start while this runs are stopped too. Each actor is stopped once: one
    /// that stays registered anyway (a dead actor registered by hand, or the calling actor
    /// itself, whose stop is only queued) does not make this loop.
    pub fn stop_all(&self) -> Vec<bool> {
        let mut answers = Vec::new();
        let mut stopped: HashSet<ActorId> = HashSet::new();
        loop {
            let actors: Vec<AnyActorRef> = self
                .get_all()
                .into_iter()
                .filter(|a| !stopped.contains(a.id()))
                .collect();
            if actors.is_empty() {
                return answers;
            }
            for actor in actors.iter().rev() {
                answers.push(actor.stop());
                stopped.insert(actor.id().clone());
            }
            // Anything registered meanwhile gets the same treatment.
        }
    }

    /// Asks every registered actor to stop, last started first, without waiting; returns one
    /// future per actor.
    pub fn stop_all_nowait(&self) -> Vec<Future<bool>> {
        self.get_all().iter().rev().map(AnyActorRef::stop_future).collect()
    }

    /// Waits until every registered actor that is not a [daemon](Actor::DAEMON) has stopped, or
    /// `timeout` (if given) runs out.
    ///
    /// Rust threads do not keep a process alive: when `main` returns, every actor ends with
    /// it. Call this (or [`stop_all`](Self::stop_all)) before returning from `main` to let
    /// actors finish, as Pykka's non-daemon threads do.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if actors were still running when the time ran out.
    pub fn join_all(&self, timeout: Option<Duration>) -> Result<()> {
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        loop {
            let pending: Vec<AnyActorRef> = self
                .get_all()
                .into_iter()
                .filter(|a| !a.inner.is_daemon() && !a.inner.terminated().is_ready())
                .collect();
            if pending.is_empty() {
                return Ok(());
            }
            for actor in pending {
                match deadline {
                    None => actor.inner.join(),
                    Some(d) => {
                        let left = d.saturating_duration_since(std::time::Instant::now());
                        if actor.inner.terminated().get_timeout(left).is_err() {
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
