//! Test helpers: a generous timeout, latches, an event recorder, watchdogs and a log capture.
//!
//! Every blocking wait in the tests is bounded by [`DEFAULT_TIMEOUT`], so a bug makes a test
//! fail instead of hanging. The timeout is never the thing asserted on: a correct runtime
//! finishes each wait long before it.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record as SpanRecord};
use tracing::{Event, Level, Metadata, Subscriber};

/// The ceiling of every wait in the tests.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A one-shot gate: threads [`wait`](Latch::wait) until someone [`open`](Latch::open)s it.
///
/// Cheap to clone, `Send + Sync + Debug`, so it can travel inside actor messages.
#[derive(Clone, Default)]
pub struct Latch {
    inner: Arc<(Mutex<bool>, Condvar)>,
}

impl Latch {
    pub fn new() -> Self {
        Latch::default()
    }

    /// Opens the latch, releasing every waiter, now and later.
    pub fn open(&self) {
        *lock(&self.inner.0) = true;
        self.inner.1.notify_all();
    }

    pub fn is_open(&self) -> bool {
        *lock(&self.inner.0)
    }

    /// Waits until the latch is open.
    ///
    /// # Panics
    ///
    /// If it is still closed after [`DEFAULT_TIMEOUT`].
    pub fn wait(&self) {
        assert!(
            self.wait_timeout(DEFAULT_TIMEOUT),
            "latch still closed after {DEFAULT_TIMEOUT:?}"
        );
    }

    /// Waits at most `timeout`; returns whether the latch is open.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut open = lock(&self.inner.0);
        while !*open {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            open = self
                .inner
                .1
                .wait_timeout(open, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}

impl fmt::Debug for Latch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Latch(open: {})", self.is_open())
    }
}

/// An ordered, thread-safe list of events (strings) that actors and tests append to.
#[derive(Clone, Default)]
pub struct Events {
    inner: Arc<(Mutex<Vec<String>>, Condvar)>,
}

impl Events {
    pub fn new() -> Self {
        Events::default()
    }

    pub fn push(&self, event: impl Into<String>) {
        lock(&self.inner.0).push(event.into());
        self.inner.1.notify_all();
    }

    /// Returns a copy of every event so far, in order.
    pub fn snapshot(&self) -> Vec<String> {
        lock(&self.inner.0).clone()
    }

    /// Returns how many recorded events equal `event`.
    pub fn count(&self, event: &str) -> usize {
        lock(&self.inner.0).iter().filter(|e| *e == event).count()
    }

    /// Waits until an event equal to `event` has been recorded.
    ///
    /// # Panics
    ///
    /// If none was recorded within [`DEFAULT_TIMEOUT`].
    pub fn wait_for(&self, event: &str) {
        let deadline = Instant::now() + DEFAULT_TIMEOUT;
        let mut events = lock(&self.inner.0);
        while !events.iter().any(|e| e == event) {
            let now = Instant::now();
            assert!(
                now < deadline,
                "event {event:?} not recorded within {DEFAULT_TIMEOUT:?}; got {events:?}"
            );
            events = self
                .inner
                .1
                .wait_timeout(events, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.snapshot()).finish()
    }
}

/// Starts a named helper thread (actor threads are named by pykka; test threads by this).
///
/// # Panics
///
/// If the operating system cannot create a thread.
pub fn spawn<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .name(format!("test-{name}"))
        .spawn(f)
        .expect("a helper thread")
}

/// Runs `f` on a helper thread and returns its result.
///
/// # Panics
///
/// If `f` has not returned within [`DEFAULT_TIMEOUT`] (the thread is then left behind), or if
/// `f` panicked.
pub fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = spawn("within", move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(DEFAULT_TIMEOUT) {
        Ok(value) => {
            let _ = handle.join();
            value
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: did not return within {DEFAULT_TIMEOUT:?}")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the helper thread sends before it ends"),
        },
    }
}

