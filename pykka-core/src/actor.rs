//! The [`Actor`] trait, its lifecycle hooks, and the [`Context`] an actor sees of itself.

use std::any::TypeId;
use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::actor_id::{ActorId, KeyMap, short_type_name};
use crate::actor_ref::ActorRef;
use crate::error::Result;
use crate::registry::{ActorRegistry, AnyActorRef};
use crate::restart::{RestartPolicy, Supervision};
use crate::termination::Termination;
use crate::threading;
use crate::timers::Timers;

/// An actor: state owned by one thread, reached only through messages.
///
/// Implement it for your type, then [`start`](Actor::start) it. The value you build is the
/// constructor (it runs on the caller's thread, like Python's `__init__`); everything else runs
/// on the actor's own thread, one message at a time. Every item but the two types has a
/// default.
///
/// An actor handles two kinds of traffic:
/// - plain messages of type [`Message`](Actor::Message), in [`on_receive`](Actor::on_receive),
///   through [`ActorRef::tell`] and [`ActorRef::ask`];
/// - method calls and field reads/writes through the typed proxy that `#[pykka::actor]`
///   generates.
///
/// # Failures
///
/// A panic while handling an `ask` (or a proxy call whose future is kept) is caught and given
/// to the caller as [`Error::Panicked`](crate::Error::Panicked); the actor keeps running. A
/// panic while handling a `tell` (or a deferred proxy call) has nobody to go to: the actor logs
/// it, calls [`on_failure`](Actor::on_failure) and stops. This needs the default
/// `panic = "unwind"`; with `panic = "abort"` a panic ends the process. To have a failed
/// actor rebuilt in place instead, keeping its identity, start it with
/// [`start_restarting`](Actor::start_restarting).
///
/// # Examples
///
/// ```
/// use pykka::{Actor, Context};
///
/// struct Greeter {
///     greeting: String,
/// }
///
/// impl Actor for Greeter {
///     type Message = String;
///     type Reply = String;
///
///     fn on_receive(&mut self, _ctx: &Context<Self>, name: String) -> Result<String, pykka::Unhandled> {
///         Ok(format!("{}, {name}!", self.greeting))
///     }
/// }
///
/// let greeter = Greeter { greeting: "Hi".into() }.start();
/// assert_eq!(greeter.ask("Ada".to_string()).unwrap(), "Hi, Ada!");
/// greeter.stop();
/// ```
pub trait Actor: Sized + 'static {
    /// The plain message type [`on_receive`](Actor::on_receive) handles. Use `()` for an actor
    /// that is only used through its proxy.
    type Message: Send + fmt::Debug + 'static;

    /// The reply to an [`ask`](ActorRef::ask) of a plain message. Use `()` if there is none.
    type Reply: Send + 'static;

    /// The capacity of the inbox, or `None` (the default) for an unbounded one.
    ///
    /// With a bounded inbox, [`tell`](ActorRef::tell) waits for room, and a timed ask also
    /// bounds that wait.
    const INBOX_CAPACITY: Option<usize> = None;

    /// The stack size of the actor's thread in bytes, or `None` (the default) for Rust's
    /// default (2 MiB, or the `RUST_MIN_STACK` environment variable).
    ///
    /// An actor with deep recursion may need more; many small actors may use less (the stack
    /// is reserved address space, mostly never touched, so this rarely matters for memory).
    /// A size the operating system refuses makes the start fail: see
    /// [`try_start`](Actor::try_start).
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::Actor;
    ///
    /// struct Parser;
    /// impl Actor for Parser {
    ///     type Message = ();
    ///     type Reply = ();
    ///     const STACK_SIZE: Option<usize> = Some(16 * 1024 * 1024);
    /// }
    ///
    /// let parser = Parser.start();
    /// parser.stop();
    /// ```
    const STACK_SIZE: Option<usize> = None;

    /// Whether [`ActorRegistry::join_all`] may return while this actor still runs (Pykka's
    /// `use_daemon_thread`). Defaults to false.
    ///
    /// Rust threads never keep a process alive, so every actor ends when `main` returns;
    /// `join_all` is how a program waits for its non-daemon actors.
    const DAEMON: bool = false;

    /// The interfaces (traits marked `#[pykka::interface]`) this actor implements, written
    /// with [`interfaces!`](crate::interfaces): what registry lookups by interface
    /// ([`ActorRegistry::get_by_interface`], [`ActorRegistry::broadcast_interface`]) find it
    /// by. Defaults to none.
    ///
    /// Every `#[pykka::actor] impl Trait for Actor` checks at compile time that its interface
    /// is listed here, and every interface listed here must be implemented so.
    const INTERFACES: &'static [crate::Implementation] = &[];

    /// The runtime [`start`](Actor::start), [`start_in`](Actor::start_in),
    /// [`try_start`](Actor::try_start) and [`try_start_in`](Actor::try_start_in) use for this
    /// type. Defaults to [`Runtime::Default`](crate::Runtime::Default): a thread of its own,
    /// unless the process runs with `PYKKA_RUNTIME=pool`.
    ///
    /// ```
    /// use pykka::{Actor, Runtime};
    ///
    /// struct Session;
    /// impl Actor for Session {
    ///     type Message = ();
    ///     type Reply = ();
    ///     const RUNTIME: Runtime = Runtime::Pool; // one of many: on the global pool
    ///     fn on_receive(&mut self, _ctx: &pykka::Context<Self>, (): ()) -> Result<(), pykka::Unhandled> {
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let session = Session.start();
    /// session.ask(()).unwrap();
    /// session.stop();
    /// ```
    const RUNTIME: crate::Runtime = crate::Runtime::Default;

    /// The actor's type name, used in thread names, logs, errors and registry lookups.
    ///
    /// Defaults to the last segment of the type's path (`Calculator`, or `Pair<u32>` for a
    /// generic type).
    fn name() -> &'static str {
        type_short_name::<Self>()
    }

    /// Runs on the actor's thread after it is registered, before the first message.
    ///
    /// A panic here is logged at ERROR and stops the actor before its receive loop runs;
    /// neither `on_stop` nor `on_failure` is then called. Calling [`Context::stop`] here stops
    /// the actor right after `on_start` (with `on_stop`), without handling any message.
    fn on_start(&mut self, ctx: &Context<Self>) {
        let _ = ctx;
    }

    /// Runs on the actor's thread after the last message of a normal stop.
    ///
    /// Not called when the actor stops because of a failure. A panic here is logged at ERROR;
    /// the actor still stops and unregisters.
    fn on_stop(&mut self, ctx: &Context<Self>) {
        let _ = ctx;
    }

    /// Runs on the actor's thread after a panic that could not be returned to a caller.
    ///
    /// For an actor without a restart policy, the actor is already marked dead and
    /// unregistered; it stops after this hook. For one started with
    /// [`start_restarting`](Actor::start_restarting) (or by a supervisor), it is still alive
    /// and registered: this state is dropped after the hook, and a new one may be built in its
    /// place. A panic here is logged at ERROR too.
    fn on_failure(&mut self, ctx: &Context<Self>, failure: &Failure) {
        let _ = (ctx, failure);
    }

    /// Handles a plain message and returns the reply for an `ask`.
    ///
    /// Return `Err(Unhandled::of(&message))` for a message the actor does not expect: it is logged at WARN
    /// (`Unexpected message received by …`), the actor keeps running, and an asker gets
    /// [`Error::Unhandled`](crate::Error). The default implementation does exactly that for
    /// every message.
    ///
    /// # Errors
    ///
    /// [`Unhandled`] when the message was not expected.
    fn on_receive(&mut self, ctx: &Context<Self>, message: Self::Message) -> Result<Self::Reply, Unhandled> {
        let _ = ctx;
        Err(Unhandled::of(&message))
    }

    /// Starts the actor on its own thread and registers it in the global registry.
    ///
    /// The thread is named after the type: `Calculator-1`, `Calculator-2`, …
    ///
    /// # Panics
    ///
    /// If the actor cannot start, with the message of the [`Error::StartFailed`](crate::Error::StartFailed) that
    /// [`try_start`](Actor::try_start) would return.
    fn start(self) -> ActorRef<Self>
    where
        Self: Send,
    {
        started(self.try_start())
    }

    /// Like [`start`](Actor::start), but returns an error instead of panicking when the actor
    /// cannot start.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`](crate::Error::StartFailed) if the process already has as many actor threads as it may
    /// ([`max_actor_threads`](crate::max_actor_threads)) or the operating system refuses a
    /// thread (too many threads, no memory for the [stack](Actor::STACK_SIZE)). Nothing is left
    /// behind: the actor is not registered and no hook ran.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, ActorRegistry, Error};
    ///
    /// struct Huge;
    /// impl Actor for Huge {
    ///     type Message = ();
    ///     type Reply = ();
    ///     const STACK_SIZE: Option<usize> = Some(1 << 60); // more than any machine has
    /// }
    ///
    /// let registry = ActorRegistry::new();
    /// let err = Huge.try_start_in(&registry).unwrap_err();
    /// assert!(matches!(err, Error::StartFailed { .. }));
    /// assert!(registry.is_empty());
    /// ```
    fn try_start(self) -> Result<ActorRef<Self>>
    where
        Self: Send,
    {
        self.try_start_in(ActorRegistry::global())
    }

    /// Like [`start`](Actor::start), but registers the actor in `registry`.
    ///
    /// # Panics
    ///
    /// If the actor cannot start; see [`try_start`](Actor::try_start).
    fn start_in(self, registry: &ActorRegistry) -> ActorRef<Self>
    where
        Self: Send,
    {
        started(self.try_start_in(registry))
    }

    /// Like [`try_start`](Actor::try_start), but registers the actor in `registry`.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`](crate::Error::StartFailed), as [`try_start`](Actor::try_start).
    fn try_start_in(self, registry: &ActorRegistry) -> Result<ActorRef<Self>>
    where
        Self: Send,
    {
        // A type that needs a stack of its own size needs a thread of its own, unless it asked
        // for the pool by name.
        let runtime = match (Self::RUNTIME, Self::STACK_SIZE) {
            (crate::Runtime::Default, Some(_)) => crate::Runtime::Thread,
            (runtime, _) => runtime,
        };
        if let Some(pool) = runtime.pool() {
            return pool.try_start_in(registry, self);
        }
        threading::spawn(registry, move || self)
    }

    /// Builds the actor on its own thread with `factory`, then starts it.
    ///
    /// The actor itself need not be `Send`: it may hold `Rc`, `RefCell` or handles bound to
    /// one thread, since it never leaves the thread it was built on. A panic in `factory` is
    /// handled like a panic in `on_start`.
    ///
    /// # Panics
    ///
    /// If the actor cannot start; see [`try_start`](Actor::try_start).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use pykka::{Actor, Context};
    ///
    /// struct Local { shared: Rc<String> } // `Rc` is not `Send`
    ///
    /// impl Actor for Local {
    ///     type Message = ();
    ///     type Reply = usize;
    ///     fn on_receive(&mut self, _ctx: &Context<Self>, _: ()) -> Result<usize, pykka::Unhandled> {
    ///         Ok(Rc::strong_count(&self.shared))
    ///     }
    /// }
    ///
    /// let actor = Local::start_with(|| Local { shared: Rc::new("local".into()) });
    /// assert_eq!(actor.ask(()).unwrap(), 1);
    /// actor.stop();
    /// ```
    fn start_with<F>(factory: F) -> ActorRef<Self>
    where
        F: FnOnce() -> Self + Send + 'static,
    {
        started(Self::try_start_with(factory))
    }

    /// Like [`start_with`](Actor::start_with), but returns an error instead of panicking when
    /// the actor cannot start; `factory` is then dropped without being called.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`](crate::Error::StartFailed), as [`try_start`](Actor::try_start).
    fn try_start_with<F>(factory: F) -> Result<ActorRef<Self>>
    where
        F: FnOnce() -> Self + Send + 'static,
    {
        threading::spawn(ActorRegistry::global(), factory)
    }

    /// Like [`start_with`](Actor::start_with), but registers the actor in `registry`.
    ///
    /// # Panics
    ///
    /// If the actor cannot start; see [`try_start`](Actor::try_start).
    fn start_with_in<F>(registry: &ActorRegistry, factory: F) -> ActorRef<Self>
    where
        F: FnOnce() -> Self + Send + 'static,
    {
        started(Self::try_start_with_in(registry, factory))
    }

    /// Like [`try_start_with`](Actor::try_start_with), but registers the actor in `registry`.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`](crate::Error::StartFailed), as [`try_start`](Actor::try_start).
    fn try_start_with_in<F>(registry: &ActorRegistry, factory: F) -> Result<ActorRef<Self>>
    where
        F: FnOnce() -> Self + Send + 'static,
    {
        threading::spawn(registry, factory)
    }

    /// Starts the actor with a factory and a restart policy: one call for an actor that comes
    /// back after a failure, keeping its identity.
    ///
    /// `factory` runs on the actor's thread, to build the first state and again for each
    /// restart. A restart happens in place: the failing state's
    /// [`on_failure`](Actor::on_failure) runs (not `on_stop`), the state is dropped, `factory`
    /// builds a new one, [`on_start`](Actor::on_start) runs, and the actor goes on draining the
    /// same inbox, on the same thread. Every [`ActorRef`], proxy and registry entry keeps
    /// working and reaches the new state; [`is_alive`](ActorRef::is_alive) stays true; messages
    /// queued before or during the restart are handled by the new state, in order. The message
    /// that failed is not handed over again (its asker, if any, got the error).
    ///
    /// What fails an actor: a panic in a tell, a deferred call or a hook; a panic in `factory`
    /// or `on_start` of a restart (a failed *first* start ends the actor with
    /// [`Termination::Failed`](crate::Termination::Failed), as in Erlang); with
    /// [`RestartPolicy::ask_panics_fail`], a panic in an ask. A requested stop
    /// ([`ActorRef::stop`], `stop_all`) never restarts it. Past the policy's intensity it ends
    /// with [`Termination::GaveUp`](crate::Termination::GaveUp). Each failure is logged at
    /// ERROR, each restart at INFO (`Restarting … (restart n)`), giving up at ERROR.
    ///
    /// # Panics
    ///
    /// If the actor cannot start; see [`try_start`](Actor::try_start).
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, Context, RestartPolicy, Unhandled};
    ///
    /// struct Parser { parsed: u32 }
    /// impl Actor for Parser {
    ///     type Message = &'static str;
    ///     type Reply = u32;
    ///     fn on_receive(&mut self, _ctx: &Context<Self>, text: &'static str) -> Result<u32, Unhandled> {
    ///         let n: u32 = text.parse().expect("a number"); // panics on bad input
    ///         self.parsed += 1;
    ///         Ok(n)
    ///     }
    /// }
    ///
    /// let parser = Parser::start_restarting(RestartPolicy::permanent(), || Parser { parsed: 0 });
    /// parser.tell("oops").unwrap(); // fails the actor: it restarts in place
    /// assert_eq!(parser.ask("7").unwrap(), 7); // the same ref reaches the new state
    /// assert!(parser.is_alive());
    /// parser.stop();
    /// ```
    fn start_restarting<F>(policy: RestartPolicy, factory: F) -> ActorRef<Self>
    where
        F: FnMut() -> Self + Send + 'static,
    {
        started(Self::try_start_restarting(policy, factory))
    }

    /// Like [`start_restarting`](Actor::start_restarting), but registers the actor in
    /// `registry`.
    ///
    /// # Panics
    ///
    /// If the actor cannot start; see [`try_start`](Actor::try_start).
    fn start_restarting_in<F>(registry: &ActorRegistry, policy: RestartPolicy, factory: F) -> ActorRef<Self>
    where
        F: FnMut() -> Self + Send + 'static,
    {
        started(Self::try_start_restarting_in(registry, policy, factory))
    }

    /// Like [`start_restarting`](Actor::start_restarting), but returns an error instead of
    /// panicking when the actor cannot start; `factory` is then dropped without being called.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`](crate::Error::StartFailed), as [`try_start`](Actor::try_start).
    fn try_start_restarting<F>(policy: RestartPolicy, factory: F) -> Result<ActorRef<Self>>
    where
        F: FnMut() -> Self + Send + 'static,
    {
        Self::try_start_restarting_in(ActorRegistry::global(), policy, factory)
    }

    /// Like [`try_start_restarting`](Actor::try_start_restarting), but registers the actor in
    /// `registry`.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`](crate::Error::StartFailed), as [`try_start`](Actor::try_start).
    fn try_start_restarting_in<F>(registry: &ActorRegistry, policy: RestartPolicy, factory: F) -> Result<ActorRef<Self>>
    where
        F: FnMut() -> Self + Send + 'static,
    {
        threading::spawn_restarting(registry, factory, Supervision::Policy(policy.restarter()))
    }
}

