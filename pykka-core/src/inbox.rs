//! The actor's inbox: a thin newtype over a crossbeam channel, the only file that names it.
//!
//! Under `cfg(loom)` the channel is a small model (see `model`), so that loom can check the
//! inbox's protocol (`cargo xtask loom`, tests `loom_tests`).

use std::cell::Cell;
use std::time::{Duration, Instant};

#[cfg(not(loom))]
use crossbeam_channel as cb;
#[cfg(loom)]
use model as cb;

use std::sync::Arc;

use crate::panic;
use crate::pool::Mailbox;

/// How many times a waiting actor checks its inbox, with a spin-loop pause after each, before
/// the channel's own backoff takes over.
#[cfg(not(loom))]
const INBOX_SPIN_CHECKS: u32 = 64;
/// Under loom every check is a step of the model: one is enough to cover the path.
#[cfg(loom)]
const INBOX_SPIN_CHECKS: u32 = 1;

/// The sending half of an inbox, held by every [`ActorRef`](crate::ActorRef): a channel to
/// an actor thread, or a pooled actor's mailbox (which schedules the actor when it goes from
/// empty to not).
pub(crate) enum InboxSender<T> {
    /// The thread runtime's inbox.
    Channel(ChannelSender<T>),
    /// A pooled actor's.
    Pooled(Arc<Mailbox<T>>),
}

/// The sending half of a thread's inbox.
///
/// Messages always travel through an unbounded channel, because only that flavour drops the
/// messages left in it when the receiver goes away (crossbeam's bounded channel keeps them
/// until the last sender is gone too, and every `ActorRef` holds a sender, so their reply
/// slots would never be answered). A bounded inbox adds `room`: one token per queued message
/// in a bounded channel, taken before sending and given back when the message is received.
pub(crate) struct ChannelSender<T> {
    tx: cb::Sender<Slot<T>>,
    room: Option<cb::Sender<()>>,
}

/// The receiving half, owned by the actor's runtime. Dropping it closes the inbox and drops
/// every queued message, which fails their reply slots; senders waiting for room get
/// [`SendError::Closed`]. A queued message whose `Drop` panics is logged and the rest are
/// still dropped (see [`Slot`]); the runtime drops the receiver inside
/// [`panic::closing`] so the log names the actor.
pub(crate) struct InboxReceiver<T> {
    rx: cb::Receiver<Slot<T>>,
    room: Option<cb::Receiver<()>>,
    /// When a wait gives up and starts again; see [`recv`](Self::recv).
    deadline: Cell<Instant>,
    /// How many messages were received since the inbox was last found empty.
    run: Cell<u32>,
}

/// The length of a run of messages after which the receiver steps back once it has drained
/// them: one block of crossbeam's unbounded channel. See [`InboxReceiver::next_with`].
const STREAM: u32 = 32;

/// How many times a receiver that has drained a [`STREAM`] yields its time slice, checking its
/// inbox after each, before it starts waiting. See [`InboxReceiver::next_with`].
const STREAM_YIELDS: u32 = 32;

/// A message in the channel, until the receiver takes it out.
///
/// A message the receiver never takes is dropped by the channel: when the receiver goes away
/// (the actor has stopped), inside the channel's own clean-up, one message after another. A
/// panic in one message's `Drop` must not unwind through that clean-up (it would stop halfway,
/// leaking every message behind it and leaving their reply slots unanswered forever), so the
/// slot drops a message it still holds through [`panic::drop_queued`], which catches and logs
/// the panic. The receiver takes the message out with [`take`](Self::take), which leaves
/// `None` behind: a message is in an `Option` for free (the envelope's tag has room for
/// `None`), and the slot's `Drop` after a `take` does nothing.
struct Slot<T>(Option<T>);

impl<T> Slot<T> {
    #[inline(always)]
    fn new(msg: T) -> Self {
        Slot(Some(msg))
    }

    /// Takes the message out; `None` only for a slot already taken, which never travels.
    #[inline(always)]
    fn take(mut self) -> Option<T> {
        let msg = self.0.take();
        // Nothing is left to drop: skip the drop glue (and with it the dead write of `None`).
        std::mem::forget(self);
        msg
    }