/// Checks that `urn` has the form `urn:uuid:<version-4 uuid>`.
pub fn is_uuid4_urn(urn: &str) -> bool {
    let Some(uuid) = urn.strip_prefix("urn:uuid:") else {
        return false;
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    let lengths_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
    let hex_ok = groups
        .iter()
        .all(|g| g.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    lengths_ok && hex_ok && groups[2].starts_with('4') && groups[3].starts_with(['8', '9', 'a', 'b'])
}

/// Returns the names of this process's threads that start with `prefix`, when the platform
/// shows them (`/proc/self/task/*/comm` on Linux; `None` elsewhere).
///
/// The kernel keeps only the first 15 bytes of a thread name.
pub fn threads_named(prefix: &str) -> Option<Vec<String>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    let mut names = Vec::new();
    for task in tasks.flatten() {
        if let Ok(comm) = std::fs::read_to_string(task.path().join("comm")) {
            let comm = comm.trim_end();
            if comm.starts_with(prefix) {
                names.push(comm.to_owned());
            }
        }
    }
    Some(names)
}

// ---------------------------------------------------------------------------------------------
// Log capture

/// One captured `tracing` event.
#[derive(Debug, Clone)]
pub struct LogRecord {
    pub level: Level,
    pub target: String,
    pub message: String,
    /// The `actor` field: the actor's `Display` form, `Name (urn:uuid:…)`.
    pub actor: Option<String>,
}

/// The process-wide log capture; see [`logs`].
#[derive(Debug, Default)]
pub struct LogCapture {
    records: Mutex<Vec<LogRecord>>,
    next_span: AtomicU64,
}

impl LogCapture {
    /// Returns every captured `pykka` record whose `actor` field names `urn`, in order.
    pub fn for_actor(&self, urn: &str) -> Vec<LogRecord> {
        lock(&self.records)
            .iter()
            .filter(|r| r.actor.as_deref().is_some_and(|a| a.contains(urn)))
            .cloned()
            .collect()
    }

    /// Returns every captured `pykka` record for which `pred` holds, in order (for records
    /// without an `actor` field, such as a pool's).
    pub fn matching(&self, pred: impl Fn(&LogRecord) -> bool) -> Vec<LogRecord> {
        lock(&self.records).iter().filter(|r| pred(r)).cloned().collect()
    }

    /// Like [`for_actor`](Self::for_actor), only the records at `level`.
    pub fn at(&self, urn: &str, level: Level) -> Vec<LogRecord> {
        self.for_actor(urn).into_iter().filter(|r| r.level == level).collect()
    }
}

/// The subscriber behind the capture. `tracing` needs an owned value, so this forwards to the
/// static [`LogCapture`].
struct Capturer(&'static LogCapture);

#[derive(Default)]
struct FieldVisitor {
    message: Option<String>,
    actor: Option<String>,
}

impl Visit for FieldVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message = Some(value.to_owned()),
            "actor" => self.actor = Some(value.to_owned()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message = Some(format!("{value:?}")),
            "actor" => self.actor = Some(format!("{value:?}")),
            _ => {}
        }
    }
}

impl Subscriber for Capturer {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "pykka" || metadata.target().starts_with("pykka::")
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(self.0.next_span.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _span: &Id, _values: &SpanRecord<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut visitor = FieldVisitor::default();
        event.record(&mut visitor);
        let metadata = event.metadata();
        lock(&self.0.records).push(LogRecord {
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            message: visitor.message.unwrap_or_default(),
            actor: visitor.actor,
        });
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// Returns the global log capture, installing it as the global `tracing` subscriber on first
/// use.
///
/// Actors log on their own threads, so a thread-local subscriber would miss their events.
/// Tests run in parallel in one process: filter with [`LogCapture::for_actor`] by your own
/// actor's URN. Call this before starting the actors whose logs you check.
pub fn logs() -> &'static LogCapture {
    static CAPTURE: OnceLock<&'static LogCapture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture: &'static LogCapture = Box::leak(Box::default());
        tracing::subscriber::set_global_default(Capturer(capture))
            .expect("no other global tracing subscriber in the test binary");
        capture
    })
}