/// Unwraps a start, panicking with the error's message: what `start` does where `try_start`
/// returns the error.
#[track_caller]
fn started<A: Actor>(result: Result<ActorRef<A>>) -> ActorRef<A> {
    result.unwrap_or_else(|e| panic!("{e}"))
}

/// Returns the short type name of `A`, computed once per type.
fn type_short_name<A: 'static>() -> &'static str {
    // The process-wide cache makes each generic type's name once (it leaks, a few bytes a
    // type); each thread keeps the names it has asked for, so a start reads them without a
    // lock.
    static SHARED: OnceLock<Mutex<KeyMap<TypeId, &'static str>>> = OnceLock::new();
    thread_local! {
        static LOCAL: RefCell<KeyMap<TypeId, &'static str>> = RefCell::default();
    }
    let id = TypeId::of::<A>();
    LOCAL.with(|local| {
        *local.borrow_mut().entry(id).or_insert_with(|| {
            let shared = SHARED.get_or_init(Default::default);
            let mut map = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            *map.entry(id)
                .or_insert_with(|| short_type_name(std::any::type_name::<A>()))
        })
    })
}

/// The answer of [`Actor::on_receive`] to a message it does not handle.
///
/// Build it with [`Unhandled::of`] so the WARN log shows the message, or with
/// `Unhandled::default()`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unhandled {
    message: Option<String>,
}

