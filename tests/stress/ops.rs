//! The random operations the driver threads run, and what each may legitimately answer.
//!
//! Every operation may target any actor of the pool, whoever started it and in whichever
//! registry: messages whose `Drop` panics go anywhere at any time (also into an inbox being
//! drained at stop), replies whose `Drop` panics are left to the runtime as often as they are
//! read, an actor may panic in `on_start` and in `Drop`, and every stop of a registry is checked
//! to return only once the registry's actors are done.
//!
//! The operations on the newer waits (`join`, `stop_all_timeout`, `join_all`, `Context::stop_all`,
//! `join` from the actor's own thread) are in [`crate::waits`]; `try_tell` and proxies with a
//! timeout on full bounded inboxes in [`crate::backpressure`]; the future combinators
//! (`get_all_settled`, `Future::all`, `flatten`) in [`crate::combine`].

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pykka::{Actor, ActorRef, ActorRegistry, Error, Result};

use crate::actors::{
    Answer, Bomb, BoundedCalc, BoundedEcho, Calc, Core, Echo, Kind, MARKER, Msg, Plan, Probe, SENDERS, expected, lock,
};
use crate::checks::{self, Activity, HANG, violation};
use crate::rng::Rng;
use crate::{backpressure, combine, supervised, waits};

/// How many registries every driver may use (more are private: one per driver).
pub(crate) const SHARED_SCOPES: usize = 2;
/// At most this many actors in the pool (a start becomes a no-op beyond it).
const MAX_POOL: usize = 48;

/// Declares the operations with their report names and relative frequencies.
macro_rules! ops {
    ($($op:ident $name:literal $weight:literal,)*) => {
        /// The operations.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Op {
            $($op,)*
        }

        impl Op {
            pub(crate) const ALL: &'static [Op] = &[$(Op::$op,)*];
            pub(crate) const NAMES: &'static [&'static str] = &[$($name,)*];
            const WEIGHTS: &'static [u64] = &[$($weight,)*];
        }
    };
}

ops! {
    Start "start" 6,
    StartWith "start_with" 3,
    TryStart "try_start" 2,
    Tell "tell" 18,
    TellSlow "tell_slow" 4,
    Ask "ask" 13,
    AskTimeout "ask_timeout" 8,
    AskFuture "ask_future" 8,
    ProxyAsk "proxy_ask" 8,
    ProxyDefer "proxy_defer" 6,
    ProxyPanic "proxy_panic" 2,
    AskPanic "ask_panic" 3,
    AskUnhandled "ask_unhandled" 2,
    TellPanic "tell_panic" 2,
    DeferPanic "defer_panic" 1,
    MessageBomb "message_bomb" 3,
    ReplyBomb "reply_bomb" 3,
    Stop "stop" 3,
    StopFuture "stop_future" 3,
    StopTimeout "stop_timeout" 3,
    StopAll "stop_all" 1,
    Join "join" 3,
    StopJoin "stop_join" 2,
    StopAny "stop_any" 2,
    JoinAll "join_all" 1,
    StopAllTimeout "stop_all_timeout" 1,
    JoinSelf "join_self" 2,
    CtxStopAll "ctx_stop_all" 1,
    TryTell "try_tell" 4,
    TimedProxy "timed_proxy" 3,
    Settled "get_all_settled" 3,
    StopFull "stop_full" 1,
    SupStart "sup_start" 3,
    SupTree "sup_tree" 1,
    SupTell "sup_tell" 10,
    SupAsk "sup_ask" 10,
    SupPanic "sup_panic" 3,
    SupAskPanic "sup_ask_panic" 2,
    SupStartPanic "sup_start_panic" 1,
    SupAlive "sup_alive" 2,
    SupStop "sup_stop" 1,
    SupTreeStop "sup_tree_stop" 1,
}

impl Op {
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    fn pick(rng: &mut Rng) -> Op {
        let mut n = rng.below(Op::WEIGHTS.iter().sum());
        for (op, w) in Op::ALL.iter().zip(Op::WEIGHTS) {
            if n < *w {
                return *op;
            }
            n -= w;
        }
        Op::Tell
    }
}

