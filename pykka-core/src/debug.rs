//! Debug helpers: what every actor is doing right now, and deadlock detection.
//!
//! Each actor keeps an always-on record of its state: idle, handling a message (the method
//! name for proxy calls), or blocked in [`Future::get`](crate::Future::get) waiting for
//! another actor. [`actor_states`] snapshots those records, [`log_actor_states`] logs them
//! (Pykka's `log_thread_tracebacks`, but readable), and [`find_deadlocks`] follows the "waits
//! on" edges to report every cycle. With [`set_deadlock_detection`] on, a `get` that would
//! close a cycle returns [`Error::Deadlock`] instead of hanging.
//!
//! Recording is nearly free: a relaxed store or two per message, a clock read when an actor
//! starts to wait (its inbox is empty, so no message is delayed) and when a call or a plain
//! message follows a different activity back to back, and an uncontended lock only when a
//! call's label changes and on the slow path of a blocking `get` (after the spin phase). A
//! message that arrives while its actor still spins at the start of a wait reads no clock: its
//! start is taken to be the moment the wait began, a couple of microseconds earlier at most (a
//! longer wait stamps the time it ended).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::actor_id::{ActorId, KeyMap};
use crate::error::{Error, Result};

const IDLE: u8 = 0;
const STARTING: u8 = 1;
const RECEIVING: u8 = 2;
const CALLING: u8 = 3;
const STOPPING: u8 = 4;
const RESTARTING: u8 = 5;

const INHERIT: u8 = 0;
const ON: u8 = 1;
const OFF: u8 = 2;

static DETECTION: AtomicBool = AtomicBool::new(false);

/// The live record of one actor's activity.
///
/// The actor writes `activity`, `since` and `label_key` on every change of what it does, and
/// its neighbours in memory (its shared cell, which every sender reads) must not share their
/// cache line, or each ask pays for a line bouncing between the two cores (about 40 ns of a
/// 0.3 µs round trip, measured when this record sat next to the cell). `repr(C)` keeps them
/// in the middle: with 48 bytes of rarely written fields before them and 64 after, inside an
/// `Arc` (16 bytes of counts) allocated on any 16-byte boundary, their cache line lies wholly
/// inside this record. (Aligning the record to 128 bytes did the same at 256 bytes a record,
/// a quarter of an idle pooled actor.)
#[repr(C)]
pub(crate) struct ActorState {
    id: ActorId,
    /// The actor's thread's name; a pool's name for a pooled actor (shared, not copied).
    thread: Mutex<Option<Arc<str>>>,
    /// How many times the actor was restarted in place; written only by a restart.
    restarts: AtomicU32,
    /// How many pool threads are blocked on a reply from this actor now.
    awaited: AtomicU32,
    detection: AtomicU8,
    // The fields the actor writes as it works (see above).
    /// When the current activity began, nanoseconds since [`epoch`]; see
    /// [`idle`](Self::idle) for how exact that is.
    since: AtomicU64,
    /// Identifies `label` without locking: its address and length.
    label_key: AtomicUsize,
    activity: AtomicU8,
    /// The label of the current call; written (under its lock) only when it changes.
    label: Mutex<&'static str>,
    blocked: Mutex<Option<Blocked>>,
}

/// The offsets the layout above promises (64-bit targets).
#[cfg(all(test, target_pointer_width = "64"))]
#[test]
fn the_fields_the_actor_writes_sit_in_the_middle_of_its_record() {
    let hot = [
        std::mem::offset_of!(ActorState, activity),
        std::mem::offset_of!(ActorState, since),
        std::mem::offset_of!(ActorState, label_key),
    ];
    let end = hot.iter().max().copied().unwrap_or(0) + 8;
    assert!(hot.iter().all(|&o| o >= 48), "{hot:?}");
    assert!(
        std::mem::size_of::<ActorState>() - end >= 48,
        "{hot:?} in {}",
        std::mem::size_of::<ActorState>()
    );
}

#[derive(Clone)]
struct Blocked {
    on: Option<ActorId>,
    since: Instant,
}

/// The instant activity times are measured from.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn nanos_since_epoch() -> u64 {
    u64::try_from(Instant::now().saturating_duration_since(epoch()).as_nanos()).unwrap_or(u64::MAX)
}

