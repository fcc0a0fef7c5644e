//! The actors under test: plain and `#[pykka::actor]` ones, with bounded and unbounded inboxes,
//! sharing one message type and one state ([`Core`]) that records what happened to them in a
//! [`Probe`] the checks read.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use pykka::{Actor, ActorRegistry, Context, Error, Failure, Unhandled};

use crate::checks::{HANG, violation};

/// Every intended panic's message starts with this; the panic hook keeps them quiet.
pub(crate) const MARKER: &str = "stress: intended";

/// How many threads send messages (the driver threads); each numbers its messages per actor.
pub(crate) const SENDERS: usize = 4;

/// How many actor values exist: built (on the caller's thread or by a factory) and not yet
/// dropped. Zero at the end of a run.
pub(crate) static LIVE: AtomicI64 = AtomicI64::new(0);

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Who sent a message and its number among that sender's messages to that actor (from 1).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tag {
    pub(crate) sender: usize,
    pub(crate) seq: u64,
}

/// The message of a reply's `Drop` panic: an actor must never fail of it.
pub(crate) const REPLY_DROP: &str = "stress: intended: Drop of a reply";

/// A value whose `Drop` panics (unless the thread is already panicking), inside a message or
/// inside a reply.
#[derive(Debug)]
pub(crate) enum Bomb {
    Message,
    Reply,
}

impl Drop for Bomb {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            match self {
                Bomb::Message => panic!("{MARKER}: Drop of a message"),
                Bomb::Reply => panic!("{REPLY_DROP}"),
            }
        }
    }
}

/// What a message asks the actor to do.
#[derive(Debug)]
pub(crate) enum Kind {
    /// Reply [`expected`]`(value)`.
    Work(u64),
    /// Sleep `micros`, then reply like `Work(value)`: fills bounded inboxes, makes timeouts.
    Slow { micros: u64, value: u64 },
    /// Panic in the handler.
    Panic,
    /// A message whose `Drop` panics when the handler drops it.
    Bomb(Bomb),
    /// Reply like `Work(value)`, with a reply whose `Drop` panics.
    ReplyBomb(u64),
    /// Not handled: `on_receive` returns `Unhandled`.
    Unknown,
    /// Hold the actor inside the handler: say so on `entered`, wait until `gate` is released
    /// (its sender dropped), then, if `stop_all`, call `Context::stop_all` (the inbox may be
    /// full by then), and reply like `Work(value)`.
    Hold {
        entered: Sender<()>,
        gate: Receiver<()>,
        stop_all: bool,
        value: u64,
    },
    /// Block on itself from its own thread: `join`, `join_timeout` and, given the actor's
    /// registry, `join_all` must each return `Error::Deadlock` at once. Replies like
    /// `Work(value)`.
    JoinSelf {
        registry: Option<ActorRegistry>,
        value: u64,
    },
}

/// The plain message of every actor under test.
#[derive(Debug)]
pub(crate) struct Msg {
    pub(crate) tag: Tag,
    pub(crate) kind: Kind,
}

/// The reply to a plain ask.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) value: u64,
    pub(crate) bomb: Option<Bomb>,
}

/// The reply an ask of `Work(value)` must get.
pub(crate) fn expected(value: u64) -> u64 {
    value.wrapping_mul(3).wrapping_add(1)
}

/// Which of an actor's hooks (and its `Drop`) panic.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Plan {
    pub(crate) factory: bool,
    pub(crate) on_start: bool,
    pub(crate) on_stop: bool,
    pub(crate) on_failure: bool,
    pub(crate) drop: bool,
}

/// The FIFO bookkeeping of one actor.
#[derive(Debug, Default)]
pub(crate) struct Fifo {
    /// Messages skipped (a later one from the same sender was handled first), as (sender, seq).
    pub(crate) missing: Vec<(usize, u64)>,
    /// Messages whose sender does not know whether they were queued (a timed-out
    /// `ask_timeout`, which may have given up waiting for room), as (sender, seq).
    pub(crate) uncertain: Vec<(usize, u64)>,
    /// Messages `try_tell` handed back (never queued: handling one is a violation), as
    /// (sender, seq).
    pub(crate) rejected: Vec<(usize, u64)>,
}

