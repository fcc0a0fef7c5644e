//! The actor's inbox: a thin newtype over a crossbeam channel, the only file that names it.

use std::cell::Cell;
use std::time::{Duration, Instant};

use crossbeam_channel as cb;

use crate::panic;

/// How many times a waiting actor checks its inbox, with a spin-loop pause after each, before
/// the channel's own backoff takes over.
const INBOX_SPIN_CHECKS: u32 = 64;

/// The sending half of an inbox, held by every [`ActorRef`](crate::ActorRef).
///
/// Messages always travel through an unbounded channel, because only that flavour drops the
/// messages left in it when the receiver goes away (crossbeam's bounded channel keeps them
/// until the last sender is gone too, and every `ActorRef` holds a sender, so their reply
/// slots would never be answered). A bounded inbox adds `room`: one token per queued message
/// in a bounded channel, taken before sending and given back when the message is received.
pub(crate) struct InboxSender<T> {
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
        self.0.take()
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
        InboxSender { tx, room: room_tx },
        InboxReceiver {
            rx,
            room: room_rx,
            deadline: Cell::new(far_deadline()),
            run: Cell::new(0),
        },
    )
}

impl<T> InboxSender<T> {
    /// Sends, waiting for room in a bounded inbox.
    #[inline]
    pub(crate) fn send(&self, msg: T) -> Result<(), SendError<T>> {
        if let Some(room) = &self.room
            && room.send(()).is_err()
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
            && room.send(()).is_err()
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
            match room.send_deadline((), deadline) {
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
    /// Hands the next message to `f`. If the inbox is empty, first runs `idle` (the actor
    /// starts waiting), then waits; if the wait went past the short spin below, which may have
    /// meant sleeping, runs `woke` when it ends. `None` cannot happen while a sender lives, and
    /// the actor's own shared cell always holds one, so `None` means the runtime is shutting
    /// down.
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
    pub(crate) fn next_with<R>(&self, idle: impl FnOnce(), woke: impl FnOnce(), f: impl FnOnce(T) -> R) -> Option<R> {
        let slot = match self.rx.try_recv() {
            Ok(slot) => {
                self.run.set(self.run.get().saturating_add(1));
                slot
            }
            Err(cb::TryRecvError::Disconnected) => return None,
            Err(cb::TryRecvError::Empty) => {
                idle();
                let stepped_back = self.run.replace(0) >= STREAM;
                if stepped_back {
                    self.yield_until_nonempty();
                }
                let spun = self.spin_until_nonempty();
                let slot = self.recv()?;
                if stepped_back || !spun {
                    woke();
                }
                slot
            }
        };
        self.free_room();
        Some(f(slot.take()?))
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
