//! The supervised actor under test, [`Phoenix`]: one logical actor restarted in place, its
//! incarnations numbered from 1, everything that happens to it recorded in its [`Life`].
//!
//! What the actor itself checks, on its own thread:
//! - a factory builds incarnation `n` only once the value of `n - 1` is dropped and its
//!   `on_stop`/`on_failure` has returned (the old incarnation's hooks and `Drop` finish before
//!   the new one is built, so before its `on_start`), and never after a requested stop ran
//!   `on_stop` (a requested stop never restarts);
//! - `on_start` of incarnation `n` follows `on_start` of an older one (the incarnation counter
//!   never decreases), and in a restart the actor is still alive (`is_alive()`), still in its
//!   registry (looked up by URN through `Context::registry`) and its termination is not
//!   resolved (a restart is not a termination);
//! - every message is handled by the live incarnation (the newest one started, the only value
//!   alive), and each sender's messages come in order with none skipped, across restarts: the
//!   only message a failure may take is the one that failed, and it was handled (it panicked);
//!   messages queued before or during a restart are handled by the new incarnation, in order.
//!   (Inboxes are unbounded and every panic of an ask is awaited, so each message a sender
//!   queued is either handled or dropped with the actor's final end, after which none is.)

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use pykka::{Actor, ActorRef, Context, Failure, Restart, Termination, Unhandled};

use crate::actors::{LIVE, MARKER, SENDERS, Tag, expected, lock};
use crate::checks::violation;

/// How a [`Phoenix`] is restarted.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Keeper {
    /// By its own `RestartPolicy`: its type, at most `max` restarts (within a window longer
    /// than any run), and whether a panicking ask fails it.
    Policy {
        restart: Restart,
        max: u32,
        ask_panics_fail: bool,
    },
    /// By a supervisor, as a child of this restart type.
    Child(Restart),
}

impl Keeper {
    pub(crate) fn restart(self) -> Restart {
        match self {
            Keeper::Policy { restart, .. } | Keeper::Child(restart) => restart,
        }
    }

    pub(crate) fn is_child(self) -> bool {
        matches!(self, Keeper::Child(_))
    }

    /// Whether a panic while handling an ask fails the actor.
    pub(crate) fn ask_panics_fail(self) -> bool {
        matches!(
            self,
            Keeper::Policy {
                ask_panics_fail: true,
                ..
            }
        )
    }
}

/// Requested stops of whole registries: a direct actor may end `Stopped` only after a stop of
/// its own or of its registry was requested.
#[derive(Debug)]
pub(crate) struct Epochs {
    /// Per registry: how many registry-wide stops began.
    began: Vec<AtomicU64>,
    /// Per registry: how many registry-wide stops are under way.
    active: Vec<AtomicU64>,
}

impl Epochs {
    pub(crate) fn new(scopes: usize) -> Self {
        Epochs {
            began: (0..scopes).map(|_| AtomicU64::new(0)).collect(),
            active: (0..scopes).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Marks a registry-wide stop of `scope` from now until the guard is dropped (the guard
    /// must outlive every wait for the stopped actors).
    pub(crate) fn stopping(&self, scope: usize) -> StopGuard<'_> {
        self.active[scope].fetch_add(1, Ordering::SeqCst);
        self.began[scope].fetch_add(1, Ordering::SeqCst);
        StopGuard { epochs: self, scope }
    }

    /// The epoch of an actor about to be started in `scope`: `(stops begun, one under way)`.
    pub(crate) fn birth(&self, scope: usize) -> (u64, bool) {
        let active = self.active[scope].load(Ordering::SeqCst) > 0;
        (self.began[scope].load(Ordering::SeqCst), active)
    }

    /// Whether a registry-wide stop of `scope` may have reached an actor started after
    /// [`birth`](Self::birth) answered `born`.
    pub(crate) fn stopped_since(&self, scope: usize, born: (u64, bool)) -> bool {
        born.1 || self.began[scope].load(Ordering::SeqCst) > born.0
    }
}

/// See [`Epochs::stopping`].
#[derive(Debug)]
pub(crate) struct StopGuard<'a> {
    epochs: &'a Epochs,
    scope: usize,
}

impl Drop for StopGuard<'_> {
    fn drop(&mut self) {
        self.epochs.active[self.scope].fetch_sub(1, Ordering::SeqCst);
    }
}

/// What every watcher was told, by URN.
pub(crate) type Book = Mutex<HashMap<String, Vec<Termination>>>;

/// Watches every [`Phoenix`] (`Context::watch`) and writes what it is told into a [`Book`].
#[derive(Debug)]
pub(crate) struct Watcher;

impl Actor for Watcher {
    type Message = ();
    type Reply = ();
}