    /// Takes back a message the channel refused. The caller's own message: its `Drop`, if it
    /// panics, panics on the caller's thread as it would have without the slot.
    fn into_unsent(mut self) -> T {
        self.0.take().expect("a refused slot still holds its message")
    }
}

impl<T> Drop for Slot<T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(msg) = self.0.take() {
            panic::drop_queued(msg);
        }
    }
}

/// A deadline no actor waits for in practice: a year from now.
fn far_deadline() -> Instant {
    Instant::now() + Duration::from_secs(365 * 24 * 60 * 60)
}

/// Why a send did not go through; the message is handed back.
pub(crate) enum SendError<T> {
    /// The receiver is gone: the actor has stopped.
    Closed(T),
    /// A bounded inbox stayed full until the deadline.
    Timeout(T),
}

/// What [`InboxReceiver::recv_until`] got.
pub(crate) enum Received<T> {
    /// The next message.
    Message(T),
    /// The deadline passed first.
    Timeout,
    /// Every sender is gone: the runtime is shutting down.
    Closed,
}

/// Why a send that was not to wait did not go through; the message is handed back.
pub(crate) enum TrySendError<T> {
    /// The receiver is gone: the actor has stopped.
    Closed(T),
    /// A bounded inbox was full.
    Full(T),
}

pub(crate) fn inbox<T>(capacity: Option<usize>) -> (InboxSender<T>, InboxReceiver<T>) {
    let (tx, rx) = cb::unbounded();
    let (room_tx, room_rx) = match capacity {
        Some(n) => {
            let (room_tx, room_rx) = cb::bounded(n.max(1));
            (Some(room_tx), Some(room_rx))
        }
        None => (None, None),
    };
    (
        InboxSender::Channel(ChannelSender { tx, room: room_tx }),
        InboxReceiver {
            rx,
            room: room_rx,
            deadline: Cell::new(far_deadline()),
            run: Cell::new(0),
        },
    )
}

impl<T: Send + 'static> InboxSender<T> {
    /// Sends, waiting for room in a bounded inbox.
    #[inline]
    pub(crate) fn send(&self, msg: T) -> Result<(), SendError<T>> {
        match self {
            InboxSender::Channel(tx) => tx.send(msg),
            InboxSender::Pooled(mailbox) => mailbox.push(msg, true, None),
        }
    }

    /// Sends the message `make` builds, waiting for room in a bounded inbox; returns false
    /// (dropping the message) if the receiver is gone.
    #[inline(always)]
    pub(crate) fn send_with(&self, make: impl FnOnce() -> T) -> bool {
        match self {
            InboxSender::Channel(tx) => tx.send_with(make),
            InboxSender::Pooled(mailbox) => mailbox.push(make(), true, None).is_ok(),
        }
    }

    /// Sends, waiting for room at most until `deadline`.
    pub(crate) fn send_deadline(&self, msg: T, deadline: Instant) -> Result<(), SendError<T>> {
        match self {
            InboxSender::Channel(tx) => tx.send_deadline(msg, deadline),
            InboxSender::Pooled(mailbox) => mailbox.push(msg, true, Some(deadline)),
        }
    }

    /// Sends without waiting: fails with [`TrySendError::Full`] if a bounded inbox has no
    /// room.
    pub(crate) fn try_send(&self, msg: T) -> Result<(), TrySendError<T>> {
        match self {
            InboxSender::Channel(tx) => tx.try_send(msg),
            InboxSender::Pooled(mailbox) => mailbox.try_push(msg),
        }
    }

    /// Queues a message without taking a token, even into a full bounded inbox (see
    /// [`ChannelSender::send_untokened`]).
    pub(crate) fn send_untokened(&self, msg: T) -> Result<(), SendError<T>> {
        match self {
            InboxSender::Channel(tx) => tx.send_untokened(msg),
            InboxSender::Pooled(mailbox) => mailbox.push(msg, false, None),
        }
    }

    /// Returns the number of queued messages.
    pub(crate) fn len(&self) -> usize {
        match self {
            InboxSender::Channel(tx) => tx.len(),
            InboxSender::Pooled(mailbox) => mailbox.len(),
        }
    }
}

