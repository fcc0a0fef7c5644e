//! The one error type of the crate, [`Error`], and its [`Result`] alias.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::actor_id::ActorId;

/// A `Result` whose error is [`pykka::Error`](Error).
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when talking to an actor or waiting on a [`Future`](crate::Future).
///
/// Every variant says what happened and, where one is involved, to which actor. The error is
/// cheap to clone (a future's error is handed to every reader), `Send`, `Sync` and `'static`.
///
/// # Examples
///
/// ```
/// use pykka::{Actor, Context, Error};
///
/// struct Echo;
/// impl Actor for Echo {
///     type Message = u32;
///     type Reply = u32;
///     fn on_receive(&mut self, _ctx: &Context<Self>, msg: u32) -> Result<u32, pykka::Unhandled> { Ok(msg) }
/// }
///
/// let echo = Echo.start();
/// assert!(echo.stop());
/// let err = echo.tell(1).unwrap_err();
/// assert!(matches!(err, Error::ActorDead { .. }));
/// assert!(err.to_string().starts_with("actor Echo (urn:uuid:"));
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The actor was not running: it had stopped (or was stopping) before it handled the message.
    ActorDead {
        /// The actor the message was for.
        actor: ActorId,
    },
    /// No value arrived within the timeout.
    Timeout {
        /// The actor that was to reply, when known.
        actor: Option<ActorId>,
        /// How long the caller waited.
        after: Duration,
    },
    /// The actor's [`on_receive`](crate::Actor::on_receive) did not handle the message
    /// (it returned [`Unhandled`](crate::Unhandled)); the actor keeps running.
    Unhandled {
        /// The actor that did not handle the message.
        actor: ActorId,
    },
    /// The actor panicked while handling a message whose reply was awaited.
    ///
    /// The actor keeps running: the panic was caught on its thread and sent to the caller.
    Panicked {
        /// The actor that panicked.
        actor: ActorId,
        /// The panic's message (its `&str` or `String` payload).
        message: Arc<str>,
    },
    /// Blocking on the future would deadlock: the actors in `cycle` each wait on the next one,
    /// and the last waits on the first.
    Deadlock {
        /// The actors of the cycle, starting with the one that tried to block.
        cycle: Vec<ActorId>,
    },
    /// The future's value was already moved out by [`Future::wait`](crate::Future::wait).
    ValueTaken,
    /// An error set on a future by user code through [`Promise::set_error`](crate::Promise::set_error).
    Custom {
        /// What went wrong.
        message: Arc<str>,
    },
    /// The actor could not be started: the operating system refused a thread, or the process
    /// already has as many actor threads as it may ([`max_actor_threads`](crate::max_actor_threads)).
    ///
    /// Nothing of the actor is left behind: it is not registered, and its reference (which the
    /// caller never got) would say it is not alive.
    StartFailed {
        /// The actor that was to start.
        actor: ActorId,
        /// Why it could not start.
        reason: Arc<str>,
    },
    /// The actor's bounded inbox was full, and the send was not to wait for room
    /// ([`ActorRef::try_tell`](crate::ActorRef::try_tell), through [`TryTellError`]).
    InboxFull {
        /// The actor whose inbox was full.
        actor: ActorId,
    },
}

impl Error {
    /// Builds an [`Error::Custom`] with the given message.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = pykka::Error::custom("disk full");
    /// assert_eq!(err.to_string(), "disk full");
    /// ```
    pub fn custom(message: impl Into<String>) -> Self {
        Error::Custom {
            message: Arc::from(message.into()),
        }
    }

    /// Returns the actor the error is about, if there is one.
    pub fn actor(&self) -> Option<&ActorId> {
        match self {
            Error::ActorDead { actor }
            | Error::Unhandled { actor }
            | Error::Panicked { actor, .. }
            | Error::StartFailed { actor, .. }
            | Error::InboxFull { actor } => Some(actor),
            Error::Timeout { actor, .. } => actor.as_ref(),
            Error::Deadlock { cycle } => cycle.first(),
            Error::ValueTaken | Error::Custom { .. } => None,
        }
    }