/// Everything the actors and the drivers share about supervision.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) epochs: Epochs,
    pub(crate) book: Book,
    pub(crate) watcher: ActorRef<Watcher>,
    /// The logical actors not known to have ended.
    pub(crate) lives: Mutex<Vec<Arc<Life>>>,
    /// The ones that ended (kept to the end, for the final checks).
    pub(crate) ended: Mutex<Vec<Arc<Life>>>,
    pub(crate) next: AtomicU64,
    /// Terminations seen by the watcher, by kind: stopped, failed, gave up.
    pub(crate) ends: [AtomicU64; 3],
}

/// One logical actor: its identity across incarnations and what happened to it.
#[derive(Debug)]
pub(crate) struct Life {
    pub(crate) label: String,
    pub(crate) keeper: Keeper,
    pub(crate) scope: usize,
    /// The registry of its own, where it is the only actor, if it has one (then `scope` is
    /// [`Epochs`]' last index, shared by all such registries).
    pub(crate) alone: Option<pykka::ActorRegistry>,
    born: (u64, bool),
    shared: Arc<Shared>,
    /// The actor, set by the first `on_start`.
    pub(crate) actor: OnceLock<ActorRef<Phoenix>>,
    /// Incarnations built by the factory.
    pub(crate) built: AtomicU64,
    /// The newest incarnation whose `on_start` began.
    current: AtomicU64,
    /// Values of this actor alive now (0 or 1).
    values: AtomicI64,
    in_end_hook: AtomicBool,
    /// Intended panics that fail the actor (in a tell, a failing ask, an `on_start`).
    pub(crate) failures: AtomicU64,
    /// How many of the next restarts panic in `on_start`.
    pub(crate) start_bombs: AtomicU32,
    /// A requested stop ran `on_stop` (direct actors only: they never stop themselves).
    stopped_by_request: AtomicBool,
    /// A driver asked this actor to stop.
    pub(crate) stop_requested: AtomicBool,
    /// A driver's `stop()` of this actor returned.
    pub(crate) stop_returned: AtomicBool,
    last: Mutex<[u64; SENDERS]>,
    next_seq: [AtomicU64; SENDERS],
    /// Per sender, the newest incarnation a reply came from.
    seen: [AtomicU64; SENDERS],
}

impl Life {
    pub(crate) fn new(
        shared: &Arc<Shared>,
        keeper: Keeper,
        scope: usize,
        alone: Option<pykka::ActorRegistry>,
        what: &str,
    ) -> Arc<Self> {
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        let life = Arc::new(Life {
            label: format!(
                "Phoenix#{n} ({what}, {keeper:?}, {})",
                if alone.is_some() {
                    "its own registry".to_owned()
                } else {
                    format!("scope {scope}")
                }
            ),
            keeper,
            scope,
            alone,
            born: shared.epochs.birth(scope),
            shared: shared.clone(),
            actor: OnceLock::new(),
            built: AtomicU64::new(0),
            current: AtomicU64::new(0),
            values: AtomicI64::new(0),
            in_end_hook: AtomicBool::new(false),
            failures: AtomicU64::new(0),
            start_bombs: AtomicU32::new(0),
            stopped_by_request: AtomicBool::new(false),
            stop_requested: AtomicBool::new(false),
            stop_returned: AtomicBool::new(false),
            last: Mutex::new([0; SENDERS]),
            next_seq: Default::default(),
            seen: Default::default(),
        });
        lock(&shared.lives).push(life.clone());
        life
    }