impl Unhandled {
    /// An `Unhandled` that shows `message` (its `Debug` form) in the log.
    pub fn of(message: &impl fmt::Debug) -> Self {
        Unhandled {
            message: Some(format!("{message:?}")),
        }
    }

    /// Returns the `Debug` form of the message, if it was given.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl fmt::Display for Unhandled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "unexpected message {m}"),
            None => f.write_str("unexpected message"),
        }
    }
}

impl std::error::Error for Unhandled {}

/// What [`Actor::on_failure`] is told about a failure: the panic's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    message: Arc<str>,
}

impl Failure {
    pub(crate) fn new(message: Arc<str>) -> Self {
        Failure { message }
    }

    /// Returns the panic's message (its `&str` or `String` payload, or a placeholder).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What an actor knows of itself inside its hooks and handlers: its own [`ActorRef`].
///
/// Cheap to clone. Use it to stop the actor from inside, or to send messages (or, with
/// `#[pykka::actor]`, proxy calls) to itself that run after what is already queued.
pub struct Context<A: Actor> {
    actor_ref: ActorRef<A>,
}

impl<A: Actor> Context<A> {
    pub(crate) fn new(actor_ref: ActorRef<A>) -> Self {
        Context { actor_ref }
    }

    /// Returns the actor's own reference.
    pub fn actor_ref(&self) -> &ActorRef<A> {
        &self.actor_ref
    }

