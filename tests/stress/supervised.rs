//! The operations on supervised actors ([`Phoenix`]): started with a restart policy
//! (permanent, transient, temporary; a small intensity so some give up, or a large one; with
//! or without a short backoff; with or without `ask_panics_fail`), or as children of a
//! supervisor (one-for-one, one-for-all, rest-for-one, flat or nested once), then told, asked,
//! made to panic (in a tell, in an ask, in `on_start` of the next restart) and stopped, from
//! every driver, mixed with the other operations on the same registries.
//!
//! The drivers check that every ask resolves with the right value from an incarnation no
//! older than the one that answered the sender before, or with an allowed error (`ActorDead`;
//! `Panicked` for a panic); that a `stop()` ends the actor for good (terminated, termination
//! resolved, no restart after); and that a supervisor's `stop()` returns only once all its
//! children have ended. The actors check the rest (see [`crate::phoenix`]); the watcher checks
//! each termination's kind, and the end of the run that each actor ended exactly once, as its
//! watcher was told.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use pykka::{
    Actor, ActorRef, ActorRegistry, Backoff, ChildSpec, Error, Restart, RestartPolicy, Strategy, Supervisor,
    SupervisorSpec,
};

use crate::actors::{MARKER, expected, lock};
use crate::checks::{HANG, SLACK, violation};
use crate::ops::{Op, SHARED_SCOPES, World};
use crate::phoenix::{Epochs, Keeper, Life, PKind, PMsg, PReply, Phoenix, Shared, Watcher};
use crate::rng::Rng;

/// At most this many supervised actors run at once (a start becomes a no-op beyond it).
const MAX_LIVE: usize = 24;
/// At most this many supervisor trees run at once.
const MAX_TREES: usize = 4;

/// A started supervisor tree and the lives of all its children (also those of a nested
/// supervisor's later incarnations).
#[derive(Debug)]
struct Tree {
    label: String,
    root: ActorRef<Supervisor>,
    lives: Arc<std::sync::Mutex<Vec<Arc<Life>>>>,
}

/// The supervision side of the world.
#[derive(Debug)]
pub(crate) struct Sup {
    pub(crate) shared: Arc<Shared>,
    watch_registry: ActorRegistry,
    /// The registries of actors started alone in one (stopped at the end).
    alone: std::sync::Mutex<Vec<ActorRegistry>>,
    /// The index in [`Epochs`] of the registries of actors started alone.
    alone_scope: usize,
    trees: std::sync::Mutex<Vec<Tree>>,
    pub(crate) trees_started: AtomicU64,
}

impl Sup {
    pub(crate) fn new(scopes: usize) -> Self {
        let watch_registry = ActorRegistry::new();
        let watcher = Watcher.start_in(&watch_registry);
        Sup {
            shared: Arc::new(Shared {
                epochs: Epochs::new(scopes + 1),
                book: Default::default(),
                watcher,
                lives: Default::default(),
                ended: Default::default(),
                next: AtomicU64::new(0),
                ends: Default::default(),
            }),
            watch_registry,
            alone: Default::default(),
            alone_scope: scopes,
            trees: Default::default(),
            trees_started: AtomicU64::new(0),
        }
    }

    /// The lives running now (started, not terminated).
    fn running(&self) -> Vec<(Arc<Life>, ActorRef<Phoenix>)> {
        lock(&self.shared.lives)
            .iter()
            .filter_map(|l| {
                l.actor
                    .get()
                    .filter(|a| !a.is_terminated())
                    .map(|a| (l.clone(), a.clone()))
            })
            .collect()
    }