    /// The factory of this actor.
    pub(crate) fn factory(self: &Arc<Self>) -> impl FnMut() -> Phoenix + Send + 'static {
        let life = self.clone();
        move || Phoenix::build(life.clone())
    }

    /// The next message tag of `sender`.
    pub(crate) fn tag(&self, sender: usize) -> Tag {
        Tag {
            sender,
            seq: self.next_seq[sender].fetch_add(1, Ordering::Relaxed) + 1,
        }
    }

    /// Notes that `sender` got a reply from incarnation `n`; replies to one sender never come
    /// from an older incarnation than the one before.
    pub(crate) fn replied(&self, desc: &str, sender: usize, n: u64) {
        let before = self.seen[sender].fetch_max(n, Ordering::SeqCst);
        if n < before {
            violation(format!(
                "{desc}: reply from incarnation {n}, after an earlier reply to the same sender from incarnation {before}"
            ));
        }
    }

    /// Whether a registry-wide stop of this actor's registry may have reached it.
    fn registry_stopped(&self) -> bool {
        self.shared.epochs.stopped_since(self.scope, self.born)
    }

    /// Checks a termination as the watcher is told it (everything that caused it happened
    /// before).
    pub(crate) fn check_termination(&self, t: &Termination) {
        let label = &self.label;
        let failures = self.failures.load(Ordering::SeqCst);
        let built = self.built.load(Ordering::SeqCst);
        let restart = self.keeper.restart();
        let bad = |why: &str| {
            violation(format!(
                "{label}: ended {t:?}, but {why} (failures {failures}, built {built})"
            ))
        };
        match t {
            Termination::Stopped => {
                self.shared.ends[0].fetch_add(1, Ordering::Relaxed);
                let requested = self.stop_requested.load(Ordering::SeqCst) || self.registry_stopped();
                if !self.keeper.is_child() && !requested {
                    bad("no stop was requested");
                }
            }
            Termination::Failed { message } => {
                self.shared.ends[1].fetch_add(1, Ordering::Relaxed);
                if restart != Restart::Temporary {
                    bad("only a temporary actor ends Failed (the first start never fails here)");
                } else if failures == 0 || !message.starts_with(MARKER) {
                    bad("it never failed by an intended panic");
                }
            }
            Termination::GaveUp { restarts, message } => {
                self.shared.ends[2].fetch_add(1, Ordering::Relaxed);
                if restart == Restart::Temporary {
                    bad("a temporary actor is never restarted, so never given up on");
                } else if !message.starts_with(MARKER) {
                    bad("the last failure was no intended panic");
                }
                match self.keeper {
                    Keeper::Policy { max, .. } if failures <= u64::from(max) || *restarts != max => {
                        bad(&format!(
                            "the policy allows {max} restarts within a window longer than the run"
                        ));
                    }
                    Keeper::Child(_) if failures == 0 => bad("it never failed"),
                    _ => {}
                }
            }
            other => bad(&format!("unknown termination {other:?}")),
        }
    }

    /// The final checks, once the actor has ended and the watcher has been told.
    pub(crate) fn check_end(&self, termination: &Termination, told: Option<&Vec<Termination>>) {
        let label = &self.label;
        match told {
            Some(told) if told.len() == 1 && told[0] == *termination => {}
            other => violation(format!(
                "{label}: the watcher was told {other:?}, expected exactly [{termination:?}]"
            )),
        }
        let values = self.values.load(Ordering::SeqCst);
        if values != 0 || self.in_end_hook.load(Ordering::SeqCst) {
            violation(format!(
                "{label}: ended with {values} values alive or inside on_stop/on_failure"
            ));
        }
        if let Keeper::Policy { restart, max, .. } = self.keeper {
            let failures = self.failures.load(Ordering::SeqCst);
            let built = self.built.load(Ordering::SeqCst);
            let restarts = if restart == Restart::Temporary {
                0
            } else {
                failures.min(u64::from(max))
            };
            // One incarnation per admitted restart; a stop during a backoff ends the actor
            // before the last one is built.
            let stopped_early = termination.is_stopped() && restarts > 0 && built == restarts;
            if built != restarts + 1 && !stopped_early {
                violation(format!(
                    "{label}: {failures} failures and {built} incarnations built, expected {} ({termination:?})",
                    restarts + 1
                ));
            }
        }
    }
}

/// A message to a [`Phoenix`].
#[derive(Debug)]
pub(crate) struct PMsg {
    pub(crate) tag: Tag,
    pub(crate) kind: PKind,
}

/// What a [`PMsg`] asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PKind {
    /// Reply [`expected`]`(value)`.
    Work(u64),
    /// Sleep `micros` first.
    Slow { micros: u64, value: u64 },
    /// Panic; `fails` says whether the panic fails the actor (a tell, or an ask of an actor
    /// whose asks fail it).
    Panic { fails: bool },
}

/// A [`Phoenix`]'s reply: the value and the incarnation that computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PReply {
    pub(crate) value: u64,
    pub(crate) incarnation: u64,
}

/// The supervised actor under test: one incarnation of a [`Life`].
#[derive(Debug)]
pub(crate) struct Phoenix {
    life: Arc<Life>,
    n: u64,
}

impl Phoenix {
    fn build(life: Arc<Life>) -> Self {
        let n = life.built.fetch_add(1, Ordering::SeqCst) + 1;
        let label = &life.label;
        if life.values.fetch_add(1, Ordering::SeqCst) != 0 {
            violation(format!(
                "{label}: incarnation {n} built while an older one's value is alive (its Drop not done)"
            ));
        }
        if life.in_end_hook.load(Ordering::SeqCst) {
            violation(format!(
                "{label}: incarnation {n} built while an older one is inside on_stop/on_failure"
            ));
        }
        if life.stopped_by_request.load(Ordering::SeqCst) || life.stop_returned.load(Ordering::SeqCst) {
            violation(format!("{label}: restarted (incarnation {n}) after a requested stop"));
        }
        LIVE.fetch_add(1, Ordering::SeqCst);
        Phoenix { life, n }
    }