thread_local! {
    /// When the last pooled turn on this thread ended idle, for the next one; 0: unknown.
    static BOUNDARY: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A pool worker is about to wait for work: the next turn does not begin where the last one
/// ended.
pub(crate) fn forget_turn_boundary() {
    BOUNDARY.with(|b| b.set(0));
}

/// Every live actor's record, in shards by key, so that actors starting and ending on several
/// threads at once seldom meet on a lock.
struct Table {
    shards: [Mutex<KeyMap<ActorId, Arc<ActorState>>>; TABLE_SHARDS],
}

const TABLE_SHARDS: usize = 16;

impl Table {
    fn shard(&self, id: &ActorId) -> std::sync::MutexGuard<'_, KeyMap<ActorId, Arc<ActorState>>> {
        // The key is random: its low bits spread the actors evenly.
        lock(&self.shards[(id.key() as usize) % TABLE_SHARDS])
    }

    fn insert(&self, state: &Arc<ActorState>) {
        self.shard(&state.id).insert(state.id.clone(), state.clone());
    }

    fn remove(&self, id: &ActorId) {
        self.shard(id).remove(id);
    }

    fn get(&self, id: &ActorId) -> Option<Arc<ActorState>> {
        self.shard(id).get(id).cloned()
    }

    /// Every record now (each shard read at its own moment).
    fn all(&self) -> Vec<Arc<ActorState>> {
        self.shards
            .iter()
            .flat_map(|shard| lock(shard).values().cloned().collect::<Vec<_>>())
            .collect()
    }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table {
        shards: std::array::from_fn(|_| Mutex::default()),
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ActorState {
    /// Creates the record and enters it in the table, so settings apply from the start.
    pub(crate) fn new(id: ActorId) -> Arc<Self> {
        let state = Arc::new(ActorState {
            id,
            thread: Mutex::new(None),
            activity: AtomicU8::new(STARTING),
            label: Mutex::new("on_start"),
            label_key: AtomicUsize::new(0),
            since: AtomicU64::new(nanos_since_epoch()),
            blocked: Mutex::new(None),
            detection: AtomicU8::new(INHERIT),
            restarts: AtomicU32::new(0),
            awaited: AtomicU32::new(0),
        });
        table().insert(&state);
        state
    }

    /// Records the name of the actor's own thread (the thread runtime's).
    pub(crate) fn attach(&self) {
        *lock(&self.thread) = std::thread::current().name().map(Arc::from);
    }

    /// Names the thread an actor without one of its own runs on (a pooled actor: its pool).
    pub(crate) fn set_thread(&self, name: Arc<str>) {
        *lock(&self.thread) = Some(name);
    }

    /// Whether a pool thread is blocked on a reply from this actor.
    pub(crate) fn is_awaited(&self) -> bool {
        self.awaited.load(Ordering::Relaxed) > 0
    }

    /// Leaves the table without a thread: the actor's thread could not be started.
    pub(crate) fn forget(&self) {
        table().remove(&self.id);
    }

    /// Leaves the table; the thread is about to end.
    pub(crate) fn detach(&self) {
        table().remove(&self.id);
    }

    /// Marks the actor as handling a plain message. Stores only on a change, so a busy actor
    /// going from plain message to plain message does not write its record at all: a run of
    /// plain messages is one activity, timed from its first message.
    #[inline]
    pub(crate) fn receiving(&self) {
        let activity = self.activity.load(Ordering::Relaxed);
        if activity != RECEIVING {
            self.begin(activity);
            self.activity.store(RECEIVING, Ordering::Relaxed);
        }
    }

    /// Marks the actor as handling the call `label`, from now. Takes a lock only when the
    /// label differs from the last one.
    pub(crate) fn calling(&self, label: &'static str) {
        self.set_label(label);
        self.begin(self.activity.load(Ordering::Relaxed));
        self.activity.store(CALLING, Ordering::Relaxed);
    }

    /// Sets `since` for an activity that starts now, coming from `previous`. After a wait
    /// `since` already holds the right time (see [`idle`](Self::idle)); only an activity that
    /// follows another one reads the clock.
    #[inline]
    fn begin(&self, previous: u8) {
        if previous != IDLE {
            self.since.store(nanos_since_epoch(), Ordering::Relaxed);
        }
    }

    /// Marks the actor as waiting for a message, from now.
    ///
    /// The time also serves as the start of a message that arrives while the actor still
    /// spins (the first couple of microseconds of a wait), so that an actor does not read the
    /// clock between receiving such a message and handling it (a clock read costs a tenth of
    /// an ask's round trip). A message that arrives later ends the wait with
    /// [`woke`](Self::woke), which moves `since` to that moment.
    pub(crate) fn idle(&self) {
        self.since.store(nanos_since_epoch(), Ordering::Relaxed);
        self.activity.store(IDLE, Ordering::Relaxed);
    }

    /// Marks a pooled actor idle at the end of its turn, and keeps the time for the turn the
    /// worker runs next (see [`turn_begins`](Self::turn_begins)): one clock read serves both.
    pub(crate) fn idle_after_turn(&self) {
        let now = nanos_since_epoch();
        self.since.store(now, Ordering::Relaxed);
        self.activity.store(IDLE, Ordering::Relaxed);
        BOUNDARY.with(|b| b.set(now));
    }

    /// Records that a pooled actor's turn begins: if it was idle, its next activity starts
    /// now (as [`woke`](Self::woke) after a thread's long wait). "Now" is the end of the turn
    /// this worker ran just before, if it went straight on to this one (the worker forgets it
    /// before it waits for work: [`forget_turn_boundary`]).
    pub(crate) fn turn_begins(&self) {
        let boundary = BOUNDARY.with(|b| b.replace(0));
        if self.activity.load(Ordering::Relaxed) == IDLE {
            let now = if boundary != 0 { boundary } else { nanos_since_epoch() };
            self.since.store(now, Ordering::Relaxed);
        }
    }

    /// Records that a wait that went past the spin ended just now.
    pub(crate) fn woke(&self) {
        self.since.store(nanos_since_epoch(), Ordering::Relaxed);
    }

    /// Marks the actor as running its factory and `on_start`, from now.
    pub(crate) fn starting(&self) {
        self.since.store(nanos_since_epoch(), Ordering::Relaxed);
        self.activity.store(STARTING, Ordering::Relaxed);
    }

    /// Marks the actor as between incarnations (waiting for its backoff or its supervisor's
    /// decision), from now.
    pub(crate) fn restarting(&self) {
        self.since.store(nanos_since_epoch(), Ordering::Relaxed);
        self.activity.store(RESTARTING, Ordering::Relaxed);
    }

    /// Records that the actor has been restarted `restarts` times in all.
    pub(crate) fn restarted(&self, restarts: u32) {
        self.restarts.store(restarts, Ordering::Relaxed);
    }

    pub(crate) fn stopping(&self) {
        self.set_label("on_stop");
        self.since.store(nanos_since_epoch(), Ordering::Relaxed);
        self.activity.store(STOPPING, Ordering::Relaxed);
    }

    fn set_label(&self, label: &'static str) {
        let key = (label.as_ptr() as usize).wrapping_add(label.len());
        if self.label_key.load(Ordering::Relaxed) != key {
            *lock(&self.label) = label;
            self.label_key.store(key, Ordering::Relaxed);
        }
    }

    fn detection_on(&self) -> bool {
        match self.detection.load(Ordering::Relaxed) {
            ON => true,
            OFF => false,
            _ => DETECTION.load(Ordering::Relaxed),
        }
    }

    fn blocked_on(&self) -> Option<ActorId> {
        lock(&self.blocked).as_ref().and_then(|b| b.on.clone())
    }
}

/// How often a blocked actor with detection on looks for a cycle again, so that turning
/// detection on also ends deadlocks that formed before.
pub(crate) const RECHECK: Duration = Duration::from_millis(100);

/// Clears the current actor's "blocked" record when the blocking `get` returns.
pub(crate) struct BlockedGuard(Option<Arc<ActorState>>);

impl BlockedGuard {
    /// True if the blocked thread is an actor, which should re-check for cycles while parked.
    pub(crate) fn is_actor(&self) -> bool {
        self.0.is_some()
    }

    /// Fails if detection is on for this actor and it is now part of a cycle.
    pub(crate) fn recheck(&self) -> Result<()> {
        if let Some(me) = &self.0
            && me.detection_on()
            && let Some(cycle) = cycle_from(&me.id)
        {
            return Err(Error::Deadlock { cycle });
        }
        Ok(())
    }
}

impl Drop for BlockedGuard {
    fn drop(&mut self) {
        if let Some(state) = &self.0 {
            *lock(&state.blocked) = None;
        }
    }
}

/// Counts a pool thread as blocked on a reply from an actor while it lives; see
/// [`ActorState::is_awaited`].
pub(crate) struct Awaited(Arc<ActorState>);

impl Awaited {
    /// Counts the calling pool thread as waiting on the actor `id`, if it is alive.
    pub(crate) fn on(id: &ActorId) -> Option<Self> {
        let state = table().get(id)?;
        state.awaited.fetch_add(1, Ordering::Relaxed);
        Some(Awaited(state))
    }
}

impl Drop for Awaited {
    fn drop(&mut self) {
        self.0.awaited.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Records that the current actor (if this is an actor thread) blocks on a future that
/// `fulfiller` is to set; fails at once if that can never happen.
pub(crate) fn enter_blocked(fulfiller: Option<&ActorId>) -> Result<BlockedGuard> {
    // The running actor's record: `crate::current` knows which actor this thread runs.
    let Some(me) = crate::current::state() else {
        return Ok(BlockedGuard(None));
    };
    if fulfiller == Some(&me.id) {
        // Waiting on yourself can never end: the reply needs this very thread.
        return Err(Error::Deadlock {
            cycle: vec![me.id.clone()],
        });
    }
    *lock(&me.blocked) = Some(Blocked {
        on: fulfiller.cloned(),
        since: Instant::now(),
    });
    let guard = BlockedGuard(Some(me.clone()));
    if me.detection_on()
        && let Some(cycle) = cycle_from(&me.id)
    {
        return Err(Error::Deadlock { cycle });
    }
    Ok(guard)
}

/// Follows "waits on" edges from `start`; returns the cycle through `start`, if any.
fn cycle_from(start: &ActorId) -> Option<Vec<ActorId>> {
    let table: HashMap<ActorId, Arc<ActorState>> = table().all().into_iter().map(|s| (s.id.clone(), s)).collect();
    let mut path = vec![start.clone()];
    let mut next = table.get(start)?.blocked_on();
    while let Some(id) = next {
        if &id == start {
            return Some(path);
        }
        if path.contains(&id) || path.len() > table.len() {
            return None;
        }
        next = table.get(&id).and_then(|s| s.blocked_on());
        path.push(id);
    }
    None
}

/// Turns deadlock detection on or off for every actor that has no setting of its own.
///
/// With detection on, an actor whose blocking [`get`](crate::Future::get) would close a cycle
/// of actors waiting on each other gets [`Error::Deadlock`] naming the cycle instead of
/// hanging. Actors already deadlocked when detection is turned on find out within 100 ms.
/// Off by default. Blocking on a reply from the actor's own thread is always an
/// error, whatever this setting.
pub fn set_deadlock_detection(on: bool) {
    DETECTION.store(on, Ordering::Relaxed);
}

/// Sets deadlock detection for one actor (`None`: follow the global setting).
pub fn set_actor_deadlock_detection(actor: &ActorId, on: Option<bool>) {
    if let Some(state) = table().get(actor) {
        let v = match on {
            None => INHERIT,
            Some(true) => ON,
            Some(false) => OFF,
        };
        state.detection.store(v, Ordering::Relaxed);
    }
}

/// What one actor was doing when [`actor_states`] looked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// Waiting for a message.
    Idle,
    /// Running `on_start`.
    Starting,
    /// Handling a plain message in `on_receive`. Plain messages handled back to back count as
    /// one activity, timed from the first.
    Receiving,
    /// Handling a proxy call, field access or closure.
    Handling {
        /// The method or field name (or `ask_with`/`tell_with`).
        label: &'static str,
    },
    /// Running `on_stop` or `on_failure`.
    Stopping,
    /// Between two incarnations of an actor restarted in place: waiting out its backoff, or
    /// for its supervisor's decision.
    Restarting,
}

/// A snapshot of one actor's state, from [`actor_states`].
#[derive(Debug, Clone)]
pub struct ActorStateSnapshot {
    /// The actor.
    pub actor: ActorId,
    /// Its thread's name.
    pub thread: Option<String>,
    /// What it was doing.
    pub activity: Activity,
    /// How long it had been doing it, when known (for every activity but `Idle`), to within
    /// a few microseconds.
    pub for_how_long: Option<Duration>,
    /// If it was blocked in `get()`: the actor expected to set that future (`None` inside
    /// means a future no actor is known to fulfil).
    pub blocked_on: Option<Option<ActorId>>,
    /// How long it had been blocked.
    pub blocked_for: Option<Duration>,
    /// How many times it had been restarted in place (see
    /// [`Actor::start_restarting`](crate::Actor::start_restarting)).
    pub restarts: u32,
}

impl fmt::Display for ActorStateSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on thread {}: ",
            self.actor,
            self.thread.as_deref().unwrap_or("?")
        )?;
        match &self.activity {
            Activity::Idle => f.write_str("idle")?,
            Activity::Starting => f.write_str("running on_start")?,
            Activity::Receiving => f.write_str("handling a message in on_receive")?,
            Activity::Handling { label } => write!(f, "handling `{label}`")?,
            Activity::Stopping => f.write_str("stopping")?,
            Activity::Restarting => f.write_str("restarting")?,
        }
        if let Some(d) = self.for_how_long {
            write!(f, " for {d:.1?}")?;
        }
        match &self.blocked_on {
            Some(Some(actor)) => write!(f, ", blocked in get() waiting on {actor}")?,
            Some(None) => f.write_str(", blocked in get() on a future no actor is known to set")?,
            None => {}
        }
        if let Some(d) = self.blocked_for {
            write!(f, " for {d:.1?}")?;
        }
        if self.restarts > 0 {
            write!(f, ", restarted {} time(s)", self.restarts)?;
        }
        Ok(())
    }
}

