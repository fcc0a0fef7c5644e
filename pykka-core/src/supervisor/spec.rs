//! What a supervisor is started from: its [`Strategy`], its intensity and its [`ChildSpec`]s,
//! gathered in a [`SupervisorSpec`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::actor::Actor;
use crate::actor_ref::ActorRef;
use crate::error::Result;
use crate::future::Future;
use crate::pool::Pool;
use crate::registry::{ActorRegistry, AnyActorRef};
use crate::restart::{Parent, Restart, Supervision, start_child};

/// What a [`Supervisor`](super::Supervisor) does when a child fails, as Erlang's strategies.
///
/// Whatever the strategy, each child keeps its identity: a restarted child is rebuilt in place,
/// so every [`ActorRef`] and proxy taken before still reaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Strategy {
    /// Restart only the failed child (the default).
    #[default]
    OneForOne,
    /// Restart every child: the others are torn down (`on_stop`) last-started first, then all
    /// of them, the failed one included, are rebuilt (`on_start`) in start order. For children
    /// that depend on each other.
    OneForAll,
    /// Restart the failed child and the children started after it, as
    /// [`OneForAll`](Strategy::OneForAll) does for all: for children that depend on the ones
    /// started before them.
    RestForOne,
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Strategy::OneForOne => "one-for-one",
            Strategy::OneForAll => "one-for-all",
            Strategy::RestForOne => "rest-for-one",
        })
    }
}

/// A started child, type-erased: its reference, and a way to know when it has started.
pub(super) struct Started {
    pub(super) actor: AnyActorRef,
    /// Resolves once everything queued so far (its `on_start` first) has run.
    pub(super) ping: Box<dyn Fn() -> Future<()> + Send>,
}

/// Starts one child from its factory.
trait StartChild: Send {
    fn start(self: Box<Self>, registry: &ActorRegistry, parent: Arc<dyn Parent>, how: How) -> Result<Started>;
}

/// How a child is supervised: what its [`ChildSpec`] says beside its factory.
#[derive(Clone, Copy)]
struct How {
    restart: Restart,
    ask_panics_fail: bool,
}

struct Factory<F>(F);

impl<A, F> StartChild for Factory<F>
where
    A: Actor,
    F: FnMut() -> A + Send + 'static,
{
    fn start(self: Box<Self>, registry: &ActorRegistry, parent: Arc<dyn Parent>, how: How) -> Result<Started> {
        let actor: ActorRef<A> = start_child(registry, parent, how.restart, how.ask_panics_fail, self.0)?;
        Ok(started(actor))
    }
}

/// A factory of a child that lives on a pool.
struct Pooled<F> {
    pool: Pool,
    factory: F,
}

impl<A, F> StartChild for Pooled<F>
where
    A: Actor + Send,
    F: FnMut() -> A + Send + 'static,
{
    fn start(self: Box<Self>, registry: &ActorRegistry, parent: Arc<dyn Parent>, how: How) -> Result<Started> {
        let supervision = Supervision::Parent {
            parent,
            restart: how.restart,
            ask_panics_fail: how.ask_panics_fail,
        };
        let actor: ActorRef<A> = self.pool.spawn(registry, self.factory, Some(supervision))?;
        Ok(started(actor))
    }
}

fn started<A: Actor>(actor: ActorRef<A>) -> Started {
    let typed = actor.clone();
    Started {
        actor: actor.into(),
        ping: Box::new(move || typed.ask_with(|_, _| ())),
    }
}

/// How a [`Supervisor`](super::Supervisor) starts and restarts one child: a factory, a
/// [`Restart`] type and a shutdown timeout.
///
/// The factory runs on the child's own thread, once at the start and again for each restart;
/// children of different actor types go in one [`SupervisorSpec`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka::{Actor, ChildSpec, Restart};
///
/// struct Cache(Vec<u8>);
/// impl Actor for Cache { type Message = (); type Reply = (); }
///
/// let spec = ChildSpec::new(|| Cache(Vec::new()))
///     .restart(Restart::Transient)
///     .shutdown(Duration::from_secs(1));
/// assert_eq!(spec.name(), "Cache");
/// ```
pub struct ChildSpec {
    name: &'static str,
    restart: Restart,
    ask_panics_fail: bool,
    shutdown: Duration,
    factory: Box<dyn StartChild>,
}