/// What a runtime's waits between incarnations and its end need of an inbox.
pub(crate) trait Receive<T> {
    /// Waits for the next message until `deadline` (`None`: as long as it takes).
    fn recv_until(&self, deadline: Option<Instant>) -> Received<T>;
    /// Closes the inbox: drops every queued message (each inside a catch point) and refuses
    /// later sends.
    fn close(self);
}

impl<T> Receive<T> for InboxReceiver<T> {
    fn recv_until(&self, deadline: Option<Instant>) -> Received<T> {
        InboxReceiver::recv_until(self, deadline)
    }

    fn close(self) {
        drop(self);
    }
}

impl<T: Send + 'static> Receive<T> for Arc<Mailbox<T>> {
    fn recv_until(&self, deadline: Option<Instant>) -> Received<T> {
        Mailbox::recv_until(self, deadline)
    }

    fn close(self) {
        Mailbox::close(&self);
    }
}

/// Takes a room token of a bounded inbox, waiting (a managed wait on a pool worker) while it
/// is full; false if the inbox is closed.
#[inline]
fn take_room(room: &cb::Sender<()>) -> bool {
    match room.try_send(()) {
        Ok(()) => true,
        Err(cb::TrySendError::Disconnected(())) => false,
        Err(cb::TrySendError::Full(())) => crate::pool::managed(|| room.send(())).is_ok(),
    }
}

impl<T> ChannelSender<T> {
    /// Sends, waiting for room in a bounded inbox.
    #[inline]
    pub(crate) fn send(&self, msg: T) -> Result<(), SendError<T>> {
        if let Some(room) = &self.room
            && !take_room(room)
        {
            return Err(SendError::Closed(msg));
        }
        self.push(msg)
    }

    /// Sends the message `make` builds, waiting for room in a bounded inbox; returns false
    /// (dropping the message) if the receiver is gone.
    ///
    /// The message is built only once there is room, right where the channel takes it, so
    /// the compiler does not keep it in the stack across the room check and copy it after.
    #[inline(always)]
    pub(crate) fn send_with(&self, make: impl FnOnce() -> T) -> bool {
        if let Some(room) = &self.room
            && !take_room(room)
        {
            return false;
        }
        // A match, not `.is_ok()`: the result's drop (a call that checks for a message to
        // drop) then happens only on the error path, not on every send.
        match self.tx.send(Slot::new(make())) {
            Ok(()) => true,
            Err(unsent) => {
                drop(unsent.into_inner().into_unsent());
                false
            }
        }
    }

    /// Sends, waiting for room at most until `deadline`.
    pub(crate) fn send_deadline(&self, msg: T, deadline: Instant) -> Result<(), SendError<T>> {
        if let Some(room) = &self.room {
            let taken = match room.try_send(()) {
                Ok(()) => Ok(()),
                Err(cb::TrySendError::Disconnected(())) => Err(cb::SendTimeoutError::Disconnected(())),
                Err(cb::TrySendError::Full(())) => crate::pool::managed(|| room.send_deadline((), deadline)),
            };
            match taken {
                Ok(()) => {}
                Err(cb::SendTimeoutError::Timeout(())) => return Err(SendError::Timeout(msg)),
                Err(cb::SendTimeoutError::Disconnected(())) => return Err(SendError::Closed(msg)),
            }
        }
        self.push(msg)
    }

    /// Sends without waiting: fails with [`TrySendError::Full`] if a bounded inbox has no
    /// room.
    pub(crate) fn try_send(&self, msg: T) -> Result<(), TrySendError<T>> {
        if let Some(room) = &self.room {
            match room.try_send(()) {
                Ok(()) => {}
                Err(cb::TrySendError::Full(())) => return Err(TrySendError::Full(msg)),
                Err(cb::TrySendError::Disconnected(())) => return Err(TrySendError::Closed(msg)),
            }
        }
        self.push(msg).map_err(|e| match e {
            SendError::Closed(msg) | SendError::Timeout(msg) => TrySendError::Closed(msg),
        })
    }

