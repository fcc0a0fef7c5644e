//! The random operations the driver threads run, and what each may legitimately answer.
//!
//! Rules that keep the default run clear of today's known defects (each lifted by its switch in
//! [`Known`]):
//! - `drain-window`: a message whose `Drop` panics (a "bomb") goes only to an actor its driver owns (started
//!   in the driver's private registry, which no other driver stops or fails), that is not
//!   about to die at start, and to which the driver has sent nothing that ends it; so a bomb
//!   is never queued while the inbox is drained at stop (section 2: the drain window);
//! - `reply-drop`: a reply whose `Drop` panics is always waited for, never left to the runtime to drop;
//! - `start-drop`: an actor whose `on_start` (or factory) panics does not also panic in `Drop`;
//! - `stop-all-wait`: after `registry.stop_all()` returns, actors of that registry may still be inside
//!   `on_stop`/`on_failure` (section 1); with the flag, the run checks they are not.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pykka::{Actor, ActorRef, ActorRegistry, Error, Result};

use crate::actors::{
    Answer, Bomb, BoundedCalc, BoundedEcho, Calc, Core, Echo, Kind, MARKER, Msg, Plan, Probe, SENDERS, expected, lock,
};
use crate::checks::{self, Activity, HANG, violation};
use crate::known::Known;
use crate::rng::Rng;

/// How many registries every driver may use (more are private: one per driver).
pub(crate) const SHARED_SCOPES: usize = 2;
/// At most this many actors in the pool (a start becomes a no-op beyond it).
const MAX_POOL: usize = 48;

/// The operations, in the order of `Op::NAMES` and `Op::WEIGHTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Start,
    StartWith,
    Tell,
    TellSlow,
    Ask,
    AskTimeout,
    AskFuture,
    ProxyAsk,
    ProxyDefer,
    ProxyPanic,
    AskPanic,
    AskUnhandled,
    TellPanic,
    DeferPanic,
    MessageBomb,
    ReplyBomb,
    Stop,
    StopFuture,
    StopTimeout,
    StopAll,
}

impl Op {
    pub(crate) const ALL: [Op; 20] = [
        Op::Start,
        Op::StartWith,
        Op::Tell,
        Op::TellSlow,
        Op::Ask,
        Op::AskTimeout,
        Op::AskFuture,
        Op::ProxyAsk,
        Op::ProxyDefer,
        Op::ProxyPanic,
        Op::AskPanic,
        Op::AskUnhandled,
        Op::TellPanic,
        Op::DeferPanic,
        Op::MessageBomb,
        Op::ReplyBomb,
        Op::Stop,
        Op::StopFuture,
        Op::StopTimeout,
        Op::StopAll,
    ];

    pub(crate) const NAMES: [&'static str; 20] = [
        "start",
        "start_with",
        "tell",
        "tell_slow",
        "ask",
        "ask_timeout",
        "ask_future",
        "proxy_ask",
        "proxy_defer",
        "proxy_panic",
        "ask_panic",
        "ask_unhandled",
        "tell_panic",
        "defer_panic",
        "message_bomb",
        "reply_bomb",
        "stop",
        "stop_future",
        "stop_timeout",
        "stop_all",
    ];

    /// Relative frequencies, summing to 100.
    const WEIGHTS: [u64; 20] = [6, 3, 18, 4, 13, 8, 8, 8, 6, 2, 3, 2, 2, 1, 3, 3, 3, 3, 3, 1];

    fn index(self) -> usize {
        self as usize
    }