/// A reference to an actor under test, of one of the four types.
#[derive(Debug, Clone)]
pub(crate) enum Handle {
    Echo(ActorRef<Echo>),
    BoundedEcho(ActorRef<BoundedEcho>),
    Calc(ActorRef<Calc>),
    BoundedCalc(ActorRef<BoundedCalc>),
}

/// Runs `$body` with `$r` bound to the typed reference inside a [`Handle`].
macro_rules! with_ref {
    ($handle:expr, $r:ident => $body:expr) => {
        match $handle {
            Handle::Echo($r) => $body,
            Handle::BoundedEcho($r) => $body,
            Handle::Calc($r) => $body,
            Handle::BoundedCalc($r) => $body,
        }
    };
}

/// Runs `$body` with `$p` bound to the actor's proxy (a `pykka::Result` of it), if it has one.
macro_rules! with_proxy {
    ($handle:expr, $p:ident => $body:expr) => {
        match $handle {
            Handle::Calc(r) => {
                let $p = r.proxy();
                $body
            }
            Handle::BoundedCalc(r) => {
                let $p = r.proxy();
                $body
            }
            Handle::Echo(_) | Handle::BoundedEcho(_) => {}
        }
    };
}

/// One actor of the pool.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) handle: Handle,
    pub(crate) probe: Arc<Probe>,
    pub(crate) scope: usize,
}

impl Entry {
    pub(crate) fn is_proxied(&self) -> bool {
        matches!(self.handle, Handle::Calc(_) | Handle::BoundedCalc(_))
    }

    pub(crate) fn is_bounded(&self) -> bool {
        matches!(self.handle, Handle::BoundedEcho(_) | Handle::BoundedCalc(_))
    }

    /// The actor's id.
    pub(crate) fn id(&self) -> &pykka::ActorId {
        with_ref!(&self.handle, r => r.id())
    }

    /// `ActorRef::is_terminated`.
    pub(crate) fn is_terminated(&self) -> bool {
        with_ref!(&self.handle, r => r.is_terminated())
    }
}

/// Which actors an operation may target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// Any actor.
    Any,
    /// An actor with a proxy.
    Proxied,
    /// An actor with a bounded inbox.
    Bounded,
}

/// Everything the drivers share.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) scopes: Vec<ActorRegistry>,
    pub(crate) pool: Mutex<Vec<Entry>>,
    pub(crate) counts: Vec<AtomicU64>,
    pub(crate) activities: Vec<Arc<Activity>>,
    pub(crate) sup: supervised::Sup,
    started: AtomicU64,
}

impl World {
    pub(crate) fn new(activities: Vec<Arc<Activity>>) -> Self {
        World {
            scopes: (0..SHARED_SCOPES + SENDERS).map(|_| ActorRegistry::new()).collect(),
            pool: Mutex::new(Vec::new()),
            counts: Op::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
            activities,
            sup: supervised::Sup::new(SHARED_SCOPES + SENDERS),
            started: AtomicU64::new(0),
        }
    }

    /// How many actors were started.
    pub(crate) fn started(&self) -> u64 {
        self.started.load(Ordering::Relaxed)
    }

    /// Removes (and checks) every finished actor from the pool.
    pub(crate) fn prune(&self) {
        let finished: Vec<Entry> = {
            let mut pool = lock(&self.pool);
            let (done, running): (Vec<Entry>, Vec<Entry>) = pool.drain(..).partition(|e| e.probe.is_finished());
            *pool = running;
            done
        };
        for entry in finished {
            checks::check_finished(&entry.probe);
        }
        self.sup.prune();
    }