    /// Returns the actor's identity (type name and URN).
    pub fn id(&self) -> &ActorId {
        self.actor_ref.id()
    }

    /// Asks the actor to stop, without waiting (Pykka's `Actor.stop()`).
    ///
    /// Messages already queued are handled first. Called from `on_start`, it stops the actor
    /// right after `on_start`, before any message. Calling it several times is harmless. The stop
    /// never waits for room in a bounded inbox.
    pub fn stop(&self) {
        self.actor_ref.request_self_stop();
    }

    /// Stops this actor and every other actor of its registry: the explicit counterpart of
    /// Python Pykka's reaction to a `BaseException` (such as `SystemExit`) in a handler.
    ///
    /// This actor stops normally (queued messages first, then `on_stop`), and is not restarted
    /// whatever its [`RestartPolicy`]; every other actor in
    /// its registry is asked to stop, last started first, without waiting (not even for room in
    /// a full bounded inbox, this actor's own included). Logged at DEBUG as
    /// `Stopping all actors`.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, ActorRegistry, Context, Unhandled};
    ///
    /// struct Supervisor;
    /// impl Actor for Supervisor {
    ///     type Message = &'static str;
    ///     type Reply = ();
    ///     fn on_receive(&mut self, ctx: &Context<Self>, msg: &'static str) -> Result<(), Unhandled> {
    ///         if msg == "shutdown" {
    ///             ctx.stop_all();
    ///         }
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let registry = ActorRegistry::new();
    /// let first = Supervisor.start_in(&registry);
    /// let second = Supervisor.start_in(&registry);
    /// second.tell("shutdown").unwrap();
    /// registry.join_all(None).unwrap();
    /// assert!(!first.is_alive() && !second.is_alive());
    /// ```
    pub fn stop_all(&self) {
        tracing::debug!(
            target: "pykka",
            actor = %self.id(),
            "{} requested it: Stopping all actors.",
            self.id()
        );
        // A requested stop, not one of its own: an actor restarted in place does not come back.
        let _ = self.actor_ref.stop_future();
        let _ = self.actor_ref.cell.registry.stop_all_nowait();
    }