/// Returns a snapshot of what every running actor is doing, in no particular order.
pub fn actor_states() -> Vec<ActorStateSnapshot> {
    let states: Vec<Arc<ActorState>> = table().all();
    let now = Instant::now();
    let mut out: Vec<ActorStateSnapshot> = states
        .iter()
        .map(|s| {
            let label = *lock(&s.label);
            let since = epoch() + Duration::from_nanos(s.since.load(Ordering::Relaxed));
            let (activity, timed) = match s.activity.load(Ordering::Relaxed) {
                IDLE => (Activity::Idle, false),
                STARTING => (Activity::Starting, true),
                RECEIVING => (Activity::Receiving, true),
                CALLING => (Activity::Handling { label }, true),
                RESTARTING => (Activity::Restarting, true),
                _ => (Activity::Stopping, true),
            };
            let blocked = lock(&s.blocked).clone();
            ActorStateSnapshot {
                actor: s.id.clone(),
                thread: lock(&s.thread).as_deref().map(str::to_owned),
                activity,
                for_how_long: timed.then(|| now.saturating_duration_since(since)),
                blocked_on: blocked.as_ref().map(|b| b.on.clone()),
                blocked_for: blocked.map(|b| now.saturating_duration_since(b.since)),
                restarts: s.restarts.load(Ordering::Relaxed),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.actor
            .name()
            .cmp(b.actor.name())
            .then(a.actor.urn().cmp(b.actor.urn()))
    });
    out
}

/// Logs [`actor_states`] under target `pykka` at ERROR, one event per actor, then every
/// deadlock cycle found.
///
/// This is the counterpart of Pykka's `log_thread_tracebacks` (which logs at CRITICAL;
/// `tracing` has no such level).
pub fn log_actor_states() {
    let states = actor_states();
    tracing::error!(target: "pykka", "Actor states: {} running actor(s)", states.len());
    for s in &states {
        tracing::error!(target: "pykka", actor = %s.actor, "{s}");
    }
    for cycle in find_deadlocks() {
        tracing::error!(target: "pykka", "{}", Error::Deadlock { cycle });
    }
}

/// Returns every cycle of actors blocked in `get()` on each other, each starting with the
/// actor that sorts first, without repeats.
pub fn find_deadlocks() -> Vec<Vec<ActorId>> {
    let ids: Vec<ActorId> = table().all().into_iter().map(|s| s.id.clone()).collect();
    let mut cycles: Vec<Vec<ActorId>> = Vec::new();
    for id in ids {
        if let Some(mut cycle) = cycle_from(&id) {
            let first = cycle
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.urn().cmp(b.1.urn()))
                .map_or(0, |(i, _)| i);
            cycle.rotate_left(first);
            if !cycles.contains(&cycle) {
                cycles.push(cycle);
            }
        }
    }
    cycles
}