    /// Picks a target of kind `target`.
    pub(crate) fn choose(&self, rng: &mut Rng, target: Target) -> Option<Entry> {
        let pool = lock(&self.pool);
        let candidates: Vec<&Entry> = pool
            .iter()
            .filter(|e| match target {
                Target::Any => true,
                Target::Proxied => e.is_proxied(),
                Target::Bounded => e.is_bounded(),
            })
            .collect();
        if candidates.is_empty() {
            return None;
        }
        Some(candidates[rng.index(candidates.len())].clone())
    }

    /// The pool's actors of registry `scope`, now.
    pub(crate) fn in_scope(&self, scope: usize) -> Vec<Entry> {
        lock(&self.pool).iter().filter(|e| e.scope == scope).cloned().collect()
    }

    /// Runs `f` as the operation `desc` of driver `d`, under the watchdog; a panic that reaches
    /// the driver is a violation unless `bomb` (a message or reply whose `Drop` panics may be
    /// dropped here). Returns whether `f` panicked.
    pub(crate) fn guarded(&self, d: usize, desc: &str, bomb: bool, f: impl FnOnce()) -> bool {
        let activity = &self.activities[d];
        activity.begin(desc.to_owned());
        let result = catch_unwind(AssertUnwindSafe(f));
        activity.end();
        let Err(payload) = result else {
            return false;
        };
        let message = payload_message(payload.as_ref());
        if !(bomb && message.starts_with(MARKER)) {
            violation(format!("{desc}: panicked on the driver thread: {message}"));
        }
        true
    }
}

/// Checks that, when a wait on registry `scope` (`desc`) has returned, every actor of `before`
/// (the pool's actors of that registry when the wait began) is done: out of `on_stop` and
/// `on_failure`, dropped, and terminated.
pub(crate) fn check_scope_done(desc: &str, before: &[Entry]) {
    for e in before {
        if e.probe.in_end_hook() {
            violation(format!(
                "{desc}: returned while {} was still inside on_stop/on_failure",
                e.probe.label
            ));
        } else if !e.probe.is_finished() {
            violation(format!(
                "{desc}: returned while {} had not finished stopping (Drop not done)",
                e.probe.label
            ));
        } else if !e.is_terminated() {
            violation(format!(
                "{desc}: returned while {} was not terminated (is_terminated false)",
                e.probe.label
            ));
        }
    }
}

/// Describes the operation and target for reports.
pub(crate) fn describe(op: Op, entry: Option<&Entry>, detail: &str) -> String {
    let mut s = String::from(Op::NAMES[op.index()]);
    if !detail.is_empty() {
        let _ = write!(s, " {detail}");
    }
    if let Some(e) = entry {
        let _ = write!(s, " on {}", e.probe.label);
        with_ref!(&e.handle, r => { let _ = write!(s, " ({r})"); });
    }
    s
}

/// One driver thread: random operations until `deadline` (or the first violation).
pub(crate) fn drive(world: &World, d: usize, seed: u64, deadline: Instant) {
    let mut rng = Rng::new(seed);
    let mut n = 0u64;
    while Instant::now() < deadline && !checks::failed() {
        let op = Op::pick(&mut rng);
        if run_op(world, d, &mut rng, op) {
            world.counts[op.index()].fetch_add(1, Ordering::Relaxed);
        }
        n += 1;
        if n.is_multiple_of(64) {
            world.prune();
        }
    }
}

