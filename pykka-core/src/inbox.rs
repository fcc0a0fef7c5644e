//! The actor's inbox: a thin newtype over a crossbeam channel, the only file that names it.

use std::time::{Duration, Instant};

use crossbeam_channel as cb;

/// The sending half of an inbox, held by every [`ActorRef`](crate::ActorRef).
pub(crate) struct InboxSender<T> {
    tx: cb::Sender<T>,
}

/// The receiving half, owned by the actor's runtime. Dropping it closes the inbox and drops
/// every queued message, which fails their reply slots.
pub(crate) struct InboxReceiver<T> {
    rx: cb::Receiver<T>,
}

/// Why a send did not go through; the message is handed back.
pub(crate) enum SendError<T> {
    /// The receiver is gone: the actor has stopped.
    Closed(T),
    /// A bounded inbox stayed full until the deadline.
    Timeout(T),
}

pub(crate) fn inbox<T>(capacity: Option<usize>) -> (InboxSender<T>, InboxReceiver<T>) {
    let (tx, rx) = match capacity {
        Some(n) => cb::bounded(n.max(1)),
        None => cb::unbounded(),
    };
    (InboxSender { tx }, InboxReceiver { rx })
}

impl<T> InboxSender<T> {
    /// Sends, waiting for room in a bounded inbox.
    #[inline]
    pub(crate) fn send(&self, msg: T) -> Result<(), SendError<T>> {
        self.tx.send(msg).map_err(|e| SendError::Closed(e.into_inner()))
    }

    /// Sends, waiting for room at most until `deadline`.
    pub(crate) fn send_deadline(&self, msg: T, deadline: Instant) -> Result<(), SendError<T>> {
        self.tx.send_deadline(msg, deadline).map_err(|e| match e {
            cb::SendTimeoutError::Timeout(m) => SendError::Timeout(m),
            cb::SendTimeoutError::Disconnected(m) => SendError::Closed(m),
        })
    }

    /// Sends only if there is room right now.
    pub(crate) fn try_send(&self, msg: T) -> Result<(), SendError<T>> {
        self.tx.try_send(msg).map_err(|e| match e {
            cb::TrySendError::Full(m) => SendError::Timeout(m),
            cb::TrySendError::Disconnected(m) => SendError::Closed(m),
        })
    }

    /// Returns the number of queued messages.
    pub(crate) fn len(&self) -> usize {
        self.tx.len()
    }
}

impl<T> InboxReceiver<T> {
    /// Waits for the next message. `None` cannot happen while a sender lives, and the actor's
    /// own shared cell always holds one, so `None` means the runtime is shutting down.
    #[inline]
    pub(crate) fn recv(&self) -> Option<T> {
        match self.rx.try_recv() {
            Ok(msg) => Some(msg),
            Err(cb::TryRecvError::Empty) => self.rx.recv().ok(),
            Err(cb::TryRecvError::Disconnected) => None,
        }
    }

    /// Waits for a message at most `timeout`.
    #[allow(dead_code, reason = "used by a pooled runtime driving several inboxes")]
    pub(crate) fn recv_timeout(&self, timeout: Duration) -> Option<T> {
        self.rx.recv_timeout(timeout).ok()
    }
}