    /// Returns the registry the actor is registered in (the one it was started in).
    pub fn registry(&self) -> &ActorRegistry {
        &self.actor_ref.cell.registry
    }

    /// Watches `target` (Erlang's monitor): `f` runs on this actor's thread, as a
    /// [`tell_with`](ActorRef::tell_with) queued behind what is already there, once `target`
    /// has ended for good, with its [`Termination`]. A restart of `target` is not an end:
    /// `f` runs once, at the final one. If `target` has already ended, `f` is queued at once.
    /// If this actor has stopped by then, `f` is dropped without running.
    ///
    /// A panic in `f` is a failure of this actor, as in any `tell_with`.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, ActorRegistry, Context, Termination};
    ///
    /// struct Worker;
    /// impl Actor for Worker { type Message = (); type Reply = (); }
    ///
    /// #[derive(Default)]
    /// struct Watcher { ended: Vec<Termination> }
    /// impl Actor for Watcher { type Message = (); type Reply = (); }
    ///
    /// let registry = ActorRegistry::new();
    /// let worker = Worker.start_in(&registry);
    /// let watcher = Watcher::default().start_in(&registry);
    /// let target = worker.clone().into();
    /// watcher.ask_with(move |_w, ctx| ctx.watch(&target, |w, _ctx, t| w.ended.push(t))).get().unwrap();
    /// worker.stop();
    /// let ended = watcher.ask_with(|w, _ctx| w.ended.clone()).get().unwrap();
    /// assert_eq!(ended, [Termination::Stopped]);
    /// watcher.stop();
    /// ```
    pub fn watch(&self, target: &AnyActorRef, f: impl FnOnce(&mut A, &Context<A>, Termination) + Send + 'static) {
        let termination = target.termination();
        let watcher = self.actor_ref.clone();
        let read = termination.clone();
        termination.when_ready(move || {
            // A termination promise dropped unset (the target's thread never ran) reads as a
            // stop.
            let termination = read.get_timeout(Duration::ZERO).unwrap_or(Termination::Stopped);
            let _ = watcher.tell_with(move |actor, ctx| f(actor, ctx, termination));
        });
    }

