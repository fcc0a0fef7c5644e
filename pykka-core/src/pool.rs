//! The pooled runtime: many actors on a few worker threads, with the same blocking API.
//!
//! An idle pooled actor is its state, its inbox and its shared cell: no thread, no stack. A
//! message into an empty inbox schedules it on a worker (see `mailbox.rs`), which runs up to
//! the pool's budget of messages, then moves on to the next actor. A blocking wait inside a
//! pooled actor is managed: after a short spin, its worker's place goes to a spare thread (see
//! `workers.rs` and `blocking.rs`). This file is the driver: what a turn of a pooled actor's
//! [`Life`] is, and the public [`Pool`] handle.

mod blocking;
mod mailbox;
mod queue;
mod workers;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

pub use self::blocking::blocking;
pub(crate) use self::blocking::{future_wait, managed};
use self::mailbox::Batch;
pub(crate) use self::mailbox::Mailbox;
use self::mailbox::{Turn, TurnEnd};
use self::workers::{Settings, Workers};
use crate::actor::{Actor, Context};
use crate::actor_id::ActorId;
use crate::actor_ref::ActorRef;
use crate::current;
use crate::debug::ActorState;
use crate::envelope::Envelope;
use crate::error::{Error, Result};
use crate::inbox::InboxSender;
use crate::life::Life;
use crate::lifecycle::{Flow, Lifecycle};
use crate::panic;
use crate::registry::{ActorRegistry, AnyActorRef, StopChain};
use crate::restart::{RestartPolicy, Supervision};
use crate::start_order::StartOrder;
use crate::timers::TimerHandle;

/// Which runtime an actor type starts on by default: [`Actor::RUNTIME`].
///
/// It applies to [`Actor::start`], [`start_in`](Actor::start_in), [`try_start`](Actor::try_start)
/// and [`try_start_in`](Actor::try_start_in). [`Pool::start`] and its siblings always use
/// their pool; [`Actor::start_with`] and [`Actor::start_restarting`] always use a thread (the
/// actor they build need not be `Send`, and only a `Send` actor can move between a pool's
/// workers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Runtime {
    /// The process default: a thread per actor, unless the environment variable
    /// `PYKKA_RUNTIME` was `pool` when the first actor started (then [`Pool::global`]).
    #[default]
    Default,
    /// A thread of its own (the classic Pykka model).
    Thread,
    /// The process-wide pool, [`Pool::global`].
    Pool,
}

impl Runtime {
    /// The pool this runtime choice means, if any.
    pub(crate) fn pool(self) -> Option<&'static Pool> {
        match self {
            Runtime::Thread => None,
            Runtime::Pool => Some(Pool::global()),
            Runtime::Default => default_is_pool().then(Pool::global),
        }
    }
}

/// Whether `PYKKA_RUNTIME=pool` (read once).
fn default_is_pool() -> bool {
    static POOL: OnceLock<bool> = OnceLock::new();
    *POOL.get_or_init(|| std::env::var("PYKKA_RUNTIME").is_ok_and(|v| v.eq_ignore_ascii_case("pool")))
}

