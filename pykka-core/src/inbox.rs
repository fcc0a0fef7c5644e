//! The actor's inbox: a thin newtype over a crossbeam channel, the only file that names it.

use std::time::Instant;

use crossbeam_channel as cb;

/// The sending half of an inbox, held by every [`ActorRef`](crate::ActorRef).
///
/// Messages always travel through an unbounded channel, because only that flavour drops the
/// messages left in it when the receiver goes away (crossbeam's bounded channel keeps them
/// until the last sender is gone too, and every `ActorRef` holds a sender, so their reply
/// slots would never be answered). A bounded inbox adds `room`: one token per queued message
/// in a bounded channel, taken before sending and given back when the message is received.
pub(crate) struct InboxSender<T> {
    tx: cb::Sender<T>,
    room: Option<cb::Sender<()>>,
}

/// The receiving half, owned by the actor's runtime. Dropping it closes the inbox and drops
/// every queued message, which fails their reply slots; senders waiting for room get
/// [`SendError::Closed`].
pub(crate) struct InboxReceiver<T> {
    rx: cb::Receiver<T>,
    room: Option<cb::Receiver<()>>,
}

/// Why a send did not go through; the message is handed back.
pub(crate) enum SendError<T> {
    /// The receiver is gone: the actor has stopped.
    Closed(T),
    /// A bounded inbox stayed full until the deadline.
    Timeout(T),
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
    (InboxSender { tx, room: room_tx }, InboxReceiver { rx, room: room_rx })
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
    #[inline]
    pub(crate) fn send_with(&self, make: impl FnOnce() -> T) -> bool {
        if let Some(room) = &self.room
            && room.send(()).is_err()
        {
            return false;
        }
        self.tx.send(make()).is_ok()
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

    /// Queues a message without taking a token, even into a full bounded inbox: for the
    /// actor's own stop request, which must never wait (it would wait on itself). The token
    /// the receiver then frees lets one more message in, at most once per actor.
    pub(crate) fn send_untokened(&self, msg: T) -> Result<(), SendError<T>> {
        self.push(msg)
    }

    /// Queues a message once there is room for it.
    #[inline]
    fn push(&self, msg: T) -> Result<(), SendError<T>> {
        self.tx.send(msg).map_err(|e| SendError::Closed(e.into_inner()))
    }

    /// Returns the number of queued messages.
    pub(crate) fn len(&self) -> usize {
        self.tx.len()
    }
}

impl<T> InboxReceiver<T> {
    /// Whether the inbox is bounded (its receiver gives back room tokens).
    pub(crate) fn is_bounded(&self) -> bool {
        self.room.is_some()
    }

    /// [`recv_with`](Self::recv_with) for an unbounded inbox: no room to give back.
    ///
    /// Matching on the channel's result and handing the message straight to `f`, with no
    /// call in between, lets the compiler copy the envelope the way the channel wrote it
    /// (16 + 8 bytes). An `ok().map(f)` form copied bytes 8..24 as one 16-byte load right
    /// after the channel's 16 + 8 byte stores: a store-forwarding stall on every message.
    #[inline]
    pub(crate) fn recv_unbounded_with<R>(&self, f: impl FnOnce(T) -> R) -> Option<R> {
        debug_assert!(self.room.is_none());
        match self.rx.recv() {
            Ok(msg) => Some(f(msg)),
            Err(_) => None,
        }
    }

    /// Waits for the next message, gives back its room token, and hands it to `f`. `None`
    /// cannot happen while a sender lives, and the actor's own shared cell always holds one, so
    /// `None` means the runtime is shutting down.
    #[inline]
    pub(crate) fn recv_with<R>(&self, f: impl FnOnce(T) -> R) -> Option<R> {
        let received = self.rx.recv();
        if received.is_ok() {
            self.free_room();
        }
        received.ok().map(f)
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