    /// Queues a message without taking a token, even into a full bounded inbox: for the
    /// actor's own stop request, which must never wait (it would wait on itself). The token
    /// the receiver then frees lets one more message in, at most once per actor.
    pub(crate) fn send_untokened(&self, msg: T) -> Result<(), SendError<T>> {
        self.push(msg)
    }

    /// Queues a message once there is room for it.
    #[inline]
    fn push(&self, msg: T) -> Result<(), SendError<T>> {
        self.tx
            .send(Slot::new(msg))
            .map_err(|e| SendError::Closed(e.into_inner().into_unsent()))
    }

    /// Returns the number of queued messages.
    pub(crate) fn len(&self) -> usize {
        self.tx.len()
    }
}

impl<T> InboxReceiver<T> {
    /// Hands the next message to `f`. If the inbox is empty, first runs `idle`: if it returns
    /// `Some`, that is returned at once, without waiting (an actor with timers serves them
    /// then); else the actor starts waiting. If the wait went past the short spin below,
    /// which may have meant sleeping, runs `woke` when it ends. `None` cannot happen while a
    /// sender lives, and the actor's own shared cell always holds one, so `None` means the
    /// runtime is shutting down.
    ///
    /// An actor that has just drained a run of [`STREAM`] messages or more first steps back:
    /// it yields its time slice up to [`STREAM_YIELDS`] times, checking its inbox after each,
    /// and only then spins and sleeps. With more busy actors than cores (the fanout benchmark:
    /// 100 actors on 2 cores) each yield lets the sender and the other actors run instead of
    /// this one spinning, and the actor often finds its next messages before it would have
    /// gone to sleep, so the sender does not have to wake it (a system call on the sender's
    /// thread). On the project's 2-core machine, against the single yield this replaced: 26
    /// interleaved fanout rounds, faster in 19, medians 32.2M against 30.6M msgs/s (16 rounds)
    /// and 31.0M against 29.6M (10 rounds). Asks and sparse tells never see the pause, which
    /// follows only a run of messages found already queued.
    #[inline]
    pub(crate) fn next_with<R>(
        &self,
        idle: impl FnOnce() -> Option<R>,
        woke: impl FnOnce(),
        f: impl FnOnce(T) -> R,
    ) -> Option<R> {
        // The message leaves its slot as soon as it is received (see `Slot`).
        let msg = match self.rx.try_recv() {
            Ok(slot) => {
                self.run.set(self.run.get().saturating_add(1));
                slot.take()
            }
            Err(cb::TryRecvError::Disconnected) => return None,
            Err(cb::TryRecvError::Empty) => {
                let stepped_back = self.run.replace(0) >= STREAM;
                if let Some(instead) = idle() {
                    return Some(instead);
                }
                if stepped_back {
                    self.yield_until_nonempty();
                }
                let spun = self.spin_until_nonempty();
                let msg = self.recv()?.take();
                if stepped_back || !spun {
                    woke();
                }
                msg
            }
        };
        self.free_room();
        Some(f(msg?))
    }

    /// Waits for the next message until `deadline` (`None`: as long as it takes), for the
    /// runtime's waits between incarnations, where the actor is not running. Off the receive
    /// loop's path.
    pub(crate) fn recv_until(&self, deadline: Option<Instant>) -> Received<T> {
        match self.rx.recv_deadline(deadline.unwrap_or_else(far_deadline)) {
            Ok(slot) => {
                self.free_room();
                match slot.take() {
                    Some(msg) => Received::Message(msg),
                    None => Received::Timeout,
                }
            }
            Err(cb::RecvTimeoutError::Timeout) => Received::Timeout,
            Err(cb::RecvTimeoutError::Disconnected) => Received::Closed,
        }
    }

    /// Yields the time slice up to [`STREAM_YIELDS`] times, until a message has arrived.
    #[cold]
    fn yield_until_nonempty(&self) {
        for _ in 0..STREAM_YIELDS {
            std::thread::yield_now();
            if !self.rx.is_empty() {
                return;
            }
        }
    }

