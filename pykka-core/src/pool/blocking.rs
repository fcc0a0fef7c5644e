//! Managed blocking: a wait inside a pooled actor gives its worker's place to a spare thread.
//!
//! Every blocking wait of pykka's runs through here when it is about to sleep: a future's
//! [`get`](crate::Future::get) (and with it `ask`, `join`, `stop`), a bounded inbox's wait for
//! room, a restarting actor's wait between incarnations. Each has spun briefly first (a reply
//! that comes within microseconds never hands anything off). On any thread but a pool's this
//! costs one thread-local read.

use crate::actor_id::ActorId;
use crate::debug;

use super::workers::{self, Handoff};

/// Runs `f`, a call that may block (a lock, a socket, a file, another library's wait), handing
/// the pool worker's place to a spare thread while it runs when called inside a pooled actor,
/// so the pool keeps running other actors meanwhile. Anywhere else it just runs `f`.
///
/// At the pool's [`max_threads`](crate::PoolBuilder::max_threads) nobody takes the worker's
/// place: `f` still runs, the pool runs one actor fewer at a time until it returns, and the
/// pool logs one WARN.
///
/// # Examples
///
/// ```
/// use pykka::{Actor, Context, Pool};
///
/// struct Reader;
/// impl Actor for Reader {
///     type Message = ();
///     type Reply = usize;
///     fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<usize, pykka::Unhandled> {
///         // Blocking I/O inside a pooled actor: the pool keeps its parallelism meanwhile.
///         Ok(pykka::blocking(|| std::fs::read("Cargo.toml").map(|b| b.len()).unwrap_or(0)))
///     }
/// }
///
/// let pool = Pool::new(2);
/// let reader = pool.start(Reader);
/// assert!(reader.ask(()).unwrap() > 0);
/// pool.shutdown();
/// ```
pub fn blocking<R>(f: impl FnOnce() -> R) -> R {
    managed(f)
}

/// Runs the blocking `f` as a managed wait (see [`blocking`]).
pub(crate) fn managed<R>(f: impl FnOnce() -> R) -> R {
    let _handoff = workers::begin_blocking();
    f()
}

/// A future's wait about to sleep: hands off as [`managed`] does and, when the future's
/// `fulfiller` is an actor, counts this thread as waiting on it, so that the pool runs that
/// actor's turns first (with every thread blocked on one slow actor, the threads that are not
/// must run it, or nobody would).
pub(crate) struct FutureWait {
    _awaited: Option<debug::Awaited>,
    _handoff: Option<Handoff>,
}

/// Begins a future's managed wait; see [`FutureWait`].
pub(crate) fn future_wait(fulfiller: Option<&ActorId>) -> FutureWait {
    let handoff = workers::begin_blocking();
    let awaited = match (&handoff, fulfiller) {
        (Some(_), Some(id)) => debug::Awaited::on(id),
        _ => None,
    };
    FutureWait {
        _awaited: awaited,
        _handoff: handoff,
    }
}