impl ChildSpec {
    /// The default [`shutdown`](Self::shutdown) timeout: 5 seconds, Erlang's for workers.
    pub const DEFAULT_SHUTDOWN: Duration = Duration::from_secs(5);

    /// A child built by `factory`, [`Restart::Permanent`], with a 5 s shutdown timeout.
    ///
    /// For a nested supervisor, let the factory build one:
    /// `ChildSpec::new(|| Supervisor::new(SupervisorSpec::new(..)...))`.
    pub fn new<A, F>(factory: F) -> Self
    where
        A: Actor,
        F: FnMut() -> A + Send + 'static,
    {
        ChildSpec {
            name: A::name(),
            restart: Restart::Permanent,
            ask_panics_fail: false,
            shutdown: Self::DEFAULT_SHUTDOWN,
            factory: Box::new(Factory(factory)),
        }
    }

    /// A child built by `factory` that lives on `pool` (see [`Pool`]): no thread of its own
    /// while idle, and `factory` runs on one of the pool's threads, at the start and for each
    /// restart. Otherwise as [`new`](Self::new): the supervisor, which may itself run on a
    /// thread, decides its failures the same way.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Actor, ActorRegistry, ChildSpec, Pool, Strategy, SupervisorSpec};
    ///
    /// struct Session;
    /// impl Actor for Session { type Message = (); type Reply = (); }
    ///
    /// let pool = Pool::new(2);
    /// let registry = ActorRegistry::new();
    /// let mut spec = SupervisorSpec::new(Strategy::OneForOne);
    /// for _ in 0..100 {
    ///     spec = spec.child(ChildSpec::on_pool(&pool, || Session));
    /// }
    /// let supervisor = spec.start_in(&registry).unwrap();
    /// assert_eq!(pool.actors(), 100);
    /// supervisor.stop(); // stops its children
    /// assert_eq!(pool.actors(), 0);
    /// pool.shutdown();
    /// ```
    pub fn on_pool<A, F>(pool: &Pool, factory: F) -> Self
    where
        A: Actor + Send,
        F: FnMut() -> A + Send + 'static,
    {
        ChildSpec {
            name: A::name(),
            restart: Restart::Permanent,
            ask_panics_fail: false,
            shutdown: Self::DEFAULT_SHUTDOWN,
            factory: Box::new(Pooled {
                pool: pool.clone(),
                factory,
            }),
        }
    }

    /// Sets when the child is restarted: [`Restart::Permanent`] (always, the default),
    /// [`Restart::Transient`] (only after a failure) or [`Restart::Temporary`] (never).
    #[must_use]
    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }

    /// Makes a panic while the child handles an ask (or a proxy call whose future is kept) a
    /// failure of the child, which its supervisor then handles, as
    /// [`RestartPolicy::ask_panics_fail`](crate::RestartPolicy::ask_panics_fail) does for an
    /// actor restarting on its own. By default (Pykka's rule) the asker gets the panic as
    /// [`Error::Panicked`](crate::Error::Panicked) and the child goes on.
    #[must_use]
    pub fn ask_panics_fail(mut self, yes: bool) -> Self {
        self.ask_panics_fail = yes;
        self
    }

    /// Sets how long the supervisor waits for each step of this child: its stop at a shutdown,
    /// its teardown and its start in a strategy's restart. A child that takes longer is
    /// reported at ERROR and not waited for any more.
    #[must_use]
    pub fn shutdown(mut self, timeout: Duration) -> Self {
        self.shutdown = timeout;
        self
    }

    /// Returns the child's actor type name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub(super) fn restart_type(&self) -> Restart {
        self.restart
    }

    pub(super) fn shutdown_timeout(&self) -> Duration {
        self.shutdown
    }

    /// Starts the child in `registry`, linked to `parent`.
    pub(super) fn start(self, registry: &ActorRegistry, parent: Arc<dyn Parent>) -> Result<Started> {
        let how = How {
            restart: self.restart,
            ask_panics_fail: self.ask_panics_fail,
        };
        self.factory.start(registry, parent, how)
    }
}