/// Runs one operation; returns false if it found no target.
fn run_op(world: &World, d: usize, rng: &mut Rng, op: Op) -> bool {
    let target = match op {
        Op::Start | Op::StartWith | Op::TryStart => return start(world, d, rng, op),
        Op::StopAll => return stop_all(world, d, rng),
        Op::JoinAll => return waits::join_all(world, d, rng),
        Op::StopAllTimeout => return waits::stop_all_timeout(world, d, rng),
        Op::StopAny => return waits::stop_any(world, d, rng),
        Op::Settled => return combine::settled(world, d, rng),
        Op::SupStart => return supervised::start(world, d, rng),
        Op::SupTree => return supervised::tree(world, d, rng),
        Op::SupTreeStop => return supervised::stop_tree(world, d, rng),
        Op::SupTell | Op::SupAsk | Op::SupPanic | Op::SupAskPanic | Op::SupStartPanic | Op::SupAlive | Op::SupStop => {
            return supervised::on_actor(world, d, rng, op);
        }
        Op::ProxyAsk | Op::ProxyDefer | Op::ProxyPanic | Op::DeferPanic => Target::Proxied,
        Op::TryTell if rng.one_in(4) => Target::Any,
        Op::TimedProxy if rng.one_in(4) => Target::Proxied,
        Op::TryTell | Op::TimedProxy | Op::StopFull => Target::Bounded,
        _ => Target::Any,
    };
    let Some(entry) = world.choose(rng, target) else {
        return false;
    };
    let step = Step {
        world,
        d,
        entry: &entry,
        op,
    };
    match op {
        Op::ProxyAsk | Op::ProxyDefer | Op::ProxyPanic | Op::DeferPanic => step.proxy(rng),
        Op::Stop | Op::StopFuture | Op::StopTimeout => step.stop(rng),
        Op::Join => waits::join(world, d, rng, &entry),
        Op::StopJoin => waits::stop_join(world, d, &entry),
        Op::JoinSelf => waits::join_self(world, d, rng, &entry),
        Op::CtxStopAll => backpressure::ctx_stop_all(world, d, &entry),
        Op::TryTell => backpressure::try_tell(world, d, rng, &entry),
        Op::TimedProxy => backpressure::timed_proxy(world, d, rng, &entry),
        Op::StopFull => backpressure::stop_full(world, d, rng, &entry),
        _ => with_ref!(&entry.handle, r => step.plain(rng, r)),
    }
    true
}

/// Starts an actor of a random type, plan and registry.
fn start(world: &World, d: usize, rng: &mut Rng, op: Op) -> bool {
    let with_factory = op == Op::StartWith || (op == Op::TryStart && rng.one_in(2));
    let fallible = op == Op::TryStart;
    if lock(&world.pool).len() >= MAX_POOL {
        return false;
    }
    let private = rng.one_in(3);
    let scope = if private {
        SHARED_SCOPES + d
    } else {
        rng.index(SHARED_SCOPES)
    };
    let plan = Plan {
        factory: with_factory && rng.one_in(12),
        on_start: rng.one_in(12),
        on_stop: rng.one_in(8),
        on_failure: rng.one_in(4),
        drop: rng.one_in(8),
    };
    let kind = rng.below(4);
    let n = world.started.fetch_add(1, Ordering::Relaxed);
    let type_name = ["Echo", "BoundedEcho", "Calc", "BoundedCalc"][usize::try_from(kind).unwrap_or(0)];
    let probe = Probe::new(format!("{type_name}#{n} (scope {scope}, {plan:?})"), plan);
    let registry = &world.scopes[scope];
    let activity = &world.activities[d];
    activity.begin(format!("start {}", probe.label));
    /// Starts `$start` (a `start*` call) or its fallible `try_start*` form `$try_start`.
    macro_rules! start {
        ($variant:ident, $start:expr, $try_start:expr) => {
            if fallible {
                match $try_start {
                    Ok(r) => Handle::$variant(r),
                    Err(e) => {
                        activity.end();
                        violation(format!("try_start of {}: failed with {e:?}", probe.label));
                        return true;
                    }
                }
            } else {
                Handle::$variant($start)
            }
        };
    }
    let p = probe.clone();
    let handle = match (kind, with_factory) {
        (0, false) => start!(Echo, Echo { core: Core::new(p) }.start_in(registry), {
            Echo { core: Core::new(p) }.try_start_in(registry)
        }),
        (0, true) => start!(
            Echo,
            Echo::start_with_in(registry, move || Echo { core: Core::new(p) }),
            Echo::try_start_with_in(registry, move || Echo { core: Core::new(p) })
        ),
        (1, false) => start!(
            BoundedEcho,
            BoundedEcho { core: Core::new(p) }.start_in(registry),
            BoundedEcho { core: Core::new(p) }.try_start_in(registry)
        ),
        (1, true) => start!(
            BoundedEcho,
            BoundedEcho::start_with_in(registry, move || BoundedEcho { core: Core::new(p) }),
            BoundedEcho::try_start_with_in(registry, move || BoundedEcho { core: Core::new(p) })
        ),
        (2, false) => start!(
            Calc,
            Calc::new(Core::new(p)).start_in(registry),
            Calc::new(Core::new(p)).try_start_in(registry)
        ),
        (2, true) => start!(
            Calc,
            Calc::start_with_in(registry, move || Calc::new(Core::new(p))),
            Calc::try_start_with_in(registry, move || Calc::new(Core::new(p)))
        ),
        (_, false) => start!(
            BoundedCalc,
            BoundedCalc::new(Core::new(p)).start_in(registry),
            BoundedCalc::new(Core::new(p)).try_start_in(registry)
        ),
        (_, true) => start!(
            BoundedCalc,
            BoundedCalc::start_with_in(registry, move || BoundedCalc::new(Core::new(p))),
            BoundedCalc::try_start_with_in(registry, move || BoundedCalc::new(Core::new(p)))
        ),
    };
    activity.end();
    lock(&world.pool).push(Entry { handle, probe, scope });
    true
}