/// What happened to one actor, shared by the actor and the checks.
#[derive(Debug)]
pub(crate) struct Probe {
    pub(crate) label: String,
    pub(crate) plan: Plan,
    pub(crate) built: AtomicBool,
    pub(crate) started: AtomicU32,
    pub(crate) stopped: AtomicU32,
    pub(crate) failed: AtomicU32,
    pub(crate) drops: AtomicU32,
    /// Set once the actor's value is dropped (or its factory panicked): every hook is done.
    pub(crate) finished: AtomicBool,
    /// True while the actor is inside `on_stop` or `on_failure` (cleared when the hook returns
    /// or unwinds).
    pub(crate) in_end_hook: AtomicBool,
    next_seq: [AtomicU64; SENDERS],
    pub(crate) fifo: Mutex<Fifo>,
}

impl Probe {
    pub(crate) fn new(label: String, plan: Plan) -> Arc<Self> {
        Arc::new(Probe {
            label,
            plan,
            built: AtomicBool::new(false),
            started: AtomicU32::new(0),
            stopped: AtomicU32::new(0),
            failed: AtomicU32::new(0),
            drops: AtomicU32::new(0),
            finished: AtomicBool::new(false),
            in_end_hook: AtomicBool::new(false),
            next_seq: Default::default(),
            fifo: Mutex::new(Fifo::default()),
        })
    }

    /// The next message tag of `sender` for this actor.
    pub(crate) fn tag(&self, sender: usize) -> Tag {
        Tag {
            sender,
            seq: self.next_seq[sender].fetch_add(1, Ordering::Relaxed) + 1,
        }
    }

    /// Notes that the message `tag` may not have been queued.
    pub(crate) fn uncertain(&self, tag: Tag) {
        lock(&self.fifo).uncertain.push((tag.sender, tag.seq));
    }

    /// Notes that `try_tell` handed the message `tag` back: it must never be handled.
    pub(crate) fn rejected(&self, tag: Tag) {
        lock(&self.fifo).rejected.push((tag.sender, tag.seq));
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Acquire)
    }

    /// Whether the actor is inside `on_stop` or `on_failure` right now.
    pub(crate) fn in_end_hook(&self) -> bool {
        self.in_end_hook.load(Ordering::Acquire)
    }
}

/// Marks a probe "inside on_stop/on_failure" from its creation until it is dropped (also when
/// the hook unwinds).
struct EndHook<'a>(&'a Probe);

impl<'a> EndHook<'a> {
    fn enter(probe: &'a Probe) -> Self {
        probe.in_end_hook.store(true, Ordering::Release);
        EndHook(probe)
    }
}

impl Drop for EndHook<'_> {
    fn drop(&mut self) {
        self.0.in_end_hook.store(false, Ordering::Release);
    }
}

/// What a handler may do to its own actor through its context.
pub(crate) trait Own {
    /// `Context::stop_all`.
    fn stop_all(&self);
    /// `ActorRef::join` on the actor's own reference.
    fn join(&self) -> pykka::Result<()>;
    /// `ActorRef::join_timeout` on the actor's own reference.
    fn join_timeout(&self, timeout: Duration) -> pykka::Result<()>;
}

impl<A: Actor> Own for Context<A> {
    fn stop_all(&self) {
        Context::stop_all(self);
    }

    fn join(&self) -> pykka::Result<()> {
        self.actor_ref().join()
    }

    fn join_timeout(&self, timeout: Duration) -> pykka::Result<()> {
        self.actor_ref().join_timeout(timeout)
    }
}

/// The state every actor under test carries: its probe and the last message number seen from
/// each sender.
#[derive(Debug)]
pub(crate) struct Core {
    probe: Arc<Probe>,
    last: [u64; SENDERS],
}

impl Core {
    /// Builds the state (the actor's value exists from here until [`Core`]'s `Drop`).
    pub(crate) fn new(probe: Arc<Probe>) -> Self {
        if probe.plan.factory {
            probe.finished.store(true, Ordering::Release);
            panic!("{MARKER}: panic in a factory");
        }
        LIVE.fetch_add(1, Ordering::SeqCst);
        probe.built.store(true, Ordering::Release);
        Core {
            probe,
            last: [0; SENDERS],
        }
    }