/// A pool of worker threads that runs many actors: the pooled runtime.
///
/// Start actors on it with [`start`](Pool::start) (or [`start_in`](Pool::start_in) a registry);
/// everything else about them is unchanged: their [`ActorRef`], proxies, futures, registry
/// entries, stop and failure semantics, timers and deadlock detection. An idle pooled actor
/// holds no thread and costs about a kilobyte, so a process can hold millions; a busy one
/// runs on one of the pool's `workers` threads, up to the pool's budget of messages per turn.
///
/// A blocking wait inside a pooled actor ([`Future::get`](crate::Future::get), `ask`, `join`,
/// `stop`, a full bounded inbox, [`blocking`]) spins briefly, then hands its worker's place
/// to a spare thread, so the pool keeps running other actors. Spares retire when idle. At
/// [`max_threads`](PoolBuilder::max_threads) the wait just blocks (one WARN per pool): never an
/// error.
///
/// The handle is cheap to clone. A pool's threads end when it is
/// [shut down](Pool::shutdown), or once every handle is dropped and its last actor has ended.
///
/// # Examples
///
/// ```
/// use pykka::{Actor, Context, Pool};
///
/// struct Doubler;
/// impl Actor for Doubler {
///     type Message = u64;
///     type Reply = u64;
///     fn on_receive(&mut self, _ctx: &Context<Self>, n: u64) -> Result<u64, pykka::Unhandled> {
///         Ok(n * 2)
///     }
/// }
///
/// let pool = Pool::new(2);
/// let doublers: Vec<_> = (0..1000).map(|_| pool.start(Doubler)).collect();
/// assert_eq!(doublers[999].ask(21).unwrap(), 42);
/// assert_eq!(pool.actors(), 1000);
/// pool.shutdown(); // stops them, last started first
/// assert_eq!(pool.actors(), 0);
/// ```
#[derive(Clone)]
pub struct Pool {
    handle: Arc<Handle>,
}

/// What the pool's handles share; dropping the last one lets the pool end (see [`Pool`]).
struct Handle {
    shared: Arc<Shared>,
}

/// What a pool's actors and handles share.
struct Shared {
    workers: Arc<Workers>,
    name: Arc<str>,
    /// The process-wide pool, which shutting down does not end.
    global: bool,
    /// [`Actors::shut_down`], readable without the lock (a start checks it first).
    shut_down: std::sync::atomic::AtomicBool,
    actors: Mutex<Actors>,
}

#[derive(Default)]
struct Actors {
    /// The actors alive on the pool, in start order.
    live: StartOrder<AnyActorRef>,
    /// Every handle is gone: the last actor to end closes the pool.
    orphaned: bool,
    /// Shut down: no more actors start.
    shut_down: bool,
}

/// Builds a [`Pool`] with settings other than the defaults.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let pool = pykka::Pool::builder()
///     .workers(2)
///     .max_threads(64)
///     .budget(32)
///     .name("io-pool")
///     .spare_idle(Duration::from_secs(1))
///     .build();
/// assert_eq!(pool.workers(), 2);
/// assert_eq!(pool.max_threads(), 64);
/// pool.shutdown();
/// ```
#[derive(Clone, Debug)]
pub struct PoolBuilder {
    settings: Settings,
}

/// The default cap on a pool's threads (workers and spares).
pub const DEFAULT_MAX_THREADS: usize = 10_240;

impl Default for PoolBuilder {
    fn default() -> Self {
        PoolBuilder {
            settings: Settings {
                name: "pykka-pool",
                workers: std::thread::available_parallelism().map_or(2, usize::from),
                max_threads: DEFAULT_MAX_THREADS,
                budget: 64,
                spare_idle: Duration::from_secs(10),
            },
        }
    }
}

impl PoolBuilder {
    /// How many turns the pool runs at a time: its worker threads. Default: the number of
    /// cores. At least 1.
    pub fn workers(mut self, workers: usize) -> Self {
        self.settings.workers = workers.max(1);
        self
    }

    /// The most threads the pool may have: workers, spares (threads that took the place of a
    /// blocked worker) and the rescue thread together. Default [`DEFAULT_MAX_THREADS`]; never
    /// below `workers + 1`.
    ///
    /// The last thread the cap allows is kept for the *rescue* thread, which runs only the
    /// turns of actors a blocked pool thread waits on: with every other thread blocked on one
    /// slow actor, it is what still runs that actor. A chain of blocking asks between pooled
    /// actors deeper than the cap cannot complete: each link holds a thread.
    pub fn max_threads(mut self, max_threads: usize) -> Self {
        self.settings.max_threads = max_threads;
        self
    }

