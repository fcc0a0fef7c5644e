//! The runtime behind [`pykka`](https://docs.rs/pykka): thread-per-actor actors, their
//! references, futures and registry.
//!
//! Depend on the `pykka` crate, which re-exports everything here together with the
//! `#[actor]` and `#[traversable]` macros.
//!
//! ```
//! use pykka::{Actor, Context};
//!
//! struct Doubler;
//! impl Actor for Doubler {
//!     type Message = u64;
//!     type Reply = u64;
//!     fn on_receive(&mut self, _ctx: &Context<Self>, n: u64) -> Result<u64, pykka::Unhandled> {
//!         Ok(n * 2)
//!     }
//! }
//!
//! let doubler = Doubler.start();
//! assert_eq!(doubler.ask(21).unwrap(), 42);
//! doubler.stop();
//! ```

mod actor;
mod actor_id;
mod actor_ref;
mod call;
mod current;
pub mod debug;
mod envelope;
mod error;
mod future;
mod inbox;
mod interface;
mod life;
mod lifecycle;
mod limits;
mod panic;
mod pool;
mod proxy;
mod registry;
mod restart;
mod start_order;
mod supervisor;
mod sync;
mod termination;
mod threading;
mod timers;

pub use crate::actor::{Actor, Context, Failure, Unhandled};
pub use crate::actor_id::ActorId;
pub use crate::actor_ref::ActorRef;
pub use crate::error::{Error, Result, TryTellError};
pub use crate::future::{CloneValue, Future, FutureAwait, Promise, get_all, get_all_settled};
pub use crate::interface::{Implementation, Implements, Interface};
pub use crate::limits::{actor_threads, max_actor_threads, set_max_actor_threads};
pub use crate::panic::quiet_handled_panics;
pub use crate::pool::{DEFAULT_MAX_THREADS, Pool, PoolBuilder, Runtime, blocking};
pub use crate::proxy::{Dispatch, Proxied, Reply, Traversable};

/// Items used by the code `#[pykka::actor]` and `#[pykka::traversable]` generate. Not public
/// API.
#[doc(hidden)]
pub mod __private {
    pub use crate::interface::{ActorImpl, Construct, InterfaceBase, lists};
    pub use crate::proxy::{
        HasMethods, IsActor, ProxyBase, ProxyStruct, SendArg, assert_actor, assert_proxy_struct, assert_send_arg,
        current_context,
    };
}
pub use crate::registry::{ActorRegistry, AnyActorRef};
pub use crate::restart::{Backoff, Restart, RestartPolicy};
pub use crate::supervisor::{ChildSpec, Strategy, Supervisor, SupervisorSpec};
pub use crate::termination::Termination;
pub use crate::timers::{Clock, ManualClock, TimerHandle, Timers};