    /// Spins briefly, checking after every pause whether a message has arrived, before the
    /// blocking receive; returns whether one did. Crossbeam's backoff checks after 1, 2, 4,
    /// ... 64 pauses, and with a pause taking ~30 ns here it noticed the next ask of a waiting
    /// caller up to a few hundred nanoseconds late.
    #[inline]
    fn spin_until_nonempty(&self) -> bool {
        for _ in 0..INBOX_SPIN_CHECKS {
            if !self.rx.is_empty() {
                return true;
            }
            std::hint::spin_loop();
        }
        false
    }

    /// Waits for the next message.
    ///
    /// This is `recv_deadline` with a deadline a year away (renewed if it ever passes), not
    /// `recv`: crossbeam's `recv` converts the flavour's result into another `Result` type, a
    /// copy of every envelope whose 16-byte load straddles the channel's 8-byte stores (a
    /// store-forwarding stall on each message, a quarter of the cost of draining a backlog),
    /// where `recv_deadline` hands the flavour's result through untouched.
    fn recv(&self) -> Option<Slot<T>> {
        loop {
            match self.rx.recv_deadline(self.deadline.get()) {
                Ok(slot) => return Some(slot),
                Err(cb::RecvTimeoutError::Timeout) => self.deadline.set(far_deadline()),
                Err(cb::RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Gives back the token of a received message. Every message was sent after its token, so
    /// one is always there to take.
    #[inline]
    fn free_room(&self) {
        if let Some(room) = &self.room {
            let _ = room.try_recv();
        }
    }
}

/// A model of the crossbeam channels the inbox uses, for loom: a loom `Mutex` around a
/// `VecDeque`, a `Condvar` for the waits, and the same semantics where the inbox relies on
/// them. Dropping the receiver disconnects the channel (later sends fail and hand the message
/// back) and drops the queued messages one by one, in the receiver's `drop`, as crossbeam's
/// unbounded channel does; like crossbeam's, that clean-up stops at a panic and leaks the rest.
/// Loom has no clock: a deadline never passes.
#[cfg(loom)]
mod model {
    use std::collections::VecDeque;
    use std::mem::ManuallyDrop;
    use std::time::Instant;

    use loom::sync::{Arc, Condvar, Mutex, MutexGuard};

    pub(super) struct SendError<T>(T);

    impl<T> SendError<T> {
        pub(super) fn into_inner(self) -> T {
            self.0
        }
    }

    pub(super) enum SendTimeoutError<T> {
        #[allow(dead_code, reason = "crossbeam's shape; loom has no clock")]
        Timeout(T),
        Disconnected(T),
    }

    pub(super) enum TrySendError<T> {
        Full(T),
        Disconnected(T),
    }

    pub(super) enum TryRecvError {
        Empty,
        Disconnected,
    }

    pub(super) enum RecvTimeoutError {
        #[allow(dead_code, reason = "crossbeam's shape; loom has no clock")]
        Timeout,
        Disconnected,
    }

    struct State<T> {
        queue: VecDeque<T>,
        receiver: bool,
        senders: usize,
    }

    struct Chan<T> {
        state: Mutex<State<T>>,
        changed: Condvar,
        capacity: Option<usize>,
    }

    impl<T> Chan<T> {
        fn lock(&self) -> MutexGuard<'_, State<T>> {
            self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        fn wait<'a>(&self, guard: MutexGuard<'a, State<T>>) -> MutexGuard<'a, State<T>> {
            self.changed
                .wait(guard)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }

    pub(super) struct Sender<T>(Arc<Chan<T>>);

    pub(super) struct Receiver<T>(Arc<Chan<T>>);

    fn channel<T>(capacity: Option<usize>) -> (Sender<T>, Receiver<T>) {
        let chan = Arc::new(Chan {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                receiver: true,
                senders: 1,
            }),
            changed: Condvar::new(),
            capacity,
        });
        (Sender(chan.clone()), Receiver(chan))
    }

    pub(super) fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
        channel(None)
    }