    /// Checks that message `tag` comes after the sender's previous one, noting any it skipped.
    pub(crate) fn record(&mut self, tag: Tag) {
        let probe = &self.probe;
        if probe.started.load(Ordering::Acquire) != 1 {
            violation(format!("{}: message {tag:?} handled before on_start ran", probe.label));
        }
        if lock(&probe.fifo).rejected.contains(&(tag.sender, tag.seq)) {
            violation(format!(
                "{}: message {tag:?} was handed back by try_tell (Full or Dead), yet it was handled",
                probe.label
            ));
        }
        let last = &mut self.last[tag.sender];
        if tag.seq <= *last {
            violation(format!(
                "{}: FIFO broken: message {} of sender {} handled after message {}",
                probe.label, tag.seq, tag.sender, *last
            ));
        } else if tag.seq > *last + 1 {
            let mut fifo = lock(&probe.fifo);
            if tag.seq - *last > 10_000 {
                drop(fifo);
                violation(format!(
                    "{}: FIFO broken: sender {} jumped from message {} to {}",
                    probe.label, tag.sender, *last, tag.seq
                ));
            } else {
                fifo.missing.extend((*last + 1..tag.seq).map(|s| (tag.sender, s)));
            }
        }
        *last = (*last).max(tag.seq);
    }

    /// Handles a plain message.
    pub(crate) fn receive(&mut self, own: &dyn Own, msg: Msg) -> Result<Answer, Unhandled> {
        self.record(msg.tag);
        match msg.kind {
            Kind::Work(value) => Ok(Answer {
                value: expected(value),
                bomb: None,
            }),
            Kind::Slow { micros, value } => {
                std::thread::sleep(Duration::from_micros(micros));
                Ok(Answer {
                    value: expected(value),
                    bomb: None,
                })
            }
            Kind::Panic => panic!("{MARKER}: panic in a handler"),
            Kind::Bomb(bomb) => {
                drop(bomb);
                Err(Unhandled::default())
            }
            Kind::ReplyBomb(value) => Ok(Answer {
                value: expected(value),
                bomb: Some(Bomb::Reply),
            }),
            Kind::Unknown => Err(Unhandled::default()),
            Kind::Hold {
                entered,
                gate,
                stop_all,
                value,
            } => {
                let _ = entered.send(());
                if let Err(RecvTimeoutError::Timeout) = gate.recv_timeout(HANG) {
                    violation(format!(
                        "{}: held for {HANG:?}: the driver never released it",
                        self.probe.label
                    ));
                }
                if stop_all {
                    // Never hangs, even with this actor's own bounded inbox full.
                    own.stop_all();
                }
                Ok(Answer {
                    value: expected(value),
                    bomb: None,
                })
            }
            Kind::JoinSelf { registry, value } => {
                let label = &self.probe.label;
                let deadlock = |what: &str, r: pykka::Result<()>| {
                    if !matches!(r, Err(Error::Deadlock { .. })) {
                        violation(format!(
                            "{label}: {what} from the actor's own thread: expected Deadlock, got {r:?}"
                        ));
                    }
                };
                deadlock("join()", own.join());
                deadlock("join_timeout(HANG)", own.join_timeout(HANG));
                if let Some(registry) = registry {
                    deadlock("registry.join_all(None)", registry.join_all(None));
                    deadlock("registry.join_all(Some(HANG))", registry.join_all(Some(HANG)));
                }
                Ok(Answer {
                    value: expected(value),
                    bomb: None,
                })
            }
        }
    }

    pub(crate) fn on_start(&mut self) {
        let probe = &self.probe;
        if probe.started.fetch_add(1, Ordering::AcqRel) != 0 {
            violation(format!("{}: on_start ran twice", probe.label));
        }
        if probe.plan.on_start {
            panic!("{MARKER}: panic in on_start");
        }
    }