    /// How many messages one actor handles per turn before the worker moves on to another
    /// (fairness). Default 64; at least 1.
    pub fn budget(mut self, messages: u32) -> Self {
        self.settings.budget = messages.max(1);
        self
    }

    /// The pool's name: its threads are `name-1`, `name-2`, …, and debug dumps show it as its
    /// actors' thread. Default `pykka-pool`.
    pub fn name(mut self, name: &'static str) -> Self {
        self.settings.name = name;
        self
    }

    /// How long a spare thread waits idle for work before it ends. Default 10 s.
    pub fn spare_idle(mut self, idle: Duration) -> Self {
        self.settings.spare_idle = idle;
        self
    }

    /// Starts the pool's worker threads.
    ///
    /// # Panics
    ///
    /// If the operating system refuses a worker thread; see [`try_build`](Self::try_build).
    pub fn build(self) -> Pool {
        self.try_build().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Starts the pool's worker threads.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`] if the operating system refuses a worker thread (the threads
    /// already started end again).
    pub fn try_build(mut self) -> Result<Pool> {
        self.settings.max_threads = self.settings.max_threads.max(self.settings.workers + 1);
        let name = self.settings.name;
        let workers = Workers::start(self.settings).map_err(|e| Error::StartFailed {
            actor: ActorId::new(name),
            reason: Arc::from(format!(
                "the operating system refused a worker thread of pool {name}: {e}"
            )),
        })?;
        Ok(Pool {
            handle: Arc::new(Handle {
                shared: Arc::new(Shared {
                    workers,
                    name: Arc::from(name),
                    global: false,
                    shut_down: std::sync::atomic::AtomicBool::new(false),
                    actors: Mutex::new(Actors::default()),
                }),
            }),
        })
    }
}

impl Pool {
    /// A pool of `workers` threads, with the other settings at their defaults.
    pub fn new(workers: usize) -> Pool {
        Pool::builder().workers(workers).build()
    }

    /// Returns a builder, for settings other than the defaults.
    pub fn builder() -> PoolBuilder {
        PoolBuilder::default()
    }