    /// Checks that this is the live incarnation.
    fn check_live(&self, what: &str) {
        let current = self.life.current.load(Ordering::SeqCst);
        let values = self.life.values.load(Ordering::SeqCst);
        if current != self.n || values != 1 {
            violation(format!(
                "{}: {what} by incarnation {}, but the newest started is {current} and {values} values are alive",
                self.life.label, self.n
            ));
        }
    }

    /// Checks that `tag` is the next message of its sender.
    fn record(&self, tag: Tag) {
        let mut last = lock(&self.life.last);
        let before = last[tag.sender];
        if tag.seq != before + 1 {
            violation(format!(
                "{}: FIFO across restarts broken: incarnation {} got message {} of sender {} after message {before}",
                self.life.label, self.n, tag.seq, tag.sender
            ));
        }
        last[tag.sender] = last[tag.sender].max(tag.seq);
    }
}

/// Marks a life "inside on_stop/on_failure" while alive (also when the hook unwinds).
struct EndHook<'a>(&'a Life);

impl Drop for EndHook<'_> {
    fn drop(&mut self) {
        self.0.in_end_hook.store(false, Ordering::SeqCst);
    }
}

impl Actor for Phoenix {
    type Message = PMsg;
    type Reply = PReply;

    fn on_start(&mut self, ctx: &Context<Self>) {
        let life = &self.life;
        let prev = life.current.swap(self.n, Ordering::SeqCst);
        if prev >= self.n {
            violation(format!(
                "{}: on_start of incarnation {} after on_start of incarnation {prev}",
                life.label, self.n
            ));
        }
        self.check_live("on_start");
        if self.n == 1 {
            let me = ctx.actor_ref().clone();
            let _ = life.actor.set(me.clone());
            let watched = life.clone();
            let _ = life.shared.watcher.tell_with(move |_, wctx| {
                let urn = me.urn().to_owned();
                wctx.watch(&me.into(), move |_, _, t| {
                    watched.check_termination(&t);
                    lock(&watched.shared.book).entry(urn).or_default().push(t);
                });
            });
        } else {
            let me = ctx.actor_ref();
            if !me.is_alive() {
                violation(format!(
                    "{}: is_alive() false in on_start of restart {}",
                    life.label, self.n
                ));
            }
            if ctx.registry().get_by_urn(me.urn()).is_none() {
                violation(format!(
                    "{}: not in its registry in on_start of restart {}",
                    life.label, self.n
                ));
            }
            let size = ctx.registry().len();
            if life.alone.is_some() && size != 1 {
                violation(format!(
                    "{}: its own registry holds {size} actors in on_start of restart {} (expected 1: a restart does not change the registry's size)",
                    life.label, self.n
                ));
            }
            if me.termination().is_ready() {
                violation(format!(
                    "{}: termination resolved before restart {} (a restart is not a termination)",
                    life.label, self.n
                ));
            }
            let armed = life
                .start_bombs
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1))
                .is_ok();
            if armed {
                life.failures.fetch_add(1, Ordering::SeqCst);
                panic!("{MARKER}: panic in on_start of restart {}", self.n);
            }
        }
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.life.in_end_hook.store(true, Ordering::SeqCst);
        let _inside = EndHook(&self.life);
        self.check_live("on_stop");
        if !self.life.keeper.is_child() {
            self.life.stopped_by_request.store(true, Ordering::SeqCst);
        }
        // Long enough that a factory not waiting for the hook would be seen.
        std::thread::sleep(Duration::from_micros(50));
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, failure: &Failure) {
        self.life.in_end_hook.store(true, Ordering::SeqCst);
        let _inside = EndHook(&self.life);
        if !failure.message().starts_with(MARKER) {
            violation(format!(
                "{}: failed without an intended panic: {failure}",
                self.life.label
            ));
        }
        std::thread::sleep(Duration::from_micros(50));
    }

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: PMsg) -> Result<PReply, Unhandled> {
        self.check_live("a message handled");
        self.record(msg.tag);
        let value = match msg.kind {
            PKind::Work(value) => value,
            PKind::Slow { micros, value } => {
                std::thread::sleep(Duration::from_micros(micros));
                value
            }
            PKind::Panic { fails } => {
                if fails {
                    self.life.failures.fetch_add(1, Ordering::SeqCst);
                }
                panic!("{MARKER}: panic in incarnation {} handling {:?}", self.n, msg.tag);
            }
        };
        Ok(PReply {
            value: expected(value),
            incarnation: self.n,
        })
    }
}

impl Drop for Phoenix {
    fn drop(&mut self) {
        // Long enough that a factory not waiting for the Drop would be seen.
        std::thread::sleep(Duration::from_micros(20));
        LIVE.fetch_sub(1, Ordering::SeqCst);
        self.life.values.fetch_sub(1, Ordering::SeqCst);
    }
}