    pub(super) fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
        channel(Some(capacity))
    }

    impl<T> Sender<T> {
        pub(super) fn send(&self, msg: T) -> Result<(), SendError<T>> {
            let mut state = self.0.lock();
            loop {
                if !state.receiver {
                    return Err(SendError(msg));
                }
                if self.0.capacity.is_none_or(|c| state.queue.len() < c) {
                    state.queue.push_back(msg);
                    self.0.changed.notify_all();
                    return Ok(());
                }
                state = self.0.wait(state);
            }
        }

        pub(super) fn send_deadline(&self, msg: T, _deadline: Instant) -> Result<(), SendTimeoutError<T>> {
            self.send(msg).map_err(|e| SendTimeoutError::Disconnected(e.0))
        }

        pub(super) fn try_send(&self, msg: T) -> Result<(), TrySendError<T>> {
            let mut state = self.0.lock();
            if !state.receiver {
                return Err(TrySendError::Disconnected(msg));
            }
            if self.0.capacity.is_some_and(|c| state.queue.len() >= c) {
                return Err(TrySendError::Full(msg));
            }
            state.queue.push_back(msg);
            self.0.changed.notify_all();
            Ok(())
        }

        pub(super) fn len(&self) -> usize {
            self.0.lock().queue.len()
        }
    }

    impl<T> Drop for Sender<T> {
        fn drop(&mut self) {
            self.0.lock().senders -= 1;
            self.0.changed.notify_all();
        }
    }

    impl<T> Receiver<T> {
        pub(super) fn try_recv(&self) -> Result<T, TryRecvError> {
            let mut state = self.0.lock();
            match state.queue.pop_front() {
                Some(msg) => {
                    self.0.changed.notify_all();
                    Ok(msg)
                }
                None if state.senders == 0 => Err(TryRecvError::Disconnected),
                None => Err(TryRecvError::Empty),
            }
        }

        pub(super) fn recv_deadline(&self, _deadline: Instant) -> Result<T, RecvTimeoutError> {
            let mut state = self.0.lock();
            loop {
                if let Some(msg) = state.queue.pop_front() {
                    self.0.changed.notify_all();
                    return Ok(msg);
                }
                if state.senders == 0 {
                    return Err(RecvTimeoutError::Disconnected);
                }
                state = self.0.wait(state);
            }
        }

        pub(super) fn is_empty(&self) -> bool {
            self.0.lock().queue.is_empty()
        }
    }

    impl<T> Drop for Receiver<T> {
        fn drop(&mut self) {
            let queue = {
                let mut state = self.0.lock();
                state.receiver = false;
                self.0.changed.notify_all();
                std::mem::take(&mut state.queue)
            };
            // One by one, outside the lock; a panic leaks the rest, as in crossbeam.
            let mut queue = ManuallyDrop::new(queue);
            while let Some(msg) = queue.pop_front() {
                drop(msg);
            }
            drop(ManuallyDrop::into_inner(queue));
        }
    }
}