/// `registry.stop_all()` on any registry. When it returns, every actor of the registry is done.
fn stop_all(world: &World, d: usize, rng: &mut Rng) -> bool {
    let scope = rng.index(world.scopes.len());
    let before = world.in_scope(scope);
    let desc = format!("stop_all on scope {scope} ({} actors in the pool)", before.len());
    let activity = &world.activities[d];
    let _stopping = world.sup.shared.epochs.stopping(scope);
    activity.begin(desc.clone());
    let answers = world.scopes[scope].stop_all();
    activity.end();
    check_scope_done(&format!("{desc}: returned {} answers", answers.len()), &before);
    true
}

/// What a plain message asks for, before it is tagged.
#[derive(Debug, Clone, Copy)]
enum What {
    Work(u64),
    Slow(u64, u64),
    Panic,
    Bomb,
    ReplyBomb(u64),
    Unknown,
}

impl What {
    fn into_msg(self, tag: crate::actors::Tag) -> Msg {
        let kind = match self {
            What::Work(v) => Kind::Work(v),
            What::Slow(micros, value) => Kind::Slow { micros, value },
            What::Panic => Kind::Panic,
            What::Bomb => Kind::Bomb(Bomb::Message),
            What::ReplyBomb(v) => Kind::ReplyBomb(v),
            What::Unknown => Kind::Unknown,
        };
        Msg { tag, kind }
    }
}

/// How an ask waits for its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// `tell`: no reply.
    Tell,
    /// `ask`: blocks (the watchdog bounds it).
    Ask,
    /// `ask_timeout(t)`.
    AskTimeout(Duration),
    /// `ask_future`, then `wait_timeout(t)`.
    Future(Duration),
    /// `ask_future`, then the future is dropped unread.
    FutureDropped,
}

/// One operation on one actor.
struct Step<'a> {
    world: &'a World,
    d: usize,
    entry: &'a Entry,
    op: Op,
}