    pub(crate) fn on_stop(&mut self) {
        let probe = &self.probe;
        let _inside = EndHook::enter(probe);
        if probe.stopped.fetch_add(1, Ordering::AcqRel) != 0 {
            violation(format!("{}: on_stop ran twice", probe.label));
        }
        if probe.plan.on_stop {
            panic!("{MARKER}: panic in on_stop");
        }
    }

    pub(crate) fn on_failure(&mut self, failure: &Failure) {
        let probe = &self.probe;
        let _inside = EndHook::enter(probe);
        if probe.failed.fetch_add(1, Ordering::AcqRel) != 0 {
            violation(format!("{}: on_failure ran twice", probe.label));
        }
        if !failure.message().starts_with(MARKER) {
            violation(format!("{}: failed without an intended panic: {failure}", probe.label));
        }
        if failure.message() == REPLY_DROP {
            // Section 2: such a panic must be contained and logged, not fail the actor.
            violation(format!(
                "{}: failed because a reply's Drop panicked on the actor's thread (a told message's reply, or an asker that gave up)",
                probe.label
            ));
        }
        if probe.plan.on_failure {
            panic!("{MARKER}: panic in on_failure");
        }
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        let probe = &self.probe;
        if probe.drops.fetch_add(1, Ordering::AcqRel) != 0 {
            violation(format!("{}: actor dropped twice", probe.label));
        }
        LIVE.fetch_sub(1, Ordering::SeqCst);
        probe.finished.store(true, Ordering::Release);
        if probe.plan.drop && !std::thread::panicking() {
            panic!("{MARKER}: panic in the actor's Drop");
        }
    }
}

/// Implements [`Actor`] for a type with a `core: Core` field, with the given inbox capacity.
macro_rules! actor_impl {
    ($name:ident, $capacity:expr) => {
        impl Actor for $name {
            type Message = Msg;
            type Reply = Answer;
            const INBOX_CAPACITY: Option<usize> = $capacity;

            fn on_start(&mut self, _ctx: &Context<Self>) {
                self.core.on_start();
            }

            fn on_stop(&mut self, _ctx: &Context<Self>) {
                self.core.on_stop();
            }

            fn on_failure(&mut self, _ctx: &Context<Self>, failure: &Failure) {
                self.core.on_failure(failure);
            }

            fn on_receive(&mut self, ctx: &Context<Self>, msg: Msg) -> Result<Answer, Unhandled> {
                self.core.receive(ctx, msg)
            }
        }
    };
}

/// A plain actor (no proxy) with an unbounded inbox.
#[derive(Debug)]
pub(crate) struct Echo {
    pub(crate) core: Core,
}
actor_impl!(Echo, None);

/// A plain actor with a small bounded inbox.
#[derive(Debug)]
pub(crate) struct BoundedEcho {
    pub(crate) core: Core,
}
actor_impl!(BoundedEcho, Some(2));

/// Defines a `#[pykka::actor]` type with a proxy: `add` (checkable reply), `note` (for
/// `defer()`), `explode` (panics).
macro_rules! proxied_actor {
    ($(#[$doc:meta])* $name:ident, $capacity:expr) => {
        $(#[$doc])*
        #[pykka::actor]
        pub(crate) struct $name {
            core: Core,
        }

        impl $name {
            pub(crate) fn new(core: Core) -> Self {
                $name { core }
            }
        }

        actor_impl!($name, $capacity);

        #[pykka::actor]
        impl $name {
            /// Returns `a + b`.
            pub(crate) fn add(&mut self, sender: usize, seq: u64, a: u64, b: u64) -> u64 {
                self.core.record(Tag { sender, seq });
                a.wrapping_add(b)
            }

            /// Only records the message.
            pub(crate) fn note(&mut self, sender: usize, seq: u64) {
                self.core.record(Tag { sender, seq });
            }

            /// Panics.
            pub(crate) fn explode(&mut self, sender: usize, seq: u64) -> u64 {
                self.core.record(Tag { sender, seq });
                panic!("{MARKER}: panic in a proxied method")
            }
        }
    };
}

proxied_actor!(
    /// A proxied actor with an unbounded inbox.
    Calc,
    None
);
proxied_actor!(
    /// A proxied actor with a small bounded inbox.
    BoundedCalc,
    Some(3)
);