/// Loom models of the inbox and the runtime's stop protocol: the actor's thread handles
/// messages until a stop, then closes the inbox by dropping the receiver (as
/// `threading::close_inbox` does), while other threads send.
#[cfg(all(test, loom))]
mod loom_tests {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicUsize, Ordering};
    use loom::thread;

    use super::*;
    use crate::actor_id::ActorId;

    /// Counts its drops, and whether it was handled; a `volatile` one panics when dropped
    /// unhandled.
    struct Counted {
        drops: Arc<AtomicUsize>,
        handled: Arc<AtomicUsize>,
        volatile: bool,
        defused: bool,
    }

    impl Counted {
        fn new(drops: &Arc<AtomicUsize>, handled: &Arc<AtomicUsize>, volatile: bool) -> Self {
            Counted {
                drops: drops.clone(),
                handled: handled.clone(),
                volatile,
                defused: false,
            }
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.drops.fetch_add(1, Ordering::SeqCst);
            if self.volatile && !self.defused {
                panic!("a queued message went off");
            }
        }
    }

    enum Msg {
        Work(Counted),
        Stop,
    }

    /// The actor's thread: handles work until a stop, then closes the inbox.
    fn run_actor(receiver: InboxReceiver<Msg>) {
        loop {
            let stop = receiver.next_with(
                || None,
                || {},
                |msg| match msg {
                    Msg::Work(mut work) => {
                        work.handled.fetch_add(1, Ordering::SeqCst);
                        work.defused = true;
                        false
                    }
                    Msg::Stop => true,
                },
            );
            if stop != Some(false) {
                break;
            }
        }
        panic::closing(&ActorId::new("Model"), move || drop(receiver));
    }

    /// Sends `work`; a refused message comes back to the sender, who defuses and drops it.
    fn send(sender: &InboxSender<Msg>, work: Counted) -> bool {
        match sender.send(Msg::Work(work)) {
            Ok(()) => true,
            Err(SendError::Closed(msg) | SendError::Timeout(msg)) => {
                if let Msg::Work(mut work) = msg {
                    work.defused = true;
                }
                false
            }
        }
    }

    fn counters() -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
        (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)))
    }

    #[test]
    fn loom_a_send_racing_a_stop_request_is_handled_or_dropped_exactly_once() {
        loom::model(|| {
            let (sender, receiver) = inbox::<Msg>(None);
            let sender = Arc::new(sender);
            let (drops, handled) = counters();
            let actor = thread::spawn(move || run_actor(receiver));
            let stopper = {
                let sender = sender.clone();
                thread::spawn(move || {
                    assert!(
                        sender.send(Msg::Stop).is_ok(),
                        "the inbox is open until the stop is received"
                    )
                })
            };
            let sent = send(&sender, Counted::new(&drops, &handled, false));
            stopper.join().unwrap();
            actor.join().unwrap();
            assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped exactly once");
            assert!(handled.load(Ordering::SeqCst) <= usize::from(sent));
        });
    }

    #[test]
    fn loom_a_send_racing_the_close_is_handled_or_dropped_exactly_once() {
        loom::model(|| {
            let (sender, receiver) = inbox::<Msg>(None);
            let sender = Arc::new(sender);
            let (drops, handled) = counters();
            assert!(sender.send(Msg::Stop).is_ok());
            let actor = thread::spawn(move || run_actor(receiver));
            let work = Counted::new(&drops, &handled, false);
            let sent = {
                let sender = sender.clone();
                thread::spawn(move || send(&sender, work))
            };
            let sent = sent.join().unwrap();
            actor.join().unwrap();
            assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped exactly once");
            // Queued before the stop, it is handled; after, it is dropped unhandled.
            assert!(handled.load(Ordering::SeqCst) <= usize::from(sent));
        });
    }

    #[test]
    fn loom_a_panicking_drop_racing_the_close_is_contained_and_strands_nothing() {
        crate::panic::quiet_handled_panics();
        loom::model(|| {
            let (sender, receiver) = inbox::<Msg>(None);
            let sender = Arc::new(sender);
            let (drops, handled) = counters();
            assert!(sender.send(Msg::Stop).is_ok());
            let actor = thread::spawn(move || run_actor(receiver));
            let (volatile, behind) = (
                Counted::new(&drops, &handled, true),
                Counted::new(&drops, &handled, false),
            );
            let sender_thread = {
                let sender = sender.clone();
                thread::spawn(move || {
                    send(&sender, volatile);
                    send(&sender, behind);
                })
            };
            sender_thread.join().unwrap();
            assert!(actor.join().is_ok(), "a panic escaped the actor's thread");
            assert_eq!(drops.load(Ordering::SeqCst), 2, "both dropped once, none leaked");
        });
    }

    #[test]
    fn loom_a_stop_racing_a_send_into_a_full_bounded_inbox_never_hangs_or_loses_a_message() {
        loom::model(|| {
            let (sender, receiver) = inbox::<Msg>(Some(1));
            let sender = Arc::new(sender);
            let (drops, handled) = counters();
            // Takes the one place, so the next send waits for room.
            assert!(send(&sender, Counted::new(&drops, &handled, false)));
            let actor = thread::spawn(move || run_actor(receiver));
            let waiter = {
                let (sender, work) = (sender.clone(), Counted::new(&drops, &handled, false));
                thread::spawn(move || send(&sender, work))
            };
            // The actor's own stop request skips the room check, as `request_self_stop` does.
            assert!(sender.send_untokened(Msg::Stop).is_ok());
            waiter.join().unwrap();
            actor.join().unwrap();
            assert_eq!(drops.load(Ordering::SeqCst), 2, "each message dropped exactly once");
            assert!(
                handled.load(Ordering::SeqCst) >= 1,
                "the first message came before the stop"
            );
        });
    }
}