impl Step<'_> {
    fn guarded(&self, desc: &str, bomb: bool, f: impl FnOnce()) -> bool {
        self.world.guarded(self.d, desc, bomb, f)
    }

    /// Tells and asks of plain messages.
    fn plain<A: Actor<Message = Msg, Reply = Answer>>(&self, rng: &mut Rng, r: &ActorRef<A>) {
        let value = rng.next_u64();
        let what = match self.op {
            Op::TellSlow => What::Slow(rng.below(300), value),
            Op::AskPanic | Op::TellPanic => What::Panic,
            Op::AskUnhandled => What::Unknown,
            Op::MessageBomb => What::Bomb,
            Op::ReplyBomb => What::ReplyBomb(value),
            _ if rng.one_in(8) => What::Slow(rng.below(100), value),
            _ => What::Work(value),
        };
        let wait = match self.op {
            Op::Tell | Op::TellSlow | Op::TellPanic => Wait::Tell,
            Op::Ask => Wait::Ask,
            Op::AskTimeout => Wait::AskTimeout(if rng.one_in(2) { HANG } else { short_timeout(rng) }),
            // The bomb goes off in the handler, and the actor fails.
            Op::MessageBomb if rng.one_in(4) => Wait::Tell,
            _ => match rng.below(6) {
                0 => Wait::FutureDropped,
                1 => Wait::Future(short_timeout(rng)),
                2 => Wait::Ask,
                3 => Wait::AskTimeout(short_timeout(rng)),
                _ => Wait::Future(HANG),
            },
        };
        let tag = self.entry.probe.tag(self.d);
        let desc = describe(self.op, Some(self.entry), &format!("{what:?} by {wait:?} as {tag:?}"));
        let bomb = matches!(what, What::Bomb | What::ReplyBomb(_));
        let panicked = self.guarded(&desc, bomb, || {
            let msg = what.into_msg(tag);
            let (result, timeout_ok) = match wait {
                Wait::Tell => {
                    if let Err(e) = r.tell(msg)
                        && !e.is_actor_dead()
                    {
                        violation(format!("{desc}: tell failed with {e:?}, expected Ok or ActorDead"));
                    }
                    return;
                }
                Wait::Ask => (r.ask(msg), false),
                Wait::AskTimeout(t) => {
                    let result = r.ask_timeout(msg, t);
                    if matches!(result, Err(Error::Timeout { .. })) {
                        // It may have timed out waiting for room: never queued.
                        self.entry.probe.uncertain(tag);
                    }
                    (result, t < HANG)
                }
                Wait::Future(t) => (r.ask_future(msg).wait_timeout(t), t < HANG),
                Wait::FutureDropped => {
                    drop(r.ask_future(msg));
                    return;
                }
            };
            check_reply(&desc, what, result, timeout_ok);
        });
        if panicked && matches!(what, What::Bomb) && matches!(wait, Wait::AskTimeout(_)) {
            // The bomb went off on this thread: the send gave it back, maybe after a timed-out
            // wait for room, so it may never have been queued.
            self.entry.probe.uncertain(tag);
        }
    }

    /// Proxy calls: ask (checked reply), `defer()`, and panicking methods.
    fn proxy(&self, rng: &mut Rng) {
        let (a, b) = (rng.next_u64(), rng.next_u64());
        let tag = self.entry.probe.tag(self.d);
        let wait = if rng.one_in(4) { short_timeout(rng) } else { HANG };
        let desc = describe(self.op, Some(self.entry), &format!("{tag:?}, get_timeout({wait:?})"));
        let (d, seq) = (tag.sender, tag.seq);
        let _ = self.guarded(&desc, false, || {
            with_proxy!(&self.entry.handle, proxy => {
                let proxy = match proxy {
                    Ok(p) => p,
                    Err(e) if e.is_actor_dead() => return,
                    Err(e) => {
                        violation(format!("{desc}: proxy() failed with {e:?}"));
                        return;
                    }
                };
                match self.op {
                    Op::ProxyAsk => match proxy.add(d, seq, a, b).get_timeout(wait) {
                        Ok(sum) if sum == a.wrapping_add(b) => {}
                        Err(Error::ActorDead { .. }) => {}
                        Err(Error::Timeout { .. }) if wait < HANG => {}
                        other => violation(format!("{desc}: expected {}, got {other:?}", a.wrapping_add(b))),
                    },
                    Op::ProxyDefer | Op::DeferPanic => {
                        let sent = if self.op == Op::ProxyDefer {
                            proxy.defer().note(d, seq)
                        } else {
                            proxy.defer().explode(d, seq)
                        };
                        if let Err(e) = sent && !e.is_actor_dead() {
                            violation(format!("{desc}: expected Ok or ActorDead, got {e:?}"));
                        }
                    }
                    _ => match proxy.explode(d, seq).get_timeout(wait) {
                        Err(Error::Panicked { message, .. }) if message.starts_with(MARKER) => {}
                        Err(Error::ActorDead { .. }) => {}
                        Err(Error::Timeout { .. }) if wait < HANG => {}
                        other => violation(format!("{desc}: expected Panicked or ActorDead, got {other:?}")),
                    },
                }
            })
        });
    }

    /// `stop`, `stop_future` and `stop_timeout`. Once a stop has answered, the actor's hooks and
    /// `Drop` are done; once `stop` or `stop_timeout` has, `is_terminated()` is true.
    fn stop(&self, rng: &mut Rng) {
        let short = rng.one_in(3);
        let keep_future = !rng.one_in(4);
        let desc = describe(self.op, Some(self.entry), if short { "short" } else { "" });
        let probe = &self.entry.probe;
        let _ = self.guarded(&desc, false, || {
            let answered = with_ref!(&self.entry.handle, r => match self.op {
                Op::Stop => Some(r.stop()),
                Op::StopFuture if keep_future => match r.stop_future().get_timeout(HANG) {
                    Ok(stopped) => Some(stopped),
                    Err(e) => {
                        violation(format!("{desc}: the stop future did not resolve: {e:?}"));
                        None
                    }
                },
                Op::StopFuture => {
                    drop(r.stop_future());
                    None
                }
                _ => match r.stop_timeout(if short { short_timeout(rng) } else { HANG }) {
                    Ok(stopped) => Some(stopped),
                    Err(Error::Timeout { .. }) if short => None,
                    Err(e) => {
                        violation(format!("{desc}: expected Ok, got {e:?}"));
                        None
                    }
                },
            });
            let Some(stopped) = answered else { return };
            if probe.in_end_hook() || !probe.is_finished() {
                violation(format!(
                    "{desc}: the stop answered {stopped} before the actor's hooks and Drop were done"
                ));
            }
            // `stop` and `stop_timeout` also wait for the thread: it has finished.
            if self.op != Op::StopFuture && !self.entry.is_terminated() {
                violation(format!(
                    "{desc}: the stop answered {stopped}, yet is_terminated() is false"
                ));
            }
        });
    }
}

