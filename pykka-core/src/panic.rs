//! Panic plumbing: where the runtime catches panics, how it turns them into messages, and the
//! opt-in panic hook that keeps Rust's default hook quiet about the panics pykka handles.
//!
//! Every panic in user code on an actor thread (the factory, a hook, a handler, the `Drop` of
//! the actor or of a message) is caught by the runtime and reported once, through pykka's log
//! (target `pykka`). Rust's default panic hook runs before the runtime catches the panic, so it
//! prints the same panic to stderr first (with a backtrace under `RUST_BACKTRACE`).
//! [`quiet_handled_panics`] installs a hook that skips the previous one for exactly those
//! panics: the runtime marks the stretches of an actor thread where it catches panics (a
//! thread-local depth, written once around each batch of messages, not per message) and the
//! hook looks at that mark.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Once};

use crate::actor_id::ActorId;

thread_local! {
    /// How many of the runtime's catch points this thread is inside.
    static HANDLED: Cell<u32> = const { Cell::new(0) };
    /// The actor whose inbox this thread is closing, for the log of a queued message whose
    /// `Drop` panics.
    static CLOSING: RefCell<Option<ActorId>> = const { RefCell::new(None) };
    /// Whether the actor on this thread opted in to fail on a panic in an ask
    /// ([`RestartPolicy::ask_panics_fail`](crate::RestartPolicy::ask_panics_fail)). Set once
    /// when the thread starts; read only after such a panic.
    static ASK_PANICS_FAIL: Cell<bool> = const { Cell::new(false) };
}

/// Makes a panic in an ask fail the actor on this thread (see [`fail_on_ask_panic`]).
pub(crate) fn set_ask_panics_fail(yes: bool) {
    ASK_PANICS_FAIL.with(|f| f.set(yes));
}

/// Called after a panic in an ask was handed to the asker: if the actor on this thread opted
/// in, resumes the panic, which reaches the runtime's catch point around the batch as a
/// failure of the actor. Only the panic path reads the flag: asks that do not panic pay
/// nothing.
#[cold]
#[inline(never)]
pub(crate) fn fail_on_ask_panic(payload: Box<dyn Any + Send>) {
    if ASK_PANICS_FAIL.try_with(Cell::get).unwrap_or(false) {
        std::panic::resume_unwind(payload);
    }
}

/// Turns a panic payload into its message.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> Arc<str> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Arc::from(*s)
    } else if let Some(s) = payload.downcast_ref::<String>() {
        Arc::from(s.as_str())
    } else {
        Arc::from("<non-string panic payload>")
    }
}

/// Marks the current thread as inside one of the runtime's catch points until dropped.
struct HandledScope;

impl HandledScope {
    fn enter() -> Self {
        HANDLED.with(|h| h.set(h.get() + 1));
        HandledScope
    }
}

impl Drop for HandledScope {
    fn drop(&mut self) {
        HANDLED.with(|h| h.set(h.get() - 1));
    }
}

/// Runs `f`, catching a panic: a catch point of the runtime, whose panics pykka reports
/// itself (so [`quiet_handled_panics`]' hook keeps the default hook quiet about them).
///
/// Costs two thread-local writes: use it around a batch of work, not around each message.
#[inline]
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    let _scope = HandledScope::enter();
    catch_unwind(AssertUnwindSafe(f))
}

/// Whether the current thread is inside one of the runtime's catch points.
fn handling() -> bool {
    HANDLED.try_with(|h| h.get() > 0).unwrap_or(false)
}

/// Runs `f` (which drops the inbox of the stopped actor `id`) with `id` named for
/// [`drop_queued`]'s log.
pub(crate) fn closing<R>(id: &ActorId, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<ActorId>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0.take();
            CLOSING.with(|c| *c.borrow_mut() = previous);
        }
    }
    let _reset = Reset(CLOSING.with(|c| c.borrow_mut().replace(id.clone())));
    f()
}

/// Drops a message that was queued but never handled, catching a panic in its `Drop` and
/// logging it at ERROR. No panic escapes: the messages behind it are still dropped, so their
/// reply slots still fail with `ActorDead`.
#[cold]
#[inline(never)]
pub(crate) fn drop_queued<T>(message: T) {
    if let Err(payload) = catch(move || drop(message)) {
        let message = panic_message(payload.as_ref());
        let id = CLOSING
            .try_with(|c| c.borrow().as_ref().map(ToString::to_string))
            .ok()
            .flatten()
            .unwrap_or_else(|| "<unknown actor>".to_owned());
        tracing::error!(
            target: "pykka",
            actor = %id,
            error = %message,
            "Panic while dropping a message queued for stopped actor {id}: {message}"
        );
    }
}

/// Keeps Rust's default panic hook quiet about the panics pykka handles, and only those.
///
/// A panic in an actor's code (a handler, `on_start`, `on_stop`, `on_failure`, the actor's
/// `Drop`, the `Drop` of a message the actor never handled) is caught by the runtime and
/// reported once through pykka's log: at ERROR when it fails or stops the actor, at INFO when
/// it goes back to an asker as [`Error::Panicked`](crate::Error::Panicked). Rust's panic hook
/// runs first, though, and the default one prints every such panic to stderr as well.
///
/// This installs a panic hook that wraps the one installed before it (the default, or your
/// own) and skips it while the panicking thread is inside one of the runtime's catch points.
/// Every other panic (on your own threads, in `main`, in code an actor thread runs outside the
/// runtime's catch points) still goes to the previous hook. Calling it again does nothing. The
/// hook is process-wide, so call it early in `main`, after installing your own hook if you
/// have one. In a program built with `panic = "abort"` it hides nothing, since nothing is
/// caught there.
///
/// A panic that a handler catches itself with [`std::panic::catch_unwind`] happens inside the
/// runtime's catch point too, so the default hook is quiet about it as well.
///
/// # Examples
///
/// ```
/// use pykka::{Actor, Context, Error};
///
/// struct Fragile;
/// impl Actor for Fragile {
///     type Message = ();
///     type Reply = ();
///     fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<(), pykka::Unhandled> {
///         panic!("reported once, through pykka's log")
///     }
/// }
///
/// pykka::quiet_handled_panics();
/// let actor = Fragile.start();
/// // The asker gets the panic; stderr stays quiet.
/// assert!(matches!(actor.ask(()), Err(Error::Panicked { .. })));
/// actor.stop();
/// ```
pub fn quiet_handled_panics() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Built with `panic = "abort"`, nothing is caught: the panic ends the process, and
            // the previous hook is the only report it gets.
            if cfg!(panic = "abort") || !handling() {
                previous(info);
            }
        }));
    });
}