impl fmt::Debug for ChildSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildSpec")
            .field("name", &self.name)
            .field("restart", &self.restart)
            .field("shutdown", &self.shutdown)
            .finish_non_exhaustive()
    }
}

/// Everything a [`Supervisor`](super::Supervisor) is started from: a [`Strategy`], an
/// intensity and the [`ChildSpec`]s, in start order.
///
/// Start it with [`start`](Self::start) (or [`start_in`](Self::start_in) a registry), or
/// build an unstarted supervisor from it with [`Supervisor::new`](super::Supervisor::new), for
/// example in the factory of a parent supervisor's [`ChildSpec`].
///
/// # Examples
///
/// Supervisors nest: a child whose factory builds a [`Supervisor`](super::Supervisor). When
/// the inner one gives up, it fails, and the outer one restarts it (with new children).
///
/// ```
/// use std::time::Duration;
/// use pykka::{Actor, ActorRegistry, ChildSpec, Strategy, Supervisor, SupervisorSpec};
///
/// struct Worker;
/// impl Actor for Worker { type Message = (); type Reply = (); }
///
/// fn workers() -> SupervisorSpec {
///     SupervisorSpec::new(Strategy::OneForOne)
///         .child(ChildSpec::new(|| Worker))
///         .child(ChildSpec::new(|| Worker))
/// }
///
/// let registry = ActorRegistry::new();
/// let root = SupervisorSpec::new(Strategy::OneForAll)
///     .intensity(5, Duration::from_secs(30))
///     .child(ChildSpec::new(|| Supervisor::new(workers())))
///     .start_in(&registry)
///     .unwrap();
/// let inner = root.child::<Supervisor>(0).unwrap().unwrap();
/// assert_eq!(inner.children().unwrap().len(), 2);
/// assert_eq!(registry.len(), 4);
/// root.stop(); // stops the inner supervisor, which stops its workers
/// assert!(registry.is_empty());
/// ```
#[derive(Debug)]
pub struct SupervisorSpec {
    pub(super) strategy: Strategy,
    pub(super) max_restarts: u32,
    pub(super) within: Duration,
    pub(super) children: Vec<ChildSpec>,
}

impl SupervisorSpec {
    /// A spec with `strategy`, the default intensity (3 restarts within 5 s, Erlang's) and no
    /// children yet.
    pub fn new(strategy: Strategy) -> Self {
        SupervisorSpec {
            strategy,
            max_restarts: 3,
            within: Duration::from_secs(5),
            children: Vec::new(),
        }
    }

    /// Allows at most `max_restarts` restarts within any period of `within`. One failure more
    /// and the supervisor gives up: it stops its children (last-started first) and fails
    /// itself, so that its own supervisor decides; a top-level supervisor logs at ERROR and
    /// stops. Zero restarts gives up at the first failure.
    #[must_use]
    pub fn intensity(mut self, max_restarts: u32, within: Duration) -> Self {
        self.max_restarts = max_restarts;
        self.within = within;
        self
    }

    /// Adds a child, started after the ones added before it.
    #[must_use]
    pub fn child(mut self, child: ChildSpec) -> Self {
        self.children.push(child);
        self
    }

    /// Starts the supervisor in the global registry, then its children in order; returns once
    /// every child has run its `on_start`.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`](crate::Error::StartFailed) if the supervisor or one of its
    /// children could not start (a thread refused, or a child's factory or `on_start`
    /// panicked, or someone else stopped a child, e.g. with the registry's `stop_all`, before
    /// the supervisor had started them all). The children started before it are then stopped
    /// again, last-started first, and the supervisor has ended.
    pub fn start(self) -> Result<ActorRef<super::Supervisor>> {
        self.start_in(ActorRegistry::global())
    }

    /// Like [`start`](Self::start), in `registry`; the children are registered there too.
    ///
    /// # Errors
    ///
    /// As [`start`](Self::start).
    pub fn start_in(self, registry: &ActorRegistry) -> Result<ActorRef<super::Supervisor>> {
        super::Supervisor::start_from(self, registry)
    }
}