/// A short timeout: zero, 200 µs or 2 ms.
pub(crate) fn short_timeout(rng: &mut Rng) -> Duration {
    [Duration::ZERO, Duration::from_micros(200), Duration::from_millis(2)][rng.index(3)]
}

/// Checks the outcome of an ask of `what`.
fn check_reply(desc: &str, what: What, result: Result<Answer>, timeout_ok: bool) {
    match (what, result) {
        (_, Err(Error::ActorDead { .. })) => {}
        (_, Err(Error::Timeout { .. })) if timeout_ok => {}
        (What::Work(v) | What::Slow(_, v), Ok(Answer { value, bomb: None })) if value == expected(v) => {}
        (What::ReplyBomb(v), Ok(answer)) if answer.value == expected(v) && answer.bomb.is_some() => {
            // The asker owns the reply: its Drop panics here, on this thread.
            let exploded = catch_unwind(AssertUnwindSafe(move || drop(answer))).is_err();
            if !exploded {
                violation(format!("{desc}: the reply's Drop did not run"));
            }
        }
        (What::Panic | What::Bomb, Err(Error::Panicked { message, .. })) if message.starts_with(MARKER) => {}
        (What::Unknown, Err(Error::Unhandled { .. })) => {}
        (_, Err(Error::Timeout { after, .. })) => {
            violation(format!("HANG: {desc}: no reply within {after:?}"));
        }
        (what, other) => {
            let shown = format!("{other:?}");
            // A wrong answer carrying a bomb must not take the report down with it.
            if let Ok(answer) = other {
                std::mem::forget(answer);
            }
            violation(format!("{desc}: wrong outcome for {what:?}: got {shown}"));
        }
    }
}

/// A panic payload's message.
pub(crate) fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string panic payload>".to_owned())
}