    fn pick(rng: &mut Rng) -> Op {
        let mut n = rng.below(Op::WEIGHTS.iter().sum());
        for (op, w) in Op::ALL.iter().zip(Op::WEIGHTS) {
            if n < w {
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
    /// The driver that owns it (it lives in that driver's private registry), if any.
    pub(crate) owner: Option<usize>,
    pub(crate) scope: usize,
    /// Set by the owner once it sent something that ends the actor: no bomb after that.
    pub(crate) ending: Arc<AtomicBool>,
}

impl Entry {
    fn is_proxied(&self) -> bool {
        matches!(self.handle, Handle::Calc(_) | Handle::BoundedCalc(_))
    }
}

/// Which actors an operation may target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Anything that leaves the actor running.
    Benign,
    /// Something that ends the actor (a stop, or a failure).
    Ending,
    /// A message whose `Drop` panics.
    Bomb,
}

/// Everything the drivers share.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) known: Known,
    pub(crate) scopes: Vec<ActorRegistry>,
    pub(crate) pool: Mutex<Vec<Entry>>,
    pub(crate) counts: [AtomicU64; 20],
    pub(crate) activities: Vec<Arc<Activity>>,
    started: AtomicU64,
}

impl World {
    pub(crate) fn new(known: Known, activities: Vec<Arc<Activity>>) -> Self {
        World {
            known,
            scopes: (0..SHARED_SCOPES + SENDERS).map(|_| ActorRegistry::new()).collect(),
            pool: Mutex::new(Vec::new()),
            counts: Default::default(),
            activities,
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
    }

    /// Picks a target for an operation of `class` by driver `d`.
    fn choose(&self, rng: &mut Rng, d: usize, class: Class, proxied: bool) -> Option<Entry> {
        let pool = lock(&self.pool);
        let known = self.known.drain_window;
        let fits = |e: &&Entry| {
            (!proxied || e.is_proxied())
                && match class {
                    Class::Benign => true,
                    Class::Ending => known || e.owner.is_none() || e.owner == Some(d),
                    Class::Bomb => {
                        known
                            || (e.owner == Some(d)
                                && !e.ending.load(Ordering::Relaxed)
                                && !e.probe.plan.dies_at_start())
                    }
                }
        };
        let candidates: Vec<&Entry> = pool.iter().filter(fits).collect();
        if candidates.is_empty() {
            return None;
        }
        Some(candidates[rng.index(candidates.len())].clone())
    }
}

/// Describes the operation and target for reports.
fn describe(op: Op, entry: Option<&Entry>, detail: &str) -> String {
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
    let class = match op {
        Op::Start | Op::StartWith => return start(world, d, rng, op == Op::StartWith),
        Op::StopAll => return stop_all(world, d, rng),
        Op::TellPanic | Op::DeferPanic | Op::Stop | Op::StopFuture | Op::StopTimeout => Class::Ending,
        Op::MessageBomb => Class::Bomb,
        _ => Class::Benign,
    };
    let proxied = matches!(op, Op::ProxyAsk | Op::ProxyDefer | Op::ProxyPanic | Op::DeferPanic);
    let Some(entry) = world.choose(rng, d, class, proxied) else {
        return false;
    };
    if class == Class::Ending && entry.owner == Some(d) {
        entry.ending.store(true, Ordering::Relaxed);
    }
    let step = Step {
        world,
        d,
        entry: &entry,
        op,
    };
    match op {
        Op::ProxyAsk | Op::ProxyDefer | Op::ProxyPanic | Op::DeferPanic => step.proxy(rng),
        Op::Stop | Op::StopFuture | Op::StopTimeout => step.stop(rng),
        _ => with_ref!(&entry.handle, r => step.plain(rng, r)),
    }
    true
}

/// Starts an actor of a random type, plan and registry.
fn start(world: &World, d: usize, rng: &mut Rng, with_factory: bool) -> bool {
    if lock(&world.pool).len() >= MAX_POOL {
        return false;
    }
    let private = rng.one_in(3);
    let scope = if private {
        SHARED_SCOPES + d
    } else {
        rng.index(SHARED_SCOPES)
    };
    let mut plan = Plan {
        factory: with_factory && rng.one_in(12),
        on_start: rng.one_in(12),
        on_stop: rng.one_in(8),
        on_failure: rng.one_in(4),
        drop: rng.one_in(8),
    };
    if plan.dies_at_start() && !world.known.start_drop {
        // Section 2: an on_start panic followed by a panic in the actor's Drop escapes.
        plan.drop = false;
    }
    let kind = rng.below(4);
    let n = world.started.fetch_add(1, Ordering::Relaxed);
    let type_name = ["Echo", "BoundedEcho", "Calc", "BoundedCalc"][usize::try_from(kind).unwrap_or(0)];
    let probe = Probe::new(format!("{type_name}#{n} (scope {scope}, {plan:?})"), plan);
    let registry = &world.scopes[scope];
    let activity = &world.activities[d];
    activity.begin(format!("start {}", probe.label));
    let handle = {
        let p = probe.clone();
        match (kind, with_factory) {
            (0, false) => Handle::Echo(Echo { core: Core::new(p) }.start_in(registry)),
            (0, true) => Handle::Echo(Echo::start_with_in(registry, move || Echo { core: Core::new(p) })),
            (1, false) => Handle::BoundedEcho(BoundedEcho { core: Core::new(p) }.start_in(registry)),
            (1, true) => Handle::BoundedEcho(BoundedEcho::start_with_in(registry, move || BoundedEcho {
                core: Core::new(p),
            })),
            (2, false) => Handle::Calc(Calc::new(Core::new(p)).start_in(registry)),
            (2, true) => Handle::Calc(Calc::start_with_in(registry, move || Calc::new(Core::new(p)))),
            (_, false) => Handle::BoundedCalc(BoundedCalc::new(Core::new(p)).start_in(registry)),
            (_, true) => Handle::BoundedCalc(BoundedCalc::start_with_in(registry, move || {
                BoundedCalc::new(Core::new(p))
            })),
        }
    };
    activity.end();
    lock(&world.pool).push(Entry {
        handle,
        probe,
        owner: private.then_some(d),
        scope,
        ending: Arc::new(AtomicBool::new(false)),
    });
    true
}

/// `registry.stop_all()` on a shared registry or the driver's own.
fn stop_all(world: &World, d: usize, rng: &mut Rng) -> bool {
    let scope = if world.known.drain_window {
        rng.index(world.scopes.len())
    } else if rng.one_in(2) {
        SHARED_SCOPES + d
    } else {
        rng.index(SHARED_SCOPES)
    };
    let before: Vec<Entry> = lock(&world.pool).iter().filter(|e| e.scope == scope).cloned().collect();
    for e in &before {
        e.ending.store(true, Ordering::Relaxed);
    }
    let desc = format!("stop_all on scope {scope} ({} actors in the pool)", before.len());
    let activity = &world.activities[d];
    activity.begin(desc.clone());
    let answers = world.scopes[scope].stop_all();
    activity.end();
    if world.known.stop_all_wait {
        // Section 1: stop_all must wait for actors that are stopping, hooks included.
        for e in before.iter().filter(|e| !e.probe.is_finished()) {
            violation(format!(
                "{desc}: returned ({} answers) while {} had not finished stopping (still in on_stop/on_failure?)",
                answers.len(),
                e.probe.label
            ));
        }
    }
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
    /// Runs `f` as the operation `desc`, under the watchdog; a panic that reaches the driver is
    /// a violation unless `bomb` (a message or reply whose `Drop` panics may be dropped here).
    /// Returns whether `f` panicked.
    fn guarded(&self, desc: &str, bomb: bool, f: impl FnOnce()) -> bool {
        let activity = &self.world.activities[self.d];
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

    fn short_timeout(rng: &mut Rng) -> Duration {
        [Duration::ZERO, Duration::from_micros(200), Duration::from_millis(2)][rng.index(3)]
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
        let reply_drop = self.world.known.reply_drop;
        let wait = match self.op {
            Op::Tell | Op::TellSlow | Op::TellPanic => Wait::Tell,
            Op::Ask => Wait::Ask,
            Op::AskTimeout => Wait::AskTimeout(if rng.one_in(2) { HANG } else { Self::short_timeout(rng) }),
            // A bomb is only told by its owner, and then the actor fails: it gets nothing more.
            Op::MessageBomb if rng.one_in(4) => {
                self.entry.ending.store(true, Ordering::Relaxed);
                Wait::Tell
            }
            // Section 2: a reply whose Drop panics, dropped by the runtime, fails the actor.
            Op::ReplyBomb if !reply_drop => [Wait::Ask, Wait::AskTimeout(HANG), Wait::Future(HANG)][rng.index(3)],
            _ => match rng.below(6) {
                0 => Wait::FutureDropped,
                1 => Wait::Future(Self::short_timeout(rng)),
                2 => Wait::Ask,
                3 => Wait::AskTimeout(Self::short_timeout(rng)),
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
        let wait = if rng.one_in(4) { Self::short_timeout(rng) } else { HANG };
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
    /// `Drop` are done.
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
                _ => match r.stop_timeout(if short { Self::short_timeout(rng) } else { HANG }) {
                    Ok(stopped) => Some(stopped),
                    Err(Error::Timeout { .. }) if short => None,
                    Err(e) => {
                        violation(format!("{desc}: expected Ok, got {e:?}"));
                        None
                    }
                },
            });
            if let Some(stopped) = answered
                && !probe.is_finished()
            {
                violation(format!(
                    "{desc}: the stop answered {stopped} before the actor's hooks and Drop were done"
                ));
            }
        });
    }
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