    /// Returns the actor's own [`Timers`]: start, replace and cancel single-shot and periodic
    /// timers under keys, served by the actor's own runtime (no thread per timer).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka::{Actor, ActorRegistry, Context, ManualClock, Unhandled};
    ///
    /// #[derive(Default)]
    /// struct Camera { frames: u32 }
    /// impl Actor for Camera {
    ///     type Message = ();
    ///     type Reply = u32;
    ///     fn on_start(&mut self, ctx: &Context<Self>) {
    ///         // A typed call, compile-checked: no message enum needed.
    ///         ctx.timers().start_fixed_rate_with("poll", Duration::from_millis(100), |cam: &mut Camera, _ctx| {
    ///             cam.frames += 1;
    ///         });
    ///     }
    ///     fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<u32, Unhandled> {
    ///         Ok(self.frames)
    ///     }
    /// }
    ///
    /// let clock = ManualClock::new();
    /// let registry = ActorRegistry::with_clock(clock.clone());
    /// let camera = Camera::default().start_in(&registry);
    /// camera.ask(()).unwrap(); // started
    /// for n in 1..=5 {
    ///     clock.advance(Duration::from_millis(100));
    ///     assert_eq!(camera.ask(()).unwrap(), n); // reaches the camera after the tick
    /// }
    /// camera.stop();
    /// ```
    pub fn timers(&self) -> Timers<'_, A> {
        Timers::new(self)
    }

    /// Returns the context of the actor running on this thread, if it is an `A`.
    ///
    /// Useful in helper functions that are not given the context.
    pub fn current() -> Option<Context<A>> {
        crate::current::context::<A>()
    }
}

impl<A: Actor> Clone for Context<A> {
    fn clone(&self) -> Self {
        Context {
            actor_ref: self.actor_ref.clone(),
        }
    }
}

impl<A: Actor> fmt::Debug for Context<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Context({})", self.actor_ref.id())
    }
}