    /// Returns true for [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Returns true for [`Error::ActorDead`].
    pub fn is_actor_dead(&self) -> bool {
        matches!(self, Error::ActorDead { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ActorDead { actor } => write!(f, "actor {actor} is dead"),
            Error::Unhandled { actor } => write!(f, "actor {actor} did not handle the message"),
            Error::Timeout {
                actor: Some(actor),
                after,
            } => {
                write!(f, "no reply from actor {actor} within {after:?}")
            }
            Error::Timeout { actor: None, after } => write!(f, "future not set within {after:?}"),
            Error::Panicked { actor, message } => write!(f, "actor {actor} panicked: {message}"),
            Error::Deadlock { cycle } => {
                f.write_str("deadlock: ")?;
                for (i, actor) in cycle.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" waits on ")?;
                    }
                    write!(f, "{actor}")?;
                }
                if let Some(first) = cycle.first() {
                    write!(f, " waits on {first}")?;
                }
                Ok(())
            }
            Error::ValueTaken => f.write_str("the future's value was already taken by `wait`"),
            Error::Custom { message } => f.write_str(message),
            Error::StartFailed { actor, reason } => write!(f, "cannot start actor {actor}: {reason}"),
            Error::InboxFull { actor } => write!(f, "the inbox of actor {actor} is full"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ActorDead { actor } => f.debug_struct("ActorDead").field("actor", actor).finish(),
            Error::Unhandled { actor } => f.debug_struct("Unhandled").field("actor", actor).finish(),
            Error::Timeout { actor, after } => f
                .debug_struct("Timeout")
                .field("actor", actor)
                .field("after", after)
                .finish(),
            Error::Panicked { actor, message } => f
                .debug_struct("Panicked")
                .field("actor", actor)
                .field("message", message)
                .finish(),
            Error::Deadlock { cycle } => f.debug_struct("Deadlock").field("cycle", cycle).finish(),
            Error::ValueTaken => f.write_str("ValueTaken"),
            Error::Custom { message } => f.debug_struct("Custom").field("message", message).finish(),
            Error::StartFailed { actor, reason } => f
                .debug_struct("StartFailed")
                .field("actor", actor)
                .field("reason", reason)
                .finish(),
            Error::InboxFull { actor } => f.debug_struct("InboxFull").field("actor", actor).finish(),
        }
    }
}

impl std::error::Error for Error {}

/// Why [`ActorRef::try_tell`](crate::ActorRef::try_tell) did not send: the message is handed
/// back.
///
/// [`Error`] is `Clone` and cannot carry the message, so `try_tell` returns this instead. Take
/// the message back with [`into_inner`](Self::into_inner), or turn the error into an
/// [`Error`] (`?` does) when the message is not needed: [`Error::InboxFull`] or
/// [`Error::ActorDead`].
///
/// # Examples
///
/// ```
/// use pykka::{Actor, Context, Error, TryTellError};
///
/// struct Sink;
/// impl Actor for Sink {
///     type Message = String;
///     type Reply = ();
/// }
///
/// let sink = Sink.start();
/// assert!(sink.stop());
/// let err = sink.try_tell("hello".to_owned()).unwrap_err();
/// assert!(err.is_dead());
/// assert!(matches!(err.to_error(), Error::ActorDead { .. }));
/// assert_eq!(err.into_inner(), "hello");
/// ```
pub enum TryTellError<M> {
    /// The actor's bounded inbox was full.
    Full {
        /// The actor whose inbox was full.
        actor: ActorId,
        /// The message, handed back.
        message: M,
    },
    /// The actor had stopped (or was stopping).
    Dead {
        /// The actor the message was for.
        actor: ActorId,
        /// The message, handed back.
        message: M,
    },
}

impl<M> TryTellError<M> {
    /// Returns the message that was not sent.
    pub fn into_inner(self) -> M {
        match self {
            TryTellError::Full { message, .. } | TryTellError::Dead { message, .. } => message,
        }
    }

    /// Returns the actor the message was for.
    pub fn actor(&self) -> &ActorId {
        match self {
            TryTellError::Full { actor, .. } | TryTellError::Dead { actor, .. } => actor,
        }
    }

    /// Returns true if the inbox was full: the actor is alive, and the same message may go
    /// through later.
    pub fn is_full(&self) -> bool {
        matches!(self, TryTellError::Full { .. })
    }

    /// Returns true if the actor had stopped (or was stopping).
    pub fn is_dead(&self) -> bool {
        matches!(self, TryTellError::Dead { .. })
    }

    /// Returns the [`Error`] this stands for, keeping the message: [`Error::InboxFull`] or
    /// [`Error::ActorDead`].
    pub fn to_error(&self) -> Error {
        let actor = self.actor().clone();
        match self {
            TryTellError::Full { .. } => Error::InboxFull { actor },
            TryTellError::Dead { .. } => Error::ActorDead { actor },
        }
    }
}

impl<M> From<TryTellError<M>> for Error {
    /// Drops the message: [`Error::InboxFull`] or [`Error::ActorDead`].
    fn from(err: TryTellError<M>) -> Self {
        err.to_error()
    }
}

impl<M> fmt::Display for TryTellError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_error(), f)
    }
}

/// Leaves the message out (it need not be `Debug`).
impl<M> fmt::Debug for TryTellError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.is_full() { "Full" } else { "Dead" };
        f.debug_struct(name)
            .field("actor", self.actor())
            .finish_non_exhaustive()
    }
}

impl<M> std::error::Error for TryTellError<M> {}