/// A running SIGUSR1 handler, from [`install_signal_handler`].
#[cfg(unix)]
#[derive(Debug)]
pub struct SignalHandler {
    handle: signal_hook::iterator::Handle,
}

#[cfg(unix)]
impl SignalHandler {
    /// Stops handling the signal; its thread ends.
    pub fn close(&self) {
        self.handle.close();
    }
}

/// Logs [`actor_states`] (with [`log_actor_states`]) every time the process gets SIGUSR1, as
/// Pykka's `log_thread_tracebacks` registered as a signal handler does.
///
/// The work runs on a dedicated thread named `pykka-debug-signal`, not in the signal handler,
/// so unlike in Python the main thread may block freely. Then, when the program hangs:
/// `kill -SIGUSR1 <pid>`.
///
/// # Errors
///
/// The operating system's error if the handler cannot be registered or the thread started.
///
/// # Examples
///
/// ```
/// let handler = pykka::debug::install_signal_handler().unwrap();
/// handler.close();
/// ```
#[cfg(unix)]
pub fn install_signal_handler() -> std::io::Result<SignalHandler> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGUSR1])?;
    let handle = signals.handle();
    std::thread::Builder::new()
        .name("pykka-debug-signal".into())
        .spawn(move || {
            for _ in signals.forever() {
                log_actor_states();
            }
        })?;
    Ok(SignalHandler { handle })
}