    /// The process-wide pool, built on first use with the default settings (a worker per
    /// core): where [`Runtime::Pool`] actors go.
    pub fn global() -> &'static Pool {
        static GLOBAL: OnceLock<Pool> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            let mut pool = Pool::builder().name("pykka-global").build();
            if let Some(handle) = Arc::get_mut(&mut pool.handle)
                && let Some(shared) = Arc::get_mut(&mut handle.shared)
            {
                shared.global = true;
            }
            pool
        })
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.handle.shared
    }

    /// Starts `actor` on this pool, registered in the global registry.
    ///
    /// # Panics
    ///
    /// If the pool is shut down; see [`try_start`](Self::try_start).
    #[track_caller]
    pub fn start<A: Actor + Send>(&self, actor: A) -> ActorRef<A> {
        self.start_in(ActorRegistry::global(), actor)
    }

    /// Starts `actor` on this pool, registered in `registry`.
    ///
    /// # Panics
    ///
    /// If the pool is shut down; see [`try_start`](Self::try_start).
    #[track_caller]
    pub fn start_in<A: Actor + Send>(&self, registry: &ActorRegistry, actor: A) -> ActorRef<A> {
        self.try_start_in(registry, actor).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like [`start`](Self::start), returning an error instead of panicking.
    ///
    /// # Errors
    ///
    /// [`Error::StartFailed`] if the pool is shut down. Nothing is left behind.
    pub fn try_start<A: Actor + Send>(&self, actor: A) -> Result<ActorRef<A>> {
        self.try_start_in(ActorRegistry::global(), actor)
    }

    /// Like [`start_in`](Self::start_in), returning an error instead of panicking.
    ///
    /// # Errors
    ///
    /// As [`try_start`](Self::try_start).
    pub fn try_start_in<A: Actor + Send>(&self, registry: &ActorRegistry, actor: A) -> Result<ActorRef<A>> {
        let mut actor = Some(actor);
        let once = move || match actor.take() {
            Some(actor) => actor,
            None => unreachable!("an actor without a restart policy is built once"),
        };
        self.spawn(registry, once, None)
    }

    /// Starts an actor restarted in place on failure (see
    /// [`Actor::start_restarting_in`]) on this pool: `factory` builds each incarnation, on a
    /// worker.
    ///
    /// # Panics
    ///
    /// If the pool is shut down.
    #[track_caller]
    pub fn start_restarting_in<A, F>(&self, registry: &ActorRegistry, policy: RestartPolicy, factory: F) -> ActorRef<A>
    where
        A: Actor + Send,
        F: FnMut() -> A + Send + 'static,
    {
        self.spawn(registry, factory, Some(Supervision::Policy(policy.restarter())))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Starts a supervised child on this pool (see `restart::start_child`).
    pub(crate) fn spawn<A, F>(
        &self,
        registry: &ActorRegistry,
        factory: F,
        supervision: Option<Supervision>,
    ) -> Result<ActorRef<A>>
    where
        A: Actor + Send,
        F: FnMut() -> A + Send + 'static,
    {
        let shared = self.shared();
        let id = ActorId::new(A::name());
        let shut_down = || Error::StartFailed {
            reason: Arc::from(format!("pool {} is shut down", shared.name)),
            actor: id.clone(),
        };
        if shared.shut_down.load(std::sync::atomic::Ordering::Acquire) {
            return Err(shut_down());
        }
        let state = ActorState::new(id.clone());
        state.set_thread(shared.name.clone());
        let mailbox = Mailbox::new(shared.workers.clone(), A::INBOX_CAPACITY, state.clone());
        let actor_ref = ActorRef::create(registry, id.clone(), state, InboxSender::Pooled(mailbox.clone()));
        let key = {
            let mut actors = lock(&shared.actors);
            if actors.shut_down {
                // The pool was shut down meanwhile: the actor never runs.
                drop(actors);
                registry.unregister(&actor_ref);
                actor_ref.cell.state.forget();
                return Err(shut_down());
            }
            actors.live.push(AnyActorRef::from(actor_ref.clone()))
        };
        let life = Life::new(Context::new(actor_ref.clone()), mailbox.clone(), supervision);
        mailbox.start(Box::new(Body {
            life: Some(life),
            factory,
            shared: shared.clone(),
            key,
            wake: None,
        }));
        Ok(actor_ref)
    }

    /// Stops every actor on the pool, last started first, each only once the one started
    /// after it has ended (as [`ActorRegistry::stop_all`] does), then ends the pool's threads.
    /// Returns, for each actor in that order, whether this call stopped it. No actor starts on
    /// the pool afterwards ([`Error::StartFailed`]).
    ///
    /// On [`Pool::global`] it stops the actors and leaves the pool running: the process has
    /// one global pool, and [`Runtime::Pool`] actors may start on it later.
    ///
    /// Call it from outside the pool: an actor of the pool cannot wait for itself to stop.
    pub fn shutdown(&self) -> Vec<bool> {
        let shared = self.shared();
        let actors: Vec<AnyActorRef> = {
            let mut actors = lock(&shared.actors);
            actors.shut_down = !shared.global;
            shared
                .shut_down
                .store(actors.shut_down, std::sync::atomic::Ordering::Release);
            actors.live.values().rev().cloned().collect()
        };
        let stopped = if current::running_an_actor() {
            actors.iter().map(AnyActorRef::stop).collect()
        } else {
            // The chain sends each next stop from the previous actor's end: on a worker, right
            // after it, without a round trip to this thread.
            let (chain, done) = StopChain::start(actors.clone());
            let _ = done.get();
            for actor in &actors {
                let _ = actor.join();
            }
            chain.answers()
        };
        if !shared.global {
            shared.workers.close();
        }
        stopped
    }

    /// The number of turns the pool runs at a time: its worker threads.
    pub fn workers(&self) -> usize {
        self.shared().workers.settings.workers
    }

    /// The most threads the pool may have (workers and spares).
    pub fn max_threads(&self) -> usize {
        self.shared().workers.settings.max_threads
    }

    /// The pool's threads alive now: workers and spares.
    pub fn threads(&self) -> usize {
        self.shared().workers.counts().0
    }

    /// The most threads the pool ever had alive at once.
    pub fn peak_threads(&self) -> usize {
        self.shared().workers.counts().1
    }

    /// The pool's threads blocked in a wait now (each had its place taken by a spare).
    pub fn blocked_threads(&self) -> usize {
        self.shared().workers.blocked()
    }

    /// The actors alive on the pool now.
    pub fn actors(&self) -> usize {
        lock(&self.shared().actors).live.len()
    }

    /// The pool's name.
    pub fn name(&self) -> &str {
        &self.shared().name
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("name", &self.name())
            .field("workers", &self.workers())
            .field("threads", &self.threads())
            .field("actors", &self.actors())
            .finish()
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        let close = {
            let mut actors = lock(&self.shared.actors);
            actors.orphaned = true;
            actors.live.is_empty()
        };
        if close {
            self.shared.workers.close();
        }
    }
}

impl Shared {
    /// An actor of the pool has ended.
    fn forget(&self, key: u64) {
        let close = {
            let mut actors = lock(&self.actors);
            actors.live.remove(key);
            actors.orphaned && actors.live.is_empty()
        };
        if close {
            self.workers.close();
        }
    }
}

/// A pooled actor's runtime state between turns: its life and what it needs to live on.
struct Body<A: Actor, F> {
    /// `None` once the actor has ended.
    life: Option<Life<A, Arc<Mailbox<Envelope<A>>>>>,
    factory: F,
    shared: Arc<Shared>,
    /// The actor's number in the pool's start order.
    key: u64,
    /// The wake-up armed for the actor's next timer, and when it fires (boxed: most actors
    /// have no timers, and this is part of an idle actor's footprint).
    wake: Option<Box<(Instant, TimerHandle)>>,
}

impl<A, F> Turn<Envelope<A>> for Body<A, F>
where
    A: Actor + Send,
    F: FnMut() -> A + Send + 'static,
{
    fn turn(&mut self, mailbox: &Arc<Mailbox<Envelope<A>>>) -> TurnEnd {
        let Some(life) = self.life.as_mut() else {
            return TurnEnd::Ended;
        };
        current::enter(life.ctx().actor_ref());
        life.ctx().actor_ref().cell.state.turn_begins();
        panic::set_ask_panics_fail(life.ask_panics_fail());
        let budget = self.shared.workers.settings.budget;
        let mut went_idle = false;
        let ended = life.resume(&mut self.factory, &mut |lifecycle, mailbox| {
            receive(lifecycle, mailbox, budget, &mut went_idle)
        });
        match ended {
            None => {
                arm_wake(&mut self.wake, life.ctx().actor_ref(), mailbox);
                current::leave();
                if went_idle { TurnEnd::Idle } else { TurnEnd::Yield }
            }
            Some(ended) => {
                if let Some(wake) = self.wake.take() {
                    wake.1.cancel();
                }
                let life = self.life.take().expect("a living actor's life");
                life.end(ended, current::leave);
                self.shared.forget(self.key);
                TurnEnd::Ended
            }
        }
    }
}

/// An actor with timers and nothing queued is woken when its next timer is due: arms that
/// wake-up (`wake`) on the timer thread (or its manual clock), unless an earlier one is armed.
fn arm_wake<A: Actor>(
    wake: &mut Option<Box<(Instant, TimerHandle)>>,
    actor_ref: &ActorRef<A>,
    mailbox: &Arc<Mailbox<Envelope<A>>>,
) {
    let cell = &actor_ref.cell;
    if wake.is_none() && !cell.timers.is_armed() {
        return;
    }
    let clock = cell.registry.clock();
    if let Some(armed) = &*wake
        && armed.0 <= clock.now()
    {
        *wake = None;
    }
    if !cell.timers.is_armed() {
        return;
    }
    let Some(due) = cell.timers.deadline(clock) else {
        return;
    };
    let now = clock.now();
    if due <= now {
        // Due already (a periodic timer's next round): run again soon, after the others.
        let _ = mailbox.push(Envelope::Wake, false, None);
        return;
    }
    if wake.as_ref().is_some_and(|armed| armed.0 <= due) {
        return;
    }
    if let Some(earlier) = wake.take() {
        earlier.1.cancel();
    }
    let handle = actor_ref.schedule_weak(due - now, |target| {
        target.wake();
    });
    *wake = Some(Box::new((due, handle)));
}

/// How many budgets' worth of messages a turn takes at once when no other actor waits for a
/// turn (see [`receive`]).
const ALONE_TAKES: u32 = 16;

/// A pooled actor's turn at its inbox: handles up to `budget` envelopes, firing its due timers
/// when the inbox runs empty, then yields ([`Flow::Yield`]), or returns the flow that ends the
/// incarnation. While no other actor waits for a turn the budget is renewed (there is nobody to
/// be fair to, and a turn that ends and begins again costs a stream its buffer).
///
/// `went_idle` is set when the turn found the inbox empty and marked the actor idle itself.
fn receive<A: Actor>(
    lifecycle: &mut Lifecycle<A>,
    mailbox: &Arc<Mailbox<Envelope<A>>>,
    budget: u32,
    went_idle: &mut bool,
) -> Flow {
    let mut left = budget;
    // Messages taken from the inbox together (one lock for a run of them, so senders and the
    // turn seldom meet on it); what a turn that ends early leaves here goes back in front.
    let mut batch = Batch::new();
    let mut streaming = false;
    loop {
        let flow = lifecycle.run(|lifecycle| {
            if let Some(envelope) = batch.pop() {
                return Some(lifecycle.handle(envelope));
            }
            let alone = mailbox.nothing_else_to_do();
            if left == 0 {
                if !alone {
                    return Some(Flow::Yield);
                }
                // Nobody else waits for a turn: a new budget, and the turn's buffer stays.
                left = budget;
            }
            let armed = lifecycle.actor_ref().cell.timers.is_armed();
            if streaming {
                // A sender is streaming messages in: let a run of them gather before taking
                // the lock they all go through, rather than meeting the sender at it for each.
                mailbox.gather();
            }
            // Without timers to serve, an empty inbox marks the actor idle under the same lock.
            // With nobody else waiting for a turn, the turn takes up to `ALONE_TAKES` budgets
            // at once (in a stream, the sender's whole buffer: the lock is held for a swap,
            // not a copy); an actor that comes meanwhile waits for that batch at most.
            let max = if alone {
                budget.saturating_mul(ALONE_TAKES)
            } else {
                left
            };
            let taken = mailbox.take(&mut batch, max, !armed);
            streaming = taken >= 2;
            if taken == 0 {
                if armed {
                    return Some(Flow::Timers);
                }
                *went_idle = true;
                lifecycle.state().idle_after_turn();
                return Some(Flow::Yield);
            }
            left = left.saturating_sub(taken);
            Some(match batch.pop() {
                Some(envelope) => lifecycle.handle(envelope),
                None => Flow::Continue,
            })
        });
        if !batch.is_empty() {
            mailbox.put_back(std::mem::replace(&mut batch, Batch::new()));
        }
        if !matches!(flow, Flow::Timers) {
            return flow;
        }
        match lifecycle.run_one(Lifecycle::fire_due_timers) {
            Flow::Continue => {}
            other => return other,
        }
        if mailbox.len() == 0 {
            lifecycle.state().idle_after_turn();
            return Flow::Yield;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