    /// Notes that a stop of the actor `urn` is requested (if it is a supervised one).
    pub(crate) fn stop_requested(&self, urn: &str) {
        for life in lock(&self.shared.lives).iter() {
            if life.actor.get().is_some_and(|a| a.urn() == urn) {
                life.stop_requested.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Moves the lives that ended out of the running ones.
    pub(crate) fn prune(&self) {
        let ended: Vec<Arc<Life>> = {
            let mut lives = lock(&self.shared.lives);
            let (ended, running) = lives
                .drain(..)
                .partition(|l| l.actor.get().is_some_and(ActorRef::is_terminated));
            *lives = running;
            ended
        };
        lock(&self.shared.ended).extend(ended);
        lock(&self.trees).retain(|t| !t.root.is_terminated());
        lock(&self.alone).retain(|r| !r.is_empty());
    }

    /// Every life, ended or not.
    fn all(&self) -> Vec<Arc<Life>> {
        let mut all = lock(&self.shared.ended).clone();
        all.extend(lock(&self.shared.lives).iter().cloned());
        all
    }

    /// How many restarts the lives made (incarnations built beyond the first).
    pub(crate) fn restarts(&self) -> u64 {
        self.all()
            .iter()
            .map(|l| l.built.load(Ordering::Relaxed).saturating_sub(1))
            .sum()
    }

    /// The one-line summary's part.
    pub(crate) fn summary(&self) -> String {
        let e = &self.shared.ends;
        let lives = self.all().len();
        format!(
            "supervised: {} actors, {} trees, {} restarts, ended {} stopped / {} failed / {} gave up",
            lives,
            self.trees_started.load(Ordering::Relaxed),
            self.restarts(),
            e[0].load(Ordering::Relaxed),
            e[1].load(Ordering::Relaxed),
            e[2].load(Ordering::Relaxed),
        )
    }

    /// The final checks, once every registry is stopped: every life ended once, as its watcher
    /// was told; then the watcher stops.
    pub(crate) fn finish(&self) {
        {
            let _stopping = self.shared.epochs.stopping(self.alone_scope);
            for registry in lock(&self.alone).drain(..) {
                registry.stop_all();
                if !registry.is_empty() {
                    violation(format!(
                        "at the end a registry of its own still holds {:?}",
                        registry.get_all()
                    ));
                }
            }
        }
        let lives = self.all();
        let mut ended = Vec::new();
        for life in &lives {
            let Some(actor) = life.actor.get() else { continue };
            match actor.termination().get_timeout(HANG) {
                Ok(t) => ended.push((life.clone(), t)),
                Err(e) => violation(format!(
                    "{}: after the final stop_all, its termination did not resolve: {e:?}",
                    life.label
                )),
            }
        }
        // Everything the watcher was told is queued before this.
        if let Err(e) = self.shared.watcher.ask_with(|_, _| ()).wait_timeout(HANG) {
            violation(format!("the watcher did not answer at the end: {e:?}"));
        }
        let book = lock(&self.shared.book);
        for (life, t) in &ended {
            let urn = life.actor.get().map(|a| a.urn().to_owned()).unwrap_or_default();
            life.check_end(t, book.get(&urn));
        }
        drop(book);
        self.watch_registry.stop_all();
        lock(&self.trees).clear();
    }
}

/// Starts an actor with a random restart policy in a random registry.
pub(crate) fn start(world: &World, d: usize, rng: &mut Rng) -> bool {
    if world.sup.running().len() >= MAX_LIVE {
        return false;
    }
    let alone = rng.one_in(4).then(ActorRegistry::new);
    let scope = if alone.is_some() {
        world.sup.alone_scope
    } else if rng.one_in(3) {
        SHARED_SCOPES + d
    } else {
        rng.index(SHARED_SCOPES)
    };
    let restart = [Restart::Permanent, Restart::Transient, Restart::Temporary][rng.index(3)];
    let max = if rng.one_in(2) {
        u32::try_from(rng.below(3)).unwrap_or(0)
    } else {
        1000
    };
    let ask_panics_fail = rng.one_in(3);
    let mut policy = RestartPolicy::new(restart)
        .intensity(max, Duration::from_secs(3600))
        .ask_panics_fail(ask_panics_fail);
    let backoff = rng.one_in(2);
    if backoff {
        let min = Duration::from_micros(rng.below(2000));
        let mut b = Backoff::new(min, Duration::from_millis(4)).jitter(0.5);
        if rng.one_in(2) {
            b = b.reset_after(Duration::from_millis(20));
        }
        policy = policy.backoff(b);
    }
    let keeper = Keeper::Policy {
        restart,
        max,
        ask_panics_fail,
    };
    let life = Life::new(
        &world.sup.shared,
        keeper,
        scope,
        alone.clone(),
        if backoff { "restarting, backoff" } else { "restarting" },
    );
    let desc = format!("start_restarting {}", life.label);
    let _ = world.guarded(d, &desc, false, || {
        let registry = alone.as_ref().unwrap_or_else(|| &world.scopes[scope]);
        let result = if rng.one_in(2) {
            Phoenix::try_start_restarting_in(registry, policy, life.factory())
        } else {
            Ok(Phoenix::start_restarting_in(registry, policy, life.factory()))
        };
        match result {
            // The first on_start sets it; it has run by the first reply.
            Ok(actor) => {
                check_same(&desc, &life, &actor);
                // Registered by now: kept until it is empty (its actor ended) or the end.
                if let Some(registry) = &alone {
                    lock(&world.sup.alone).push(registry.clone());
                }
            }
            Err(e) => violation(format!("{desc}: failed with {e:?}")),
        }
    });
    true
}

/// Checks that the actor a start returned is the one its first `on_start` saw (once it ran).
fn check_same(desc: &str, life: &Life, actor: &ActorRef<Phoenix>) {
    if let Some(seen) = life.actor.get()
        && seen != actor
    {
        violation(format!("{desc}: on_start saw {seen}, the start returned {actor}"));
    }
}

/// A child spec for a new life in `lives` (and the world's).
fn child(
    shared: &Arc<Shared>,
    lives: &Arc<std::sync::Mutex<Vec<Arc<Life>>>>,
    restart: Restart,
    scope: usize,
    what: String,
) -> ChildSpec {
    let life = Life::new(shared, Keeper::Child(restart), scope, None, &what);
    lock(lives).push(life.clone());
    ChildSpec::new(life.factory()).restart(restart)
}

/// Starts a supervisor tree (flat, or nested once) in a random shared registry.
pub(crate) fn tree(world: &World, d: usize, rng: &mut Rng) -> bool {
    if lock(&world.sup.trees)
        .iter()
        .filter(|t| !t.root.is_terminated())
        .count()
        >= MAX_TREES
        || world.sup.running().len() >= MAX_LIVE
    {
        return false;
    }
    let scope = rng.index(SHARED_SCOPES);
    let strategies = [Strategy::OneForOne, Strategy::OneForAll, Strategy::RestForOne];
    let restarts = [Restart::Permanent, Restart::Transient, Restart::Temporary];
    let strategy = strategies[rng.index(3)];
    let max = if rng.one_in(2) {
        u32::try_from(rng.below(3)).unwrap_or(0)
    } else {
        1000
    };
    let n = world.sup.trees_started.fetch_add(1, Ordering::Relaxed);
    let label = format!("Tree#{n} ({strategy:?}, intensity {max})");
    let lives: Arc<std::sync::Mutex<Vec<Arc<Life>>>> = Arc::default();
    let shared = &world.sup.shared;
    let mut spec = SupervisorSpec::new(strategy).intensity(max, Duration::from_secs(3600));
    let children = 2 + rng.index(2);
    let nested_at = rng.one_in(2).then(|| rng.index(children));
    for i in 0..children {
        if nested_at == Some(i) {
            let inner_strategy = strategies[rng.index(3)];
            let inner_max = u32::try_from(rng.below(3)).unwrap_or(0);
            let inner_restarts: Vec<Restart> = (0..2).map(|_| restarts[rng.index(3)]).collect();
            let (shared, lives, label) = (shared.clone(), lives.clone(), label.clone());
            let inner = ChildSpec::new(move || {
                let mut spec = SupervisorSpec::new(inner_strategy).intensity(inner_max, Duration::from_secs(3600));
                for (j, r) in inner_restarts.iter().enumerate() {
                    spec = spec.child(child(&shared, &lives, *r, scope, format!("{label} inner {j}")));
                }
                Supervisor::new(spec)
            })
            .restart(if rng.one_in(3) {
                Restart::Transient
            } else {
                Restart::Permanent
            });
            spec = spec.child(inner);
        } else {
            spec = spec.child(child(
                shared,
                &lives,
                restarts[rng.index(3)],
                scope,
                format!("{label} child {i}"),
            ));
        }
    }
    let desc = format!("start {label} in scope {scope}");
    let born = world.sup.shared.epochs.birth(scope);
    let _ = world.guarded(d, &desc, false, || match spec.start_in(&world.scopes[scope]) {
        Ok(root) => lock(&world.sup.trees).push(Tree {
            label: label.clone(),
            root,
            lives: lives.clone(),
        }),
        // A child may be stopped (by a stop_all of the registry, or by a driver that found it
        // once its on_start ran) or fail while the supervisor still starts the others.
        Err(Error::StartFailed { .. })
            if world.sup.shared.epochs.stopped_since(scope, born)
                || lock(&lives)
                    .iter()
                    .any(|l| l.stop_requested.load(Ordering::SeqCst) || l.failures.load(Ordering::SeqCst) > 0) => {}
        Err(e) => violation(format!("{desc}: failed with {e:?}")),
    });
    true
}

/// Stops a supervisor tree's root: once `stop()` returns, every child has ended.
pub(crate) fn stop_tree(world: &World, d: usize, rng: &mut Rng) -> bool {
    type Lives = Arc<std::sync::Mutex<Vec<Arc<Life>>>>;
    let running: Vec<(String, ActorRef<Supervisor>, Lives)> = lock(&world.sup.trees)
        .iter()
        .filter(|t| !t.root.is_terminated())
        .map(|t| (t.label.clone(), t.root.clone(), t.lives.clone()))
        .collect();
    if running.is_empty() {
        return false;
    }
    let (label, root, lives) = &running[rng.index(running.len())];
    let desc = format!("stop {label} ({root})");
    let _ = world.guarded(d, &desc, false, || {
        root.stop();
        for life in lock(lives).iter() {
            if let Some(actor) = life.actor.get()
                && !actor.termination().is_ready()
            {
                violation(format!(
                    "{desc}: the supervisor's stop returned while its child {} had not ended",
                    life.label
                ));
            }
        }
        if !root.is_terminated() {
            violation(format!("{desc}: stop() returned, yet is_terminated() is false"));
        }
    });
    true
}

/// Tells, asks, panics and stops on one running supervised actor.
pub(crate) fn on_actor(world: &World, d: usize, rng: &mut Rng, op: Op) -> bool {
    let running = world.sup.running();
    if running.is_empty() {
        return false;
    }
    let (life, actor) = &running[rng.index(running.len())];
    let sends = !matches!(op, Op::SupAlive | Op::SupStop);
    // Only a message sent takes a number: the numbers a sender queues have no gaps.
    let tag = if sends {
        life.tag(d)
    } else {
        crate::actors::Tag { sender: d, seq: 0 }
    };
    let value = rng.next_u64();
    let work = if rng.one_in(6) {
        PKind::Slow {
            micros: rng.below(200),
            value,
        }
    } else {
        PKind::Work(value)
    };
    let desc = format!("{} as {tag:?} on {} ({actor})", Op::NAMES[op.index()], life.label);
    let _ = world.guarded(d, &desc, false, || match op {
        Op::SupTell | Op::SupPanic | Op::SupStartPanic => {
            let kind = if op == Op::SupTell {
                work
            } else {
                if op == Op::SupStartPanic {
                    life.start_bombs.fetch_add(1, Ordering::SeqCst);
                }
                PKind::Panic { fails: true }
            };
            if let Err(e) = actor.tell(PMsg { tag, kind })
                && !e.is_actor_dead()
            {
                violation(format!("{desc}: tell failed with {e:?}, expected Ok or ActorDead"));
            }
        }
        Op::SupAsk => {
            let result = if rng.one_in(2) {
                actor.ask(PMsg { tag, kind: work })
            } else {
                actor.ask_future(PMsg { tag, kind: work }).wait_timeout(HANG)
            };
            let value = match work {
                PKind::Work(v) | PKind::Slow { value: v, .. } => v,
                PKind::Panic { .. } => 0,
            };
            match result {
                Ok(PReply {
                    value: got,
                    incarnation,
                }) if got == expected(value) => {
                    life.replied(&desc, d, incarnation);
                    if incarnation > 1 {
                        check_registered(world, &desc, life, actor);
                    }
                }
                Err(Error::ActorDead { .. }) => {}
                other => violation(format!(
                    "{desc}: expected {} or ActorDead, got {other:?}",
                    expected(value)
                )),
            }
        }
        Op::SupAskPanic => {
            let fails = life.keeper.ask_panics_fail();
            match actor.ask_timeout(
                PMsg {
                    tag,
                    kind: PKind::Panic { fails },
                },
                HANG,
            ) {
                Err(Error::Panicked { message, .. }) if message.starts_with(MARKER) => {}
                Err(Error::ActorDead { .. }) => {}
                other => violation(format!("{desc}: expected Panicked or ActorDead, got {other:?}")),
            }
        }
        Op::SupAlive => {
            if !actor.is_alive() {
                // Only a final end makes it false: the termination follows.
                if let Err(e) = actor.termination().get_timeout(HANG / 3) {
                    violation(format!("{desc}: is_alive() false, yet no termination: {e:?}"));
                }
            }
        }
        _ => {
            // Op::SupStop
            life.stop_requested.store(true, Ordering::SeqCst);
            let began = std::time::Instant::now();
            let answered = actor.stop();
            life.stop_returned.store(true, Ordering::SeqCst);
            if !actor.is_terminated() || actor.is_alive() {
                violation(format!(
                    "{desc}: stop() answered {answered}, yet the actor is not terminated"
                ));
            }
            match actor.termination().get_timeout(SLACK) {
                Ok(_) => {}
                Err(e) => violation(format!(
                    "{desc}: stop() answered {answered} after {:?}, yet the termination did not resolve: {e:?}",
                    began.elapsed()
                )),
            }
        }
    });
    true
}

/// After a reply from a restarted incarnation: the actor is still in its registry (restarts
/// do not unregister it), unless it has ended meanwhile.
fn check_registered(world: &World, desc: &str, life: &Life, actor: &ActorRef<Phoenix>) {
    let registry = life.alone.as_ref().unwrap_or_else(|| &world.scopes[life.scope]);
    if registry.get_by_urn(actor.urn()).is_none() && actor.termination().get_timeout(HANG / 3).is_err() {
        violation(format!(
            "{desc}: after a restart the actor is missing from its registry, yet has not ended"
        ));
    }
}
